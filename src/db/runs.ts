// connect.sync_runs: one row per job run. Pages update its counters in their own transaction,
// so the row always agrees with what was committed; the heartbeat tells a live run from one left
// behind by a dead process.
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';
import { jsonRows } from './json-param.js';

export interface RunCounters {
  pages: number;
  requests: number;
  seen: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  deleted: number;
}

export const emptyCounters = (): RunCounters => ({ pages: 0, requests: 0, seen: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, deleted: 0 });

export type FinalStatus = 'succeeded' | 'partial' | 'failed' | 'aborted';

export async function startRun(db: Executor, job: string): Promise<{ id: number; startedAt: Date }> {
  const [row] = await rows<{ id: number | string; started_at: Date | string }>(
    db,
    sql`insert into connect.sync_runs (job, status, host, pid) values (${job}, 'running', ${hostname()}, ${process.pid})
        returning id, started_at`,
  );
  return { id: Number(row!.id), startedAt: new Date(row!.started_at) };
}

/** Adds a page's counters to the run and replaces its job-specific details with the run's totals so far (call inside the page's transaction). */
export async function addToRun(db: Executor, runId: number, delta: Partial<RunCounters>, details?: Record<string, number>): Promise<void> {
  await db.execute(sql`update connect.sync_runs set
      pages = pages + ${delta.pages ?? 0}, requests = requests + ${delta.requests ?? 0},
      records_seen = records_seen + ${delta.seen ?? 0}, records_inserted = records_inserted + ${delta.inserted ?? 0},
      records_updated = records_updated + ${delta.updated ?? 0}, records_unchanged = records_unchanged + ${delta.unchanged ?? 0},
      records_rejected = records_rejected + ${delta.rejected ?? 0}, records_deleted = records_deleted + ${delta.deleted ?? 0},
      details = ${details ? sql`${JSON.stringify(details)}::jsonb` : sql`details`},
      heartbeat_at = now()
    where id = ${runId}`);
}

export async function finishRun(
  db: Executor,
  runId: number,
  outcome: { status: FinalStatus; complete?: boolean; error?: string | null; requests?: number },
): Promise<void> {
  await db.execute(sql`update connect.sync_runs set
      status = ${outcome.status}, complete = ${outcome.complete ?? false}, error = ${outcome.error ?? null},
      requests = greatest(requests, ${outcome.requests ?? 0}), finished_at = now(), heartbeat_at = now()
    where id = ${runId} and status = 'running'`);
}

export interface RejectRow {
  entity: string;
  entity_id: string | null;
  reason: string;
  raw: unknown;
}

/** Records that failed validation, kept with their raw JSON and the reason (one statement). */
export async function insertRejects(db: Executor, runId: number, job: string, rejects: RejectRow[]): Promise<void> {
  if (rejects.length === 0) return;
  await db.execute(sql`insert into connect.sync_rejects (run_id, job, entity, entity_id, reason, raw)
    select ${runId}, ${job}, entity, entity_id, reason, raw
    from jsonb_to_recordset(${jsonRows(rejects)}) as x(entity text, entity_id text, reason text, raw jsonb)`);
}

/**
 * Runs of `job` still marked running although the caller holds the job's lock: their process died
 * (a live one would hold the lock). Marked aborted before a new run starts.
 */
export async function abortOrphanedRuns(db: Executor, job: string): Promise<number> {
  const r = await rows<{ id: number }>(
    db,
    sql`update connect.sync_runs set status = 'aborted', finished_at = now(),
        error = coalesce(error, 'the process running it stopped without finishing')
      where job = ${job} and status = 'running' returning id`,
  );
  return r.length;
}

/** When `job` last succeeded (any replica), or null. */
export async function lastSucceededAt(db: Executor, job: string): Promise<Date | null> {
  const r = await rows<{ at: Date | string | null }>(
    db,
    sql`select max(finished_at) as at from connect.sync_runs where job = ${job} and status = 'succeeded'`,
  );
  return r[0]?.at ? new Date(r[0].at) : null;
}
