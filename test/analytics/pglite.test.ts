// The analytics SQL on the embedded PGlite database: same migration, same figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uptimeCsv } from '../../src/analytics/format/uptime.js';
import { reportOutages } from '../../src/analytics/outages.js';
import { reportUptime } from '../../src/analytics/uptime.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { EXPECTED_MARCH_10, insertDaylightSavingNetwork, insertMarchNetwork, insertPasses, type SqlRunner } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-pglite-analytics-'));
let database: Database;
let runner: SqlRunner;

beforeAll(async () => {
  database = await openDatabase({ dataDir: dir }, silentLogger);
  await migrateDatabase(database, silentLogger);
  const client = (database.db as unknown as { $client: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> } }).$client;
  runner = { sql: async <T,>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[] } as SqlRunner;
  await insertPasses(runner);
  await insertMarchNetwork(runner);
  await insertDaylightSavingNetwork(runner);
}, 60_000);

afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('analytics on PGlite', () => {
  it('computes the same minutes as on PostgreSQL', async () => {
    const rows = await runner.sql<{ entity_id: string; up_minutes: string; down_minutes: string; unknown_minutes: string; not_observed_minutes: string; excluded_minutes: string }>(
      `select * from connect.availability('2026-03-10T00:00Z', '2026-03-11T00:00Z')`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.entity_id, [r.up_minutes, r.down_minutes, r.unknown_minutes, r.not_observed_minutes, r.excluded_minutes].map(Number)]))).toEqual(
      Object.fromEntries(Object.entries(EXPECTED_MARCH_10).map(([id, e]) => [id, [e.up, e.down, e.unknown, e.notObserved, e.excluded]])),
    );
  });

  it('runs the daily function, the views and the reports', async () => {
    const [day] = await runner.sql<{ period_minutes: string; down_minutes: string }>(
      `select * from connect.daily_availability('2026-10-25', '2026-10-26', 'Europe/Berlin', 'connector', '{b1}')`,
    );
    expect([Number(day!.period_minutes), Number(day!.down_minutes)]).toEqual([1500, 50]);
    expect(await runner.sql(`select status from connect.unmapped_statuses`)).toEqual([{ status: 'WEIRD' }]);
    expect((await runner.sql(`select * from connect.status_intervals`)).length).toBe(25);
    expect((await runner.sql(`select * from connect.observation_coverage`)).length).toBe(9);
    const report = await reportUptime(database, { from: '2026-03-10', to: '2026-03-11' });
    expect(uptimeCsv(report)).toMatch(/\r\nDE\*CSY\*Ee1,2026-03-10T00:00:00\+00:00,2026-03-11T00:00:00\+00:00,92\.71,230\.00,125\.00,/);
    const outages = await reportOutages(database, { from: '2026-03-10', to: '2026-03-11' });
    expect(outages.rows.map((o) => o.connector_id)).toEqual(['a1', 'a2', 'e1', 'n1', 'u1']);
  });
});
