// What the API leaves out: a missing nullable field degrades (null column, one warning, the run
// succeeds); a missing essential fails the job with one line and changes nothing stored; a field
// dropped while the daemon runs is read again without a restart; without introspection the
// schema is learnt with a few extra requests, counted in the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { syncChargepoints } from '../../src/sync/chargepoints.js';
import { syncContacts } from '../../src/sync/customers.js';
import { memoryLogger } from '../connect/helpers.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { onlyJobs, startDaemonProcess } from '../helpers/daemon.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a documented nullable field the API does not offer', () => {
  const t = useTestDatabase('drift-nullable');
  let up: Upstream;
  const log = memoryLogger('info');
  beforeAll(async () => {
    up = await startUpstream({ schema: 'missing-nullable', seed: 3, chargepoints: 6, contacts: 12, logger: log.logger });
  });
  afterAll(() => up.close());

  it('leaves its column null, warns once per process, and the runs succeed', async () => {
    const ctx = { database: t.database, logger: log.logger };
    // The world has fax numbers; this API simply does not offer the field.
    expect(up.sim.world.contactIds().some((id) => up.sim.world.getContact(id)!.fax !== null)).toBe(true);
    for (let i = 0; i < 2; i++) {
      expect((await syncContacts(up.client, ctx)).status).toBe('succeeded');
      expect((await syncChargepoints(up.client, ctx)).status).toBe('succeeded');
    }
    const [row] = await t.sql<{ n: number; fax: number; gender: number; created: number }>(
      `select (select count(*)::int from connect.contacts) as n,
              (select count(fax)::int from connect.contacts) as fax,
              (select count(gender)::int from connect.contacts) as gender,
              (select count(upstream_created_at)::int from connect.chargepoints) as created`,
    );
    expect(row).toEqual({ n: 12, fax: 0, gender: 0, created: 0 });
    const warnings = log.lines().filter((l) => l['level'] === 'warn' && typeof l['field'] === 'string');
    expect(warnings.map((w) => w['field']).sort()).toEqual(['Chargepoint.createdAt', 'Connector.name', 'Contact.fax', 'Contact.gender']);
    expect(warnings.find((w) => w['field'] === 'Contact.fax')!['msg']).toBe('the CONNECT API does not offer Contact.fax: contacts.fax stays empty');
  });
});

describe('introspection refused, with a Location the reference never defines', () => {
  const t = useTestDatabase('drift-closed');
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream({ schema: 'closed,location-nested', dialect: 'paged', seed: 4, chargepoints: 9, contacts: 3, pageSize: 4 });
  });
  afterAll(() => up.close());

  it('syncs every chargepoint with its location, counting the requests spent learning the schema', async () => {
    const ctx = { database: t.database, logger: silentLogger };
    up.sim.stats.reset();
    const first = await syncChargepoints(up.client, ctx);
    expect(first.status).toBe('succeeded');
    const sent = up.sim.stats.requests;
    const pages = Math.ceil(9 / 4);
    const [run] = await t.sql<{ requests: number; pages: number }>(`select requests, pages from connect.sync_runs where id = $1`, [first.runId]);
    // Every request the simulator answered is in the run record: introspection, the learning
    // rounds (a handful), then one per page and the empty page that ends the list.
    expect(run).toEqual({ requests: sent, pages });
    const learning = sent - (pages + 1);
    expect(learning).toBeGreaterThanOrEqual(2);
    expect(learning).toBeLessThanOrEqual(6);

    const locs = await t.sql<{ city: string; zip: string; latitude: number; id: string }>(
      `select l.id, l.city, l.zip, l.latitude from connect.chargepoints c join connect.locations l on l.id = c.location_id order by c.id`,
    );
    expect(locs).toHaveLength(9);
    for (const l of locs) {
      expect(l.id).toMatch(/^fp:[0-9a-f]{32}$/);
      expect(l.city).toBeTruthy();
      expect(l.zip).toBeTruthy();
      expect(typeof l.latitude).toBe('number');
    }

    // Learnt once per process: the next run sends only its pages.
    up.sim.stats.reset();
    const second = await syncChargepoints(up.client, ctx);
    expect(second.status).toBe('succeeded');
    expect(up.sim.stats.requests).toBe(pages + 1);
  });
});

