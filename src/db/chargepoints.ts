// Set-based upserts of a page of locations, chargepoints and connectors: one statement per table
// per page. ON CONFLICT … DO UPDATE … WHERE (row) IS DISTINCT FROM (excluded row) leaves
// unchanged rows alone, so a poll in which nothing changed writes no tuple at all.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import { jsonRows, upsertCounts, type UpsertCounts } from './json-param.js';

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

type CountRow = { inserted: number; updated: number };

export async function upsertLocations(db: Executor, page: LocationRow[]): Promise<UpsertCounts> {
  if (page.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const [row] = await rows<CountRow>(
    db,
    sql`with up as (
      insert into connect.locations as t (id, name, street, zip, city, country, latitude, longitude, raw)
      select id, name, street, zip, city, country, latitude, longitude, raw
      from jsonb_to_recordset(${jsonRows(page)}) as x(id text, name text, street text, zip text, city text, country text,
        latitude double precision, longitude double precision, raw jsonb)
      on conflict (id) do update set
        name = excluded.name, street = excluded.street, zip = excluded.zip, city = excluded.city, country = excluded.country,
        latitude = excluded.latitude, longitude = excluded.longitude, raw = excluded.raw, updated_at = now(), deleted_at = null
      where (t.name, t.street, t.zip, t.city, t.country, t.latitude, t.longitude, t.raw, t.deleted_at is null)
        is distinct from (excluded.name, excluded.street, excluded.zip, excluded.city, excluded.country, excluded.latitude, excluded.longitude, excluded.raw, true)
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`,
  );
  return upsertCounts(row, page.length);
}

export async function upsertChargepoints(db: Executor, page: ChargepointRow[]): Promise<UpsertCounts> {
  if (page.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const [row] = await rows<CountRow>(
    db,
    sql`with up as (
      insert into connect.chargepoints as t (id, name, public_name, location_id, connectors_total, connectors_free,
        connectors_occupied, connectors_unavailable, upstream_created_at, upstream_updated_at, raw)
      select id, name, public_name, location_id, connectors_total, connectors_free, connectors_occupied,
        connectors_unavailable, upstream_created_at, upstream_updated_at, raw
      from jsonb_to_recordset(${jsonRows(page)}) as x(id text, name text, public_name text, location_id text,
        connectors_total int, connectors_free int, connectors_occupied int, connectors_unavailable int,
        upstream_created_at timestamptz, upstream_updated_at timestamptz, raw jsonb)
      on conflict (id) do update set
        name = excluded.name, public_name = excluded.public_name, location_id = excluded.location_id,
        connectors_total = excluded.connectors_total, connectors_free = excluded.connectors_free,
        connectors_occupied = excluded.connectors_occupied, connectors_unavailable = excluded.connectors_unavailable,
        upstream_created_at = excluded.upstream_created_at, upstream_updated_at = excluded.upstream_updated_at,
        raw = excluded.raw, updated_at = now(), deleted_at = null
      where (t.name, t.public_name, t.location_id, t.connectors_total, t.connectors_free, t.connectors_occupied,
          t.connectors_unavailable, t.upstream_created_at, t.upstream_updated_at, t.raw, t.deleted_at is null)
        is distinct from (excluded.name, excluded.public_name, excluded.location_id, excluded.connectors_total,
          excluded.connectors_free, excluded.connectors_occupied, excluded.connectors_unavailable,
          excluded.upstream_created_at, excluded.upstream_updated_at, excluded.raw, true)
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`,
  );
  return upsertCounts(row, page.length);
}

/**
 * Connectors. The current status only moves forward: a status whose updatedAt is older than the
 * stored one (a stale upstream read) leaves status and status_updated_at as they are.
 */
export async function upsertConnectors(db: Executor, page: ConnectorRow[]): Promise<UpsertCounts> {
  if (page.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const [row] = await rows<CountRow>(
    db,
    sql`with x as (
      select * from jsonb_to_recordset(${jsonRows(page)}) as x(id text, chargepoint_id text, evse text, name text,
        type_name text, current_type text, max_power double precision, type_description text, status text,
        status_updated_at timestamptz, raw jsonb)
    ), up as (
      insert into connect.connectors as t (id, chargepoint_id, evse, name, type_name, current_type, max_power,
        type_description, status, status_updated_at, raw)
      select id, chargepoint_id, evse, name, type_name, current_type, max_power, type_description, status, status_updated_at, raw from x
      on conflict (id) do update set
        chargepoint_id = excluded.chargepoint_id, evse = excluded.evse, name = excluded.name, type_name = excluded.type_name,
        current_type = excluded.current_type, max_power = excluded.max_power, type_description = excluded.type_description,
        status = case when excluded.status_updated_at < t.status_updated_at then t.status else excluded.status end,
        status_updated_at = greatest(excluded.status_updated_at, t.status_updated_at),
        raw = excluded.raw, updated_at = now(), deleted_at = null
      where (t.chargepoint_id, t.evse, t.name, t.type_name, t.current_type, t.max_power, t.type_description,
          t.status, t.status_updated_at, t.raw, t.deleted_at is null)
        is distinct from (excluded.chargepoint_id, excluded.evse, excluded.name, excluded.type_name, excluded.current_type,
          excluded.max_power, excluded.type_description,
          case when excluded.status_updated_at < t.status_updated_at then t.status else excluded.status end,
          greatest(excluded.status_updated_at, t.status_updated_at), excluded.raw, true)
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`,
  );
  return upsertCounts(row, page.length);
}

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
