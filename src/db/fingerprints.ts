// Unchanged records nearly free: the status poll sends a page's (chargepoint id, fingerprint) pairs
// and learns in one statement which chargepoints are new or differ from what is stored (one
// primary-key probe each; a chargepoint's fingerprint covers its connectors and location); only
// those are then sent in full. The same statement records the page's ids in the
// session's seen tables (deletion detection, seen.ts), so a page in which nothing changed costs
// this one statement and the run's progress update.
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsNamed, type Executor } from './database.js';
import { arrayLiteral } from './json-param.js';
import { seenInserts, type SeenKind } from './seen.js';

/**
 * Bumped when the mapping from a record to its row changes: every stored fingerprint then differs
 * once, so the next poll re-derives every row (with the data compared, only real changes move
 * updated_at).
 */
const MAPPING_VERSION = '1';

/**
 * The fingerprint of a record: md5 over the mapping version, its parent's key (a connector's
 * chargepoint) and the record as received — the typed columns are derived from it — as a uuid
 * (the column type of row_hash: 16 bytes, fast to compare).
 */
export function rowHash(raw: unknown, parent = ''): string {
  // One-shot hash (no Hash object per row): a pass hashes tens of thousands of small records.
  const h = hash('md5', `${MAPPING_VERSION}\u0000${parent}\u0000${JSON.stringify(raw) ?? 'null'}`, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface Fingerprint {
  /** The chargepoint's id. */
  id: string;
  h: string;
}

/**
 * Of the given chargepoint fingerprints, the ids whose stored row is missing, deleted or different;
 * records `seen` in the session's seen tables in the same statement.
 */
export async function changedChargepoints(db: Executor, fingerprints: Fingerprint[], seen: Array<{ k: SeenKind; id: string }>): Promise<Set<string>> {
  // Parallel arrays rather than a jsonb document: thousands of small records parse several times faster.
  const out = await rowsNamed<{ id: string }>(
    db,
    'changed chargepoints',
    sql`with input as (
      select * from unnest(${arrayLiteral(fingerprints.map((f) => f.id))}::text[], ${arrayLiteral(fingerprints.map((f) => f.h))}::uuid[]) as x(id, h)
    ), ${seenInserts(seen)}
    select x.id from input x
    where x.h is distinct from (select t.row_hash from connect.chargepoints t where t.id = x.id and t.deleted_at is null)`,
  );
  return new Set(out.map((r) => r.id));
}
