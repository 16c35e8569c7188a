// docker-compose.yml cannot run here (no container engine), so this test holds together what
// `docker compose up` relies on: Grafana gets the provisioning and the dashboards where the
// provisioning files look for them, its data source logs in as the role the compose creates, with
// every variable it uses set; Prometheus loads the rules the repo tests and scrapes the worker
// with honor_labels (promtool checks the configuration itself).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROMTOOL } from '../alerts/tools.js';

const ROOT = resolve(import.meta.dirname, '../..');
const yaml = <T>(path: string): T => parse(readFileSync(resolve(ROOT, path), 'utf8')) as T;

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = yaml<{ services: Record<string, Service> }>('docker-compose.yml');
const services = compose.services;

/** host path (relative to the repo) -> container path */
const mounts = (s: Service) => new Map((s.volumes ?? []).map((v) => [v.split(':')[0]!.replace(/^\.\//, ''), v.split(':')[1]!]));

describe('docker-compose: Grafana', () => {
  const grafana = services.grafana!;
  const datasources = yaml<{ datasources: Array<{ uid: string; type: string; url: string; user: string; jsonData: { database: string }; secureJsonData: { password: string } }> }>(
    'grafana/provisioning/datasources/connect-sync.yml',
  );
  const providers = yaml<{ providers: Array<{ options: { path: string } }> }>('grafana/provisioning/dashboards/connect-sync.yml');

  it('mounts the provisioning and the committed dashboards where the provider reads them', () => {
    expect(mounts(grafana).get('grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(mounts(grafana).get('grafana/dashboards')).toBe(providers.providers[0]!.options.path);
  });

  it('the data source is the one the dashboards use, with every variable set by the compose file', () => {
    const [ds] = datasources.datasources;
    expect(ds).toMatchObject({ uid: 'connect-sync-postgres', type: 'grafana-postgresql-datasource' });
    const used = JSON.stringify(ds).match(/\$\{(\w+)\}/g)!.map((v) => v.slice(2, -1));
    expect(used.sort()).toEqual(['CONNECT_BI_PASSWORD', 'CONNECT_DB_HOST', 'CONNECT_DB_NAME']);
    const env = grafana.environment!;
    const db = new URL(services['connect-sync']!.environment!.DATABASE_URL!);
    expect(env.CONNECT_DB_HOST).toBe(`${db.hostname}:${db.port}`);
    expect(env.CONNECT_DB_NAME).toBe(db.pathname.slice(1));
  });

  it('logs in as the read-only role the grafana-role service creates, with the same password, after it ran', () => {
    const role = services['grafana-role']!;
    const script = role.entrypoint!.join(' ');
    expect(script).toContain(`bi-role --name ${datasources.datasources[0]!.user} --password-file`);
    expect(role.environment!.GRAFANA_BI_PASSWORD).toBe(services.grafana!.environment!.CONNECT_BI_PASSWORD);
    expect(role.environment!.DATABASE_URL).toBe(services['connect-sync']!.environment!.DATABASE_URL);
    expect(grafana.depends_on).toEqual({ 'grafana-role': { condition: 'service_completed_successfully' } });
  });
});

describe('docker-compose: Prometheus', () => {
  const prometheus = services.prometheus!;
  const config = yaml<{ rule_files: string[]; scrape_configs: Array<{ job_name: string; honor_labels: boolean; static_configs: Array<{ targets: string[] }> }> }>(
    'prometheus/prometheus.yml',
  );

  it('loads the tested rule file and scrapes the worker by its service name and HTTP_PORT, keeping its job label', () => {
    expect(mounts(prometheus).get('prometheus/connect-sync.rules.yml')).toBe(config.rule_files[0]);
    expect(mounts(prometheus).get('prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    const [scrape] = config.scrape_configs;
    expect(scrape).toMatchObject({ job_name: 'connect-sync', honor_labels: true });
    expect(scrape!.static_configs[0]!.targets).toEqual([`connect-sync:${services['connect-sync']!.environment!.HTTP_PORT}`]);
  });

  it('promtool check config accepts the configuration with the rules in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-promconfig-'));
    try {
      const rules = resolve(ROOT, 'prometheus/connect-sync.rules.yml');
      writeFileSync(join(dir, 'prometheus.yml'), readFileSync(resolve(ROOT, 'prometheus/prometheus.yml'), 'utf8').replace(config.rule_files[0]!, rules));
      const { stdout } = await promisify(execFile)(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(stdout).toContain('SUCCESS: 13 rules found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
