// `connect-sync sync <job|all> [--active]`: runs one job once (or the main jobs in order).
import { parseArgs } from 'node:util';
import { AuthenticationError, ConnectApiError, TransientError } from '../connect/errors.js';
import { migrateDatabase } from '../db/migrate.js';
import type { JobName, JobResult } from '../sync/job.js';
import { createJobRunner, SYNC_ALL_ORDER } from '../sync/jobs.js';
import { requireApi } from '../config.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';

const TARGETS = ['chargepoints', 'contacts', 'cards', 'sessions', 'prices', 'all'] as const;

export async function syncCommand(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { active: { type: 'boolean', default: false }, wait: { type: 'boolean', default: false } },
  });
  const target = positionals[0];
  if (!target || !(TARGETS as readonly string[]).includes(target) || positionals.length > 1) {
    throw new UsageError(`sync needs one of ${TARGETS.join(', ')}${target ? `, not "${positionals.join(' ')}"` : ''}`);
  }
  if (values.active && target !== 'sessions') throw new UsageError('--active goes with "sync sessions" only');
  const controller = new AbortController();
  requireApi(ctx.config); // a missing API setting is reported before the database is opened
  const jobs: JobName[] =
    target === 'all' ? [...SYNC_ALL_ORDER] : target === 'sessions' && values.active ? ['active-sessions'] : [target as JobName];

  const database = await ctx.openDatabase();
  const client = ctx.createClient(controller.signal, database);
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await migrateDatabase(database, ctx.logger);
    const run = createJobRunner({ client, database, logger: ctx.logger, concurrency: ctx.config.concurrency });
    let code: number = EXIT.ok;
    for (const job of jobs) {
      const result = await run(job, { signal: controller.signal, lockMode: values.wait ? 'wait' : 'try' });
      process.stdout.write(summaryLine(result) + '\n');
      const jobCode = exitCodeOf(result);
      if (jobCode !== EXIT.ok) code = code === EXIT.ok ? jobCode : code;
      if (result.status === 'failed' || result.status === 'aborted') break;
    }
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await database.close();
  }
}

export function summaryLine(r: JobResult): string {
  if (r.status === 'skipped') return `${r.job}: skipped — another process is running it (use --wait to queue behind it)`;
  const c = r.counters!;
  const head = `${r.job}: ${r.status} in ${(r.durationMs / 1000).toFixed(1)} s (run ${r.runId}) — ${c.pages} pages, ${c.requests} requests, ` +
    `${c.seen} seen, ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected, ${c.deleted} deleted`;
  return r.error ? `${head}\n  ${r.error}` : head;
}

function exitCodeOf(r: JobResult): number {
  switch (r.status) {
    case 'succeeded':
    case 'skipped':
      return EXIT.ok;
    case 'partial':
      return EXIT.partial;
    case 'aborted':
      return EXIT.failed;
    default:
      if (r.cause instanceof AuthenticationError) return EXIT.auth;
      if (r.cause instanceof TransientError) return EXIT.upstreamUnreachable;
      if (r.cause instanceof ConnectApiError) return EXIT.failed;
      return EXIT.failed;
  }
}
