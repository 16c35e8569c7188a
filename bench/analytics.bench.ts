// Analytics figures: the uptime report over 90 days for 10k connectors (~2M status intervals,
// a status pass every minute), one chargepoint-month from connect.daily_availability, the network-
// wide queries dashboards need (outages over 90 days as SQL and as the CSV command, a month of
// daily availability for every chargepoint and every location) and every panel of the committed
// Grafana dashboards as the BI role, on a scratch database created (and dropped) here. Data is
// generated set-based in SQL.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { expandSql, panelsOf, type DashboardJson } from '../grafana/macros.js';
import { uptimeCsv } from '../src/analytics/format/uptime.js';
import { reportUptime } from '../src/analytics/uptime.js';
import { openDatabase, rows } from '../src/db/database.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { ensureBiRole } from '../src/db/roles.js';
import { silentLogger } from '../src/log.js';
import { createScratchDatabase } from './scratch-db.js';

export interface AnalyticsBenchOptions {
  connectors?: number;
  /** Status intervals per connector over the 90 days. */
  intervalsPerConnector?: number;
  log?: (line: string) => void;
}

const DAYS = 90;

/** Median and slowest of `runs` timed calls, in ms. */
async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! };
}

export async function benchAnalytics(databaseUrl: string, options: AnalyticsBenchOptions = {}): Promise<Record<string, number>> {
  const connectors = options.connectors ?? 10_000;
  const perConnector = options.intervalsPerConnector ?? 200;
  const log = options.log ?? (() => {});
  const scratch = await createScratchDatabase(databaseUrl, 'analytics');
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 4 }, silentLogger);
  try {
    await migrateDatabase(database, silentLogger);
    const db = database.db;
    log(`analytics: generating ${connectors} connectors × ${perConnector} intervals over ${DAYS} days, a status pass per minute…`);
    const t0 = performance.now();
    // The overlap guard (a gist exclusion constraint) only slows the bulk insert down; the
    // generated intervals do not overlap and no analytics query uses it.
    await db.execute(sql`alter table connect.connector_status_history drop constraint status_history_no_overlap`);
    await db.execute(sql`insert into connect.locations (id, name, raw) select 'loc-' || i, 'Site ' || i, '{}' from generate_series(0, ${Math.ceil(connectors / 20) - 1}) i`);
    await db.execute(sql`insert into connect.chargepoints (id, name, location_id, raw)
      select 'cp-' || i, 'Chargepoint ' || i, 'loc-' || (i / 10), '{}' from generate_series(0, ${Math.ceil(connectors / 2) - 1}) i`);
    await db.execute(sql`insert into connect.connectors (id, chargepoint_id, evse, status, raw)
      select 'c-' || i, 'cp-' || (i / 2), 'US*CSY*E' || i, 'Available', '{}' from generate_series(0, ${connectors - 1}) i`);
    // Passes: one a minute, 20 s long; every 500th fails; a 6-hour worker outage on day 40.
    await db.execute(sql`insert into connect.sync_runs (job, status, started_at, finished_at, heartbeat_at, complete)
      select 'chargepoints', case when m % 500 = 499 then 'failed' else 'succeeded' end,
        t0 + m * interval '1 minute', t0 + m * interval '1 minute' + interval '20 seconds', t0 + m * interval '1 minute' + interval '20 seconds', true
      from (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '${sql.raw(String(DAYS))} days' as t0) p,
        generate_series(0, ${DAYS * 1440 - 1}) m
      where not (m >= 40 * 1440 and m < 40 * 1440 + 360)`);
    // Intervals: change k of connector c at slot k (slots of 90 days / perConnector) plus up to
    // 300 minutes of jitter; first seen by the next pass (after the outage for changes during it).
    // Closed intervals carry the observation coverage the sync stores when it closes one
    // (src/db/status-history.ts), from the same function: L for the bound "successor first seen".
    const slot = Math.floor((DAYS * 1440) / perConnector);
    const seenAt = (minute: string) =>
      sql.raw(`t0 + (case when ${minute} + 1 >= 40 * 1440 and ${minute} + 1 < 40 * 1440 + 360 then 40 * 1440 + 360 else ${minute} + 1 end) * interval '1 minute' + interval '5 seconds'`);
    // The contiguous neighbours' statuses too, as the sync stores them (migration 0007): the
    // predecessor's when an interval opens, the successor's when a status change closes it.
    const statusOf = (k: string) =>
      sql.raw(`(array['Available','Available','Available','Available','Available','Available','Available','Available','Available','Available',
                 'Charging','Charging','Charging','Charging','Occupied','Preparing','Faulted','Unavailable','Unknown','SuspendedEV'])[1 + abs(hashint4(c * 7919 + ${k})) % 20]`);
    await db.execute(sql`insert into connect.connector_status_history (connector_id, status, valid_from, valid_to, observed_at, confirmed_at, observed_until,
        prev_status, next_status)
      select g.connector_id, g.status, g.valid_from, g.valid_to, g.observed_at, l.confirmed_at,
        case when g.valid_to is not null then least(g.valid_to, greatest(g.valid_from, l.confirmed_at)) end,
        g.prev_status, g.next_status
      from (
        select 'c-' || c as connector_id,
          ${statusOf('k')} as status,
          case when k > 0 then ${statusOf('k - 1')} end as prev_status,
          case when k < ${perConnector - 1} then ${statusOf('k + 1')} end as next_status,
          t0 + om * interval '1 minute' + (c % 60) * interval '1 second' as valid_from,
          case when k < ${perConnector - 1} then t0 + nm * interval '1 minute' + (c % 60) * interval '1 second' end as valid_to,
          ${seenAt('om')} as observed_at,
          case when k < ${perConnector - 1} then ${seenAt('nm')} end as next_observed_at
        from (
          select c, k, t0,
            k * ${slot} + abs(hashint4(c * 1000 + k)) % 300 as om,
            (k + 1) * ${slot} + abs(hashint4(c * 1000 + k + 1)) % 300 as nm
          from (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - interval '${sql.raw(String(DAYS))} days' as t0) p,
            generate_series(0, ${connectors - 1}) c, generate_series(0, ${perConnector - 1}) k
        ) s
      ) g
      -- OFFSET 0 keeps the lookup from being copied into both columns that use it.
      cross join lateral (
        select case when g.next_observed_at is not null then connect._confirming_pass_start(g.next_observed_at, g.observed_at) end as confirmed_at
        offset 0
      ) l`);
    await db.execute(sql`vacuum analyze connect.connector_status_history`);
    await db.execute(sql`vacuum analyze connect.sync_runs`);
    await db.execute(sql`analyze`);
    // Write the bulk load out now rather than during the measurements (needs a superuser; optional).
    await db.execute(sql`checkpoint`).catch(() => {});
    // The stored coverage must be what the query would compute (checked on 50 connectors).
    const [check] = await rows<{ n: number; wrong: number }>(
      db,
      sql`select count(*)::int as n, count(*) filter (where h.observed_until is distinct from
            least(h.valid_to, greatest(h.valid_from, connect._confirmed_at(h.connector_id, h.valid_to, h.observed_at, h.closed_reason))))::int as wrong
          from connect.connector_status_history h where h.valid_to is not null and h.connector_id = any (array(select 'c-' || i from generate_series(0, 49) i))`,
    );
    if (!check || check.n === 0 || check.wrong > 0) throw new Error(`generated coverage differs from the computed one: ${JSON.stringify(check)}`);
    // ... and so must the stored neighbours (the lookups connect.outages makes when they are not stored).
    const [links] = await rows<{ n: number; wrong: number }>(
      db,
      sql`select count(*)::int as n, count(*) filter (where h.prev_status is distinct from connect._prev_status(h.connector_id, h.valid_from)
            or (h.valid_to is not null and h.next_status is distinct from connect._next_status(h.connector_id, h.valid_to)))::int as wrong
          from connect.connector_status_history h where h.connector_id = any (array(select 'c-' || i from generate_series(0, 49) i))`,
    );
    if (!links || links.n === 0 || links.wrong > 0) throw new Error(`generated neighbours differ from the looked-up ones: ${JSON.stringify(links)}`);
    const [count] = await rows<{ n: string }>(db, sql`select count(*) as n from connect.connector_status_history`);
    const intervals = Number(count?.n ?? 0);
    log(`analytics: ${intervals} intervals generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const [range] = await rows<{ from: string; to: string; month_from: string; month_to: string }>(
      db,
      sql`select to_char(d - ${DAYS}::int, 'YYYY-MM-DD') as from, to_char(d, 'YYYY-MM-DD') as to,
          to_char(date_trunc('month', d - 60) + interval '1 month', 'YYYY-MM-DD') as month_from,
          to_char(date_trunc('month', d - 60) + interval '2 months', 'YYYY-MM-DD') as month_to
        from (select (now() at time zone 'UTC')::date as d) x`,
    );
    const period = { from: range!.from, to: range!.to };
    let reportRows = 0;
    const runReport = async () => {
      const report = await reportUptime(database, { ...period, by: 'connector' });
      reportRows = report.rows.length;
      return uptimeCsv(report);
    };
    await runReport(); // warm-up: caches, plans
    const report = await timed(5, runReport);
    log(
      `analytics: uptime report ${period.from}..${period.to}, ${reportRows} connectors, as CSV: ${(report.median / 1000).toFixed(2)} s (median of 5; slowest ${(report.max / 1000).toFixed(2)} s)`,
    );

    const month = sql`select * from connect.daily_availability(${range!.month_from}::date, ${range!.month_to}::date, 'UTC', 'chargepoint', '{cp-17}')`;
    await db.execute(month);
    const monthMs = (await timed(7, () => db.execute(month))).median;
    log(`analytics: one chargepoint-month (${range!.month_from}..${range!.month_to}): ${monthMs.toFixed(1)} ms (median of 7)`);

    // Outages over the 90 days: the SQL function (rows counted in the server), then the command
    // end to end (a fresh process, CSV on stdout read to the end).
    const outagesQuery = sql`select count(*) as n from connect.outages(${range!.from}::date::timestamptz, ${range!.to}::date::timestamptz)`;
    const [outageCount] = await rows<{ n: string }>(db, outagesQuery);
    const outagesSql = await timed(5, () => db.execute(outagesQuery));
    log(`analytics: connect.outages ${period.from}..${period.to}: ${outageCount?.n} outages, ${(outagesSql.median / 1000).toFixed(2)} s (median of 5; slowest ${(outagesSql.max / 1000).toFixed(2)} s)`);
    let csvBytes = 0;
    const outagesCsv = await timed(5, async () => {
      csvBytes = await runCliToEnd(['report', 'outages', '--from', period.from, '--to', period.to, '--format', 'csv'], scratch.url);
    });
    log(`analytics: report outages --format csv, end to end: ${(csvBytes / 1e6).toFixed(1)} MB, ${(outagesCsv.median / 1000).toFixed(2)} s (median of 5; slowest ${(outagesCsv.max / 1000).toFixed(2)} s)`);

    // A month of daily availability for every chargepoint and every location (Berlin days).
    const daily: Record<string, number> = {};
    for (const level of ['chargepoint', 'location'] as const) {
      const q = sql`select count(*) from connect.daily_availability(${range!.month_from}::date, ${range!.month_to}::date, 'Europe/Berlin', ${level})`;
      await db.execute(q);
      daily[level] = (await timed(5, () => db.execute(q))).median;
      log(`analytics: daily availability ${range!.month_from}..${range!.month_to}, every ${level}: ${(daily[level]! / 1000).toFixed(2)} s (median of 5)`);
    }

    const panels = await benchPanels(database, scratch.url, log);

    return {
      analytics_report_90d_10k_s: Number((report.median / 1000).toFixed(3)),
      analytics_report_90d_10k_slowest_s: Number((report.max / 1000).toFixed(3)),
      analytics_chargepoint_month_ms: Number(monthMs.toFixed(2)),
      analytics_intervals: intervals,
      outages_90d_10k_s: Number((outagesSql.median / 1000).toFixed(3)),
      outages_csv_90d_10k_s: Number((outagesCsv.median / 1000).toFixed(3)),
      daily_network_month_s: Number((Math.max(daily.chargepoint!, daily.location!) / 1000).toFixed(3)),
      daily_chargepoints_month_s: Number((daily.chargepoint! / 1000).toFixed(3)),
      daily_locations_month_s: Number((daily.location! / 1000).toFixed(3)),
      slowest_panel_s: Number((panels.slowestMs / 1000).toFixed(3)),
    };
  } finally {
    await database.close();
    await scratch.drop();
  }
}

/** Runs the CLI built next to this file (.bench/src/cli.js) and reads its stdout to the end; resolves with the bytes read. */
function runCliToEnd(args: string[], databaseUrl: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../src/cli.js'), ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bytes = 0;
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(bytes) : reject(new Error(`report outages exited with ${code}`))));
  });
}

/**
 * Every panel query of the committed dashboards, as the BI role, over the last 30 days (the
 * dashboards' default range) with Berlin days and one location and chargepoint chosen: the median
 * of 3 runs per panel; the slowest panel is the figure.
 */
async function benchPanels(database: Awaited<ReturnType<typeof openDatabase>>, url: string, log: (line: string) => void): Promise<{ slowestMs: number }> {
  const role = 'cs_bench_grafana';
  await ensureBiRole(database.db, role, 'bench');
  const biUrl = new URL(url);
  biUrl.username = role;
  biUrl.password = 'bench';
  const bi = new pg.Client({ connectionString: biUrl.toString() });
  await bi.connect();
  try {
    const dir = resolve(import.meta.dirname, '../../grafana/dashboards');
    const range = { from: new Date(Date.now() - 30 * 86_400_000), to: new Date() };
    const variables = { tz: 'Europe/Berlin', location: 'loc-1', chargepoint: 'cp-17' };
    let slowestMs = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const dashboard = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as DashboardJson;
      for (const panel of panelsOf(dashboard)) {
        const queries = panel.targets!.map((target) => expandSql(target.rawSql, range, variables));
        const run = async () => {
          for (const q of queries) await bi.query(q);
        };
        await run();
        const ms = (await timed(3, run)).median;
        slowestMs = Math.max(slowestMs, ms);
        log(`analytics: panel ${file} "${panel.title}": ${ms.toFixed(0)} ms (median of 3)`);
      }
    }
    return { slowestMs };
  } finally {
    await bi.end();
    await database.db.execute(sql.raw(`drop owned by ${role}`));
    await database.db.execute(sql.raw(`drop role ${role}`));
  }
}
