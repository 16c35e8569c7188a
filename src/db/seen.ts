// What a pass has seen, kept in temporary tables of the run's own session rather than in the
// worker's memory: memory stays bounded by the page size, whatever the network's size. Temporary
// tables write no WAL and are invisible to other sessions; deletion detection anti-joins them.
//
// One table per kind, not one table with a kind column: the planner then estimates each kind's
// rows from the table's size, so the anti-joins plan well without an ANALYZE at the end of every
// pass (14–44 ms each), and each anti-join reads only its own kind.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { arrayLiteral } from './json-param.js';

/** p = chargepoint, c = connector, l = location */
export type SeenKind = 'p' | 'c' | 'l';

/** The session's table of each kind (constants, never input). */
export const SEEN_TABLE: Readonly<Record<SeenKind, string>> = { p: 'seen_chargepoints', c: 'seen_connectors', l: 'seen_locations' };
const KINDS = Object.keys(SEEN_TABLE) as SeenKind[];

export async function resetSeen(db: Executor): Promise<void> {
  for (const kind of KINDS) await db.execute(sql.raw(`create temporary table if not exists ${SEEN_TABLE[kind]} (id text not null)`));
  await db.execute(sql.raw(`truncate ${KINDS.map((kind) => SEEN_TABLE[kind]).join(', ')}`));
}

/**
 * Data-modifying CTEs (`seen_p as (insert …), …`) that record `ids` in the session's tables, for a
 * statement's WITH list: the ids of a page cost no statement of their own.
 */
export function seenInserts(ids: ReadonlyArray<{ k: SeenKind; id: string }>): SQL {
  return sql.join(
    KINDS.map((kind) => sql`seen_${sql.raw(kind)} as (insert into ${sql.raw(SEEN_TABLE[kind])} (id) select unnest(${arrayLiteral(ids.filter((r) => r.k === kind).map((r) => r.id))}::text[]))`),
    sql`, `,
  );
}

/** Adds ids outside a page (one statement). */
export async function recordSeen(db: Executor, ids: ReadonlyArray<{ k: SeenKind; id: string }>): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`with ${seenInserts(ids)} select 1`);
}
