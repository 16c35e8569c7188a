// Small helpers shared by the jobs that walk a client pass.
import type { Reject } from '../connect/records.js';
import type { RejectRow } from '../db/runs.js';
import type { RunHandle } from './job.js';

export function toRejectRow(r: Reject): RejectRow {
  return { entity: r.entity, entity_id: r.key, reason: r.reason, raw: r.raw ?? null };
}

/**
 * Requests a pass made that no page accounts for: the empty page that ends it, and retries of
 * it. A client pass (connect/paginate.ts) keeps its own request count in `stats`.
 */
export function uncountedRequests(pass: AsyncIterable<unknown>, counted: number): number {
  const stats = (pass as { stats?: { requests?: number } }).stats;
  return typeof stats?.requests === 'number' ? Math.max(0, stats.requests - counted) : 0;
}

/**
 * Walks a client pass, a page at a time. However the walk ends, the requests no committed page
 * accounts for (the empty page that ends the list; when it fails, the failing page's attempts with
 * their retries and the pages in flight) are added to the run's count: a run records every request it made.
 */
export async function walkPass<P>(run: Pick<RunHandle, 'counters'>, pass: AsyncIterable<P>, onPage: (page: P) => Promise<void>): Promise<void> {
  try {
    for await (const page of pass) await onPage(page);
  } finally {
    run.counters.requests += uncountedRequests(pass, run.counters.requests);
  }
}
