// Issue #5 figures: initial load, a steady-state poll with 1 % of connectors changed, and a COPY
// baseline of the same connector rows, all in one run against a scratch database.
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { openDatabase } from '../src/db/database.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { silentLogger } from '../src/log.js';
import { forkChild } from './child.js';
import { createScratchDatabase } from './scratch-db.js';

export interface ChargepointBenchOptions {
  adminUrl: string;
  chargepoints: number;
  pageSize: number;
  log: (line: string) => void;
}

/** The heap setting of the container image (Dockerfile: NODE_OPTIONS), applied to the worker process. */
export const WORKER_EXEC_ARGV = ['--max-old-space-size=160'];

interface WorkerSync {
  status: string;
  error?: string;
  details: Record<string, number>;
  wallS: number;
  cpuS: number;
  requests: number;
  maxRssMb: number;
}

/** Simulated network latency of the poll_latency and poll100k figures. */
const POLL_LATENCY_MS = 200;

const HISTORY_TABLES = ['chargepoints', 'connectors', 'connector_status_history', 'locations'];

async function tuplesWritten(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ n: string }>(
    `select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) as n from pg_stat_user_tables
     where schemaname = 'connect' and relname = any($1)`,
    [HISTORY_TABLES],
  );
  await c.end();
  return Number(r.rows[0]!.n);
}

