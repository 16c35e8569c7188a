// One lane of the soak: a simulator, a database of its own, the `run` daemon and the CLI's
// `sync` commands, walked through the scripted timeline tick by tick. The clean lane runs it as
// is; the chaos lane runs the same timeline with faults in the upstream, in the processes and in
// the database. A tick ends only when each of its passes has completed (a run row `succeeded`),
// so at every tick both lanes have read the same world.
import pg from 'pg';
import { startSimulator, type ChurnRates, type FaultSettings, type Simulator } from '../../src/simulator/index.js';
import { Prng, deriveSeed } from '../../src/simulator/prng.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { alive, kill, sleep, startCli, stop, type ChildRun } from './processes.js';

export type Dialect = 'offset' | 'paged';

/** The upstream faults of the chaos lane, and how often each process or database fault fires. */
export interface ChaosSettings {
  upstream: Partial<FaultSettings>;
  /** Chance that a `sync` process is SIGKILLed at a random moment of its run. */
  processKill: number;
  /** Per tick: chance that the product's database backends are terminated (pg_terminate_backend). */
  backendTermination: number;
  /** Per tick: chance that PostgreSQL becomes unreachable for cutMs (the proxy is cut, then restored). */
  databaseCut: number;
  cutMs: [number, number];
  /** Per tick: chance that the daemon is SIGKILLed (and started again, as a restart policy would). */
  daemonKill: number;
  /** Latest moment in a tick at which a fault fires, ms. */
  withinMs: number;
}

export interface LaneOptions {
  name: 'clean' | 'chaos';
  cli: string;
  adminUrl: string;
  database: string;
  seed: number;
  dialect: Dialect;
  chargepoints: number;
  contacts: number;
  churn: Partial<ChurnRates>;
  startTime: Date;
  tickMs: number;
  /** Client timeout of the product; a latency spike longer than this is a timed-out request. */
  timeoutMs: number;
  pageSize: number;
  chaos?: ChaosSettings;
  log: (line: string) => void;
}

export interface InjectedFaults {
  processKills: number;
  backendTerminations: number;
  databaseCuts: number;
  daemonKills: number;
}

/**
 * What the scheduler starts at a tick (the daemon polls statuses at every tick itself): contacts
 * and cards every 15 ticks, all sessions every 15 ticks in between, active sessions every 5; and
 * everything at the first and the last tick.
 */
export function jobsDue(tick: number, last: boolean): string[][] {
  const jobs: string[][] = [];
  if (tick % 15 === 0 || last) jobs.push(['contacts'], ['cards']);
  if (tick % 15 === 7 || tick === 0 || last) jobs.push(['sessions']);
  if (tick % 5 === 3) jobs.push(['sessions', '--active']);
  return jobs;
}

const LOCK_NAMESPACE = 0x4353594e; // src/db/database.ts: the product's advisory lock namespace
const MAX_ATTEMPTS = 60;
const DAEMON_WAIT_MS = 180_000;

export class Lane {
  readonly injected: InjectedFaults = { processKills: 0, backendTerminations: 0, databaseCuts: 0, daemonKills: 0 };
  /** `sync` processes and daemon starts that did not end in a successful run (retried). */
  retries = 0;
  sim!: Simulator;
  private admin!: pg.Client;
  private proxy: TcpProxy | undefined;
  private daemon: ChildRun | undefined;
  private daemonStarts = 0;
  private env!: Record<string, string>;
  private readonly rng: Prng;
  private faultsInFlight: Promise<void>[] = [];

  constructor(readonly options: LaneOptions) {
    this.rng = new Prng(deriveSeed(options.seed, `soak:${options.name}`));
  }

  get url(): string {
    const u = new URL(this.options.adminUrl);
    u.pathname = `/${this.options.database}`;
    return u.toString();
  }

