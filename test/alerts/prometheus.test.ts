// End to end: a real Prometheus (Debian's package) scrapes a real `connect-sync run` with the
// committed rules. While the simulator answers, the status-poll alert is inactive; once the
// simulator is stopped, it fires (read from Prometheus's /api/v1/alerts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { freePort, onlyJobs, startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { useTestDatabase } from '../helpers/database.js';
import { PROMETHEUS } from './tools.js';

const RULES = resolve(import.meta.dirname, '../../prometheus/connect-sync.rules.yml');
const ALERT = 'ConnectSyncStatusPollStale';

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}
interface PromRule {
  name: string;
  type: 'alerting' | 'recording';
  state?: 'inactive' | 'pending' | 'firing';
  health: string;
  lastEvaluation: string;
}

describe('alerts on a real Prometheus scraping a real daemon', () => {
  const t = useTestDatabase('prometheus-e2e');
  let sim: Simulator;
  let daemon: DaemonProcess;
  let prometheus: ChildProcess;
  let promUrl: string;
  let promLog = '';
  const dir = mkdtempSync(join(tmpdir(), 'cs-prometheus-'));

  const api = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${promUrl}${path}`);
    const body = (await r.json()) as { status: string; data: T };
    if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  const alerts = async () => (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts.filter((a) => a.labels.alertname === ALERT);
  const rule = async (name: string) =>
    (await api<{ groups: Array<{ rules: PromRule[] }> }>('/api/v1/rules')).groups.flatMap((g) => g.rules).find((r) => r.name === name);
  const query = async (expr: string) =>
    (await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
  /** Polls until check() returns a value (not undefined); fails with what was last seen. */
  const eventually = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await check();
        if (v !== undefined) return v;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms (last error: ${String(last)})\nprometheus log:\n${promLog.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, chargepoints: 20, contacts: 5 });
    daemon = await startDaemonProcess({
      DATABASE_URL: t.url,
      CONNECT_API_URL: sim.url,
      CONNECT_API_KEY: sim.apiKey,
      CONNECT_MAX_RPS: '1000',
      ...onlyJobs({ SYNC_CHARGEPOINTS_CRON: '*/2 * * * * *' }),
    });
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${RULES}']`,
        'scrape_configs:',
        '  - job_name: connect-sync',
        '    honor_labels: true',
        `    static_configs: [{ targets: ['127.0.0.1:${daemon.port}'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (d) => (promLog += d));
    prometheus.stderr!.on('data', (d) => (promLog += d));
    await eventually('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 30_000);
  }, 90_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    await sim?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('the poll alert is inactive while the simulator answers and fires once it is stopped', async () => {
    // Prometheus has scraped the daemon and evaluated the rules on its series.
    const target = await eventually('the daemon scraped', async () => {
      const up = await query('up{job="connect-sync"}');
      return up[0]?.value[1] === '1' ? up[0] : undefined;
    });
    expect(target.metric.instance).toBe(`127.0.0.1:${daemon.port}`);
    const interval = await eventually('the poll interval exported', async () => (await query('connect_sync_schedule_interval_seconds{job="chargepoints"}'))[0]);
    expect(Number(interval.value[1])).toBe(2);
    // A few successful polls, seen by Prometheus through the worker's own `job` label.
    await eventually('three successful polls scraped', async () => {
      const runs = await query('connect_sync_runs_total{job="chargepoints",outcome="succeeded"}');
      return Number(runs[0]?.value[1] ?? 0) >= 3 ? true : undefined;
    });
    const ruleWhileUp = await eventually('the alert rule evaluated', async () => {
      const r = await rule(ALERT);
      return r && r.health === 'ok' && r.lastEvaluation > new Date(Date.now() - 5000).toISOString() ? r : undefined;
    });
    expect(ruleWhileUp.state).toBe('inactive');
    expect(await alerts()).toEqual([]);
    const age = await eventually('the poll age recorded', async () => (await query('connect_sync:status_poll_age:seconds'))[0]);
    expect(Number(age.value[1])).toBeLessThan(6);
    const ready = await eventually('readiness scraped', async () => (await query('connect_sync_ready'))[0]);
    expect(ready.value[1]).toBe('1');

    await sim.close();
    const firing = await eventually('the alert firing', async () => (await alerts()).find((a) => a.state === 'firing'));
    expect(firing.labels).toMatchObject({ alertname: ALERT, severity: 'critical' });
    expect((await rule(ALERT))!.state).toBe('firing');
    // The database agrees: no successful status pass since the simulator stopped.
    const [last] = await t.sql<{ age_s: number }>(
      `select extract(epoch from now() - max(finished_at))::float8 as age_s from connect.sync_runs where job = 'chargepoints' and status = 'succeeded'`,
    );
    expect(last!.age_s).toBeGreaterThan(6);
  }, 120_000);
});
