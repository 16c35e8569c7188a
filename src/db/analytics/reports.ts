// The analytics queries. All the arithmetic lives in the SQL functions of
// migrations/0002_analytics_views.sql (connect.availability, connect.daily_availability,
// connect.outages); this module calls them, adds names and ids for display, and returns numeric
// values as the exact decimal strings PostgreSQL produced (rounding is for display only).
import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../database.js';
import { arrayLiteral } from '../json-param.js';

export type Level = 'connector' | 'chargepoint' | 'location';

/** A numeric as PostgreSQL printed it (exact); null where undefined (e.g. no up time for utilisation). */
export type Decimal = string;

/** The report period [start, end) for local dates in a time zone, resolved by PostgreSQL's time zone database. */
export interface PeriodBounds {
  start: Date;
  end: Date;
  /** Local wall time of start/end in the zone, ISO without offset (e.g. 2026-10-01T00:00:00). */
  startLocal: string;
  endLocal: string;
  /** UTC offset of start/end in minutes (e.g. 120 for +02:00). */
  startOffsetMinutes: number;
  endOffsetMinutes: number;
}

/** SQLSTATE PostgreSQL raises for an unknown time zone (and our functions for bad arguments). */
export const INVALID_PARAMETER_VALUE = '22023';

export async function periodBounds(db: Executor, from: string, to: string, tz: string): Promise<PeriodBounds> {
  const [row] = await rows<{
    start_at: Date | string;
    end_at: Date | string;
    start_local: string;
    end_local: string;
    start_offset: number;
    end_offset: number;
  }>(
    db,
    sql`select p.s as start_at, p.e as end_at,
        to_char(p.s at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as start_local,
        to_char(p.e at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as end_local,
        (extract(epoch from (p.s at time zone ${tz}) - (p.s at time zone 'UTC')) / 60)::int as start_offset,
        (extract(epoch from (p.e at time zone ${tz}) - (p.e at time zone 'UTC')) / 60)::int as end_offset
      from (select (${from}::date)::timestamp at time zone ${tz} as s, (${to}::date)::timestamp at time zone ${tz} as e) p`,
  );
  if (!row) throw new Error('unreachable: the period query returns one row');
  return {
    start: new Date(row.start_at),
    end: new Date(row.end_at),
    startLocal: row.start_local,
    endLocal: row.end_local,
    startOffsetMinutes: Number(row.start_offset),
    endOffsetMinutes: Number(row.end_offset),
  };
}

/** Figures shared by the period and the daily functions (exact decimals, minutes). */
export interface AvailabilityFigures {
  connectors: number;
  period_minutes: Decimal;
  observed_minutes: Decimal;
  not_observed_minutes: Decimal;
  up_minutes: Decimal;
  down_minutes: Decimal;
  unknown_minutes: Decimal;
  in_use_minutes: Decimal;
  outage_minutes: Decimal;
  excluded_minutes: Decimal;
  uptime_pct: Decimal | null;
  observed_share: Decimal | null;
  utilisation_pct: Decimal | null;
}

/** Names and ids that go with an entity (what the reports print besides the figures). */
export interface EntityInfo {
  entity_id: string | null;
  /** The connector's EVSE id (connector level only). */
  evse: string | null;
  connector_id: string | null;
  connector_name: string | null;
  chargepoint_id: string | null;
  chargepoint_name: string | null;
  location_id: string | null;
  location_name: string | null;
}

export interface AvailabilityRow extends AvailabilityFigures, EntityInfo {
  level: Level;
}

export interface AvailabilityQuery {
  start: Date;
  end: Date;
  level: Level;
  /** Only these entities (ids of the level); all when absent. */
  ids?: readonly string[] | undefined;
  countNotObservedAsOutage: boolean;
  /** One of `shards` disjoint parts (by entity); see connect.availability. */
  shard?: number;
  shards?: number;
}

const FIGURES = sql.raw(`a.connectors, a.period_minutes, a.observed_minutes, a.not_observed_minutes, a.up_minutes, a.down_minutes,
  a.unknown_minutes, a.in_use_minutes, a.outage_minutes, a.excluded_minutes, a.uptime_pct, a.observed_share, a.utilisation_pct`);

