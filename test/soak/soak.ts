// The chaos soak (issue 14): the real product — `sync` processes as a scheduler starts them and
// the `run` daemon — against the simulator over one scripted timeline, twice: a clean lane
// without faults and a chaos lane with every fault we know of. Both lanes walk the same ticks; at
// the end the two databases must hold the same history. `npm run soak` (scripts/soak.ts) is the
// long form, test/soak/soak.test.ts the short one.
import { checkInvariants, compareDatabases, type DifferingRow } from './compare.js';
import { Lane, type ChaosSettings, type Dialect } from './lane.js';

export interface SoakOptions {
  ticks: number;
  seed: number;
  dialect: Dialect;
  /** PostgreSQL to create the two databases on (they are named cs_soak_*). */
  adminUrl: string;
  /** dist/cli.js */
  cli: string;
  chargepoints?: number;
  contacts?: number;
  /** Simulated time per tick (one cron minute of a deployment), ms. */
  tickMs?: number;
  chaos?: Partial<ChaosSettings>;
  /** Keep the databases even when the lanes agree. */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface SoakReport {
  dialect: Dialect;
  seed: number;
  ticks: number;
  rows: Record<string, number>;
  differing: DifferingRow[];
  /** Invariant violations per lane. */
  problems: { clean: string[]; chaos: string[] };
  /** Each fault kind with how often it was injected, in the order printed. */
  injected: Array<[string, number]>;
  /** Failed or killed runs that were started again. */
  retries: number;
  wallMs: number;
  databases: { clean: string; chaos: string };
}

/** About 2-4 % of requests fail in each way; process and database faults in about one tick in eight. */
export const DEFAULT_CHAOS: ChaosSettings = {
  upstream: { errorRate: 0.03, rateLimitRate: 0.015, retryAfterS: 1, dropRate: 0.015, spikeRate: 0.015, spikeMs: 2500 },
  processKill: 0.35,
  backendTermination: 0.12,
  databaseCut: 0.1,
  cutMs: [300, 2500],
  daemonKill: 0.1,
  withinMs: 1500,
};

/** Connectors change about once a simulated hour; chargepoints come and go; cards change. */
const CHURN = { chargepointsAddedPerHour: 2, chargepointsRemovedPerHour: 2, cardChangesPerHour: 4 };
const TIMEOUT_MS = 1500;

/** The simulated start: the simulator's default day when it is far enough in the past, else yesterday. */
function startTimeFor(ticks: number, tickMs: number): Date {
  const fixed = new Date('2026-01-01T00:00:00Z');
  // A status updatedAt more than 5 minutes in the future is not believed (valid_from becomes the
  // observation time): the whole timeline must lie in the past.
  const latest = Date.now() - ticks * tickMs - 86_400_000;
  return fixed.getTime() < latest ? fixed : new Date(Math.floor(latest / 86_400_000) * 86_400_000);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const tickMs = options.tickMs ?? 300_000;
  const chaos = { ...DEFAULT_CHAOS, ...options.chaos, upstream: { ...DEFAULT_CHAOS.upstream, ...options.chaos?.upstream } };
  const base = `cs_soak_${options.dialect}_${options.seed}_${process.pid}`;
  const common = {
    cli: options.cli,
    adminUrl: options.adminUrl,
    seed: options.seed,
    dialect: options.dialect,
    chargepoints: options.chargepoints ?? 60,
    contacts: options.contacts ?? 25,
    churn: CHURN,
    startTime: startTimeFor(options.ticks, tickMs),
    tickMs,
    timeoutMs: TIMEOUT_MS,
    pageSize: 20,
    log,
  };
  const clean = new Lane({ ...common, name: 'clean', database: `${base}_clean` });
  const chaotic = new Lane({ ...common, name: 'chaos', database: `${base}_chaos`, chaos });
  const lanes = [clean, chaotic];
  let agreed = false;
  try {
    await Promise.all(lanes.map((lane) => lane.start()));
    await Promise.all(
      lanes.map(async (lane) => {
        for (let tick = 0; tick < options.ticks; tick++) {
          await lane.tick(tick, tick === options.ticks - 1);
          if ((tick + 1) % 25 === 0) log(`${options.dialect} ${lane.options.name}: tick ${tick + 1}/${options.ticks}`);
        }
      }),
    );
    await Promise.all(lanes.map((lane) => lane.finish()));
    for (const lane of lanes) {
      const t = lane.timing;
      log(`${options.dialect} ${lane.options.name}: ${(t.sync / 1000).toFixed(1)} s in sync processes, ${(t.daemon / 1000).toFixed(1)} s waiting for the daemon's poll, ${(t.faults / 1000).toFixed(1)} s for faults to end`);
    }
    const { rows, differing } = await compareDatabases(clean.url, chaotic.url);
    const problems = { clean: await checkInvariants(clean.url), chaos: await checkInvariants(chaotic.url) };
    const f = chaotic.sim.stats.faults;
    const report: SoakReport = {
      dialect: options.dialect,
      seed: options.seed,
      ticks: options.ticks,
      rows,
      differing,
      problems,
      injected: [
        ['× 5xx', f['httpError'] ?? 0],
        ['× 429', f['rateLimited'] ?? 0],
        ['drops', f['drop'] ?? 0],
        ['latency spikes', f['latencySpike'] ?? 0],
        ['process kills', chaotic.injected.processKills],
        ['backend terminations', chaotic.injected.backendTerminations],
        ['database cuts', chaotic.injected.databaseCuts],
        ['daemon kills', chaotic.injected.daemonKills],
      ],
      retries: chaotic.retries,
      wallMs: performance.now() - t0,
      databases: { clean: clean.options.database, chaos: chaotic.options.database },
    };
    agreed = differing.length === 0 && problems.clean.length === 0 && problems.chaos.length === 0;
    return report;
  } finally {
    await Promise.all(lanes.map((lane) => lane.close()));
    if (agreed && !options.keep) await Promise.all(lanes.map((lane) => lane.dropDatabase()));
  }
}

/** `soak: 300 ticks, 0 differing rows; injected 512 × 5xx, ...` and, when they differ, the rows. */
export function formatReport(r: SoakReport, maxRows = 20): string {
  const faults = r.injected.map(([kind, n]) => `${n} ${kind}`).join(', ');
  const lines = [
    `soak: ${r.ticks} ticks, ${r.differing.length} differing rows; injected ${faults} ` +
      `(${r.dialect} dialect, seed ${r.seed}, ${r.retries} runs started again, ${(r.wallMs / 1000).toFixed(0)} s)`,
    `  compared rows (clean): ${Object.entries(r.rows).map(([t, n]) => `${t} ${n}`).join(', ')}`,
  ];
  for (const lane of ['clean', 'chaos'] as const) {
    for (const p of r.problems[lane]) lines.push(`  ${lane}: ${p}`);
  }
  for (const d of r.differing.slice(0, maxRows)) {
    lines.push(`  ${d.table} ${d.key}\n    clean: ${d.clean ?? '(missing)'}\n    chaos: ${d.chaos ?? '(missing)'}`);
  }
  if (r.differing.length > maxRows) lines.push(`  … ${r.differing.length - maxRows} more`);
  if (r.differing.length > 0 || r.problems.clean.length > 0 || r.problems.chaos.length > 0) {
    lines.push(`  databases kept for inspection: ${r.databases.clean}, ${r.databases.chaos}`);
  }
  return lines.join('\n');
}
