import { sql, type SQL } from 'drizzle-orm';

/**
 * A page of rows as one jsonb parameter: every set-based statement in src/db/ reads its page with
 * jsonb_to_recordset, so a page is one round trip and one statement per table whatever its size.
 */
export function jsonRows(rows: readonly object[]): SQL {
  return sql`${JSON.stringify(rows)}::jsonb`;
}

/**
 * PostgreSQL's text form of an array (`{"a","b"}`): each element double-quoted, backslashes and
 * double quotes in it escaped. Sent as a parameter (or, where a statement takes none, as a quoted
 * literal) and cast to text[] or uuid[] in SQL; the same for pg and PGlite.
 */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
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