export async function benchChargepoints(o: ChargepointBenchOptions): Promise<Record<string, Record<string, number> | number | string>> {
  const scratch = await createScratchDatabase(o.adminUrl, 'cp');
  const child = forkChild(resolve(import.meta.dirname, 'sim-child.js'));
  const worker = forkChild(resolve(import.meta.dirname, 'worker-child.js'), WORKER_EXEC_ARGV);
  try {
    if (process.env.BENCH_LOG_STATEMENTS) {
      // Every statement's total server time (parse, plan, execute) in the server log.
      const c = new pg.Client({ connectionString: o.adminUrl });
      await c.connect();
      await c.query(`alter database ${new URL(scratch.url).pathname.slice(1)} set log_min_duration_statement = 0`);
      await c.end();
    }
    if (process.env.BENCH_EXPLAIN) {
      const c = new pg.Client({ connectionString: o.adminUrl });
      await c.connect();
      const name = new URL(scratch.url).pathname.slice(1);
      await c.query(`alter database ${name} set session_preload_libraries = 'auto_explain'`);
      await c.query(`alter database ${name} set auto_explain.log_min_duration = ${process.env.BENCH_EXPLAIN}`);
      await c.query(`alter database ${name} set auto_explain.log_analyze = on`);
      await c.query(`alter database ${name} set auto_explain.log_nested_statements = on`);
      await c.end();
    }
    const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 1 }, silentLogger);
    await migrateDatabase(database, silentLogger);
    // BENCH_EXTRA_SQL=file: SQL run after the migrations, to measure a candidate schema change before writing its migration.
    if (process.env.BENCH_EXTRA_SQL) await database.db.execute(sql.raw((await import('node:fs')).readFileSync(process.env.BENCH_EXTRA_SQL, 'utf8')));
    await database.close();
    o.log(`building a simulated network of ${o.chargepoints} chargepoints…`);
    const started = await child.call<{ url: string; apiKey: string; sizes: { chargepoints: number; connectors: number } }>({
      type: 'start',
      options: { chargepoints: o.chargepoints, contacts: 10, seed: 1, speed: 0, startTime: new Date(Date.now() - 86_400_000) },
    });
    await worker.call({ type: 'connect', url: started.url, apiKey: started.apiKey, pageSize: o.pageSize });
    const records = started.sizes.chargepoints + started.sizes.connectors;

    // (1) Initial load.
    o.log(`initial load: ${started.sizes.chargepoints} chargepoints, ${started.sizes.connectors} connectors…`);
    const initial = await worker.call<WorkerSync>({ type: 'sync', databaseUrl: scratch.url, readAhead: 0 });
    if (initial.status !== 'succeeded') throw new Error(`initial load ${initial.status}: ${initial.error}`);
    const initialWall = initial.wallS;
    const rowsWritten = records + started.sizes.connectors; // + one history interval per connector
    const writeS = initial.details.write_ms! / 1000;
    const rssAfterInitial = initial.maxRssMb;

    // (2) Steady state: 1 % of connectors change, as of one second ago.
    const snap = new pg.Client({ connectionString: scratch.url });
    await snap.connect();
    if (process.env.BENCH_ANALYZE) await snap.query('analyze');
    await snap.query(`create schema bench; create table bench.before as
      select 'cp' as t, id::text as id, md5((to_jsonb(x) - 'updated_at')::text) as h, xmin::text || ctid::text as v from connect.chargepoints x
      union all select 'c', id, md5((to_jsonb(x) - 'updated_at')::text), xmin::text || ctid::text from connect.connectors x
      union all select 'h', id::text, md5(to_jsonb(x)::text), xmin::text || ctid::text from connect.connector_status_history x
      union all select 'l', id, md5((to_jsonb(x) - 'updated_at')::text), xmin::text || ctid::text from connect.locations x`);
    const tuplesBefore = await tuplesWritten(scratch.url);
    const { changed } = await child.call<{ changed: number }>({ type: 'change', fraction: 0.01, at: new Date(Date.now() - 1000).toISOString() });
    // Pages one at a time: the time around each page's transaction is then database time only.
    const steady = await worker.call<WorkerSync>({ type: 'sync', databaseUrl: scratch.url, readAhead: 0 });
    if (steady.status !== 'succeeded') throw new Error(`steady poll ${steady.status}: ${steady.error}`);
    // The pages' transactions (the issue's measure), and the end of the pass (deletions, the status gauge) beside it.
    const steadyDbS = steady.details.write_ms! / 1000;
    const passEndDbS = steady.details.finish_ms! / 1000;
    await new Promise((r) => setTimeout(r, 700));
    const tuples = (await tuplesWritten(scratch.url)) - tuplesBefore;
    const diff = await snap.query<{ changed: string; rewritten: string }>(`with after as (
        select 'cp' as t, id::text as id, md5((to_jsonb(x) - 'updated_at')::text) as h, xmin::text || ctid::text as v from connect.chargepoints x
        union all select 'c', id, md5((to_jsonb(x) - 'updated_at')::text), xmin::text || ctid::text from connect.connectors x
        union all select 'h', id::text, md5(to_jsonb(x)::text), xmin::text || ctid::text from connect.connector_status_history x
        union all select 'l', id, md5((to_jsonb(x) - 'updated_at')::text), xmin::text || ctid::text from connect.locations x)
      select count(*) filter (where b.id is null or a.h <> b.h) as changed,
             count(*) filter (where b.id is null or a.v <> b.v) as rewritten
      from after a left join bench.before b on a.t = b.t and a.id = b.id`);
    await snap.end();
    const changedRows = Number(diff.rows[0]!.changed);
    const rewrittenRows = Number(diff.rows[0]!.rewritten);
    const peakRss = steady.maxRssMb;

    // (3) COPY baseline: the same connector rows, as text, into an unindexed scratch table.
    const copyClient = new pg.Client({ connectionString: scratch.url });
    await copyClient.connect();
    const rows = (await copyClient.query(`select id, chargepoint_id, evse, name, type_name, current_type, max_power, type_description,
        status, status_updated_at, raw from connect.connectors`)).rows as Array<Record<string, unknown>>;
    const csv = rows.map((r) =>
      [r.id, r.chargepoint_id, r.evse, r.name, r.type_name, r.current_type, r.max_power, r.type_description, r.status,
        (r.status_updated_at as Date | null)?.toISOString() ?? null, JSON.stringify(r.raw)]
        .map((v) => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`))
        .join(','),
    );
    // Two targets: a bare table (the strict bar) and one with the connectors table's indexes and
    // checks (like for like: a bulk load into the same kind of table, foreign keys aside).
    const copyInto = async (table: string, like: string) => {
      await copyClient.query(`create table ${table} (like connect.connectors ${like})`);
      const start = performance.now();
      const stream = copyClient.query(copyFrom(`copy ${table} (id, chargepoint_id, evse, name, type_name, current_type,
        max_power, type_description, status, status_updated_at, raw) from stdin with (format csv)`));
      await pipeline(Readable.from(csv.map((l) => l + '\n')), stream);
      return (performance.now() - start) / 1000;
    };
    // The median of three loads each: one COPY of 56k rows is short enough for the machine's other
    // work to move it by half (seen: 0.29–0.60 s in runs of the same build).
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const copyS = median([await copyInto('bench.copy_bare1', 'including defaults'), await copyInto('bench.copy_bare2', 'including defaults'), await copyInto('bench.copy_bare3', 'including defaults')]);
    const copyIndexedS = median([await copyInto('bench.copy_indexed1', 'including all'), await copyInto('bench.copy_indexed2', 'including all'), await copyInto('bench.copy_indexed3', 'including all')]);
    await copyClient.end();
    // The bound of any loader that keeps this schema: the same tables COPYed into a fresh one.
    const schemaCopy = await copyIntoSchema(o.adminUrl, scratch.url);

    // (4) The steady poll over a real network: 200 ms per request, concurrency 4, 1 % changed.
    o.log('steady poll with 200 ms per request, concurrency 4…');
    await child.call({ type: 'change', fraction: 0.01, at: new Date(Date.now() - 1000).toISOString() });
    await child.call({ type: 'faults', faults: { latencyMs: POLL_LATENCY_MS } });
    const slow = await worker.call<WorkerSync>({ type: 'sync', databaseUrl: scratch.url });
    if (slow.status !== 'succeeded') throw new Error(`poll with latency ${slow.status}: ${slow.error}`);
    // The floor under it: as many bare requests for the same pages, at the same concurrency, from the same simulator.
    const floor = await worker.call<{ wallS: number }>({ type: 'floor', requests: slow.requests, concurrency: 4 });
    await child.call({ type: 'faults', faults: { latencyMs: 0 } });
    const pollIdealS = (slow.requests * POLL_LATENCY_MS) / 1000 / 4;

    const ourWriteRate = rowsWritten / writeS;
    const copyRate = rows.length / copyS;
    return {
      poll_latency: {
        chargepoints: started.sizes.chargepoints,
        latency_ms: POLL_LATENCY_MS,
        concurrency: 4,
        requests: slow.requests,
        wall_s: round(slow.wallS, 3),
        ideal_s: round(pollIdealS, 3),
        wall_over_ideal: round(slow.wallS / pollIdealS, 3),
        // The same number of bare requests for the same pages (body read, nothing parsed or
        // written): what the simulator and the network allow on this machine, and the poll against it.
        floor_s: round(floor.wallS, 3),
        floor_over_ideal: round(floor.wallS / pollIdealS, 3),
        wall_over_floor: round(slow.wallS / floor.wallS, 3),
      },
      network: { chargepoints: started.sizes.chargepoints, connectors: started.sizes.connectors, page_size: o.pageSize },
      initial: {
        records: records,
        wall_s: round(initialWall, 3),
        records_per_s: Math.round(records / initialWall),
        rows_written: rowsWritten,
        db_write_s: round(writeS, 3),
        write_rows_per_s: Math.round(ourWriteRate),
        peak_rss_mb: Math.round(rssAfterInitial),
      },
      copy_baseline: {
        rows: rows.length,
        wall_s: round(copyS, 3),
        records_per_s: Math.round(copyRate),
        our_write_ratio: round(ourWriteRate / copyRate, 3),
        indexed_records_per_s: Math.round(rows.length / copyIndexedS),
        our_write_ratio_indexed: round(ourWriteRate / (rows.length / copyIndexedS), 3),
        // Every row of the four tables the load writes, COPYed into a freshly migrated database
        // (its indexes, foreign keys and no-overlap guard): the best ratio a loader keeping them
        // could reach, and ours against it.
        schema_copy_rows: schemaCopy.rows,
        schema_copy_s: round(schemaCopy.seconds, 3),
        schema_copy_over_copy: round(schemaCopy.rows / schemaCopy.seconds / copyRate, 3),
        our_write_ratio_schema: round(ourWriteRate / (schemaCopy.rows / schemaCopy.seconds), 3),
        // The same rows into the schema stripped to its primary keys and the no-overlap guard: the
        // floor of any loader that keeps the guard (see copyIntoSchema).
        minimal_schema_copy_s: round(schemaCopy.minimalSeconds, 3),
        minimal_schema_copy_over_copy: round(schemaCopy.rows / schemaCopy.minimalSeconds / copyRate, 3),
      },
      steady: {
        changed_connectors: changed,
        changed_rows: changedRows,
        rewritten_rows: rewrittenRows,
        tuples_written: tuples,
        unchanged_rows_rewritten: rewrittenRows - changedRows,
        transitions: steady.details.transitions!,
        requests: steady.requests,
        min_pages: Math.ceil(started.sizes.chargepoints / o.pageSize),
        wall_s: round(steady.wallS, 3),
        db_write_s: round(steadyDbS, 3),
        pass_end_db_s: round(passEndDbS, 3),
        // The steady poll's database time against COPY of the same connector rows (same run).
        db_over_copy: round(steadyDbS / copyS, 3),
        // Stricter: the whole poll's database time, the end of the pass included.
        poll_db_over_copy: round((steadyDbS + passEndDbS) / copyS, 3),
        worker_cpu_s: round(steady.cpuS, 3),
      },
      peak_rss_mb: Math.round(peakRss),
      worker_node_options: WORKER_EXEC_ARGV.join(' '),
    };
  } finally {
    await worker.close();
    await child.close();
    await scratch.drop();
  }
}

/** Tables the initial load writes, in the order their foreign keys need. */
const LOAD_TABLES = ['locations', 'chargepoints', 'connectors', 'connector_status_history'];

/**
 * What COPY of the load's rows costs in this schema and in the least a loader could keep: every
 * row of LOAD_TABLES from `sourceUrl`, read into memory first so that only the loading is timed,
 * COPYed (1) into a freshly migrated scratch database, and (2) into one stripped to what any loader
 * of this contract needs: the primary keys (an upsert's conflict target) and the no-overlap guard
 * the issue keeps — no foreign keys, no other index. (2) is a floor no loader of these tables can
 * go below while it keeps the guard.
 */
async function copyIntoSchema(adminUrl: string, sourceUrl: string): Promise<{ rows: number; seconds: number; minimalSeconds: number }> {
  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  const dumps: Array<[string, Buffer[]]> = [];
  let rows = 0;
  for (const table of LOAD_TABLES) {
    const chunks: Buffer[] = [];
    const out = source.query(copyTo(`copy connect.${table} to stdout`));
    await pipeline(out, new Writable({
      write: (chunk: Buffer, _enc, done) => {
        chunks.push(chunk);
        done();
      },
    }));
    rows += Number(out.rowCount ?? 0);
    dumps.push([table, chunks]);
  }
  await source.end();
  const seconds = await copyDumps(adminUrl, dumps, false);
  const minimalSeconds = await copyDumps(adminUrl, dumps, true);
  return { rows, seconds, minimalSeconds };
}

const LOAD_TABLE_OIDS = `array[${LOAD_TABLES.map((t) => `'connect.${t}'::regclass`).join(', ')}]`;

/** Drops the foreign keys and every index but the primary keys and the exclusion constraint of LOAD_TABLES. */
const STRIP_TO_KEYS_AND_GUARD = `do $$ declare r record; begin
  for r in select conrelid::regclass as t, conname from pg_constraint
      where contype = 'f' and conrelid = any (${LOAD_TABLE_OIDS}) loop
    execute format('alter table %s drop constraint %I', r.t, r.conname);
  end loop;
  for r in select i.indexrelid::regclass as idx from pg_index i
      where i.indrelid = any (${LOAD_TABLE_OIDS}) and not i.indisprimary
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype = 'x') loop
    execute format('drop index %s', r.idx);
  end loop;
end $$`;

async function copyDumps(adminUrl: string, dumps: Array<[string, Buffer[]]>, minimal: boolean): Promise<number> {
  const target = await createScratchDatabase(adminUrl, minimal ? 'cpmin' : 'cpcopy');
  try {
    const database = await openDatabase({ databaseUrl: target.url, poolSize: 1 }, silentLogger);
    await migrateDatabase(database, silentLogger);
    if (minimal) await database.db.execute(sql.raw(STRIP_TO_KEYS_AND_GUARD));
    await database.close();
    const load = new pg.Client({ connectionString: target.url });
    await load.connect();
    const start = performance.now();
    for (const [table, chunks] of dumps) await pipeline(Readable.from(chunks), load.query(copyFrom(`copy connect.${table} from stdin`)));
    const seconds = (performance.now() - start) / 1000;
    await load.end();
    return seconds;
  } finally {
    await target.drop();
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * poll100k: a large operator's minute poll — 100k chargepoints, 200 ms per request, concurrency 8,
 * steady state (1 % changed) after an initial load; wall time and the worker's peak RSS.
 */
export async function benchPoll100k(o: { adminUrl: string; pageSize: number; log: (line: string) => void }): Promise<Record<string, Record<string, number>>> {
  const scratch = await createScratchDatabase(o.adminUrl, 'poll100k');
  const child = forkChild(resolve(import.meta.dirname, 'sim-child.js'));
  const worker = forkChild(resolve(import.meta.dirname, 'worker-child.js'), WORKER_EXEC_ARGV);
  try {
    const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 1 }, silentLogger);
    await migrateDatabase(database, silentLogger);
    await database.close();
    o.log('poll100k: building 100k chargepoints…');
    const started = await child.call<{ url: string; apiKey: string; sizes: { chargepoints: number; connectors: number } }>({
      type: 'start',
      options: { chargepoints: 100_000, contacts: 10, seed: 2, speed: 0, startTime: new Date(Date.now() - 86_400_000) },
    });
    await worker.call({ type: 'connect', url: started.url, apiKey: started.apiKey, pageSize: o.pageSize, concurrency: 8 });
    o.log(`poll100k: initial load of ${started.sizes.chargepoints} chargepoints, ${started.sizes.connectors} connectors…`);
    const initial = await worker.call<WorkerSync>({ type: 'sync', databaseUrl: scratch.url });
    if (initial.status !== 'succeeded') throw new Error(`poll100k initial load ${initial.status}: ${initial.error}`);
    o.log('poll100k: steady poll, 200 ms per request, concurrency 8…');
    await child.call({ type: 'change', fraction: 0.01, at: new Date(Date.now() - 1000).toISOString() });
    await child.call({ type: 'faults', faults: { latencyMs: POLL_LATENCY_MS } });
    const steady = await worker.call<WorkerSync>({ type: 'sync', databaseUrl: scratch.url });
    if (steady.status !== 'succeeded') throw new Error(`poll100k steady ${steady.status}: ${steady.error}`);
    return {
      poll100k: {
        chargepoints: started.sizes.chargepoints,
        connectors: started.sizes.connectors,
        latency_ms: POLL_LATENCY_MS,
        concurrency: 8,
        requests: steady.requests,
        wall_s: round(steady.wallS, 3),
        ideal_s: round((steady.requests * POLL_LATENCY_MS) / 1000 / 8, 3),
        db_write_s: round(steady.details.write_ms! / 1000, 3),
        initial_wall_s: round(initial.wallS, 3),
        // The worker process's peak over its whole life (the initial load included).
        peak_rss_mb: Math.round(steady.maxRssMb),
      },
    };
  } finally {
    await worker.close();
    await child.close();
    await scratch.drop();
  }
}
