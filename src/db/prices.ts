// Price intervals per chargepoint (and card; '' = the price without a card), with the interval
// model of the status history: a changed price closes the open interval and opens a new one,
// an unchanged price writes nothing. One statement per page.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import { jsonRows } from './json-param.js';

export interface PriceObservation {
  chargepoint_id: string;
  tag_id: string;
  name: string | null;
  price: string | null;
  currency: string | null;
  raw: unknown;
}

export async function recordPrices(db: Executor, page: PriceObservation[], observedAt: Date, runId: number): Promise<{ opened: number; closed: number }> {
  if (page.length === 0) return { opened: 0, closed: 0 };
  const at = observedAt.toISOString();
  const [row] = await rows<{ opened: number; closed: number }>(
    db,
    sql`with input as (
      select * from jsonb_to_recordset(${jsonRows(page)}) as x(chargepoint_id text, tag_id text, name text, price numeric, currency text, raw jsonb)
    ), decided as (
      select i.*, h.id as open_id, h.valid_from as open_from,
        case when h.id is null then 'first'
             when (h.name, h.price, h.currency) is distinct from (i.name, i.price, i.currency) and ${at}::timestamptz > h.valid_from then 'change'
             else 'same' end as kind
      from input i left join lateral (
        select p.id, p.valid_from, p.name, p.price, p.currency from connect.price_history p
        where p.chargepoint_id = i.chargepoint_id and p.tag_id = i.tag_id and p.valid_to is null
      ) h on true
    ), closed as (
      update connect.price_history h set valid_to = ${at}::timestamptz
      from decided d where h.id = d.open_id and d.kind = 'change'
      returning h.id
    ), opened as (
      insert into connect.price_history (chargepoint_id, tag_id, name, price, currency, valid_from, observed_at, raw, run_id)
      select chargepoint_id, tag_id, name, price, currency,
        greatest(${at}::timestamptz, (select max(p.valid_to) from connect.price_history p where p.chargepoint_id = d.chargepoint_id and p.tag_id = d.tag_id)),
        ${at}::timestamptz, raw, ${runId}::bigint
      from decided d
      where kind in ('first', 'change') and (select count(*) from closed) >= 0
      returning id
    )
    select (select count(*)::int from opened) as opened, (select count(*)::int from closed) as closed`,
  );
  return row ?? { opened: 0, closed: 0 };
}

/** Non-deleted chargepoint ids after `after`, in id order (the prices job reads them in batches). */
export async function chargepointIdsAfter(db: Executor, after: string | null, limit: number): Promise<string[]> {
  const r = await rows<{ id: string }>(
    db,
    sql`select id from connect.chargepoints where deleted_at is null and (${after}::text is null or id > ${after}::text) order by id limit ${limit}`,
  );
  return r.map((x) => x.id);
}
