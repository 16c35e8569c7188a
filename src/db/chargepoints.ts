// Locations, chargepoints and connectors: one upsert statement per table per page (upsert.ts),
// and deletion after a complete pass.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import type { UpsertCounts } from './json-param.js';
import { upsertPage, type UpsertSpec } from './upsert.js';

export interface LocationRow {
  id: string;
  name: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  raw: unknown;
}

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
}

export const LOCATIONS: UpsertSpec = {
  table: 'connect.locations',
  key: 'id',
  columns: [
    ['id', 'text'], ['name', 'text'], ['street', 'text'], ['zip', 'text'], ['city', 'text'], ['country', 'text'],
    ['latitude', 'double precision'], ['longitude', 'double precision'], ['raw', 'jsonb'],
  ],
};

export const CHARGEPOINTS: UpsertSpec = {
  table: 'connect.chargepoints',
  key: 'id',
  columns: [
    ['id', 'text'], ['name', 'text'], ['public_name', 'text'], ['location_id', 'text'], ['connectors_total', 'int'],
    ['connectors_free', 'int'], ['connectors_occupied', 'int'], ['connectors_unavailable', 'int'],
    ['upstream_created_at', 'timestamptz'], ['upstream_updated_at', 'timestamptz'], ['raw', 'jsonb'],
  ],
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
    ['status_updated_at', 'timestamptz'], ['raw', 'jsonb'],
  ],
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
}

/**
 * After a complete, successful pass: chargepoints and connectors the pass did not return get
 * deleted_at, and their open status interval is closed at the pass time (closed_reason 'deleted';
 * no synthetic REMOVED interval, so availability figures never invent a status). If they come
 * back, the upserts clear deleted_at and the next observation opens a new interval.
 */
export async function markUnseenDeleted(
  db: Executor,
  seen: { chargepointIds: string[]; connectorIds: string[]; locationIds: string[]; rejectedChargepointIds?: string[] },
  passTime: Date,
): Promise<DeletionCounts> {
  const [row] = await rows<DeletionCounts>(
    db,
    sql`with seen_cp as materialized (select jsonb_array_elements_text(${JSON.stringify(seen.chargepointIds)}::jsonb) as id),
    seen_conn as materialized (select jsonb_array_elements_text(${JSON.stringify(seen.connectorIds)}::jsonb) as id),
    seen_loc as materialized (select jsonb_array_elements_text(${JSON.stringify(seen.locationIds)}::jsonb) as id),
    -- Connectors of a chargepoint that came back rejected were not really unseen.
    rejected_cp as materialized (select jsonb_array_elements_text(${JSON.stringify(seen.rejectedChargepointIds ?? [])}::jsonb) as id),
    gone_cp as (
      update connect.chargepoints t set deleted_at = ${passTime.toISOString()}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from seen_cp s where s.id = t.id)
      returning t.id
    ), gone_conn as (
      update connect.connectors t set deleted_at = ${passTime.toISOString()}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from seen_conn s where s.id = t.id)
        and not exists (select 1 from rejected_cp r where r.id = t.chargepoint_id)
      returning t.id
    ), closed as (
      update connect.connector_status_history h
      set valid_to = greatest(${passTime.toISOString()}::timestamptz, h.valid_from + interval '1 millisecond'), closed_reason = 'deleted'
      from gone_conn g where h.connector_id = g.id and h.valid_to is null
      returning h.id
    ), gone_loc as (
      update connect.locations t set deleted_at = ${passTime.toISOString()}::timestamptz, updated_at = now()
      where t.deleted_at is null and not exists (select 1 from seen_loc s where s.id = t.id)
      returning t.id
    )
    select (select count(*)::int from gone_cp) as chargepoints, (select count(*)::int from gone_conn) as connectors,
      (select count(*)::int from closed) as "intervalsClosed", (select count(*)::int from gone_loc) as locations`,
  );
  return row ?? { chargepoints: 0, connectors: 0, intervalsClosed: 0, locations: 0 };
}

/** Non-deleted chargepoints a pass did not return (at most `limit`): the deletion candidates. */
export async function unseenChargepointIds(db: Executor, seenIds: string[], limit: number): Promise<string[]> {
  const r = await rows<{ id: string }>(
    db,
    sql`with seen as materialized (select jsonb_array_elements_text(${JSON.stringify(seenIds)}::jsonb) as id)
      select t.id from connect.chargepoints t
      where t.deleted_at is null and not exists (select 1 from seen s where s.id = t.id)
      order by t.id limit ${limit}`,
  );
  return r.map((x) => x.id);
}
