// The one upsert every entity table uses, generated from a column list:
//
//   with x as (a page from jsonb_to_recordset),
//        changed as (rows of x that are new or differ from the stored row),
//        up as (insert … select from changed on conflict (key) do update … where (row) is distinct from (new row))
//   select inserted, updated counts
//
// Filtering before the insert matters: ON CONFLICT locks every conflicting row, even when its
// WHERE then skips the update, and a row lock dirties the page and writes WAL. Unchanged rows
// never reach the INSERT, so a poll in which nothing changed writes nothing at all. The WHERE on
// DO UPDATE stays as a guard for writers outside the job lock. The stored rows are looked up with
// LATERAL, one primary-key probe per received row: the planner cannot know a page's size and would
// otherwise scan the whole table once per page.
import { sql } from 'drizzle-orm';
import { rowsNamed, type Executor } from './database.js';
import { jsonRows, upsertCounts, type UpsertCounts } from './json-param.js';

export interface UpsertSpec {
  /** Schema-qualified table, e.g. connect.connectors (a constant, never input). */
  table: string;
  key: string;
  /** Column name and SQL type, in the order of the page's objects; the key first. */
  columns: ReadonlyArray<readonly [string, string]>;
  /**
   * The new value of a column when it is not simply the received one, written with `{new}` for
   * the received row and `t` for the stored one, e.g. `coalesce({new}.contact_id, t.contact_id)`.
   */
  merge?: Readonly<Record<string, string>>;
  /** Extra counts over the changed rows, e.g. { stopped: "upper(t_status) = 'ACTIVE' and …" }; `t_<col>` is the stored value. */
  countChanged?: Readonly<Record<string, string>>;
  /** Stored columns the countChanged conditions read. */
  storedColumns?: readonly string[];
  /**
   * The row's fingerprint column (row_hash), written with the row but not part of what counts as a
   * change: a row whose data is equal and only the fingerprint differs (written before fingerprints
   * existed) gets the fingerprint without its updated_at moving, and counts as unchanged.
   */
  hashColumn?: string;
}

function buildUpsert(spec: UpsertSpec): { head: string; tail: string } {
  const cols = spec.columns.map(([c]) => c);
  const valueOf = (c: string, rowAlias: string) => (spec.merge?.[c] ?? `{new}.${c}`).replaceAll('{new}', rowAlias);
  const hash = spec.hashColumn;
  const compared = cols.filter((c) => c !== spec.key && c !== hash);
  const storedTuple = `(${compared.map((c) => `t.${c}`).join(', ')}, t.deleted_at is null)`;
  const newTuple = (alias: string) => `(${compared.map((c) => valueOf(c, alias)).join(', ')}, true)`;
  const dataChanged = (alias: string) => `${storedTuple} is distinct from ${newTuple(alias)}`;
  const hashChanged = (alias: string) => (hash ? ` or t.${hash} is distinct from ${alias}.${hash}` : '');
  const stored = (spec.storedColumns ?? []).map((c) => `, t.${c} as t_${c}`).join('');
  const extra = Object.entries(spec.countChanged ?? {})
    .map(([name, cond]) => `, (select count(*)::int from changed where ${cond}) as "${name}"`)
    .join('');
  const head = `with x as (select * from jsonb_to_recordset(`;
  const tail = `) as x(${spec.columns.map(([c, type]) => `${c} ${type}`).join(', ')})),
changed as (
  select x.*${stored} from x
  left join lateral (select * from ${spec.table} s where s.${spec.key} = x.${spec.key} limit 1) t on true
  where t.${spec.key} is null or ${dataChanged('x')}${hashChanged('x')}
),
up as (
  insert into ${spec.table} as t (${cols.join(', ')})
  select ${cols.join(', ')} from changed
  on conflict (${spec.key}) do update set
    ${[...compared, ...(hash ? [hash] : [])].map((c) => `${c} = ${c === hash ? `excluded.${c}` : valueOf(c, 'excluded')}`).join(', ')},
    updated_at = ${hash ? `case when ${dataChanged('excluded')} then now() else t.updated_at end` : 'now()'}, deleted_at = null
  where ${dataChanged('excluded')}${hashChanged('excluded')}
  returning (xmax = 0) as inserted, ${hash ? `(t.updated_at = now())` : 'true'} as data_changed
)
select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted and data_changed)::int as updated${extra} from up`;
  return { head, tail };
}

const cache = new WeakMap<UpsertSpec, { head: string; tail: string; name: string }>();
let built = 0;

/** Upserts one page into the table described by `spec`: one statement, unchanged rows untouched. */
export async function upsertPage<R extends object>(
  db: Executor,
  spec: UpsertSpec,
  page: readonly R[],
): Promise<UpsertCounts & Record<string, number>> {
  if (page.length === 0) {
    const zero: Record<string, number> = { inserted: 0, updated: 0, unchanged: 0 };
    for (const name of Object.keys(spec.countChanged ?? {})) zero[name] = 0;
    return zero as UpsertCounts & Record<string, number>;
  }
  let statement = cache.get(spec);
  if (!statement) cache.set(spec, (statement = { ...buildUpsert(spec), name: `upsert ${++built} ${spec.table}` }));
  const [row] = await rowsNamed<Record<string, number>>(db, statement.name, sql.join([sql.raw(statement.head), jsonRows(page), sql.raw(statement.tail)]));
  const extras: Record<string, number> = {};
  for (const name of Object.keys(spec.countChanged ?? {})) extras[name] = Number(row?.[name] ?? 0);
  return { ...upsertCounts(row as { inserted: number; updated: number } | undefined, page.length), ...extras };
}