const ENTITY_JOINS = sql.raw(`left join connect.connectors c on a.level = 'connector' and c.id = a.entity_id
  left join connect.chargepoints cp on cp.id = case a.level when 'connector' then c.chargepoint_id when 'chargepoint' then a.entity_id end
  left join connect.locations l on l.id = case a.level when 'location' then a.entity_id else cp.location_id end`);

const ENTITY_COLUMNS = sql.raw(`a.level, a.entity_id, c.evse, c.id as connector_id, c.name as connector_name,
  cp.id as chargepoint_id, coalesce(cp.public_name, cp.name) as chargepoint_name,
  case a.level when 'location' then a.entity_id else cp.location_id end as location_id, l.name as location_name`);

/** A text[] parameter (null when absent), quoted for PostgreSQL's array syntax. */
export function textArray(ids: readonly string[] | undefined) {
  return ids === undefined ? sql`null::text[]` : sql`${arrayLiteral(ids)}::text[]`;
}

/** connect.availability with names and ids, ordered by entity id. */
export async function availability(db: Executor, q: AvailabilityQuery): Promise<AvailabilityRow[]> {
  return rows<AvailabilityRow>(
    db,
    sql`select ${ENTITY_COLUMNS}, ${FIGURES}
      from connect.availability(${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz, ${q.level}::text,
        ${textArray(q.ids)}, ${q.countNotObservedAsOutage}::boolean, ${q.shard ?? 0}::int, ${q.shards ?? 1}::int) a
      ${ENTITY_JOINS}
      order by a.entity_id`,
  );
}

export interface DailyRow extends AvailabilityFigures {
  level: Level;
  entity_id: string | null;
  /** YYYY-MM-DD in the report's time zone. */
  day: string;
  day_start: Date;
  day_end: Date;
}

/** connect.daily_availability for local dates [from, to) in tz. */
export async function dailyAvailability(
  db: Executor,
  q: { from: string; to: string; tz: string; level: Level; ids?: readonly string[] | undefined; countNotObservedAsOutage: boolean },
): Promise<DailyRow[]> {
  const result = await rows<DailyRow & { day: string | Date }>(
    db,
    sql`select to_char(a.day, 'YYYY-MM-DD') as day, a.level, a.entity_id, a.day_start, a.day_end, ${FIGURES}
      from connect.daily_availability(${q.from}::date, ${q.to}::date, ${q.tz}::text, ${q.level}::text, ${textArray(q.ids)},
        ${q.countNotObservedAsOutage}::boolean) a
      order by a.entity_id, a.day`,
  );
  return result.map((r) => ({ ...r, day: String(r.day), day_start: new Date(r.day_start), day_end: new Date(r.day_end) }));
}

export interface OutageRow {
  connector_id: string;
  evse: string | null;
  chargepoint_id: string | null;
  outage_id: string;
  outage_start: Date;
  outage_end: Date;
  status: string;
  statuses: string;
  intervals: number;
  ongoing: boolean;
  duration_minutes: Decimal;
  not_observed_minutes: Decimal;
  excluded_minutes: Decimal;
  exclusion_reasons: string | null;
}

/** connect.outages with the connector's EVSE id and chargepoint. */
export async function outages(db: Executor, q: { start: Date; end: Date; level?: Level; ids?: readonly string[] | undefined }): Promise<OutageRow[]> {
  const result = await rows<OutageRow>(
    db,
    sql`select o.connector_id, c.evse, c.chargepoint_id, o.outage_id, o.outage_start, o.outage_end, o.status, o.statuses, o.intervals,
        o.ongoing, o.duration_minutes, o.not_observed_minutes, o.excluded_minutes, o.exclusion_reasons
      from connect.outages(${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz, ${textArray(q.ids)},
        ${q.level ?? 'connector'}::text) o
      left join connect.connectors c on c.id = o.connector_id
      order by o.connector_id, o.outage_start`,
  );
  return result.map((r) => ({ ...r, outage_start: new Date(r.outage_start), outage_end: new Date(r.outage_end), intervals: Number(r.intervals) }));
}

/** Statuses that no row of connect.status_categories classifies (they count as unknown); counts are in connect.unmapped_statuses. */
export async function unmappedStatusNames(db: Executor): Promise<string[]> {
  const result = await rows<{ status: string }>(
    db,
    sql`select c.status from connect.status_catalog() c
      where not exists (select 1 from connect.status_categories sc where sc.status = lower(c.status))
      order by c.status`,
  );
  return result.map((r) => r.status);
}
