// Stored neighbours (migration 0007): connect.outages gives the same rows whether the neighbours'
// statuses are stored (by the sync, or by the migration's backfill) or looked up, and the sync
// stores exactly what the lookups find.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/migrate.js';
import { recordStatusObservations } from '../../src/db/status-history.js';
import { useTestDatabase } from '../helpers/database.js';
import { insertChargepoint, insertConnector, insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-outages-stored');

/** The migration's backfill statement, as committed. */
function backfill(): string {
  const text = readFileSync(join(migrationsFolder(), '0007_stored_neighbours.sql'), 'utf8');
  const statement = text.split('--> statement-breakpoint').find((s) => /UPDATE "connect"."connector_status_history"/.test(s));
  if (!statement) throw new Error('backfill statement not found in migration 0007');
  return statement;
}

const PERIODS: Array<[string, string]> = [
  ['2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'],
  ['2026-03-08T00:00:00Z', '2026-03-12T00:00:00Z'],
  // Bounds inside runs: a run cut at the period's start and at its end.
  ['2026-03-10T07:00:00Z', '2026-03-10T13:00:00Z'],
  ['2026-03-10T16:30:00Z', '2026-03-10T19:10:00Z'],
  ['2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'],
];

async function allOutages(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [from, to] of PERIODS) {
    out.push(await t.sql(`select * from connect.outages($1, $2)`, [from, to]));
    out.push(await t.sql(`select * from connect.outages($1, $2, '{r1,r2,e1}')`, [from, to]));
    out.push(await t.sql(`select * from connect.outage_csv_fields($1, $2, 'Europe/Berlin')`, [from, to]));
  }
  return out;
}

beforeAll(async () => {
  await insertPasses(t);
  await insertMarchNetwork(t);
  await insertDaylightSavingNetwork(t);
  await insertChargepoint(t, 'cp-R', 'loc-2', 'Romeo');
  // r1: runs of one, two, three and four outage intervals, one up interval between them, one run
  // still open at the end.
  await insertConnector(t, 'r1', 'cp-R', [
    { status: 'Available', from: '2026-03-10 00:00', to: '2026-03-10 01:00' },
    { status: 'Faulted', from: '2026-03-10 01:00', to: '2026-03-10 02:00' },
    { status: 'Available', from: '2026-03-10 02:00', to: '2026-03-10 03:00' },
    { status: 'Faulted', from: '2026-03-10 03:00', to: '2026-03-10 04:00' },
    { status: 'Unknown', from: '2026-03-10 04:00', to: '2026-03-10 05:00' },
    { status: 'Charging', from: '2026-03-10 05:00', to: '2026-03-10 06:00' },
    { status: 'Unavailable', from: '2026-03-10 06:00', to: '2026-03-10 08:00' },
    { status: 'Faulted', from: '2026-03-10 08:00', to: '2026-03-10 10:00' },
    { status: 'Unavailable', from: '2026-03-10 10:00', to: '2026-03-10 13:00' },
    { status: 'Available', from: '2026-03-10 13:00', to: '2026-03-10 17:00' },
    { status: 'Faulted', from: '2026-03-10 17:00', to: '2026-03-10 18:00' },
    { status: 'WEIRD', from: '2026-03-10 18:00', to: '2026-03-10 19:00' },
    { status: 'Faulted', from: '2026-03-10 19:00', to: '2026-03-10 20:00' },
    { status: 'Unknown', from: '2026-03-10 20:00', to: null },
  ]);
  // r2: an outage before a gap (not contiguous: two runs), and a deletion whose connector came back
  // at the very moment it had vanished (contiguous: one run across the deletion).
  await insertConnector(t, 'r2', 'cp-R', [
    { status: 'Faulted', from: '2026-03-10 01:00', to: '2026-03-10 02:00' },
    { status: 'Faulted', from: '2026-03-10 02:30', to: '2026-03-10 04:00' },
    { status: 'Unavailable', from: '2026-03-10 04:00', to: '2026-03-10 09:10', closedReason: 'deleted' },
    { status: 'Faulted', from: '2026-03-10 09:10', to: '2026-03-10 11:00' },
    { status: 'Available', from: '2026-03-10 11:00', to: null },
  ]);
});

