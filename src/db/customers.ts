// Contacts, cards and charging sessions: one upsert statement per table per page (upsert.ts),
// unchanged rows not rewritten. Values are stored as received — implausible numbers included
// (they are listed by connect.session_data_quality, never dropped or "fixed").
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import type { UpsertCounts } from './json-param.js';
import { upsertPage, type UpsertSpec } from './upsert.js';

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

export const CONTACTS: UpsertSpec = {
  table: 'connect.contacts',
  key: 'id',
  columns: [
    ['id', 'text'], ['customer_number', 'text'], ['is_company', 'boolean'], ['name', 'text'], ['given_name', 'text'],
    ['email', 'text'], ['phone', 'text'], ['fax', 'text'], ['birthdate', 'date'], ['gender', 'text'], ['address', 'jsonb'],
    ['raw', 'jsonb'],
  ],
};

export const CARDS: UpsertSpec = {
  table: 'connect.cards',
  key: 'tag_id',
  columns: [
    ['tag_id', 'text'], ['contact_id', 'text'], ['billing_contact_id', 'text'], ['active', 'boolean'], ['card_type', 'int'],
    ['name', 'text'], ['rate', 'text'], ['valid_from', 'date'], ['raw', 'jsonb'],
  ],
};

/** Sessions; `stopped` counts ACTIVE → not ACTIVE transitions. A session fetched by id keeps its contact. */
export const SESSIONS: UpsertSpec = {
  table: 'connect.charging_sessions',
  key: 'id',
  columns: [
    ['id', 'text'], ['contact_id', 'text'], ['card_id', 'text'], ['connector_id', 'text'], ['connector_type', 'text'],
    ['evse', 'text'], ['status', 'text'], ['start_time', 'timestamptz'], ['end_time', 'timestamptz'], ['duration_s', 'int'],
    ['meter_start_wh', 'bigint'], ['meter_end_wh', 'bigint'], ['meter_total_wh', 'bigint'], ['costs', 'numeric'],
    ['costs_net', 'numeric'], ['tax_amount', 'numeric'], ['currency', 'text'], ['tariff', 'text'], ['raw', 'jsonb'],
  ],
  merge: { contact_id: 'coalesce({new}.contact_id, t.contact_id)' },
  storedColumns: ['status'],
  countChanged: { stopped: "upper(t_status) = 'ACTIVE' and upper(coalesce(status, '')) <> 'ACTIVE'" },
};

export const upsertContacts = (db: Executor, page: ContactRow[]): Promise<UpsertCounts> => upsertPage(db, CONTACTS, page);
export const upsertCards = (db: Executor, page: CardRow[]): Promise<UpsertCounts> => upsertPage(db, CARDS, page);
export async function upsertSessions(db: Executor, page: SessionRow[]): Promise<UpsertCounts & { stopped: number }> {
  const { stopped = 0, ...counts } = await upsertPage(db, SESSIONS, page);
  return { ...(counts as UpsertCounts), stopped };
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
