// Small helpers shared by the jobs that walk a client pass.
import type { Reject } from '../connect/records.js';
import type { RejectRow } from '../db/runs.js';

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
