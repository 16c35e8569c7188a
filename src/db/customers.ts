// Set-based upserts of contacts, cards and charging sessions: one statement per table per page,
// unchanged rows not rewritten. Values are stored as received — implausible numbers included
// (they are listed by connect.session_data_quality, never dropped or "fixed").
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import { jsonRows, upsertCounts, type UpsertCounts } from './json-param.js';

export interface ContactRow {
  id: string;
  customer_number: string | null;
  is_company: boolean | null;
  name: string | null;
  given_name: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  birthdate: string | null;
  gender: string | null;
  address: unknown;
  raw: unknown;
}

export interface CardRow {
  tag_id: string;
  contact_id: string | null;
  billing_contact_id: string | null;
  active: boolean | null;
  card_type: number | null;
  name: string | null;
  rate: string | null;
  valid_from: string | null;
  raw: unknown;
}

export interface SessionRow {
  id: string;
  contact_id: string | null;
  card_id: string | null;
  connector_id: string | null;
  connector_type: string | null;
  evse: string | null;
  status: string | null;
  start_time: string | null;
  end_time: string | null;
  duration_s: number | null;
  meter_start_wh: number | null;
  meter_end_wh: number | null;
  meter_total_wh: number | null;
  /** Decimal text as received: numeric, never a float on the way. */
  costs: string | null;
  costs_net: string | null;
  tax_amount: string | null;
  currency: string | null;
  tariff: string | null;
  raw: unknown;
}

type CountRow = { inserted: number; updated: number };
const NONE: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };

export async function upsertContacts(db: Executor, page: ContactRow[]): Promise<UpsertCounts> {
  if (page.length === 0) return NONE;
  const [row] = await rows<CountRow>(
    db,
    sql`with up as (
      insert into connect.contacts as t (id, customer_number, is_company, name, given_name, email, phone, fax, birthdate, gender, address, raw)
      select id, customer_number, is_company, name, given_name, email, phone, fax, birthdate, gender, address, raw
      from jsonb_to_recordset(${jsonRows(page)}) as x(id text, customer_number text, is_company boolean, name text,
        given_name text, email text, phone text, fax text, birthdate date, gender text, address jsonb, raw jsonb)
      on conflict (id) do update set
        customer_number = excluded.customer_number, is_company = excluded.is_company, name = excluded.name,
        given_name = excluded.given_name, email = excluded.email, phone = excluded.phone, fax = excluded.fax,
        birthdate = excluded.birthdate, gender = excluded.gender, address = excluded.address, raw = excluded.raw,
        updated_at = now(), deleted_at = null
      where (t.customer_number, t.is_company, t.name, t.given_name, t.email, t.phone, t.fax, t.birthdate, t.gender,
          t.address, t.raw, t.deleted_at is null)
        is distinct from (excluded.customer_number, excluded.is_company, excluded.name, excluded.given_name, excluded.email,
          excluded.phone, excluded.fax, excluded.birthdate, excluded.gender, excluded.address, excluded.raw, true)
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`,
  );
  return upsertCounts(row, page.length);
}

export async function upsertCards(db: Executor, page: CardRow[]): Promise<UpsertCounts> {
  if (page.length === 0) return NONE;
  const [row] = await rows<CountRow>(
    db,
    sql`with up as (
      insert into connect.cards as t (tag_id, contact_id, billing_contact_id, active, card_type, name, rate, valid_from, raw)
      select tag_id, contact_id, billing_contact_id, active, card_type, name, rate, valid_from, raw
      from jsonb_to_recordset(${jsonRows(page)}) as x(tag_id text, contact_id text, billing_contact_id text, active boolean,
        card_type int, name text, rate text, valid_from date, raw jsonb)
      on conflict (tag_id) do update set
        contact_id = excluded.contact_id, billing_contact_id = excluded.billing_contact_id, active = excluded.active,
        card_type = excluded.card_type, name = excluded.name, rate = excluded.rate, valid_from = excluded.valid_from,
        raw = excluded.raw, updated_at = now(), deleted_at = null
      where (t.contact_id, t.billing_contact_id, t.active, t.card_type, t.name, t.rate, t.valid_from, t.raw, t.deleted_at is null)
        is distinct from (excluded.contact_id, excluded.billing_contact_id, excluded.active, excluded.card_type, excluded.name,
          excluded.rate, excluded.valid_from, excluded.raw, true)
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`,
  );
  return upsertCounts(row, page.length);
}

