import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import { connectorsByStatus as connectorsGauge } from '../../src/metrics.js';
import { syncChargepoints, type ChargepointPage, type ChargepointSource } from '../../src/sync/chargepoints.js';
import { useTestDatabase } from '../helpers/database.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const T0 = new Date('2026-11-02T08:00:00.000Z');
const min = (n: number) => new Date(T0.getTime() + n * 60_000);

interface HistoryRow {
  status: string;
  valid_from: Date;
  valid_to: Date | null;
  closed_reason: string | null;
}

describe('sync chargepoints', () => {
  const t = useTestDatabase('sync-chargepoints');
  let up: Upstream;

  beforeAll(async () => {
    up = await startUpstream({ seed: 7, chargepoints: 12, contacts: 2, startTime: T0, pageSize: 5 });
  });
  afterAll(() => up.close());

  const sync = (source: ChargepointSource = up.client) => syncChargepoints(source, { database: t.database, logger: silentLogger });
  const history = (connectorId: string) =>
    t.sql<HistoryRow>(
      `select status, valid_from, valid_to, closed_reason from connect.connector_status_history where connector_id = $1 order by valid_from`,
      [connectorId],
    );
  /** Physical identity of every row: unchanged when nothing was rewritten. */
  const rowVersions = async () =>
    (
      await t.sql<{ v: string }>(
        `select string_agg(x, ',' order by x) as v from (
           select 'cp' || id || ctid::text || xmin::text as x from connect.chargepoints
           union all select 'c' || id || ctid::text || xmin::text from connect.connectors
           union all select 'h' || id || ctid::text || xmin::text from connect.connector_status_history
           union all select 'l' || id || ctid::text || xmin::text from connect.locations) s`,
      )
    )[0]!.v;

  it('loads every chargepoint, connector and a first interval per connector', async () => {
    const result = await sync();
    expect(result.status).toBe('succeeded');
    const world = up.sim.world;
    const [{ n: cps }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.chargepoints where deleted_at is null`)) as [{ n: number }];
    const [{ n: conns }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connectors where deleted_at is null`)) as [{ n: number }];
    const [{ n: open }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history where valid_to is null`)) as [{ n: number }];
    expect(cps).toBe(world.chargepointIds().length);
    expect(conns).toBe(world.connectorIds().length);
    expect(open).toBe(world.connectorIds().length);
    const [run] = await t.sql(`select status, complete, pages, requests, records_seen, records_inserted, records_rejected from connect.sync_runs where id = $1`, [result.runId]);
    expect(run).toEqual({
      status: 'succeeded',
      complete: true,
      pages: Math.ceil(cps / 5),
      // One request per page, one for the empty page that ends the pass, and — the process's first
      // run — the one introspection that reads the API's schema.
      requests: Math.ceil(cps / 5) + 1 + 1,
      records_seen: cps + conns,
      records_inserted: cps + conns,
      records_rejected: 0,
    });
    // valid_from is the upstream's updatedAt.
    const c0 = world.connectorIds()[0]!;
    const view = world.getChargepoint(world.chargepointIds()[0]!)!;
    const connector = (view.connectors as Array<{ id: string; status: { status: string; updatedAt: string } }>).find((c) => c.id === c0)!;
    const [h] = await history(c0);
    expect(h!.status).toBe(connector.status.status);
    expect(h!.valid_from.toISOString()).toBe(connector.status.updatedAt);
  });

  it('a re-run with nothing changed writes nothing', async () => {
    const before = await rowVersions();
    const result = await sync();
    expect(result.status).toBe('succeeded');
    expect(result.counters).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(result.counters!.unchanged).toBe(result.counters!.seen);
    expect(await rowVersions()).toBe(before);
  });

  it('records the exact history of a scripted status sequence', async () => {
    const c = up.sim.world.connectorIds()[3]!;
    const [first] = await history(c);
    up.sim.world.setConnectorStatus(c, first!.status === 'FAULTED' ? 'AVAILABLE' : 'FAULTED', min(5));
    await sync();
    up.sim.world.setConnectorStatus(c, 'OCCUPIED', min(10));
    await sync();
    // Two changes between polls: only the last one is visible, as of its own time.
    up.sim.world.setConnectorStatus(c, 'FAULTED', min(20));
    up.sim.world.setConnectorStatus(c, 'UNAVAILABLE', min(25));
    await sync();
    up.sim.world.setConnectorStatus(c, 'AVAILABLE', min(40));
    const r = await sync();
    expect(r.details!.transitions).toBe(1);
    expect(await history(c)).toEqual([
      { status: first!.status, valid_from: first!.valid_from, valid_to: min(5), closed_reason: null },
      { status: first!.status === 'FAULTED' ? 'AVAILABLE' : 'FAULTED', valid_from: min(5), valid_to: min(10), closed_reason: null },
      { status: 'OCCUPIED', valid_from: min(10), valid_to: min(25), closed_reason: null },
      { status: 'UNAVAILABLE', valid_from: min(25), valid_to: min(40), closed_reason: null },
      { status: 'AVAILABLE', valid_from: min(40), valid_to: null, closed_reason: null },
    ]);
  });

  it('counts a change missed between polls (same status, newer updatedAt) without a fake transition', async () => {
    const c = up.sim.world.connectorIds()[3]!;
    up.sim.world.setConnectorStatus(c, 'OCCUPIED', min(50));
    up.sim.world.setConnectorStatus(c, 'AVAILABLE', min(55));
    const r = await sync();
    expect(r.details).toMatchObject({ missed_changes: 1, transitions: 0 });
    const h = await history(c);
    expect(h).toHaveLength(5);
    expect(h[4]).toEqual({ status: 'AVAILABLE', valid_from: min(40), valid_to: null, closed_reason: null });
    // Counted once: the next poll finds nothing new.
    expect((await sync()).details).toMatchObject({ missed_changes: 0, transitions: 0 });
  });

  it('ignores an update older than the open interval (out-of-order updatedAt)', async () => {
    const c = up.sim.world.connectorIds()[3]!;
    up.sim.world.setConnectorStatus(c, 'FAULTED', min(30));
    const r = await sync();
    expect(r.details).toMatchObject({ stale_statuses: 1, transitions: 0 });
    expect((await history(c)).at(-1)).toEqual({ status: 'AVAILABLE', valid_from: min(40), valid_to: null, closed_reason: null });
    const [row] = await t.sql(`select status, status_updated_at from connect.connectors where id = $1`, [c]);
    expect(row).toEqual({ status: 'AVAILABLE', status_updated_at: min(55) });
  });

  it('writes each id once when it repeats across pages of one pass', async () => {
    // A record inserted before the offset mid-pass shifts the list forward: the last record of a
    // page comes again at the top of the next one.
    const repeating: ChargepointSource = {
      async *chargepointPages() {
        let previous: ChargepointPage | undefined;
        for await (const page of up.client.chargepointPages()) {
          const records = previous && page.records.length > 0 ? [previous.records.at(-1)!, ...page.records] : page.records;
          previous = page as ChargepointPage;
          yield { ...page, records };
        }
      },
    };
    const pages = Math.ceil(up.sim.world.chargepointIds().length / 5);
    const r = await sync(repeating);
    expect(r.status).toBe('succeeded');
    expect(r.details!.duplicates).toBe(pages - 1);
    expect(r.counters).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('does not delete a chargepoint that offset paging skipped because an earlier one vanished mid-pass', async () => {
    const world = up.sim.world;
    const victim = world.chargepointIds()[1]!;
    const skipped = world.chargepointIds()[5]!; // first of page 2 moves to the end of page 1
    // Page 2 must be asked after the removal: a client without read-ahead (the one with read-ahead
    // has it in flight already; read-ahead.test.ts covers the shift with pages in flight).
    const client = up.sequentialClient();
    const shifting: ChargepointSource = {
      getChargepoint: (by) => client.getChargepoint(by),
      async *chargepointPages() {
        let index = 0;
        for await (const page of client.chargepointPages()) {
          yield page as ChargepointPage;
          if (index++ === 0) world.removeChargepoint(victim);
        }
      },
    };
    const r = await sync(shifting);
    expect(r.status).toBe('succeeded');
    expect(r.details!.deletions_disproved).toBe(1);
    const states = await t.sql(`select id, deleted_at is not null as deleted from connect.chargepoints where id = any($1) order by id`, [[victim, skipped]]);
    expect(states).toEqual([{ id: victim, deleted: false }, { id: skipped, deleted: false }].sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('marks what a complete pass no longer returns as deleted and ends its open intervals; clears it when it returns', async () => {
    const world = up.sim.world;
    const [{ id: victim }] = (await t.sql<{ id: string }>(
      `select id from connect.chargepoints where deleted_at is null and id <> all($1)`, [world.chargepointIds()],
    )) as [{ id: string }];
    const r = await sync({ chargepointPages: () => up.client.chargepointPages(), getChargepoint: (by) => up.client.getChargepoint(by) });
    expect(r.details).toMatchObject({ deleted_chargepoints: 1 });
    const [cp] = await t.sql<{ deleted_at: Date }>(`select deleted_at from connect.chargepoints where id = $1`, [victim]);
    const [run] = await t.sql<{ started_at: Date }>(`select started_at from connect.sync_runs where id = $1`, [r.runId]);
    expect(cp!.deleted_at).toEqual(run!.started_at);
    const gone = await t.sql<{ id: string; deleted_at: Date | null }>(`select id, deleted_at from connect.connectors where chargepoint_id = $1`, [victim]);
    expect(gone.length).toBeGreaterThan(0);
    for (const g of gone) {
      expect(g.deleted_at).toEqual(run!.started_at);
      const h = await history(g.id);
      expect(h.at(-1)).toMatchObject({ valid_to: run!.started_at, closed_reason: 'deleted' });
    }
    // The connectors gauge counts what is left, the deleted connectors not among them.
    const left = await t.sql<{ status: string; n: number }>(`select coalesce(status, 'null') as status, count(*)::int as n from connect.connectors where deleted_at is null group by 1 order by 1`);
    const gauge = (await connectorsGauge.get()).values.map((v) => ({ status: String(v.labels.status), n: v.value })).sort((a, b) => a.status.localeCompare(b.status));
    expect(gauge).toEqual(left);
    expect(gauge.reduce((sum, g) => sum + g.n, 0)).toBe(world.connectorIds().length);

    // A pass in which the upstream returns a chargepoint again clears deleted_at and opens a new interval.
    const keep = world.chargepointIds()[0]!;
    const omitting = (id: string): ChargepointSource => ({
      async *chargepointPages() {
        for await (const page of up.client.chargepointPages()) yield { ...page, records: page.records.filter((cp) => cp.id !== id) };
      },
    });
    await sync(omitting(keep));
    const [hidden] = await t.sql<{ deleted_at: Date | null }>(`select deleted_at from connect.chargepoints where id = $1`, [keep]);
    expect(hidden!.deleted_at).not.toBeNull();
    const back = await sync();
    expect(back.counters!.deleted).toBe(0);
    const [returned] = await t.sql(`select deleted_at from connect.chargepoints where id = $1`, [keep]);
    expect(returned).toEqual({ deleted_at: null });
    const [conn] = await t.sql<{ id: string }>(`select id from connect.connectors where chargepoint_id = $1 limit 1`, [keep]);
    const h = await history(conn!.id);
    expect(h.at(-2)!.closed_reason).toBe('deleted');
    expect(h.at(-1)!.valid_to).toBeNull();
    expect(h.at(-1)!.valid_from.getTime()).toBeGreaterThanOrEqual(h.at(-2)!.valid_to!.getTime());
  });

  it('never deletes after a failed pass', async () => {
    const failing: ChargepointSource = {
      async *chargepointPages() {
        let i = 0;
        for await (const page of up.client.chargepointPages()) {
          if (i++ === 1) throw new Error('upstream went away');
          yield page;
        }
      },
    };
    const before = await t.sql(`select count(*)::int as n from connect.chargepoints where deleted_at is not null`);
    const r = await sync(failing);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('upstream went away');
    expect(await t.sql(`select count(*)::int as n from connect.chargepoints where deleted_at is not null`)).toEqual(before);
    const [run] = await t.sql(`select status, complete, pages, error from connect.sync_runs where id = $1`, [r.runId]);
    expect(run).toEqual({ status: 'failed', complete: false, pages: 1, error: 'upstream went away' });
  });

  it('a run that fails on the API records every request it made, retries included', async () => {
    // One page at a time: when the page fails for good, no other request of the run is on its way.
    const client = up.sequentialClient();
    expect((await sync(client)).status).toBe('succeeded');
    up.sim.setFaults({ errorRate: 1 });
    up.sim.stats.reset();
    try {
      const r = await sync(client);
      expect(r.status).toBe('failed');
      const sent = up.sim.stats.requests;
      // The first page, tried until the client gave up.
      expect(sent).toBeGreaterThan(3);
      const [run] = await t.sql<{ requests: number; pages: number }>(`select requests, pages from connect.sync_runs where id = $1`, [r.runId]);
      expect(run).toEqual({ requests: sent, pages: 0 });
      expect(r.counters!.requests).toBe(sent);
    } finally {
      up.sim.setFaults({ errorRate: 0 });
    }
  });

  describe('concurrency and failure', () => {
    beforeEach(() => up.sim.world.setConnectorStatus(up.sim.world.connectorIds()[5]!, 'FAULTED', new Date(Date.now() - 1000)));

    it('two concurrent runs: one runs, the other skips; with --wait both run, never overlapping', async () => {
      const other = await openDatabase({ databaseUrl: t.url }, silentLogger);
      try {
        // The first run holds the job's lock while it waits inside its pass; the second tries meanwhile.
        let entered!: () => void;
        let release!: () => void;
        const inside = new Promise<void>((r) => (entered = r));
        const gate = new Promise<void>((r) => (release = r));
        const held = sync({
          getChargepoint: (by) => up.client.getChargepoint(by),
          async *chargepointPages() {
            entered();
            await gate;
            yield* up.client.chargepointPages();
          },
        });
        await inside;
        const second = await syncChargepoints(up.client, { database: other, logger: silentLogger });
        release();
        const results = [await held, second];
        expect(results.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
        const waited = await Promise.all([
          syncChargepoints(up.client, { database: t.database, logger: silentLogger, lockMode: 'wait' }),
          syncChargepoints(up.client, { database: other, logger: silentLogger, lockMode: 'wait' }),
        ]);
        expect(waited.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      } finally {
        await other.close();
      }
      const [overlaps] = await t.sql(`select count(*)::int as n from connect.connector_status_history a
        join connect.connector_status_history b on a.connector_id = b.connector_id and a.id < b.id
         and tstzrange(a.valid_from, a.valid_to) && tstzrange(b.valid_from, b.valid_to)`);
      expect(overlaps).toEqual({ n: 0 });
      const [open] = await t.sql(`select count(*)::int as n from (select connector_id from connect.connector_status_history
        where valid_to is null group by connector_id having count(*) > 1) s`);
      expect(open).toEqual({ n: 0 });
    });

    it('a run whose database connection is killed mid-run is recorded as failed, leaves whole pages, and the next run completes', async () => {
      const world = up.sim.world;
      const at = new Date(Date.now() - 500);
      for (const id of world.connectorIds()) world.setConnectorStatus(id, 'UNAVAILABLE', at);
      const killing: ChargepointSource = {
        async *chargepointPages() {
          let i = 0;
          for await (const page of up.client.chargepointPages()) {
            if (i++ === 1) {
              await t.sql(`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and classid = $1 and granted and database = (select oid from pg_database where datname = current_database())`, [0x4353594e]);
            }
            yield page;
          }
        },
      };
      const r = await sync(killing);
      expect(r.status).toBe('failed');
      const [run] = await t.sql(`select status, pages, finished_at is not null as finished from connect.sync_runs where id = $1`, [r.runId]);
      expect(run).toEqual({ status: 'failed', pages: 1, finished: true });
      // Exactly the first page's connectors moved to UNAVAILABLE: a page is all or nothing.
      const firstPage = world.chargepointIds().slice(0, 5);
      const moved = await t.sql<{ id: string }>(`select id from connect.connectors where status_updated_at = $1 order by id`, [at]);
      const expected = await t.sql<{ id: string }>(`select id from connect.connectors where chargepoint_id = any($1) order by id`, [firstPage]);
      expect(moved).toEqual(expected);
      expect(moved.length).toBeGreaterThan(0);
      const next = await sync();
      expect(next.status).toBe('succeeded');
      const [all] = await t.sql(`select count(*)::int as n from connect.connectors where status = 'UNAVAILABLE' and deleted_at is null`);
      expect(all).toEqual({ n: world.connectorIds().length });
    });
  });
});