describe('stored neighbours (migration 0007)', () => {
  it('connect.outages gives the same rows with the neighbours looked up and stored', async () => {
    const [before] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history where prev_status is not null or next_status is not null`);
    expect(before?.n).toBe(0);
    const lookedUp = await allOutages();
    // r1's runs are there: 1, 2, 3 and 4 intervals (the last one ongoing).
    const r1 = await t.sql<{ intervals: number; statuses: string; ongoing: boolean }>(
      `select intervals, statuses, ongoing from connect.outages('2026-03-10T00:00Z', '2026-03-11T00:00Z', '{r1}')`,
    );
    expect(r1.map((r) => [r.intervals, r.statuses, r.ongoing])).toEqual([
      [1, 'Faulted', false],
      [2, 'Faulted, Unknown', false],
      [3, 'Faulted, Unavailable', false],
      [4, 'Faulted, Unknown, WEIRD', true],
    ]);

    await t.sql(backfill());
    const [after] = await t.sql<{ n: number }>(
      `select count(*)::int as n from connect.connector_status_history where prev_status is not null or next_status is not null`,
    );
    expect(after?.n).toBeGreaterThan(20);
    expect(await allOutages()).toEqual(lookedUp);
  });

  it('the sync stores the neighbours the lookups find', async () => {
    await insertChargepoint(t, 'cp-W', 'loc-2', 'Whiskey');
    await t.sql(`insert into connect.connectors (id, chargepoint_id, status, raw) values ('w1', 'cp-W', 'Available', '{}'), ('w2', 'cp-W', 'Available', '{}')`);
    const db = t.database.db;
    const pass = async (at: string, statuses: Record<string, string>, updatedAt = at) =>
      recordStatusObservations(
        db,
        Object.entries(statuses).map(([connector_id, status]) => ({ connector_id, status, valid_from: updatedAt, upstream_updated_at: updatedAt })),
        new Date(at),
        null,
      );
    await pass('2026-03-11T00:00:00Z', { w1: 'Available', w2: 'Faulted' });
    await pass('2026-03-11T01:00:00Z', { w1: 'Faulted', w2: 'Faulted' });
    await pass('2026-03-11T02:00:00Z', { w1: 'Unknown', w2: 'Available' });
    // w2 vanishes (closed as a deletion at 02:30) and comes back with an older upstream time: its
    // new interval begins where the deleted one ended (a neighbour), then changes again.
    await t.sql(`update connect.connector_status_history set valid_to = '2026-03-11T02:30:00Z', closed_reason = 'deleted' where connector_id = 'w2' and valid_to is null`);
    await pass('2026-03-11T03:00:00Z', { w2: 'Faulted' }, '2026-03-11T02:10:00Z');
    await pass('2026-03-11T04:00:00Z', { w1: 'Available', w2: 'Available' });

    const rows = await t.sql<{ connector_id: string; status: string; prev_status: string | null; next_status: string | null; prev_lookup: string | null; next_lookup: string | null; closed_reason: string | null }>(
      `select connector_id, status, prev_status, next_status, closed_reason,
         connect._prev_status(connector_id, valid_from) as prev_lookup,
         case when valid_to is not null then connect._next_status(connector_id, valid_to) end as next_lookup
       from connect.connector_status_history where connector_id in ('w1', 'w2') order by connector_id, valid_from`,
    );
    expect(rows.map((r) => [r.connector_id, r.status, r.prev_status, r.next_status])).toEqual([
      ['w1', 'Available', null, 'Faulted'],
      ['w1', 'Faulted', 'Available', 'Unknown'],
      ['w1', 'Unknown', 'Faulted', 'Available'],
      ['w1', 'Available', 'Unknown', null],
      ['w2', 'Faulted', null, 'Available'],
      // Closed as a deletion: the successor came later, so it is looked up, not stored.
      ['w2', 'Available', 'Faulted', null],
      ['w2', 'Faulted', 'Available', 'Available'],
      ['w2', 'Available', 'Faulted', null],
    ]);
    for (const r of rows) {
      expect(r.prev_status).toBe(r.prev_lookup);
      if (r.closed_reason !== 'deleted') expect(r.next_status).toBe(r.next_lookup);
    }
    expect(rows[5]!.next_lookup).toBe('Faulted');
    // And the outages read from stored and looked-up neighbours alike.
    const outages = await t.sql<{ connector_id: string; outage_start: Date; outage_end: Date; intervals: number; statuses: string }>(
      `select connector_id, outage_start, outage_end, intervals, statuses from connect.outages('2026-03-11T00:00Z', '2026-03-12T00:00Z', '{w1,w2}')`,
    );
    expect(outages.map((o) => [o.connector_id, o.outage_start.toISOString(), o.outage_end.toISOString(), o.intervals, o.statuses])).toEqual([
      ['w1', '2026-03-11T01:00:00.000Z', '2026-03-11T04:00:00.000Z', 2, 'Faulted, Unknown'],
      ['w2', '2026-03-11T00:00:00.000Z', '2026-03-11T02:00:00.000Z', 1, 'Faulted'],
      ['w2', '2026-03-11T02:30:00.000Z', '2026-03-11T04:00:00.000Z', 1, 'Faulted'],
    ]);
  });
});
