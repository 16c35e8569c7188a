// A database per test file, copied from the migrated template. Kept when a test failed
// (its name is printed so it can be inspected), dropped when all passed.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
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
