// Every panel of the committed dashboards (grafana/dashboards/*.json) runs, as the read-only BI
// role, against a database the real sync filled from the simulator over HTTP: the SQL is taken
// from the JSON, Grafana's macros and template variables are expanded for a fixed range, and each
// query must return rows with the columns its panel reads.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS, dashboardJson } from '../../grafana/dashboards.js';
import { ensureBiRole } from '../../src/db/roles.js';
import { silentLogger } from '../../src/log.js';
import { syncChargepoints } from '../../src/sync/chargepoints.js';
import { syncCards, syncContacts } from '../../src/sync/customers.js';
import { useTestDatabase } from '../helpers/database.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { expandSql, panelsOf, type DashboardJson } from '../../grafana/macros.js';

const DIR = resolve(import.meta.dirname, '../../grafana/dashboards');
const HOUR = 3_600_000;

/** The columns each panel reads (by dashboard uid and panel title). */
const READS: Record<string, Record<string, string[]>> = {
  'connect-sync-network': {
    'Availability per day': ['time', 'uptime_pct', 'observed_pct'],
    'Ports below 97 %': ['ports_below', 'ports'],
    'Uptime distribution': ['bucket', 'ports'],
    'Status mix now': ['category', 'connectors'],
    'Ports below the line': ['connector_id', 'evse', 'chargepoint_id', 'uptime_pct', 'outage_minutes', 'excluded_minutes', 'observed_pct'],
    'Utilisation per day': ['time', 'utilisation_pct'],
  },
  'connect-sync-drilldown': {
    'Location uptime': ['uptime_pct', 'observed_pct', 'connectors'],
    'Uptime per port': ['connector_id', 'evse', 'uptime_pct', 'outage_minutes', 'excluded_minutes', 'not_observed_minutes', 'utilisation_pct'],
    'Status timeline': ['time', 'connector_id', 'status'],
    Outages: ['port_id', 'outage_start', 'outage_end', 'duration_minutes', 'statuses', 'excluded_minutes', 'exclusion_reasons', 'ongoing'],
  },
  'connect-sync-health': {
    'Time since the last successful status poll': ['seconds'],
    'Observation coverage per day': ['time', 'observed_pct'],
    'Least observed ports': ['connector_id', 'observed_pct', 'not_observed_minutes'],
    'Unmapped statuses': ['status', 'status_key', 'intervals', 'connectors_now', 'minutes'],
    'Rejects by reason': ['job', 'entity', 'reason', 'rejects'],
    'Runs by job and outcome': ['job', 'outcome', 'runs'],
  },
};

const committed = (): Array<[string, DashboardJson]> =>
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(resolve(DIR, f), 'utf8')) as DashboardJson]);

describe('Grafana dashboards', () => {
  it('the committed JSON is what grafana/dashboards.ts generates (npm run dashboards)', () => {
    expect(committed().map(([f]) => f)).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [file, build] of Object.entries(DASHBOARDS)) {
      expect(readFileSync(resolve(DIR, file), 'utf8'), file).toBe(dashboardJson(build()));
    }
  });

  it('every panel reads the provisioned PostgreSQL data source and has its columns listed here', () => {
    for (const [, d] of committed()) {
      for (const p of panelsOf(d)) {
        expect(READS[d.uid]?.[p.title], `${d.uid} / ${p.title}`).toBeDefined();
        for (const target of p.targets!) expect(target.datasource).toEqual({ type: 'grafana-postgresql-datasource', uid: 'connect-sync-postgres' });
      }
    }
  });
});