export async function upsertSessions(db: Executor, page: SessionRow[]): Promise<UpsertCounts & { stopped: number }> {
  if (page.length === 0) return { ...NONE, stopped: 0 };
  const [row] = await rows<CountRow & { stopped: number }>(
    db,
    sql`with x as (
      select * from jsonb_to_recordset(${jsonRows(page)}) as x(id text, contact_id text, card_id text, connector_id text,
        connector_type text, evse text, status text, start_time timestamptz, end_time timestamptz, duration_s int,
        meter_start_wh bigint, meter_end_wh bigint, meter_total_wh bigint, costs numeric, costs_net numeric,
        tax_amount numeric, currency text, tariff text, raw jsonb)
    ), before as (
      select s.id, s.status from connect.charging_sessions s join x using (id)
    ), up as (
      insert into connect.charging_sessions as t (id, contact_id, card_id, connector_id, connector_type, evse, status,
        start_time, end_time, duration_s, meter_start_wh, meter_end_wh, meter_total_wh, costs, costs_net, tax_amount,
        currency, tariff, raw)
      select id, contact_id, card_id, connector_id, connector_type, evse, status, start_time, end_time, duration_s,
        meter_start_wh, meter_end_wh, meter_total_wh, costs, costs_net, tax_amount, currency, tariff, raw from x
      on conflict (id) do update set
        contact_id = coalesce(excluded.contact_id, t.contact_id), card_id = excluded.card_id,
        connector_id = excluded.connector_id, connector_type = excluded.connector_type, evse = excluded.evse,
        status = excluded.status, start_time = excluded.start_time, end_time = excluded.end_time,
        duration_s = excluded.duration_s, meter_start_wh = excluded.meter_start_wh, meter_end_wh = excluded.meter_end_wh,
        meter_total_wh = excluded.meter_total_wh, costs = excluded.costs, costs_net = excluded.costs_net,
        tax_amount = excluded.tax_amount, currency = excluded.currency, tariff = excluded.tariff, raw = excluded.raw,
        updated_at = now(), deleted_at = null
      where (t.contact_id, t.card_id, t.connector_id, t.connector_type, t.evse, t.status, t.start_time, t.end_time,
          t.duration_s, t.meter_start_wh, t.meter_end_wh, t.meter_total_wh, t.costs, t.costs_net, t.tax_amount,
          t.currency, t.tariff, t.raw, t.deleted_at is null)
        is distinct from (coalesce(excluded.contact_id, t.contact_id), excluded.card_id, excluded.connector_id,
          excluded.connector_type, excluded.evse, excluded.status, excluded.start_time, excluded.end_time,
          excluded.duration_s, excluded.meter_start_wh, excluded.meter_end_wh, excluded.meter_total_wh, excluded.costs,
          excluded.costs_net, excluded.tax_amount, excluded.currency, excluded.tariff, excluded.raw, true)
      returning t.id, t.status, (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated,
      (select count(*)::int from up join before b using (id) where upper(b.status) = 'ACTIVE' and upper(up.status) <> 'ACTIVE') as stopped
    from up`,
  );
  return { ...upsertCounts(row, page.length), stopped: Number(row?.stopped ?? 0) };
}

/** Non-deleted contact ids after `after`, in id order: the fan-out reads them a batch at a time. */
export async function contactIdsAfter(db: Executor, after: string | null, limit: number): Promise<string[]> {
  const r = await rows<{ id: string }>(
    db,
    sql`select id from connect.contacts where deleted_at is null and (${after}::text is null or id > ${after}::text) order by id limit ${limit}`,
  );
  return r.map((x) => x.id);
}

/** Sessions we hold as ACTIVE for these contacts that the active pass no longer returned. */
export async function activeSessionsNotIn(db: Executor, contactIds: string[], seenIds: string[]): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const r = await rows<{ id: string }>(
    db,
    sql`select s.id from connect.charging_sessions s
      where upper(s.status) = 'ACTIVE' and s.deleted_at is null
        and s.contact_id in (select jsonb_array_elements_text(${JSON.stringify(contactIds)}::jsonb))
        and s.id not in (select jsonb_array_elements_text(${JSON.stringify(seenIds)}::jsonb))`,
  );
  return r.map((x) => x.id);
}

/** After a complete contacts pass: contacts it did not return get deleted_at. */
export async function markUnseenContactsDeleted(db: Executor, seenIds: string[], passTime: Date): Promise<number> {
  const r = await rows<{ id: string }>(
    db,
    sql`with seen as materialized (select jsonb_array_elements_text(${JSON.stringify(seenIds)}::jsonb) as id)
      update connect.contacts t set deleted_at = ${passTime.toISOString()}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from seen s where s.id = t.id)
      returning t.id`,
  );
  return r.length;
}

/**
 * Cards of contacts whose card pass completed, that the pass did not return, get deleted_at.
 * Contacts whose pass failed keep their cards as they were.
 */
export async function markUnseenCardsDeleted(db: Executor, completedContactIds: string[], seenTagIds: string[], passTime: Date): Promise<number> {
  if (completedContactIds.length === 0) return 0;
  const r = await rows<{ tag_id: string }>(
    db,
    sql`with done as materialized (select jsonb_array_elements_text(${JSON.stringify(completedContactIds)}::jsonb) as id),
      seen as materialized (select jsonb_array_elements_text(${JSON.stringify(seenTagIds)}::jsonb) as id)
      update connect.cards t set deleted_at = ${passTime.toISOString()}::timestamptz, updated_at = now()
      where t.deleted_at is null and exists (select 1 from done d where d.id = t.contact_id)
        and not exists (select 1 from seen s where s.id = t.tag_id)
      returning t.tag_id`,
  );
  return r.length;
}
