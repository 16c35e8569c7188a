// Unchanged records nearly free: the status poll sends a page's (key, fingerprint) pairs and learns
// in one statement which records are new or differ from what is stored (one primary-key probe
// each); only those are then sent in full. The same statement records the page's ids in the
// session's seen_ids table (deletion detection, seen.ts), so a page in which nothing changed costs
// this one statement and the run's progress update.
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsNamed, type Executor } from './database.js';
import type { SeenKind } from './seen.js';

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
  /** p = chargepoint, c = connector, l = location */
  k: 'p' | 'c' | 'l';
  id: string;
  h: string;
}

/**
 * Of the given fingerprints, those whose stored row is missing, deleted or different, as
 * "k:id" strings; records `seen` in seen_ids in the same statement.
 */
/** A text[] literal: each element double-quoted with \\ and " escaped (the same for pg and PGlite). */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export async function changedRecords(db: Executor, fingerprints: Fingerprint[], seen: Array<{ k: SeenKind; id: string }>): Promise<Set<string>> {
  // Parallel arrays rather than a jsonb document: thousands of small records parse several times faster.
  const out = await rowsNamed<{ k: string; id: string }>(
    db,
    'changed records',
    sql`with input as (
      select * from unnest(${textArray(fingerprints.map((f) => f.k))}::text[], ${textArray(fingerprints.map((f) => f.id))}::text[],
                           ${textArray(fingerprints.map((f) => f.h))}::uuid[]) as x(k, id, h)
    ), seen as (
      insert into seen_ids (kind, id)
      select k::"char", id from unnest(${textArray(seen.map((r) => r.k))}::text[], ${textArray(seen.map((r) => r.id))}::text[]) as s(k, id)
    )
    -- One primary-key probe per record, in its own table only (a CASE evaluates one branch; a
    -- NOT EXISTS over a UNION would be planned as a hashed subplan that scans all three tables).
    select x.k, x.id from input x
    where x.h is distinct from case x.k
      when 'p' then (select t.row_hash from connect.chargepoints t where t.id = x.id and t.deleted_at is null)
      when 'c' then (select t.row_hash from connect.connectors t where t.id = x.id and t.deleted_at is null)
      when 'l' then (select t.row_hash from connect.locations t where t.id = x.id and t.deleted_at is null)
    end`,
  );
  return new Set(out.map((r) => `${r.k}:${r.id}`));
}