describe('a missing essential', () => {
  const t = useTestDatabase('drift-essential');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 8, chargepoints: 5, contacts: 3 });
  });
  afterAll(() => sim.close());

  const env = () => ({ DATABASE_URL: t.url, CONNECT_API_URL: sim.url, CONNECT_API_KEY: sim.apiKey, LOG_LEVEL: 'error' });
  const snapshot = () =>
    t.sql(`select (select json_agg(c order by id) from connect.chargepoints c)::text as cps,
                  (select json_agg(k order by id) from connect.connectors k)::text as conns,
                  (select json_agg(h order by id) from connect.connector_status_history h)::text as history,
                  (select json_agg(c order by id) from connect.contacts c)::text as contacts`);

  it('fails check and the job with one line naming it; nothing stored changes', async () => {
    expect((await runCli(['sync', 'all'], env())).code).toBe(0);
    const before = await snapshot();

    sim.dropField('Connector.id');
    const check = await runCli(['check'], env());
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('fatal: getChargepoints: Connector has neither id nor uuid: the chargepoints job cannot run');
    const cp = await runCli(['sync', 'chargepoints'], env());
    expect(cp.code).toBe(1);
    // The run's summary, then the reason: one line that names the type, the fields and the job.
    const reason = cp.stdout.split('\n').filter((l) => l.includes('Connector'));
    expect(reason).toEqual([expect.stringMatching(/^ {2}the CONNECT API does not match .*Connector has neither id nor uuid: the chargepoints job cannot run; run `connect-sync check`/)]);
    // The other jobs do not need it.
    expect((await runCli(['sync', 'contacts'], env())).code).toBe(0);
    sim.restoreField('Connector.id');

    sim.dropField('Query.getChargepoints');
    const gone = await runCli(['sync', 'chargepoints'], env());
    expect(gone.code).toBe(1);
    expect(gone.stdout.split('\n').filter((l) => l.includes('getChargepoints is not offered'))).toEqual([
      expect.stringMatching(/Query\.getChargepoints is not offered: the chargepoints job cannot run/),
    ]);
    sim.restoreField('Query.getChargepoints');

    expect(await snapshot()).toEqual(before);
    const runs = await t.sql<{ job: string; status: string }>(`select job, status from connect.sync_runs where status <> 'succeeded' order by id`);
    expect(runs).toEqual([
      { job: 'chargepoints', status: 'failed' },
      { job: 'chargepoints', status: 'failed' },
    ]);
  }, 60_000);
});

describe('a field dropped while the daemon runs', () => {
  const t = useTestDatabase('drift-daemon');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, chargepoints: 8, contacts: 12, speed: 60 });
  });
  afterAll(() => sim.close());

  it('the next run reads the schema again and succeeds, without a restart', async () => {
    const daemon = await startDaemonProcess({
      DATABASE_URL: t.url,
      CONNECT_API_URL: sim.url,
      CONNECT_API_KEY: sim.apiKey,
      ...onlyJobs({ SYNC_CHARGEPOINTS_CRON: '*/2 * * * * *', SYNC_CONTACTS_CRON: '*/2 * * * * *' }),
    });
    try {
      const runs = (job: string) => t.sql<{ id: number; status: string }>(`select id, status from connect.sync_runs where job = $1 order by id`, [job]);
      const waitFor = async (pred: () => Promise<boolean>) => {
        for (let i = 0; i < 100 && !(await pred()); i++) await sleep(100);
      };
      await waitFor(async () => (await runs('contacts')).some((r) => r.status === 'succeeded') && (await runs('chargepoints')).some((r) => r.status === 'succeeded'));
      const [faxBefore] = await t.sql<{ n: number }>(`select count(fax)::int as n from connect.contacts`);
      expect(faxBefore!.n).toBeGreaterThan(0);
      const lastBefore = Math.max(...(await runs('contacts')).map((r) => r.id));

      sim.dropField('Contact.fax');
      sim.dropField('Chargepoint.createdAt');
      await waitFor(async () => (await runs('contacts')).filter((r) => r.id > lastBefore && r.status !== 'running').length >= 2);
      const after = (await runs('contacts')).filter((r) => r.id > lastBefore && r.status !== 'running');
      expect(after.length).toBeGreaterThanOrEqual(2);
      expect(after.every((r) => r.status === 'succeeded')).toBe(true);
      expect((await runs('chargepoints')).filter((r) => r.status !== 'running').every((r) => r.status === 'succeeded')).toBe(true);
      expect(daemon.child.exitCode).toBeNull();
      const out = daemon.output();
      expect(out).toContain('the CONNECT API schema changed; reading it again');
      expect(out).toContain('the CONNECT API does not offer Contact.fax: contacts.fax stays empty');
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
  }, 40_000);
});
