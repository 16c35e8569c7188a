// The short availability summary the demo prints: minutes per status category over a window,
// from the status history (category via connect.status_categories; unmapped counts as unknown).
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';

export interface AvailabilitySummaryRow {
  chargepoint_id: string;
  name: string | null;
  connectors: number;
  up_min: number;
  down_min: number;
  unknown_min: number;
  availability_pct: number | null;
}

/** Per chargepoint, over [from, to): minutes up, down, unknown across its connectors' intervals. */
export async function availabilitySummary(db: Executor, from: Date, to: Date): Promise<AvailabilitySummaryRow[]> {
  return rows<AvailabilitySummaryRow>(
    db,
    sql`with w as (select ${from.toISOString()}::timestamptz as f, ${to.toISOString()}::timestamptz as t),
    clipped as (
      select c.chargepoint_id, coalesce(sc.category, 'unknown') as category,
        extract(epoch from least(coalesce(h.valid_to, w.t), w.t) - greatest(h.valid_from, w.f)) / 60 as minutes
      from connect.connector_status_history h
      join connect.connectors c on c.id = h.connector_id
      left join connect.status_categories sc on sc.status = lower(h.status)
      cross join w
      where h.valid_from < w.t and coalesce(h.valid_to, w.t) > w.f
    )
    select cp.id as chargepoint_id, coalesce(cp.public_name, cp.name) as name,
      (select count(*)::int from connect.connectors c where c.chargepoint_id = cp.id and c.deleted_at is null) as connectors,
      round(coalesce(sum(minutes) filter (where category = 'up'), 0))::int as up_min,
      round(coalesce(sum(minutes) filter (where category = 'down'), 0))::int as down_min,
      round(coalesce(sum(minutes) filter (where category = 'unknown'), 0))::int as unknown_min,
      round(100 * sum(minutes) filter (where category = 'up') / nullif(sum(minutes), 0), 2)::float8 as availability_pct
    from connect.chargepoints cp left join clipped on clipped.chargepoint_id = cp.id
    where cp.deleted_at is null
    group by cp.id, cp.public_name, cp.name
    order by availability_pct nulls last, cp.id`,
  );
}

/** True when the connect schema holds data that is not the demo's (the demo must not mix into it). */
export async function holdsForeignData(db: Executor): Promise<boolean> {
  const [r] = await rows<{ comment: string | null; n: number }>(
    db,
    sql`select obj_description('connect'::regnamespace, 'pg_namespace') as comment,
      (select count(*)::int from connect.sync_runs) as n`,
  );
  return (r?.n ?? 0) > 0 && r?.comment !== DEMO_MARK;
}

export const DEMO_MARK = 'connect-sync demo data (simulated)';

export async function markAsDemo(db: Executor): Promise<void> {
  await db.execute(sql.raw(`comment on schema connect is '${DEMO_MARK}'`));
}
