// What every sync job shares: one run at a time per job across all processes (advisory lock),
// a connect.sync_runs row from running to its outcome, metrics, progress logs, and cancellation
// between pages (the page being written always commits or rolls back whole).
import type { Database, Db } from '../db/database.js';
import { abortOrphanedRuns, finishRun, startRun, type FinalStatus, type RunCounters } from '../db/runs.js';
import { scrubSecrets, type Logger } from '../log.js';
import { lastSuccess, syncRecords, syncRunDuration, syncRuns } from '../metrics.js';

export type JobName = 'chargepoints' | 'contacts' | 'cards' | 'sessions' | 'active-sessions' | 'prices';

export interface JobContext {
  database: Database;
  logger: Logger;
  /** Aborted on shutdown: the job stops after the page it is writing. */
  signal?: AbortSignal;
  /** 'try' (default) skips when another process runs the job; 'wait' queues behind it. */
  lockMode?: 'try' | 'wait';
}

export interface RunHandle {
  id: number;
  startedAt: Date;
  logger: Logger;
  /** The connection holding the job's lock: all of the run's writes go through it. */
  db: Db;
  counters: RunCounters;
  details: Record<string, number>;
  /** Throws AbortedError when shutdown was requested, DatabaseConnectionLostError when the run's connection died; call between pages. */
  checkpoint(): void;
  /** The error to stop with when the connection holding the job's lock has died, else undefined. */
  connectionLost(): DatabaseConnectionLostError | undefined;
  /** True when shutdown was requested (for loops that must wind down before throwing). */
  signalled(): boolean;
  /** Logs progress at info level at most every few seconds, at debug otherwise. */
  progress(message: string, fields?: Record<string, unknown>): void;
}

export interface JobOutcome {
  status: 'succeeded' | 'partial';
  complete: boolean;
  error?: string;
  requests: number;
}

export interface JobResult {
  job: JobName;
  status: FinalStatus | 'skipped';
  runId?: number;
  counters?: RunCounters;
  details?: Record<string, number>;
  error?: string;
  /** The error that failed the run, for callers that map causes to exit codes. */
  cause?: unknown;
  durationMs: number;
}

export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor() {
    super('stopped by shutdown request; the last page was committed');
  }
}

/** The connection holding the job's lock (and carrying its writes) died: nothing more can be committed. */
export class DatabaseConnectionLostError extends Error {
  override name = 'DatabaseConnectionLostError';
  constructor(cause: unknown) {
    super(`database connection of the run lost (${cause instanceof Error ? cause.message : String(cause)}); stopped at the next page`, { cause });
  }
}

const PROGRESS_EVERY_MS = 5000;

export async function runJob(job: JobName, ctx: JobContext, body: (run: RunHandle) => Promise<JobOutcome>): Promise<JobResult> {
  const t0 = performance.now();
  const locked = await ctx.database.withLock(`job:${job}`, ctx.lockMode ?? 'try', async (db, lost) => {
    // The run row is written through the pool, not the lock's connection: if that connection is
    // killed mid-run, the failure can still be recorded.
    const orphans = await abortOrphanedRuns(ctx.database.db, job);
    if (orphans > 0) ctx.logger.warn({ job, orphans }, 'runs left running by a stopped process marked aborted');
    const { id, startedAt } = await startRun(ctx.database.db, job);
    const logger = ctx.logger.child({ job, runId: id });
    let lastProgress = performance.now();
    const run: RunHandle = {
      id,
      startedAt,
      logger,
      db,
      counters: { pages: 0, requests: 0, seen: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, deleted: 0 },
      details: {},
      checkpoint() {
        if (ctx.signal?.aborted) throw new AbortedError();
        const lostError = run.connectionLost();
        if (lostError) throw lostError;
      },
      connectionLost: () => (lost.aborted ? new DatabaseConnectionLostError(lost.reason) : undefined),
      signalled: () => ctx.signal?.aborted === true,
      progress(message, fields) {
        const now = performance.now();
        const level = now - lastProgress >= PROGRESS_EVERY_MS ? 'info' : 'debug';
        if (level === 'info') lastProgress = now;
        logger[level]({ ...fields, pages: run.counters.pages, seen: run.counters.seen }, message);
      },
    };
    logger.info('run started');
    let status: FinalStatus;
    let error: string | undefined;
    let complete = false;
    let requests: number;
    let cause: unknown;
    try {
      const outcome = await body(run);
      status = outcome.status;
      complete = outcome.complete;
      error = outcome.error;
      requests = outcome.requests;
    } catch (err) {
      status = err instanceof AbortedError || ctx.signal?.aborted ? 'aborted' : 'failed';
      error = scrubSecrets(describe(err));
      cause = err;
      // What the run asked before it failed, committed or not.
      requests = run.counters.requests;
    }
    try {
      await finishRun(ctx.database.db, id, { status, complete, error: error ?? null, requests });
    } catch (err) {
      logger.error({ err: scrubSecrets(describe(err)) }, 'could not record the end of the run; it will be marked aborted by the next start');
    }
    const durationMs = performance.now() - t0;
    syncRuns.inc({ job, outcome: status });
    syncRunDuration.observe({ job }, durationMs / 1000);
    for (const outcomeName of ['inserted', 'updated', 'unchanged', 'rejected', 'deleted'] as const) {
      if (run.counters[outcomeName]) syncRecords.inc({ job, outcome: outcomeName }, run.counters[outcomeName]);
    }
    if (status === 'succeeded') lastSuccess.set({ job }, Date.now() / 1000);
    const summary = { status, durationMs: Math.round(durationMs), ...run.counters, ...run.details, ...(error ? { error } : {}) };
    if (status === 'succeeded') logger.info(summary, 'run finished');
    else logger.warn(summary, `run ${status}`);
    return { job, status, runId: id, counters: run.counters, details: run.details, error, cause, durationMs } satisfies JobResult;
  });
  if (!locked.acquired) {
    syncRuns.inc({ job, outcome: 'skipped' });
    ctx.logger.info({ job }, 'another process is running this job; skipped');
    return { job, status: 'skipped', durationMs: performance.now() - t0 };
  }
  return locked.value;
}

/** An error as one line: its message and the messages of its causes (drizzle wraps pg errors). */
export function describe(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 5; i++) {
    const name = (e as Error).name;
    const msg = (e as Error).message ?? String(e);
    // DrizzleQueryError's message carries the query parameters: keep only its first line.
    parts.push(name === 'DrizzleQueryError' ? 'database query failed' : msg.split('\n')[0]!);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
