// Turns any error into one line for the terminal and an exit code. Known causes get a line that
// says what to do; nothing here prints a stack trace unless LOG_LEVEL is debug or trace.
import { ConfigError } from '../config.js';
import { DatabaseNewerError } from '../db/migrate.js';
import { scrubSecrets } from '../log.js';
import { EXIT } from './exit-codes.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

const PG_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);
// Postgres SQLSTATEs that mean "cannot use this database": connection failures, auth, missing db.
const PG_UNREACHABLE_STATES = new Set(['08000', '08001', '08003', '08004', '08006', '28000', '28P01', '3D000', '57P01', '57P03']);

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 6; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

export function isDatabaseUnreachable(err: unknown): boolean {
  return causes(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') return false;
    return PG_CONNECTION_CODES.has(code) || PG_UNREACHABLE_STATES.has(code);
  }) || (err instanceof AggregateError && err.errors.some(isDatabaseUnreachable));
}

export function describeError(err: unknown): { line: string; code: number } {
  if (err instanceof ConfigError) return { line: `configuration error: ${err.message}`, code: EXIT.usage };
  if (err instanceof UsageError) return { line: `usage: ${err.message} (see connect-sync --help)`, code: EXIT.usage };
  if (err instanceof DatabaseNewerError) return { line: err.message, code: EXIT.databaseNewer };
  if (isDatabaseUnreachable(err)) {
    const inner = causes(err).at(-1) as Error;
    return {
      line: scrubSecrets(
        `database unreachable: ${inner?.message || (err as Error).message}. Check DATABASE_URL and that PostgreSQL is running (or unset DATABASE_URL to use the embedded database)`,
      ),
      code: EXIT.databaseUnreachable,
    };
  }
  // drizzle's DrizzleQueryError puts the query parameters (possibly personal data) in its message:
  // report the Postgres error it wraps instead.
  if ((err as Error)?.name === 'DrizzleQueryError' && (err as Error).cause instanceof Error) {
    const cause = (err as Error).cause as Error & { code?: string };
    return { line: scrubSecrets(`database error: ${cause.message}${cause.code ? ` (SQLSTATE ${cause.code})` : ''}`), code: EXIT.failed };
  }
  const named = err as { name?: string; message?: string; exitCode?: number };
  const message = scrubSecrets(named?.message ?? String(err));
  if (typeof named?.exitCode === 'number') return { line: message, code: named.exitCode };
  return { line: `error: ${message}`, code: EXIT.failed };
}
