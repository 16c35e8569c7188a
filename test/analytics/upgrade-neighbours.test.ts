// Upgrading a database that holds history from before migration 0007 (stored neighbours): no row
// is lost or changed, the backfill stores what the lookups find, and the outage list stays the same.
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
import { insertDaylightSavingNetwork, insertMarchNetwork, insertPasses, type SqlRunner } from './fixture.js';

const BEFORE_STORED_NEIGHBOURS = 7; // migrations 0000..0006

describe('upgrade to stored neighbours (migration 0007)', () => {
  const name = `cs_upgrade7_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
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

  it('keeps every row, stores the neighbours the lookups find and lists the same outages', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cs-migrations-'));
    try {
      cpSync(migrationsFolder(), folder, { recursive: true });
      const journalPath = join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
      journal.entries = journal.entries.slice(0, BEFORE_STORED_NEIGHBOURS);
      writeFileSync(journalPath, JSON.stringify(journal));
      await migrate(drizzle(client), { migrationsFolder: folder, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const columns = await t.sql(`select column_name from information_schema.columns where table_schema = 'connect' and table_name = 'connector_status_history' and column_name = 'prev_status'`);
    expect(columns).toEqual([]);

    await insertPasses(t);
    await insertMarchNetwork(t);
    await insertDaylightSavingNetwork(t);
    const history = `select id, connector_id, status, valid_from, valid_to, observed_at, upstream_updated_at, run_id, closed_reason, confirmed_at, observed_until
      from connect.connector_status_history order by id`;
    const outages = `select * from connect.outages('2026-03-08T00:00Z', '2026-03-12T00:00Z')
      union all select * from connect.outages('2026-03-10T07:00Z', '2026-03-10T17:00Z')
      union all select * from connect.outages('2026-10-24T00:00Z', '2026-10-27T00:00Z')`;
    const historyBefore = await t.sql(history);
    const outagesBefore = await t.sql(outages);
    expect(outagesBefore.length).toBeGreaterThan(4);

    const database = await openDatabase({ databaseUrl: url }, silentLogger);
    try {
      const result = await migrateDatabase(database, silentLogger);
      expect(result.applied).toBe(result.total - BEFORE_STORED_NEIGHBOURS);
    } finally {
      await database.close();
    }

    expect(await t.sql(history)).toEqual(historyBefore);
    const links = await t.sql<{ n: number; stored: number; wrong: number }>(
      `select count(*)::int as n, count(*) filter (where prev_status is not null or next_status is not null)::int as stored,
         count(*) filter (where prev_status is distinct from connect._prev_status(connector_id, valid_from)
           or (valid_to is not null and next_status is distinct from connect._next_status(connector_id, valid_to)))::int as wrong
       from connect.connector_status_history`,
    );
    expect(links[0]?.n).toBe(historyBefore.length);
    expect(links[0]?.stored).toBeGreaterThan(10);
    expect(links[0]?.wrong).toBe(0);
    expect(await t.sql(outages)).toEqual(outagesBefore);
  });
});
