import { sql, type SQL } from 'drizzle-orm';

/**
 * A page of rows as one jsonb parameter: every set-based statement in src/db/ reads its page with
 * jsonb_to_recordset, so a page is one round trip and one statement per table whatever its size.
 */
export function jsonRows(rows: readonly object[]): SQL {
  return sql`${JSON.stringify(rows)}::jsonb`;
}

/** Counts of an upsert: rows inserted, rows updated; the rest of the page was unchanged. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export function upsertCounts(row: { inserted: number | string; updated: number | string } | undefined, total: number): UpsertCounts {
  const inserted = Number(row?.inserted ?? 0);
  const updated = Number(row?.updated ?? 0);
  return { inserted, updated, unchanged: total - inserted - updated };
}