describe('Grafana panel queries as the BI role on a synced database', () => {
  const t = useTestDatabase('grafana-panels');
  const role = `grafana_test_${process.pid}`;
  let up: Upstream;
  let bi: pg.Client;
  const start = new Date(Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR);
  // The fixed range: the simulated three days, up to now (the worker's runs happen now).
  const range = { from: start, to: new Date(Date.now() + HOUR) };
  let chosen: { location: string; chargepoint: string };

  beforeAll(async () => {
    up = await startUpstream({ seed: 15, chargepoints: 16, contacts: 2, startTime: start, faults: { unknownStatusRate: 0.04 } });
    for (let pass = 0; pass < 24; pass++) {
      const result = await syncChargepoints(up.client, { database: t.database, logger: silentLogger });
      expect(result.status).toBe('succeeded');
      up.sim.clock.advance(3 * HOUR);
    }
    // Contacts and their cards; one contact's requests keep failing, so the cards run is partial
    // and the contact is listed in sync_rejects.
    expect((await syncContacts(up.client, { database: t.database, logger: silentLogger })).status).toBe('succeeded');
    up.sim.world.failContact(up.sim.world.contactIds()[0]!);
    expect((await syncCards(up.client, { database: t.database, logger: silentLogger }, { concurrency: 2 })).status).toBe('partial');
    // The drill-down shows the chargepoint with the most outage intervals; an operator declared an
    // exclusion window on it.
    const [top] = await t.sql<{ chargepoint_id: string; location_id: string }>(
      `select c.chargepoint_id, cp.location_id from connect.connector_status_history h join connect.connectors c on c.id = h.connector_id
       join connect.chargepoints cp on cp.id = c.chargepoint_id left join connect.status_categories sc on sc.status = lower(h.status)
       where coalesce(sc.category, 'unknown') <> 'up' and cp.location_id is not null group by 1, 2 order by count(*) desc, 1 limit 1`,
    );
    chosen = { location: top!.location_id, chargepoint: top!.chargepoint_id };
    await t.sql(`insert into connect.outage_exclusions (chargepoint_id, starts_at, ends_at, reason) values ($1, $2, $3, 'utility outage')`, [
      chosen.chargepoint,
      new Date(start.getTime() + 12 * HOUR),
      new Date(start.getTime() + 60 * HOUR),
    ]);
    await ensureBiRole(t.database.db, role, 'panel-test');
    const url = new URL(t.url);
    url.username = role;
    url.password = 'panel-test';
    bi = new pg.Client({ connectionString: url.toString() });
    await bi.connect();
  }, 120_000);

  afterAll(async () => {
    await bi?.end();
    await t.sql(`drop owned by ${role}`).catch(() => {});
    await t.sql(`drop role if exists ${role}`).catch(() => {});
    await up?.close();
  });

  it('the connection is the BI role: it reads the views but no table', async () => {
    const who = await bi.query<{ u: string }>('select current_user as u');
    expect(who.rows[0]!.u).toBe(role);
    await expect(bi.query('select * from connect.contacts limit 1')).rejects.toThrow(/permission denied/);
    await expect(bi.query('select * from connect.sync_rejects limit 1')).rejects.toThrow(/permission denied/);
  });

  it('the template variables offer the chosen location and its chargepoint', async () => {
    const drill = committed().find(([, d]) => d.uid === 'connect-sync-drilldown')![1];
    const query = (name: string) => String(drill.templating.list.find((v) => v.name === name)!.query);
    const locations = await bi.query<{ __value: string; __text: string }>(expandSql(query('location'), range, {}));
    expect(locations.rows.map((r) => r.__value)).toContain(chosen.location);
    const chargepoints = await bi.query<{ __value: string }>(expandSql(query('chargepoint'), range, { location: chosen.location }));
    expect(chargepoints.rows.map((r) => r.__value)).toContain(chosen.chargepoint);
  });

  for (const [file, d] of committed()) {
    for (const panel of panelsOf(d)) {
      it(`${file}: "${panel.title}" returns rows with the columns it reads`, async () => {
        const variables = { tz: 'Europe/Berlin', ...chosen };
        for (const target of panel.targets!) {
          const result = await bi.query(expandSql(target.rawSql, range, variables));
          expect(result.rows.length, target.rawSql).toBeGreaterThan(0);
          const columns = result.fields.map((f) => f.name);
          expect(columns).toEqual(expect.arrayContaining(READS[d.uid]![panel.title]!));
        }
      });
    }
  }

  it('the panels show real figures: outages with the declared exclusion, ports below 97 %, every run succeeded', async () => {
    const panel = (uid: string, title: string) => panelsOf(committed().find(([, d]) => d.uid === uid)![1]).find((p) => p.title === title)!;
    const run = async (uid: string, title: string) =>
      (await bi.query(expandSql(panel(uid, title).targets![0]!.rawSql, range, { tz: 'UTC', ...chosen }))).rows;
    const outages = await run('connect-sync-drilldown', 'Outages');
    expect(outages.some((o) => o.exclusion_reasons === 'utility outage' && Number(o.excluded_minutes) > 0)).toBe(true);
    // Same outages as the report function reads for the chargepoint, as the admin.
    const [admin] = await t.sql<{ n: number }>(`select count(*)::int as n from connect.outages($1, $2, $3, 'chargepoint')`, [range.from, range.to, [chosen.chargepoint]]);
    expect(outages.length).toBe(admin!.n);
    const [below] = await run('connect-sync-network', 'Ports below 97 %');
    const [adminBelow] = await t.sql<{ n: number; ports: number }>(
      `select count(*) filter (where uptime_pct < 97)::int as n, count(*)::int as ports from connect.availability($1, $2, 'connector')`,
      [range.from, range.to],
    );
    expect(Number(below!.ports_below)).toBe(adminBelow!.n);
    expect(Number(below!.ports)).toBe(adminBelow!.ports);
    const runs = await run('connect-sync-health', 'Runs by job and outcome');
    expect(runs).toEqual([
      expect.objectContaining({ job: 'cards', outcome: 'partial', runs: '1' }),
      expect.objectContaining({ job: 'chargepoints', outcome: 'succeeded', runs: '24' }),
      expect.objectContaining({ job: 'contacts', outcome: 'succeeded', runs: '1' }),
    ]);
    const rejects = await run('connect-sync-health', 'Rejects by reason');
    expect(rejects).toEqual([expect.objectContaining({ job: 'cards', entity: 'contact', rejects: '1' })]);
    const unmapped = await run('connect-sync-health', 'Unmapped statuses');
    expect(unmapped.length).toBeGreaterThan(0);
  });
});
