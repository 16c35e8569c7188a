// A small network with hand-checkable histories. Status passes (sync_runs, job chargepoints) start
// every 10 minutes and take 1 minute; a page fetched by a pass is stamped start + 30 s. So an
// interval that ends at a pass start t was last confirmed by the pass that started at t - 10 min,
// and the 10 minutes before its end are not observed.
//
// Passes: 2026-03-08 00:00Z .. 2026-03-12 00:00Z, except [2026-03-10 12:00, 13:00) failed and
// [13:00, 15:00) missing (a worker outage); 2026-10-23 .. 2026-10-27 (daylight-saving end in
// Europe/Berlin on 2026-10-25); 2026-03-27 .. 2026-03-31 (start on 2026-03-29).
import type { TestDatabase } from '../helpers/database.js';

/** Anything that runs SQL with parameters: the test database's pg pool, or a PGlite client. */
export type SqlRunner = Pick<TestDatabase, 'sql'>;

export interface Interval {
  status: string;
  from: string;
  to: string | null;
  /** Fetch time of the pass that first saw it (default: from + 30 s). */
  observed?: string;
  closedReason?: string;
}

export const at = (iso: string) => new Date(iso.endsWith('Z') ? iso : `${iso}Z`).toISOString();
const plus30s = (iso: string) => new Date(Date.parse(at(iso)) + 30_000).toISOString();

export async function insertPasses(t: SqlRunner): Promise<void> {
  await t.sql(`
    insert into connect.sync_runs (job, status, started_at, finished_at, heartbeat_at, complete)
    select 'chargepoints', case when s >= '2026-03-10 12:00Z' and s < '2026-03-10 13:00Z' then 'failed' else 'succeeded' end,
      s, s + interval '1 minute', s + interval '1 minute', true
    from (
      select generate_series('2026-03-08 00:00Z'::timestamptz, '2026-03-12 00:00Z', interval '10 minutes') as s
      union all select generate_series('2026-10-23 00:00Z'::timestamptz, '2026-10-27 00:00Z', interval '10 minutes')
      union all select generate_series('2026-03-27 00:00Z'::timestamptz, '2026-03-31 00:00Z', interval '10 minutes')
    ) p
    where not (s >= '2026-03-10 13:00Z' and s < '2026-03-10 15:00Z')`);
  // Neither a running pass nor another job's run counts as a status pass.
  await t.sql(`insert into connect.sync_runs (job, status, started_at, finished_at) values
    ('chargepoints', 'running', '2026-03-12 00:05Z', null),
    ('contacts', 'succeeded', '2026-03-12 01:00Z', '2026-03-12 01:05Z')`);
}

export async function insertChargepoint(t: SqlRunner, id: string, locationId: string | null, name = id): Promise<void> {
  if (locationId) {
    await t.sql(`insert into connect.locations (id, name, raw) values ($1, $2, '{}') on conflict do nothing`, [locationId, `Site ${locationId}`]);
  }
  await t.sql(`insert into connect.chargepoints (id, name, location_id, raw) values ($1, $2, $3, '{}')`, [id, name, locationId]);
}

export async function insertConnector(
  t: SqlRunner,
  id: string,
  chargepointId: string,
  history: Interval[],
  options: { evse?: string | null; deletedAt?: string } = {},
): Promise<void> {
  const current = history.at(-1);
  await t.sql(`insert into connect.connectors (id, chargepoint_id, evse, status, raw, deleted_at) values ($1, $2, $3, $4, '{}', $5)`, [
    id,
    chargepointId,
    options.evse === undefined ? `DE*CSY*E${id}` : options.evse,
    current?.status ?? null,
    options.deletedAt ? at(options.deletedAt) : null,
  ]);
  for (const i of history) {
    await t.sql(
      `insert into connect.connector_status_history (connector_id, status, valid_from, valid_to, observed_at, closed_reason) values ($1, $2, $3, $4, $5, $6)`,
      [id, i.status, at(i.from), i.to === null ? null : at(i.to), i.observed ? at(i.observed) : plus30s(i.from), i.closedReason ?? null],
    );
  }
}

/**
 * The March network (period of interest: 2026-03-10 UTC, 1440 minutes). Expected minutes per
 * connector are in EXPECTED_MARCH_10.
 */
