// Applies the committed drizzle-kit migrations under an advisory lock: drizzle's migrator takes
// none, and two replicas starting together must not both run the same DDL.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { sql } from 'drizzle-orm';
import type { Logger } from '../log.js';
import { rows, type Database, type Db } from './database.js';

export const MIGRATIONS_SCHEMA = 'connect';
export const MIGRATIONS_TABLE = 'schema_migrations';

/** migrations/ beside package.json, found from src/db (tests), dist/db (built) or a nested build. */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = dirname(dir);
    const folder = resolve(dir, 'migrations');
    if (existsSync(resolve(folder, 'meta', '_journal.json'))) return folder;
  }
  throw new Error(`migrations folder not found above ${fileURLToPath(import.meta.url)}; reinstall connect-sync`);
}

export class DatabaseNewerError extends Error {
  override name = 'DatabaseNewerError';
}

export interface MigrateResult {
  applied: number;
  total: number;
}

export async function migrateDatabase(database: Database, logger: Logger): Promise<MigrateResult> {
  const config = { migrationsFolder: migrationsFolder(), migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE };
  const migrations = readMigrationFiles(config);
  const newest = Math.max(...migrations.map((m) => m.folderMillis));
  const outcome = await database.withLock('migrate', 'wait', async (db) => {
    const before = await appliedMigrations(db);
    if (before.newest > newest) {
      throw new DatabaseNewerError(
        `the database was migrated by a newer connect-sync (migration of ${new Date(before.newest).toISOString()}); upgrade connect-sync instead of running this older version`,
      );
    }
    const { migrate } =
      database.kind === 'postgres' ? await import('drizzle-orm/node-postgres/migrator') : await import('drizzle-orm/pglite/migrator');
    await (migrate as (db: unknown, c: typeof config) => Promise<void>)(db, config);
    const after = await appliedMigrations(db);
    return { applied: after.count - before.count, total: after.count };
  });
  if (!outcome.acquired) throw new Error('unreachable: migrate waits for its lock');
  logger.info({ applied: outcome.value.applied, total: outcome.value.total }, outcome.value.applied ? 'migrations applied' : 'database schema up to date');
  return outcome.value;
}

async function appliedMigrations(db: Db): Promise<{ count: number; newest: number }> {
  const exists = await rows<{ t: string | null }>(db, sql`select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`})::text as t`);
  if (!exists[0]?.t) return { count: 0, newest: 0 };
  const r = await rows<{ count: number | string; newest: number | string | null }>(
    db,
    sql`select count(*)::int as count, max(created_at) as newest from ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  return { count: Number(r[0]?.count ?? 0), newest: Number(r[0]?.newest ?? 0) };
}
