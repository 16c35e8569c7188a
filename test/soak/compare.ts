// The verdict of a soak: the clean and the chaos database compared table by table, and the
// invariants every history must keep whatever happened while it was written.
import pg from 'pg';

/**
 * Compared: every column of the entity tables and of the status history, except what is by
 * definition the time of an observation and so differs between two runs that saw the same world
 * at different moments: first_seen_at, updated_at, observed_at, confirmed_at, observed_until, the
 * time of a deletion (deleted_at is compared as "deleted or not") and the close time of an
 * interval closed by a deletion (the start of the pass that no longer saw the connector). The
 * history's id and run_id are our own numbering.
 */
const OBSERVATION_COLUMNS = new Set(['first_seen_at', 'updated_at', 'observed_at', 'confirmed_at', 'observed_until']);

interface TableSpec {
  table: string;
  key: string[];
  skip?: string[];
}

export const COMPARED_TABLES: readonly TableSpec[] = [
  { table: 'locations', key: ['id'] },
  { table: 'chargepoints', key: ['id'] },
  { table: 'connectors', key: ['id'] },
  { table: 'connector_status_history', key: ['connector_id', 'valid_from'], skip: ['id', 'run_id'] },
  { table: 'contacts', key: ['id'] },
  { table: 'cards', key: ['tag_id'] },
  { table: 'charging_sessions', key: ['id'] },
];

export interface DifferingRow {
  table: string;
  key: string;
  clean: string | null;
  chaos: string | null;
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const r = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'connect' and table_name = $1 order by ordinal_position`,
    [table],
  );
  return r.rows.map((row) => row.column_name);
}

function selectList(spec: TableSpec, columns: string[]): string {
  const skip = new Set([...OBSERVATION_COLUMNS, ...(spec.skip ?? [])]);
  return columns
    .filter((c) => !skip.has(c))
    .map((c) => {
      if (c === 'deleted_at') return '(deleted_at is not null) as deleted';
      if (spec.table === 'connector_status_history' && c === 'valid_to') {
        return `case when closed_reason = 'deleted' then null else valid_to end as valid_to`;
      }
      return `"${c}"`;
    })
    .join(', ');
}

async function tableRows(client: pg.Client, spec: TableSpec, select: string): Promise<Map<string, string>> {
  const key = spec.key.map((k) => `"${k}"::text`).join(` || ' / ' || `);
  const r = await client.query<{ k: string; j: string }>(
    `select ${key} as k, row_to_json(x)::text as j from (select ${select} from connect.${spec.table}) x order by 1`,
  );
  return new Map(r.rows.map((row) => [row.k, row.j]));
}

export async function compareDatabases(cleanUrl: string, chaosUrl: string): Promise<{ rows: Record<string, number>; differing: DifferingRow[] }> {
  const clean = new pg.Client({ connectionString: cleanUrl, application_name: 'cs-soak' });
  const chaos = new pg.Client({ connectionString: chaosUrl, application_name: 'cs-soak' });
  await Promise.all([clean.connect(), chaos.connect()]);
  try {
    const differing: DifferingRow[] = [];
    const rows: Record<string, number> = {};
    for (const spec of COMPARED_TABLES) {
      const select = selectList(spec, await columnsOf(clean, spec.table));
      const [a, b] = await Promise.all([tableRows(clean, spec, select), tableRows(chaos, spec, select)]);
      rows[spec.table] = a.size;
      for (const key of new Set([...a.keys(), ...b.keys()])) {
        const x = a.get(key) ?? null;
        const y = b.get(key) ?? null;
        if (x !== y) differing.push({ table: spec.table, key, clean: x, chaos: y });
      }
    }
    return { rows, differing };
  } finally {
    await Promise.all([clean.end(), chaos.end()]);
  }
}

/** The history's invariants and the runs' end state; returns the violations (empty = fine). */
export async function checkInvariants(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'cs-soak' });
  await client.connect();
  const count = async (text: string) => Number((await client.query<{ n: string }>(text)).rows[0]!.n);
  try {
    const problems: string[] = [];
    const running = await count(`select count(*) as n from connect.sync_runs where status = 'running'`);
    if (running > 0) problems.push(`${running} run(s) left running`);
    const overlaps = await count(`select count(*) as n from connect.connector_status_history a
      join connect.connector_status_history b on a.connector_id = b.connector_id and a.id < b.id
       and tstzrange(a.valid_from, a.valid_to) && tstzrange(b.valid_from, b.valid_to)`);
    if (overlaps > 0) problems.push(`${overlaps} pair(s) of overlapping intervals`);
    const notOneOpen = await count(`select count(*) as n from connect.connectors c where c.deleted_at is null
      and (select count(*) from connect.connector_status_history h where h.connector_id = c.id and h.valid_to is null) <> 1`);
    if (notOneOpen > 0) problems.push(`${notOneOpen} live connector(s) without exactly one open interval`);
    const deletedOpen = await count(`select count(*) as n from connect.connectors c where c.deleted_at is not null
      and exists (select 1 from connect.connector_status_history h where h.connector_id = c.id and h.valid_to is null)`);
    if (deletedOpen > 0) problems.push(`${deletedOpen} deleted connector(s) with an open interval`);
    return problems;
  } finally {
    await client.end();
  }
}
