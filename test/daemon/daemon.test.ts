import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { onlyJobs, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('connect-sync run', () => {
  const t = useTestDatabase('daemon');
  let sim: Simulator;
  const daemons: DaemonProcess[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, chargepoints: 30, contacts: 10, speed: 120 });
  });
  afterAll(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await sim.close();
  });

  const api = () => ({ CONNECT_API_URL: sim.url, CONNECT_API_KEY: sim.apiKey, CONNECT_MAX_RPS: '1000' });

  const overlaps = async () =>
    (
      await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history a
        join connect.connector_status_history b on a.connector_id = b.connector_id and a.id < b.id
         and tstzrange(a.valid_from, a.valid_to) && tstzrange(b.valid_from, b.valid_to)`)
    )[0]!.n;

  /** Runs of a job per tick bucket (the cron second divided by the period), with what a failed one said. */
  const runsPerTick = async (job: string, periodS: number, since: Date, until = new Date()) =>
    t.sql<{ tick: number; runs: number; succeeded: number; errors: string[] }>(
      `select floor(extract(epoch from started_at) / $2)::int as tick, count(*)::int as runs,
              count(*) filter (where status = 'succeeded')::int as succeeded,
              array_remove(array_agg(case when status <> 'succeeded' then status || ': ' || coalesce(error, '') end), null) as errors
       from connect.sync_runs where job = $1 and started_at >= $3 and started_at < $4 group by 1 order by 1`,
      [job, periodS, since, until],
    );

  /** A moment after which no earlier run is still going: ticks up to it can be judged. */
  const settled = async () => {
    const cutoff = new Date();
    for (let i = 0; i < 100; i++) {
      const [r] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.sync_runs where status = 'running' and started_at < $1`, [cutoff]);
      if (r!.n === 0) break;
      await sleep(100);
    }
    return cutoff;
  };

  it('two replicas run each job once per tick; when one is killed the other does all the work', async () => {
    const env = { DATABASE_URL: t.url, ...api(), ...onlyJobs({ SYNC_CHARGEPOINTS_CRON: '*/2 * * * * *', SYNC_CONTACTS_CRON: '*/3 * * * * *' }) };
    const start = new Date();
    const [a, b] = await Promise.all([startDaemonProcess(env), startDaemonProcess(env)]);
    daemons.push(a!, b!);
    try {
      await sleep(9000);
      // Both replicas take part (the lock decides who runs a tick, not who started first). On a busy
      // machine one may win several ticks in a row: the window then grows until both have run.
      const replicas = () => t.sql<{ pid: number }>(`select distinct pid from connect.sync_runs where started_at >= $1`, [start]);
      let pids = await replicas();
      for (let waited = 0; pids.length < 2 && waited < 20_000; waited += 1000) {
        await sleep(1000);
        pids = await replicas();
      }

      // A run of the latest tick may still be going when we look; judge only ticks whose runs ended.
      const cutoff = await settled();
      const cp = await runsPerTick('chargepoints', 2, start, cutoff);
      expect(cp.length).toBeGreaterThanOrEqual(3);
      for (const tick of cp) expect(tick).toMatchObject({ runs: 1, succeeded: 1, errors: [] });
      const contacts = await runsPerTick('contacts', 3, start, cutoff);
      expect(contacts.length).toBeGreaterThanOrEqual(2);
      for (const tick of contacts) expect(tick).toMatchObject({ runs: 1, succeeded: 1, errors: [] });
      expect(pids.length).toBe(2);

      a!.child.kill('SIGKILL');
      expect(await a!.exited).toBe('SIGKILL');
      const killedAt = new Date();
      await sleep(7000);
      const after = await runsPerTick('chargepoints', 2, killedAt);
      expect(after.length).toBeGreaterThanOrEqual(2);
      for (const tick of after) expect(tick.runs).toBe(1);
      const survivors = await t.sql(`select distinct pid from connect.sync_runs where started_at >= $1`, [new Date(killedAt.getTime() + 2500)]);
      expect(survivors).toEqual([{ pid: b!.child.pid }]);
      expect(await overlaps()).toBe(0);

      b!.child.kill('SIGTERM');
      expect(await b!.exited).toBe(0);
      // Whatever the killed replica left running was marked aborted when the job ran next.
      expect(await t.sql(`select count(*)::int as n from connect.sync_runs where status = 'running'`)).toEqual([{ n: 0 }]);
    } finally {
      // A failed assertion must not leave replicas writing into the next test's database.
      for (const d of [a!, b!]) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
    }
  }, 60_000);

  it('SIGTERM in the middle of a run, pages in flight: exit 0 within 10 s, the run recorded as aborted, no partial page', async () => {
    await t.sql(`truncate connect.connector_status_history, connect.connectors, connect.chargepoints, connect.locations cascade`);
    sim.setFaults({ latencyMs: 250 });
    sim.stats.reset();
    const d = await startDaemonProcess({
      DATABASE_URL: t.url,
      ...api(),
      CONNECT_PAGE_SIZE: '2',
      ...onlyJobs({ SYNC_CHARGEPOINTS_CRON: '* * * * * *' }),
    });
    daemons.push(d);
    // Wait until a run has committed a couple of pages (a pass is 15+ pages at 250 ms each).
    let runId: number | undefined;
    for (let i = 0; i < 100 && runId === undefined; i++) {
      await sleep(100);
      const [r] = await t.sql<{ id: number }>(`select id from connect.sync_runs where job = 'chargepoints' and status = 'running' and pages >= 2`);
      runId = r?.id;
    }
    expect(runId).toBeDefined();
    // The poll reads ahead: later pages are in flight while one is written.
    expect(sim.stats.maxInFlight).toBeGreaterThan(1);
    const t0 = Date.now();
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    sim.setFaults({ latencyMs: 0 });

    const [run] = await t.sql<{ status: string; pages: number; records_seen: number }>(
      `select status, pages, records_seen from connect.sync_runs where id = $1`,
      [runId],
    );
    expect(run!.status).toBe('aborted');
    // Exactly the committed pages are in: two chargepoints per page, each with all its connectors.
    const [cps] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.chargepoints`);
    expect(cps!.n).toBe(run!.pages * 2);
    const [conns] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.connectors`);
    expect(cps!.n + conns!.n).toBe(run!.records_seen);
    expect(d.output()).toContain('"msg":"stopped"');
  }, 40_000);

  it('/metrics is Prometheus text with the documented series; /readyz follows the database', async () => {
    const [host, port] = ['127.0.0.1', Number(new URL(t.url).port || 5432)];
    const proxy = await startTcpProxy(host, port);
    const viaProxy = new URL(t.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    sim.setFaults({ errorRate: 0.2, rateLimitRps: 4, retryAfterS: 1 });
    const d = await startDaemonProcess({
      DATABASE_URL: viaProxy.toString(),
      ...api(),
      CONNECT_PAGE_SIZE: '5',
      ...onlyJobs({ SYNC_CHARGEPOINTS_CRON: '* * * * * *', SYNC_CONTACTS_CRON: '*/2 * * * * *' }),
    });
    daemons.push(d);
    try {
      for (let i = 0; i < 100; i++) {
        const [r] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.sync_runs where job = 'chargepoints' and status = 'succeeded' and pid = $1`, [d.child.pid]);
        if (r!.n >= 2) break;
        await sleep(200);
      }
      const text = await (await fetch(`http://127.0.0.1:${d.port}/metrics`)).text();
      const samples = parsePrometheus(text);
      const names = new Set(samples.map((s) => s.name));
      for (const name of [
        'connect_sync_runs_total',
        'connect_sync_run_duration_seconds_bucket',
        'connect_sync_records_total',
        'connect_sync_api_requests_total',
        'connect_sync_api_retries_total',
        'connect_sync_api_rate_limited_total',
        'connect_sync_last_success_timestamp_seconds',
        'connect_sync_status_transitions_total',
        'connect_sync_connectors',
        'connect_sync_process_cpu_seconds_total',
      ]) {
        expect(names, name).toContain(name);
      }
      const ok = samples.find((s) => s.name === 'connect_sync_runs_total' && s.labels.job === 'chargepoints' && s.labels.outcome === 'succeeded');
      expect(ok!.value).toBeGreaterThanOrEqual(2);
      const connectors = samples.filter((s) => s.name === 'connect_sync_connectors').reduce((a, s) => a + s.value, 0);
      expect(connectors).toBe(sim.world.connectorIds().length);

      expect((await fetch(`http://127.0.0.1:${d.port}/readyz`)).status).toBe(200);
      await proxy.cut();
      await sleep(500);
      const down = await fetch(`http://127.0.0.1:${d.port}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { database: string }).database).toMatch(/^unreachable/);
      expect((await fetch(`http://127.0.0.1:${d.port}/healthz`)).status).toBe(200);
      await proxy.restore();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await sleep(200);
        status = (await fetch(`http://127.0.0.1:${d.port}/readyz`)).status;
      }
      expect(status).toBe(200);
    } finally {
      sim.setFaults({ errorRate: 0, rateLimitRps: 0 });
      d.child.kill('SIGTERM');
      await d.exited;
      await proxy.close();
    }
  }, 40_000);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (enough of it to assert on samples). */
function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}
