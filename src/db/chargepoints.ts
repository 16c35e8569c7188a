// Locations, chargepoints and connectors: one upsert statement per table per page (upsert.ts),
// and deletion after a complete pass.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import type { UpsertCounts } from './json-param.js';
import { upsertPage, type UpsertSpec } from './upsert.js';
import { SEEN_TABLE } from './seen.js';
import type { LocationRecord } from '../connect/records.js';

/** A location as the client reads it (same field names as the table's columns), keyed, with its raw record and fingerprint. */
export type LocationRow = LocationRecord & { id: string; raw: unknown; row_hash: string };

export interface ChargepointRow {
  id: string;
  name: string | null;
  public_name: string | null;
  location_id: string | null;
  connectors_total: number | null;
  connectors_free: number | null;
  connectors_occupied: number | null;
  connectors_unavailable: number | null;
  upstream_created_at: string | null;
  upstream_updated_at: string | null;
  raw: unknown;
  row_hash: string;
}

export interface ConnectorRow {
  id: string;
  chargepoint_id: string;
  evse: string | null;
  name: string | null;
  type_name: string | null;
  current_type: string | null;
  max_power: number | null;
  type_description: string | null;
  status: string | null;
  status_updated_at: string | null;
  raw: unknown;
  row_hash: string;
}

export const LOCATIONS: UpsertSpec = {
  table: 'connect.locations',
  key: 'id',
  columns: [
    ['id', 'text'], ['name', 'text'], ['street', 'text'], ['zip', 'text'], ['city', 'text'], ['country', 'text'],
    ['latitude', 'double precision'], ['longitude', 'double precision'], ['raw', 'jsonb'], ['row_hash', 'uuid'],
  ],
  hashColumn: 'row_hash',
};

export const CHARGEPOINTS: UpsertSpec = {
  table: 'connect.chargepoints',
  key: 'id',
  columns: [
    ['id', 'text'], ['name', 'text'], ['public_name', 'text'], ['location_id', 'text'], ['connectors_total', 'int'],
    ['connectors_free', 'int'], ['connectors_occupied', 'int'], ['connectors_unavailable', 'int'],
    ['upstream_created_at', 'timestamptz'], ['upstream_updated_at', 'timestamptz'], ['raw', 'jsonb'], ['row_hash', 'uuid'],
  ],
  hashColumn: 'row_hash',
};

/**
 * Connectors. The current status only moves forward: a status whose updatedAt is older than the
 * stored one (a stale upstream read) leaves status and status_updated_at as they are.
 */
export const CONNECTORS: UpsertSpec = {
  table: 'connect.connectors',
  key: 'id',
  columns: [
    ['id', 'text'], ['chargepoint_id', 'text'], ['evse', 'text'], ['name', 'text'], ['type_name', 'text'],
    ['current_type', 'text'], ['max_power', 'double precision'], ['type_description', 'text'], ['status', 'text'],
    ['status_updated_at', 'timestamptz'], ['raw', 'jsonb'], ['row_hash', 'uuid'],
  ],
  hashColumn: 'row_hash',
  merge: {
    status: 'case when {new}.status_updated_at < t.status_updated_at then t.status else {new}.status end',
    status_updated_at: 'greatest({new}.status_updated_at, t.status_updated_at)',
  },
};

export const upsertLocations = (db: Executor, page: LocationRow[]): Promise<UpsertCounts> => upsertPage(db, LOCATIONS, page);
export const upsertChargepoints = (db: Executor, page: ChargepointRow[]): Promise<UpsertCounts> => upsertPage(db, CHARGEPOINTS, page);
export const upsertConnectors = (db: Executor, page: ConnectorRow[]): Promise<UpsertCounts> => upsertPage(db, CONNECTORS, page);

export interface DeletionCounts {
  chargepoints: number;
  connectors: number;
  intervalsClosed: number;
  locations: number;
  /** The connectors left (not deleted) by status, for the metrics gauge. */
  byStatus: Array<{ status: string | null; n: number }>;
}

/**
 * After a complete, successful pass: chargepoints, connectors and locations the pass did not
 * return (not in the session's seen tables, see seen.ts) get deleted_at, and the connectors' open
 * status intervals are closed at the pass time (closed_reason 'deleted'; no synthetic REMOVED
 * interval, so availability figures never invent a status). Connectors of chargepoints in
 * `keepConnectorsOf` (returned rejected, or confirmed to exist) are kept. If they come back, the
 * upserts clear deleted_at and the next observation opens a new interval. The same statement
 * counts the connectors left by status (one read of the connectors for both).
 */
export async function markUnseenDeleted(db: Executor, keepConnectorsOf: string[], passTime: Date): Promise<DeletionCounts> {
  const at = passTime.toISOString();
  const [row] = await rows<DeletionCounts>(
    db,
    sql`with keep as materialized (select jsonb_array_elements_text(${JSON.stringify(keepConnectorsOf)}::jsonb) as id),
    live_conn as materialized (
      select t.id, t.chargepoint_id, t.status from connect.connectors t where t.deleted_at is null
    ), unseen_conn as materialized (
      select l.id from live_conn l
      where not exists (select 1 from ${sql.raw(SEEN_TABLE.c)} s where s.id = l.id)
        and not exists (select 1 from keep k where k.id = l.chargepoint_id)
    ), gone_cp as (
      update connect.chargepoints t set deleted_at = ${at}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from ${sql.raw(SEEN_TABLE.p)} s where s.id = t.id)
      returning t.id
    ), gone_conn as (
      update connect.connectors t set deleted_at = ${at}::timestamptz, updated_at = now()
      from unseen_conn u where t.id = u.id and t.deleted_at is null
      returning t.id
    ), closed as (
      update connect.connector_status_history h
      set valid_to = greatest(${at}::timestamptz, h.valid_from + interval '1 millisecond'), closed_reason = 'deleted'
      from gone_conn g where h.connector_id = g.id and h.valid_to is null
      returning h.id
    ), gone_loc as (
      update connect.locations t set deleted_at = ${at}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from ${sql.raw(SEEN_TABLE.l)} s where s.id = t.id)
      returning t.id
    )
    select (select count(*)::int from gone_cp) as chargepoints, (select count(*)::int from gone_conn) as connectors,
      (select count(*)::int from closed) as "intervalsClosed", (select count(*)::int from gone_loc) as locations,
      (select coalesce(jsonb_agg(jsonb_build_object('status', status, 'n', n)), '[]'::jsonb) from (
        select l.status, count(*)::int as n from live_conn l
        where not exists (select 1 from unseen_conn u where u.id = l.id) group by l.status
      ) g) as "byStatus"`,
  );
  return row ?? { chargepoints: 0, connectors: 0, intervalsClosed: 0, locations: 0, byStatus: [] };
}

/** Non-deleted chargepoints the pass did not return (at most `limit`): the deletion candidates. */
export async function unseenChargepointIds(db: Executor, limit: number): Promise<string[]> {
  const r = await rows<{ id: string }>(
    db,
    sql`select t.id from connect.chargepoints t
      where t.deleted_at is null and not exists (select 1 from ${sql.raw(SEEN_TABLE.p)} s where s.id = t.id)
      order by t.id limit ${limit}`,
  );
  return r.map((x) => x.id);
}
