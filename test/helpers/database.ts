// A database per test file, copied from the migrated template. Kept when a test failed
// (its name is printed so it can be inspected), dropped when all passed.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { MIGRATIONS_SCHEMA, MIGRATIONS_TABLE, migrateDatabase, migrationsFolder } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/log.js';
import { withDatabase } from '../setup/global-setup.js';

export interface TestDatabase {
  url: string;
  name: string;
  database: Database;
  /** A plain pg client for assertions written in SQL. */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export function adminUrl(): string {
  return inject('adminDatabaseUrl');
}

/** Creates an empty copy of the migrated template. */
export async function createDatabaseCopy(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const hash = createHash('sha1').update(label).digest('hex').slice(0, 8);
  const name = `cs_test_${hash}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${inject('templateDatabase')}`);
        break;
      } catch (err) {
        // "source database is being accessed by other users": another file is copying it right now.
        if ((err as { code?: string }).code !== '55006' || attempt > 40) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl(), name),
    name,
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      // Let clients that are closing finish before the drop forces out whatever is left.
      for (let i = 0; i < 20; i++) {
        const r = await a.query(`select count(*)::int as n from pg_stat_activity where datname = $1`, [name]);
        if (r.rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Registers beforeAll/afterAll hooks that give the calling test file its own database. */
export function useTestDatabase(label: string): TestDatabase {
  const handle = {} as TestDatabase;
  let copy: Awaited<ReturnType<typeof createDatabaseCopy>>;
  let pool: pg.Pool;
  let failed = false;
  beforeAll(async () => {
    copy = await createDatabaseCopy(label);
    pool = new pg.Pool({ connectionString: copy.url, max: 3 });
    // The database is force-dropped after the file: a client still closing may hear "terminating
    // connection" — expected then, and no reason to fail the run.
    pool.on('error', () => {});
    handle.url = copy.url;
    handle.name = copy.name;
    handle.database = await openDatabase({ databaseUrl: copy.url, poolSize: 5 }, silentLogger);
    handle.sql = async (text, params) => (await pool.query(text, params as unknown[])).rows;
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    await handle.database?.close();
    await pool?.end();
    if (failed) console.warn(`test database kept for inspection: ${copy?.name}`);
    else await copy?.drop();
  });
  return handle;
}

export interface OlderDatabase {
  /** SQL as a plain pg client of the database. */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Applies the remaining migrations as the product does (`migrate`), and says how many. */
  upgrade(): Promise<{ applied: number; total: number }>;
}

/**
 * Registers beforeAll/afterAll hooks that give the calling test file an empty database of its own
 * with only the first `migrations` migrations applied: the schema an older release left, for a
 * test of the upgrade from it.
 */
export function useDatabaseBefore(label: string, migrations: number): OlderDatabase {
  const name = `cs_${label}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const url = withDatabase(adminUrl(), name);
  let client: pg.Client;
  const admin = async (text: string) => {
    const a = new pg.Client({ connectionString: adminUrl() });
    await a.connect();
    await a.query(text);
    await a.end();
  };
  beforeAll(async () => {
    await admin(`create database ${name}`);
    client = new pg.Client({ connectionString: url });
    await client.connect();
    // The first `migrations` entries of the journal, applied by drizzle's migrator as `migrate` does.
    const folder = mkdtempSync(join(tmpdir(), 'cs-migrations-'));
    try {
      cpSync(migrationsFolder(), folder, { recursive: true });
      const journalPath = join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
      journal.entries = journal.entries.slice(0, migrations);
      writeFileSync(journalPath, JSON.stringify(journal));
      await migrate(drizzle(client), { migrationsFolder: folder, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await client?.end();
    await admin(`drop database if exists ${name} with (force)`);
  });
  return {
    sql: async (text, params) => (await client.query(text, params as unknown[])).rows,
    async upgrade() {
      const database = await openDatabase({ databaseUrl: url }, silentLogger);
      try {
        return await migrateDatabase(database, silentLogger);
      } finally {
        await database.close();
      }
    },
  };
}
