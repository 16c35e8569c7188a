// Upgrading a database that holds history from before migration 0004 (stored coverage): the
// backfill stores exactly what the 0002 functions computed, and every report figure stays the same.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { MIGRATIONS_SCHEMA, MIGRATIONS_TABLE, migrateDatabase, migrationsFolder } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { adminUrl } from '../helpers/database.js';
import { withDatabase } from '../setup/global-setup.js';
import { insertMarchNetwork, insertPasses, type SqlRunner } from './fixture.js';

const BEFORE_STORED_COVERAGE = 4; // migrations 0000..0003

describe('upgrade to stored coverage (migration 0004)', () => {
  const name = `cs_upgrade_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const url = withDatabase(adminUrl(), name);
  let client: pg.Client;
  const t: SqlRunner = { sql: async (text, params) => (await client.query(text, params)).rows };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('stores what the old functions computed and reports the same figures as before', async () => {
    // The schema as the previous release left it: the first four migrations only.
    const folder = mkdtempSync(join(tmpdir(), 'cs-migrations-'));
    try {
      cpSync(migrationsFolder(), folder, { recursive: true });
      const journalPath = join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
      journal.entries = journal.entries.slice(0, BEFORE_STORED_COVERAGE);
      writeFileSync(journalPath, JSON.stringify(journal));
      await migrate(drizzle(client), { migrationsFolder: folder, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const columns = await t.sql(`select column_name from information_schema.columns where table_schema = 'connect' and table_name = 'connector_status_history' and column_name = 'observed_until'`);
    expect(columns).toEqual([]);

    await insertPasses(t);
    await insertMarchNetwork(t);
    const coverage = `select interval_id::text as id, confirmed_at, observed_until, valid_to is not null and closed_reason is distinct from 'deleted' as closed_by_change
      from connect.interval_coverage('-infinity', 'infinity') order by interval_id`;
    const figures = `select * from connect.availability('2026-03-08T00:00Z', '2026-03-12T00:00Z', 'connector')
      union all select * from connect.availability('2026-03-10T00:00Z', '2026-03-11T00:00Z', 'location')
      order by 1, 2`;
    const coverageBefore = await t.sql<{ id: string; confirmed_at: Date | null; observed_until: Date; closed_by_change: boolean }>(coverage);
    const figuresBefore = await t.sql(figures);
    expect(coverageBefore.filter((r) => r.closed_by_change).length).toBeGreaterThan(5);
    expect(figuresBefore.length).toBeGreaterThan(5);

    const database = await openDatabase({ databaseUrl: url }, silentLogger);
    try {
      const result = await migrateDatabase(database, silentLogger);
      expect(result.applied).toBe(result.total - BEFORE_STORED_COVERAGE);
    } finally {
      await database.close();
    }

    // Every interval closed by a status change now carries the coverage the old functions computed;
    // open intervals and deletion closes are still computed at query time.
    const stored = await t.sql<{ id: string; confirmed_at: Date | null; observed_until: Date | null }>(
      `select h.id::text as id, h.confirmed_at, h.observed_until from connect.connector_status_history h order by h.id`,
    );
    const show = (d: Date | null | undefined) => d?.toISOString() ?? null;
    expect(stored.map((r) => [r.id, show(r.confirmed_at), show(r.observed_until)])).toEqual(
      coverageBefore.map((r) => (r.closed_by_change ? [r.id, show(r.confirmed_at), show(r.observed_until)] : [r.id, null, null])),
    );
    expect(await t.sql(coverage)).toEqual(coverageBefore);
    expect(await t.sql(figures)).toEqual(figuresBefore);
  });
});
