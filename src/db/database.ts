// The database handle: DATABASE_URL → a pg pool; no DATABASE_URL → an embedded PGlite database in
// DATA_DIR. Both are driven through drizzle's shared Postgres types, so every query in src/db/
// runs unchanged on either.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from '../log.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A drizzle transaction or the database itself: everything in src/db/ takes one of these. */
export type Executor = Pick<Db, 'execute'>;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  readonly db: Db;
  /**
   * Runs fn while holding a session-level advisory lock named `key`, on the connection that holds
   * the lock (fn gets it as `db`): if that connection dies, the lock goes with it and so do fn's
   * queries. mode 'try' returns { acquired: false } at once when another session holds the lock;
   * 'wait' blocks until it is free. `lost` aborts (with the reason) as soon as that connection dies,
   * so fn can stop before its next write instead of finding out at it.
   */
  withLock<T>(key: string, mode: 'try' | 'wait', fn: (db: Db, lost: AbortSignal) => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
}

/** Runs a query and returns its rows (the two drivers' result objects both carry `rows`). */
export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Runs a query as the named prepared statement `name` where the driver has them (pg): PostgreSQL
 * then parses and plans it once per connection instead of at every page. The text under one name
 * must never change (the statements of the page writes are built once per process).
 */
export async function rowsNamed<T>(db: Executor, name: string, query: SQL): Promise<T[]> {
  const inner = db as unknown as {
    session?: { prepareQuery?: (q: unknown, fields: undefined, name: string, arrayMode: boolean) => { execute(): Promise<{ rows: T[] }> } };
    dialect?: { sqlToQuery(q: SQL): unknown };
  };
  if (!inner.session?.prepareQuery || !inner.dialect) return rows<T>(db, query);
  const result = await inner.session.prepareQuery(inner.dialect.sqlToQuery(query), undefined, name, false).execute();
  return result.rows;
}

// Two-integer advisory lock keys: a fixed namespace ('CSYN') and hashtext(name), so our locks
// never collide with another application's single-bigint keys.
const LOCK_NAMESPACE = 0x4353594e;

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function openDatabase(
  options: { databaseUrl?: string | undefined; dataDir?: string; poolSize?: number },
  logger: Logger,
): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10, logger);
  return openPglite(options.dataDir ?? './.connect-sync', logger);
}

async function openPostgres(url: string, poolSize: number, logger: Logger): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000, application_name: 'connect-sync' });
  // An idle client that loses its server (restart, pg_terminate_backend) must not crash the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection lost'));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const location = redactUrl(url);
  logger.info({ database: 'postgres', location }, 'using PostgreSQL');
  return {
    kind: 'postgres',
    location,
    db,
    async withLock(key, mode, fn) {
      const client = await pool.connect();
      // A checked-out client whose server connection dies emits 'error'; the query in flight
      // rejects as well, so the run fails through its own path. Without a listener it would crash the process.
      const lost = new AbortController();
      const onError = (err: Error) => {
        logger.warn({ err: err.message }, 'database connection of a running job lost');
        lost.abort(err);
      };
      client.on('error', onError);
      let released = false;
      const release = (err?: Error) => {
        if (!released) {
          client.off('error', onError);
          client.release(err);
        }
        released = true;
      };
      try {
        if (mode === 'try') {
          const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LOCK_NAMESPACE, key]);
          if (!r.rows[0]?.ok) return { acquired: false };
        } else {
          await client.query('select pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, key]);
        }
        try {
          return { acquired: true, value: await fn(drizzle({ client, schema }) as unknown as Db, lost.signal) };
        } finally {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, key]).catch((err: Error) => {
            // The connection died: the server dropped the lock with it. Discard the client.
            release(err);
          });
        }
      } finally {
        release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, logger: Logger): Promise<Database> {
  const [{ PGlite }, { btree_gist }, { drizzle }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
    import('drizzle-orm/pglite'),
  ]);
  const dir = resolve(dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, { extensions: { btree_gist } });
  const db = drizzle({ client, schema }) as unknown as Db;
  logger.info({ database: 'pglite', location: dir }, 'using the embedded PGlite database (set DATABASE_URL to use PostgreSQL)');
  // PGlite is one connection in this process: a promise chain per key stands in for advisory locks.
  const held = new Map<string, Promise<void>>();
  return {
    kind: 'pglite',
    location: join(dataDir, 'pgdata'),
    db,
    async withLock(key, mode, fn) {
      const previous = held.get(key);
      if (previous && mode === 'try') return { acquired: false };
      let done!: () => void;
      const mine = new Promise<void>((r) => (done = r));
      const chained = (previous ?? Promise.resolve()).then(() => mine);
      held.set(key, chained);
      await previous;
      try {
        return { acquired: true, value: await fn(db, new AbortController().signal) };
      } finally {
        done();
        if (held.get(key) === chained) held.delete(key);
      }
    },
    async close() {
      await client.close();
    },
  };
}

/** Checks that the database answers (used by /readyz and before commands start). */
export async function ping(db: Executor): Promise<void> {
  await db.execute(sql`select 1`);
}