  async start(): Promise<void> {
    const o = this.options;
    const admin = new pg.Client({ connectionString: o.adminUrl, application_name: 'cs-soak' });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${o.database} with (force)`);
      await admin.query(`create database ${o.database}`);
    } finally {
      await admin.end();
    }
    this.sim = await startSimulator({
      seed: o.seed,
      dialect: o.dialect,
      chargepoints: o.chargepoints,
      contacts: o.contacts,
      startTime: o.startTime,
      churn: o.churn,
      faults: o.chaos?.upstream ?? {},
    });
    let productUrl = this.url;
    if (o.chaos) {
      const target = new URL(this.url);
      this.proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      target.host = `127.0.0.1:${this.proxy.port}`;
      productUrl = target.toString();
    }
    this.env = {
      CONNECT_API_URL: this.sim.url,
      CONNECT_API_KEY: this.sim.apiKey,
      DATABASE_URL: productUrl,
      LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
      CONNECT_PAGE_SIZE: String(o.pageSize),
      CONNECT_TIMEOUT_MS: String(o.timeoutMs),
      CONNECT_MAX_RPS: '200',
    };
    const migrate = startCli(o.cli, ['migrate'], this.env);
    if ((await migrate.exited) !== 0) throw new Error(`${o.name}: migrate failed:\n${migrate.output()}`);
    this.admin = new pg.Client({ connectionString: this.url, application_name: 'cs-soak' });
    await this.admin.connect();
    this.ensureDaemon();
  }

  /** One tick: the world moves (except at tick 0), the tick's passes run to success, faults fire meanwhile. */
  async tick(tick: number, last: boolean): Promise<void> {
    const t0 = performance.now();
    const mark = tick === 0 ? 0 : await this.advance();
    if (this.options.chaos) this.scheduleFaults(this.options.chaos);
    for (const args of jobsDue(tick, last)) await this.syncUntilSucceeded(args);
    const t1 = performance.now();
    await this.waitForRun('chargepoints', mark);
    const t2 = performance.now();
    await Promise.all(this.faultsInFlight);
    this.faultsInFlight = [];
    const t3 = performance.now();
    this.timing.sync += t1 - t0;
    this.timing.daemon += t2 - t1;
    this.timing.faults += t3 - t2;
  }

  /** Where the lane's wall time went (ms): sync processes, waiting for the daemon's poll, faults still under way. */
  readonly timing = { sync: 0, daemon: 0, faults: 0 };

  /**
   * Moves the simulated clock one tick while holding the status poll's advisory lock, so no pass
   * straddles two worlds; returns the last run id before the move (later runs saw the new world).
   */
  private async advance(): Promise<number> {
    await this.admin.query('select pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, 'job:chargepoints']);
    try {
      this.sim.clock.advance(this.options.tickMs);
      const r = await this.admin.query<{ id: string | null }>('select max(id) as id from connect.sync_runs');
      return Number(r.rows[0]?.id ?? 0);
    } finally {
      await this.admin.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, 'job:chargepoints']);
    }
  }

  private async lastRunId(): Promise<number> {
    const r = await this.admin.query<{ id: string | null }>('select max(id) as id from connect.sync_runs');
    return Number(r.rows[0]?.id ?? 0);
  }

  private async succeededSince(job: string, mark: number): Promise<boolean> {
    const r = await this.admin.query(`select 1 from connect.sync_runs where job = $1 and id > $2 and status = 'succeeded' and complete`, [job, mark]);
    return r.rowCount! > 0;
  }

  /** Starts `sync <args>` until one run of it succeeds, as a scheduler retries a failed job. */
  private async syncUntilSucceeded(args: string[]): Promise<void> {
    const job = args.includes('--active') ? 'active-sessions' : args[0]!;
    const chaos = this.options.chaos;
    for (let attempt = 1; ; attempt++) {
      const mark = await this.lastRunId();
      const run = startCli(this.options.cli, ['sync', ...args], this.env);
      let killer: NodeJS.Timeout | undefined;
      if (chaos && this.rng.chance(chaos.processKill)) {
        killer = setTimeout(() => {
          if (kill(run)) this.injected.processKills++;
        }, this.rng.int(150, 1000));
      }
      const started = performance.now();
      const code = await run.exited;
      clearTimeout(killer);
      if (process.env.SOAK_TRACE) this.options.log(`${this.options.name} sync ${args.join(' ')}: exit ${code} after ${Math.round(performance.now() - started)} ms\n${run.output().slice(-600)}`);
      if (await this.succeededSince(job, mark)) return;
      this.retries++;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${this.options.name}: sync ${args.join(' ')} did not succeed in ${attempt} attempts (last exit ${code}):\n${run.output()}`);
      await sleep(100 + this.rng.int(0, 300));
    }
  }

  /** Waits for a successful run of `job` after `mark`, restarting the daemon whenever it is gone. */
  private async waitForRun(job: string, mark: number): Promise<void> {
    const deadline = Date.now() + DAEMON_WAIT_MS;
    while (!(await this.succeededSince(job, mark))) {
      if (Date.now() > deadline) throw new Error(`${this.options.name}: no successful ${job} run within ${DAEMON_WAIT_MS / 1000} s; daemon output:\n${this.daemon?.output()}`);
      this.ensureDaemon();
      await sleep(50);
    }
  }

  /** The restart policy: a daemon that is gone is started again. */
  private ensureDaemon(): void {
    if (alive(this.daemon)) return;
    if (this.daemonStarts > 0) this.retries++;
    this.daemonStarts++;
    this.daemon = startCli(this.options.cli, ['run'], {
      ...this.env,
      HTTP_PORT: '0',
      SYNC_CHARGEPOINTS_CRON: '* * * * * *',
      SYNC_ACTIVE_SESSIONS_CRON: '',
      SYNC_CONTACTS_CRON: '',
      SYNC_CARDS_CRON: '',
      SYNC_SESSIONS_CRON: '',
      SYNC_PRICES_CRON: '',
    });
  }

  /** Draws this tick's process and database faults; each fires at a random moment of the tick. */
  private scheduleFaults(chaos: ChaosSettings): void {
    const at = () => sleep(this.rng.int(0, chaos.withinMs));
    if (this.rng.chance(chaos.backendTermination)) {
      this.faultsInFlight.push(at().then(() => this.terminateBackends()));
    }
    if (this.rng.chance(chaos.databaseCut)) {
      const cutMs = this.rng.int(chaos.cutMs[0], chaos.cutMs[1]);
      this.faultsInFlight.push(
        at().then(async () => {
          await this.proxy!.cut();
          this.injected.databaseCuts++;
          await sleep(cutMs);
          await this.proxy!.restore();
        }),
      );
    }
    if (this.rng.chance(chaos.daemonKill)) {
      this.faultsInFlight.push(
        at().then(() => {
          if (kill(this.daemon)) this.injected.daemonKills++;
        }),
      );
    }
  }

  private async terminateBackends(): Promise<void> {
    const r = await this.admin.query<{ ok: boolean }>(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = $1 and application_name = 'connect-sync' and pid <> pg_backend_pid()`,
      [this.options.database],
    );
    this.injected.backendTerminations += r.rows.filter((row) => row.ok).length;
  }

  /** Stops the daemon gracefully (its run is recorded), then everything else. */
  async finish(): Promise<void> {
    await Promise.all(this.faultsInFlight);
    await stop(this.daemon);
    await this.close();
  }

  async close(): Promise<void> {
    kill(this.daemon);
    await this.admin?.end().catch(() => {});
    await this.proxy?.close();
    await this.sim?.close();
  }

  async dropDatabase(): Promise<void> {
    const admin = new pg.Client({ connectionString: this.options.adminUrl, application_name: 'cs-soak' });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${this.options.database} with (force)`);
    } finally {
      await admin.end();
    }
  }
}
