// `connect-sync run`: migrations, then every job on its schedule, health and metrics over HTTP,
// and a graceful stop: no new runs, the page being written commits, the run is recorded as
// aborted (or succeeded if it finished), pools close, exit 0 — a second signal forces the exit.
import type { ConnectClient } from '../connect/client.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { migrateDatabase } from '../db/migrate.js';
import type { Logger } from '../log.js';
import { collectProcessMetrics, scheduleInterval } from '../metrics.js';
import type { JobName } from '../sync/job.js';
import { createJobRunner, JOB_NAMES } from '../sync/jobs.js';
import { abortOrphanedRuns } from '../db/runs.js';
import { checkReadiness, startHttpServer } from './http.js';
import { startScheduler, type Schedule } from './scheduler.js';

/** How long a stop waits for running jobs before closing anyway (the whole stop stays under 10 s). */
export const STOP_GRACE_MS = 8000;

export interface Daemon {
  httpPort: number;
  /** Graceful stop; idempotent. Resolves when everything is closed. */
  stop(reason?: string): Promise<void>;
}

export function schedulesOf(config: Config): Schedule[] {
  const s = config.schedules;
  const list: Array<[JobName, string]> = [
    ['chargepoints', s.chargepoints],
    ['active-sessions', s.activeSessions],
    ['contacts', s.contacts],
    ['cards', s.cards],
    ['sessions', s.sessions],
    ['prices', s.prices],
  ];
  return list.map(([job, cron]) => ({ job, cron }));
}

/**
 * Runs left `running` by a process that died: a job whose lock is free has no live run, so its
 * `running` rows are orphans (a heartbeat age would also catch a slow live page; the lock cannot be wrong).
 */
async function abortOrphans(database: Database, logger: Logger): Promise<void> {
  for (const job of JOB_NAMES) {
    const r = await database.withLock(`job:${job}`, 'try', (db) => abortOrphanedRuns(db, job));
    if (r.acquired && r.value > 0) logger.warn({ job, runs: r.value }, 'runs left running by a stopped process marked aborted');
  }
}

export async function startDaemon(deps: { config: Config; database: Database; client: ConnectClient; controller: AbortController; logger: Logger }): Promise<Daemon> {
  const { config, database, client, controller, logger } = deps;
  collectProcessMetrics();
  await migrateDatabase(database, logger);
  await abortOrphans(database, logger);
  const startedAt = Date.now();
  const runner = createJobRunner({ client, database, logger, concurrency: config.concurrency });
  const scheduler = startScheduler(schedulesOf(config), runner, controller.signal, logger);
  for (const job of JOB_NAMES) {
    const ms = scheduler.intervalMs(job);
    if (ms !== null) scheduleInterval.set({ job }, ms / 1000);
  }
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer(config.httpPort, () => checkReadiness(database, scheduler.intervalMs('chargepoints'), startedAt), logger);
  } catch (err) {
    await scheduler.stop();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE' ? `HTTP_PORT ${config.httpPort} is in use; set HTTP_PORT to a free port` : `cannot serve HTTP on HTTP_PORT ${config.httpPort}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  logger.info({ database: database.kind, location: database.location }, 'connect-sync running');

  let stopping: Promise<void> | undefined;
  return {
    httpPort: http.port,
    stop(reason = 'stop requested') {
      stopping ??= (async () => {
        const t0 = Date.now();
        logger.info({ reason }, 'stopping: no new runs; the page being written will commit');
        await scheduler.stop();
        controller.abort();
        const running = scheduler.running();
        const settled = await Promise.race([
          Promise.allSettled(running).then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref()),
        ]);
        if (!settled) logger.warn('runs did not end in time; they will be marked aborted by the next start');
        await http.close();
        await database.close().catch((err: Error) => logger.warn({ err: err.message }, 'closing the database failed'));
        logger.info({ ms: Date.now() - t0 }, 'stopped');
      })();
      return stopping;
    },
  };
}