export async function insertMarchNetwork(t: SqlRunner): Promise<void> {
  await insertChargepoint(t, 'cp-A', 'loc-1', 'Alpha');
  await insertChargepoint(t, 'cp-E', 'loc-1', 'Echo');
  await insertChargepoint(t, 'cp-U', 'loc-2', 'Uniform');
  await insertChargepoint(t, 'cp-N', null, 'November');

  // a1: crosses both period bounds, a 2-hour fault, open at the end.
  await insertConnector(t, 'a1', 'cp-A', [
    { status: 'Available', from: '2026-03-09 20:00', to: '2026-03-10 06:00' },
    { status: 'Faulted', from: '2026-03-10 06:00', to: '2026-03-10 08:00' },
    { status: 'Available', from: '2026-03-10 08:00', to: null },
  ]);
  // a2: the status changed at 12:30 during the worker outage (passes failed 12:00-13:00, none
  // 13:00-15:00); the first pass afterwards (15:00) saw Faulted with its upstream time 12:30.
  await insertConnector(t, 'a2', 'cp-A', [
    { status: 'Available', from: '2026-03-09 22:00', to: '2026-03-10 12:30' },
    { status: 'Faulted', from: '2026-03-10 12:30', to: '2026-03-10 18:00', observed: '2026-03-10 15:00:30' },
    { status: 'Available', from: '2026-03-10 18:00', to: null },
  ]);
  // a3: appeared at 10:00 and replayed its past from the upstream's timestamps, one interval per pass.
  await insertConnector(t, 'a3', 'cp-A', [
    { status: 'Available', from: '2026-03-10 01:00', to: '2026-03-10 02:00', observed: '2026-03-10 10:00:30' },
    { status: 'Charging', from: '2026-03-10 02:00', to: '2026-03-10 03:00', observed: '2026-03-10 10:10:30' },
    { status: 'Available', from: '2026-03-10 03:00', to: null, observed: '2026-03-10 10:20:30' },
  ]);
  // e1: a fault 16:00-20:00 with exclusion windows (chargepoint 15-17, connector 16:30-18 and 19:45-21).
  await insertConnector(t, 'e1', 'cp-E', [
    { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 16:00' },
    { status: 'Faulted', from: '2026-03-10 16:00', to: '2026-03-10 20:00' },
    { status: 'Available', from: '2026-03-10 20:00', to: null },
  ]);
  await t.sql(`insert into connect.outage_exclusions (connector_id, chargepoint_id, starts_at, ends_at, reason) values
    (null, 'cp-E', '2026-03-10 15:00Z', '2026-03-10 17:00Z', 'utility outage'),
    ('e1', null, '2026-03-10 16:30Z', '2026-03-10 18:00Z', 'vandalism'),
    ('e1', null, '2026-03-10 19:45Z', '2026-03-10 21:00Z', 'maintenance'),
    ('a1', null, '2026-03-11 01:00Z', '2026-03-11 02:00Z', 'next day, outside the period')`);
  // u1: RESERVED (lower-cased: reserved = up), WEIRD (no category: unknown), Unknown (unknown).
  await insertConnector(t, 'u1', 'cp-U', [
    { status: 'RESERVED', from: '2026-03-09 00:00', to: '2026-03-10 04:00' },
    { status: 'WEIRD', from: '2026-03-10 04:00', to: '2026-03-10 05:00' },
    { status: 'Unknown', from: '2026-03-10 05:00', to: '2026-03-10 06:00' },
    { status: 'Available', from: '2026-03-10 06:00', to: null },
  ]);
  // d1: vanished (the pass that started 09:10 no longer returned it) and came back at 10:00.
  await insertConnector(t, 'd1', 'cp-U', [
    { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 09:10', closedReason: 'deleted' },
    { status: 'Available', from: '2026-03-10 10:00', to: null },
  ]);
  // n1: a fault seen only by a failed pass (12:05-12:15): never confirmed, so not observed at all.
  await insertConnector(
    t,
    'n1',
    'cp-N',
    [
      { status: 'Available', from: '2026-03-09 00:00', to: '2026-03-10 12:05' },
      { status: 'Faulted', from: '2026-03-10 12:05', to: '2026-03-10 12:15', observed: '2026-03-10 12:05:30' },
      { status: 'Available', from: '2026-03-10 12:15', to: null, observed: '2026-03-10 12:15:30' },
    ],
    { evse: null },
  );
}

export interface ExpectedMinutes {
  up: number;
  down: number;
  unknown: number;
  notObserved: number;
  inUse: number;
  excluded: number;
  excludedIfNotObservedCounts: number;
}

/** Hand-computed minutes for 2026-03-10 (UTC), period 1440 minutes per connector. */
export const EXPECTED_MARCH_10: Record<string, ExpectedMinutes> = {
  // [00:00,05:50) up 350; [05:50,06:00) n/o; [06:00,07:50) down 110; [07:50,08:00) n/o; [08:00,24:00) up 960.
  a1: { up: 1310, down: 110, unknown: 0, notObserved: 20, inUse: 0, excluded: 0, excludedIfNotObservedCounts: 0 },
  // [00:00,11:50) up 710; [11:50,12:30) n/o 40 (the worker outage); [12:30,17:50) down 320; [17:50,18:00) n/o; [18:00,24:00) up 360.
  a2: { up: 1070, down: 320, unknown: 0, notObserved: 50, inUse: 0, excluded: 0, excludedIfNotObservedCounts: 0 },
  // [00:00,01:00) before the first interval: n/o 60; the replayed history is observed: up 60 + 60 (charging) + 1260.
  a3: { up: 1380, down: 0, unknown: 0, notObserved: 60, inUse: 60, excluded: 0, excludedIfNotObservedCounts: 0 },
  // [00:00,15:50) up 950; n/o 10; [16:00,19:50) down 230; n/o 10; [20:00,24:00) up 240.
  // Exclusions [15:00,18:00) ∪ [19:45,21:00): ∩ down = 120 + 5 = 125; ∩ (down ∪ n/o) = 130 + 15 = 145.
  e1: { up: 1190, down: 230, unknown: 0, notObserved: 20, inUse: 0, excluded: 125, excludedIfNotObservedCounts: 145 },
  // [00:00,03:50) RESERVED (up) 230; WEIRD 50 + Unknown 50 = unknown 100; n/o 3 × 10; [06:00,24:00) up 1080.
  u1: { up: 1310, down: 0, unknown: 100, notObserved: 30, inUse: 0, excluded: 0, excludedIfNotObservedCounts: 0 },
  // [00:00,09:00) up 540; [09:00,09:10) unconfirmed before the deletion + [09:10,10:00) gone = n/o 60; [10:00,24:00) up 840.
  d1: { up: 1380, down: 0, unknown: 0, notObserved: 60, inUse: 0, excluded: 0, excludedIfNotObservedCounts: 0 },
  // [00:00,11:50) up 710; [11:50,12:05) n/o 15; the unconfirmed fault [12:05,12:15) n/o 10; [12:15,24:00) up 705.
  n1: { up: 1415, down: 0, unknown: 0, notObserved: 25, inUse: 0, excluded: 0, excludedIfNotObservedCounts: 0 },
};

/** Around the end of daylight-saving time in Europe/Berlin (2026-10-25 has 25 hours). */
export async function insertDaylightSavingNetwork(t: SqlRunner): Promise<void> {
  await insertChargepoint(t, 'cp-B', 'loc-3', 'Bravo');
  // b1: Faulted 02:00Z-03:00Z on 2026-10-25 (03:00-03:00 CEST/CET local, inside the repeated hour).
  await insertConnector(t, 'b1', 'cp-B', [
    { status: 'Available', from: '2026-10-24 00:00', to: '2026-10-25 02:00' },
    { status: 'Faulted', from: '2026-10-25 02:00', to: '2026-10-25 03:00' },
    { status: 'Available', from: '2026-10-25 03:00', to: null },
  ]);
  // s1: always available across the start of daylight-saving time (2026-03-29, 23 hours).
  await insertChargepoint(t, 'cp-S', 'loc-3', 'Sierra');
  await insertConnector(t, 's1', 'cp-S', [{ status: 'Available', from: '2026-03-27 00:00', to: null, observed: '2026-03-27 00:00:30' }]);
}

/**
 * DESIGN.md's definition of observed, literally: max(started_at) over the passes that still saw
 * the interval. $1 is a LIKE pattern for connector ids.
 */
export const COVERAGE_DEFINITION = `
  select h.id::text as id, h.connector_id,
    least(coalesce(h.valid_to, 'infinity'), greatest(h.valid_from, (
      select max(p.started_at) from connect.sync_runs p
      where p.job = 'chargepoints' and p.status = 'succeeded'
        and p.finished_at >= h.observed_at
        and (n.observed_at is null or p.finished_at < n.observed_at)
        and (h.closed_reason is distinct from 'deleted' or p.started_at < h.valid_to)))) as observed_until
  from connect.connector_status_history h
  left join lateral (
    select n.observed_at from connect.connector_status_history n
    where n.connector_id = h.connector_id and n.valid_from > h.valid_from order by n.valid_from limit 1) n on true
  where h.connector_id like $1
  order by h.id`;
