// `connect-sync demo`: zero configuration. A simulated CONNECT API with a fast clock, the
// embedded database (or DATABASE_URL), a few sync cycles with progress, then an availability
// summary and where to find the data.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConnectClient, createLimiter } from '../connect/index.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrateDatabase } from '../db/migrate.js';
import { availabilitySummary, holdsForeignData, markAsDemo } from '../db/summary.js';
import { silentLogger } from '../log.js';
import { startSimulator } from '../simulator/index.js';
import { createJobRunner } from '../sync/jobs.js';
import type { JobName } from '../sync/job.js';
import type { CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';

const CYCLES = 12;
/** Simulated minutes between two status polls: the demo's clock is driven, never ahead of real time. */
const STEP_MIN = 20;

export async function demoCommand(ctx: CommandContext): Promise<number> {
  const say = (line: string) => process.stdout.write(line + '\n');
  const t0 = Date.now();
  say('connect-sync demo: a simulated CONNECT API, a database, a few sync cycles, then an availability summary.');

  let database: Database;
  let where: string;
  if (ctx.config.databaseUrl) {
    database = await openDatabase({ databaseUrl: ctx.config.databaseUrl }, silentLogger);
    where = `PostgreSQL at ${database.location}`;
  } else {
    // The embedded database of the demo is its own, replaced on every run.
    const dir = join(ctx.config.dataDir, 'demo');
    rmSync(dir, { recursive: true, force: true });
    database = await openDatabase({ dataDir: dir }, silentLogger);
    where = `the embedded database in ${database.location} (PGlite; set DATABASE_URL to use PostgreSQL)`;
  }
  // The simulated day ends five minutes before now, so every upstream timestamp is in the past and
  // the history lines up with the real times of the polls (sync_runs) that observed it.
  const sim = await startSimulator({
    chargepoints: 200,
    contacts: 60,
    seed: 42,
    speed: 0,
    startTime: new Date(Date.now() - (CYCLES * STEP_MIN + 5) * 60_000),
  });
  try {
    say(`• database: ${where}`);
    if (await holdsForeignData(database.db)) {
      process.stderr.write('DATABASE_URL points at a database that already holds connect-sync data; the demo would mix simulated data into it. Unset DATABASE_URL (the demo then uses an embedded database) or point it at an empty database.\n');
      return EXIT.usage;
    }
    await migrateDatabase(database, silentLogger);
    await markAsDemo(database.db);
    say(`• simulator: ${sim.url} — ${sim.world.sizes().chargepoints} chargepoints, ${sim.world.sizes().connectors} connectors, ${sim.world.sizes().contacts} contacts; ${STEP_MIN} simulated minutes pass between polls`);
    const client = createConnectClient({
      url: sim.url,
      apiKey: sim.apiKey,
      timeoutMs: 10_000,
      pageSize: 100,
      limiter: createLimiter({ concurrency: 4, maxRps: 500 }),
      logger: silentLogger,
    });
    const run = createJobRunner({ client, database, logger: silentLogger, concurrency: 4 });
    const once = async (job: JobName) => {
      const r = await run(job, { lockMode: 'wait' });
      if (r.status !== 'succeeded') throw new Error(`${job} ${r.status}: ${r.error}`);
      return r;
    };
    const simStart = sim.clock.now();
    for (const job of ['contacts', 'cards', 'sessions'] as const) {
      const r = await once(job);
      say(`• ${job.padEnd(12)} ${r.counters!.inserted} stored (${r.counters!.requests} requests)`);
    }
    let lastPoll = simStart;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      sim.clock.advance(STEP_MIN * 60_000);
      lastPoll = sim.clock.now();
      const r = await once('chargepoints');
      if (cycle % 3 === 0) await once('active-sessions');
      say(
        `• status poll ${String(cycle).padStart(2)}/${CYCLES}: ${r.counters!.seen} records, ${r.details!.transitions ?? 0} status intervals opened, ` +
          `${r.counters!.updated} rows updated, ${r.counters!.unchanged} unchanged — simulated time ${sim.clock.now().toISOString().slice(0, 16).replace('T', ' ')}`,
      );
    }
    // The summary covers what the polls saw: up to the last one.
    const simEnd = lastPoll;
    const summary = await availabilitySummary(database.db, simStart, simEnd);
    const total = summary.reduce(
      (a, r) => ({ up: a.up + r.up_min, down: a.down + r.down_min, unknown: a.unknown + r.unknown_min, unobserved: a.unobserved + r.not_observed_min }),
      { up: 0, down: 0, unknown: 0, unobserved: 0 },
    );
    const all = total.up + total.down + total.unknown + total.unobserved;
    say('');
    say(`Availability, ${simStart.toISOString().slice(0, 16)}Z – ${simEnd.toISOString().slice(0, 16)}Z (simulated), ${summary.length} chargepoints:`);
    say(`  up ${pct(total.up, all)}   down ${pct(total.down, all)}   unknown ${pct(total.unknown, all)}   not observed ${pct(total.unobserved, all)}   (${Math.round(all)} connector-minutes)`);
    say('  lowest uptime (NEVI formula, 23 CFR 680.116(b)):');
    for (const r of summary.slice(0, 5)) {
      say(`    ${(r.name ?? r.chargepoint_id).slice(0, 40).padEnd(40)} ${String(r.connectors).padStart(2)} connectors  ${r.uptime_pct === null ? '   n/a' : `${r.uptime_pct.toFixed(2).padStart(6)} %`}`);
    }
    say('');
    say(`The data is in ${where}, schema "connect":`);
    say('  connect.connector_status_history  one row per status interval (valid_from, valid_to)');
    say('  connect.chargepoints, connect.connectors, connect.charging_sessions, connect.sync_runs, and the bi_* views');
    const from = simStart.toISOString().slice(0, 10);
    const to = new Date(simEnd.getTime() + 86_400_000).toISOString().slice(0, 10);
    const env = ctx.config.databaseUrl ? '' : `DATA_DIR=${join(ctx.config.dataDir, 'demo')} `;
    say(`  uptime report:  ${env}node dist/cli.js report uptime --from ${from} --to ${to} --by chargepoint`);
    say(`  as a web page:  ${env}node dist/cli.js report uptime --from ${from} --to ${to} --format html --out uptime.html`);
    say(
      ctx.config.databaseUrl
        ? `  in SQL:         psql "$DATABASE_URL" -c "select * from connect.unmapped_statuses"`
        : `  the demo database stays until the next demo; for your own data set DATABASE_URL (see README.md).`,
    );
    say(`demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return EXIT.ok;
  } finally {
    await sim.close();
    await database.close();
  }
}

function pct(part: number, all: number): string {
  return all > 0 ? `${((100 * part) / all).toFixed(1)} %` : 'n/a';
}
