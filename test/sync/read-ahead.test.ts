// The status poll with pages in flight (read-ahead): a cap learnt mid-pass, a list that shifts
// while pages are in flight, a page that fails for good with later pages in flight; and the
// fan-out's short-page rule against a server that caps pages.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { collect, createConnectClient, createLimiter } from '../../src/connect/index.js';
import { changedChargepoints, rowHash } from '../../src/db/fingerprints.js';
import { resetSeen } from '../../src/db/seen.js';
import { silentLogger } from '../../src/log.js';
import { syncChargepoints, type ChargepointPage, type ChargepointSource } from '../../src/sync/chargepoints.js';
import { useTestDatabase } from '../helpers/database.js';
import { startUpstream, TEST_RETRY, type Upstream } from '../helpers/upstream.js';

const sorted = (xs: string[]) => [...xs].sort();

describe('the status poll with pages in flight', () => {
  const t = useTestDatabase('read-ahead');
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream({ seed: 12, chargepoints: 90, contacts: 2, pageSize: 6, concurrency: 4, faults: { latencyMs: 15, jitterMs: 10 } });
  });
  afterAll(() => up.close());
  afterEach(() => up.sim.setFaults({ pageCap: 0, errorRate: 0 }));
  const ctx = () => ({ database: t.database, logger: silentLogger });
  /** The client's pass, calling `before(i)` as page i is handed to the sync and `after(i)` once it is written. */
  const hooked = (hook: { before?: (i: number) => unknown; after?: (i: number, page: ChargepointPage) => unknown }): ChargepointSource => ({
    getChargepoint: (by) => up.client.getChargepoint(by),
    async *chargepointPages() {
      let index = 0;
      for await (const page of up.client.chargepointPages()) {
        hook.before?.(index);
        yield page as ChargepointPage;
        hook.after?.(index, page as ChargepointPage);
        index++;
      }
    },
  });
  const stored = async () => (await t.sql<{ id: string }>(`select id from connect.chargepoints where deleted_at is null`)).map((r) => r.id);

  it('reads ahead: several pages in flight, every record once, requests = pages + 1', async () => {
    await up.client.dialect();
    up.sim.stats.reset();
    const r = await syncChargepoints(up.client, ctx());
    expect(r.status).toBe('succeeded');
    expect(up.sim.stats.maxInFlight).toBeGreaterThan(1);
    expect(up.sim.stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(sorted(await stored())).toEqual(sorted(up.sim.world.chargepointIds()));
    expect(r.counters!.requests).toBe(Math.ceil(90 / 6) + 1);
  });

  it('a page cap learnt mid-pass, with pages in flight: every record once, nothing deleted', async () => {
    // Pages 3.. are in flight when the server starts capping at 4 records.
    const source = hooked({ before: (i) => i === 2 && up.sim.setFaults({ pageCap: 4 }) });
    const r = await syncChargepoints(source, ctx());
    expect(r.status).toBe('succeeded');
    expect(r.details!.deleted_chargepoints ?? 0).toBe(0);
    expect(r.counters!.seen - r.counters!.rejected).toBeGreaterThan(90);
    expect(sorted(await stored())).toEqual(sorted(up.sim.world.chargepointIds()));
    // Each chargepoint once: a repeated one would be counted as a duplicate, none was lost.
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history where valid_to is null`)) as [{ n: number }];
    expect(n).toBe(up.sim.world.connectorIds().length);
  });

  it('the list shifts while several pages are in flight: nothing is deleted wrongly', async () => {
    const world = up.sim.world;
    const ids = world.chargepointIds();
    // A record of page 1 goes once page 1 is written (whatever page size this client has learnt):
    // pages 2..5 are already asked, so from the first page answered after that, every offset is off
    // by one and a record is skipped — it is confirmed one by one, not deleted.
    const source = hooked({ after: (i, page) => i === 1 && world.removeChargepoint(page.records[1]!.id) });
    const r = await syncChargepoints(source, ctx());
    expect(r.status).toBe('succeeded');
    // Records that moved onto pages already served were confirmed one by one, not deleted.
    expect(r.details!.deletions_disproved).toBeGreaterThanOrEqual(1);
    // The removed record was served (page 1) before it went: this pass saw every chargepoint.
    expect(sorted(await stored())).toEqual(sorted(ids));
    // The next complete pass no longer sees the victim and deletes exactly it.
    const next = await syncChargepoints(up.client, ctx());
    expect(next.details!.deleted_chargepoints).toBe(1);
    expect(sorted(await stored())).toEqual(sorted(world.chargepointIds()));
  });

  it('a pass that ends early cancels the pages it read ahead: none goes on retrying after the run', async () => {
    // Retries 100 ms apart: pages in flight would keep asking for half a second after the run ended.
    const client = createConnectClient({
      url: up.sim.url, apiKey: up.sim.apiKey, timeoutMs: 5_000, pageSize: 6, limiter: createLimiter({ concurrency: 4 }),
      logger: silentLogger, retry: { ...TEST_RETRY, baseDelayMs: 100, maxDelayMs: 100 },
    });
    expect((await syncChargepoints(client, ctx())).status).toBe('succeeded');
    const source: ChargepointSource = {
      async *chargepointPages() {
        for await (const page of client.chargepointPages()) {
          // Later pages are in flight and failing when the first page's write fails.
          up.sim.setFaults({ errorRate: 1 });
          yield page as ChargepointPage;
          throw new Error('the write failed');
        }
      },
    };
    const failed = await syncChargepoints(source, ctx());
    expect(failed.status).toBe('failed');
    const atEnd = up.sim.stats.requests;
    await new Promise((r) => setTimeout(r, 500));
    expect(up.sim.stats.requests).toBe(atEnd);
  });

  it('a page that fails for good while later pages are in flight: the pass fails, nothing is deleted, the next run completes', async () => {
    const before = sorted(await stored());
    const [{ n: historyBefore }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history`)) as [{ n: number }];
    const world = up.sim.world;
    const gone = world.chargepointIds()[60]!;
    world.removeChargepoint(gone); // a deletion the failed pass must not act on
    up.sim.clock.advance(3600_000); // statuses move: pages written before the failure record changes
    // From page 3 on every request fails (pages 4..6 are in flight already): after retries the page fails for good.
    const source = hooked({ before: (i) => i === 2 && up.sim.setFaults({ errorRate: 1 }) });
    const failed = await syncChargepoints(source, ctx());
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/failed \d+ time\(s\)/);
    up.sim.setFaults({ errorRate: 0 });
    // Nothing deleted; the pages that committed are whole (their counts add up) and consistent.
    expect(sorted(await stored())).toEqual(before);
    const [run] = await t.sql<{ pages: number; complete: boolean }>(`select pages, complete from connect.sync_runs where id = $1`, [failed.runId]);
    // Pages 0..2, and those of the pages in flight that were answered before the fault began.
    expect(run!.complete).toBe(false);
    expect(run!.pages).toBeGreaterThanOrEqual(3);
    expect(run!.pages).toBeLessThan(Math.ceil(89 / 6));
    const [{ n: historyAfter }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history`)) as [{ n: number }];
    expect(historyAfter).toBeGreaterThanOrEqual(historyBefore);
    const [{ n: openPerConnector }] = (await t.sql<{ n: number }>(
      `select count(*)::int as n from (select connector_id from connect.connector_status_history where valid_to is null group by 1 having count(*) > 1) x`,
    )) as [{ n: number }];
    expect(openPerConnector).toBe(0);

    const next = await syncChargepoints(up.client, ctx());
    expect(next.status).toBe('succeeded');
    expect(next.details!.deleted_chargepoints).toBe(1);
    expect(sorted(await stored())).toEqual(sorted(world.chargepointIds()));
  });
});

describe('the fan-out short-page rule', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream({ seed: 5, chargepoints: 3, contacts: 60, pageSize: 100, faults: { pageCap: 2 } });
  });
  afterAll(() => up.close());

  it('a page shorter than the largest one returned ends the list; a page as long, whose probe finds nothing after it, too; only the first contacts ask the empty page', async () => {
    const world = up.sim.world;
    await up.client.catalog();
    up.sim.stats.reset();
    // The rules, written out for a server that returns min(cap 2, remaining), contacts in order.
    let largest = 0;
    let expected = 0;
    for (const id of world.contactIds()) {
      const n = world.cardsOf(id).length;
      for (let offset = 0; ; ) {
        const got = Math.min(2, n - offset);
        // The probe asks for a record where a page as long as the largest so far would end.
        const probeAt = largest > 0 ? Math.min(largest, 100) : undefined;
        expected++;
        if (got === 0) break;
        const before = largest;
        largest = Math.max(largest, got);
        if (got < 100 && got < before) break;
        if (probeAt !== undefined && got === probeAt && offset + got >= n) break;
        offset += got;
      }
      const { records } = await collect(up.client.cardPages(id));
      expect(records.map((c) => c.tagId)).toEqual(world.cardsOf(id).map((c) => c.tagId));
    }
    expect(up.sim.stats.byOperation['getCards']).toBe(expected);
    // One request per contact plus one per contact with more cards than the cap, but for the
    // first few contacts (until a page as long as the cap has been seen).
    const overCap = world.contactIds().filter((id) => world.cardsOf(id).length > 2).length;
    expect(expected - world.contactIds().length - overCap).toBeGreaterThanOrEqual(1);
    expect(expected - world.contactIds().length - overCap).toBeLessThanOrEqual(3);
  });
});

describe('the fan-out on a server that refuses aliases (no probe)', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream({ seed: 5, chargepoints: 3, contacts: 30, pageSize: 100, faults: { pageCap: 2 }, schema: ['no-aliases'] });
  });
  afterAll(() => up.close());

  it('the refused probe is asked once, then the short-page rule and the empty page decide; every card once', async () => {
    const world = up.sim.world;
    await up.client.catalog();
    up.sim.stats.reset();
    let largest = 0;
    let expected = 0;
    let probed = false;
    for (const id of world.contactIds()) {
      const n = world.cardsOf(id).length;
      for (let offset = 0; ; ) {
        const got = Math.min(2, n - offset);
        // The first request that carries a probe is refused (a validation error) and sent again plainly.
        if (largest > 0 && !probed) {
          probed = true;
          expected++;
        }
        expected++;
        if (got === 0) break;
        const before = largest;
        largest = Math.max(largest, got);
        offset += got;
        if (got < 100 && got < before) break;
      }
      const { records } = await collect(up.client.cardPages(id));
      expect(records.map((c) => c.tagId)).toEqual(world.cardsOf(id).map((c) => c.tagId));
    }
    expect(probed).toBe(true);
    expect(up.sim.stats.byOperation['getCards']).toBe(expected);
  });
});

describe('fingerprints after an upgrade', () => {
  const t = useTestDatabase('fingerprint-upgrade');
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream({ seed: 13, chargepoints: 20, contacts: 2, pageSize: 7 });
  });
  afterAll(() => up.close());

  it('rows without a fingerprint (written before 0006) get one without their data or updated_at changing; then nothing is written', async () => {
    const ctx = { database: t.database, logger: silentLogger };
    expect((await syncChargepoints(up.client, ctx)).status).toBe('succeeded');
    // As an existing database arrives after the migration: every row_hash null.
    await t.sql(`update connect.chargepoints set row_hash = null; update connect.connectors set row_hash = null; update connect.locations set row_hash = null`);
    const snapshot = (table: string) =>
      t.sql<{ id: string; row: string }>(`select id, (to_jsonb(x) - 'row_hash')::text as row from connect.${table} x order by id`);
    const before = { cp: await snapshot('chargepoints'), conn: await snapshot('connectors'), loc: await snapshot('locations') };
    const [{ n: history }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history`)) as [{ n: number }];

    const first = await syncChargepoints(up.client, ctx);
    expect(first.status).toBe('succeeded');
    expect(first.counters).toMatchObject({ inserted: 0, updated: 0 });
    expect({ cp: await snapshot('chargepoints'), conn: await snapshot('connectors'), loc: await snapshot('locations') }).toEqual(before);
    const [{ missing }] = (await t.sql<{ missing: number }>(
      `select (select count(*) from connect.chargepoints where row_hash is null) + (select count(*) from connect.connectors where row_hash is null)
        + (select count(*) from connect.locations where row_hash is null) as missing`,
    )) as [{ missing: number }];
    expect(Number(missing)).toBe(0);
    expect((await t.sql<{ n: number }>(`select count(*)::int as n from connect.connector_status_history`))[0]!.n).toBe(history);

    // With fingerprints in place an unchanged poll rewrites no row at all.
    const versions = () => t.sql<{ v: string }>(`select string_agg(xmin::text || ctid::text, ',' order by id) as v from connect.connectors`);
    const v0 = await versions();
    expect((await syncChargepoints(up.client, ctx)).counters).toMatchObject({ inserted: 0, updated: 0, unchanged: first.counters!.seen });
    expect(await versions()).toEqual(v0);
  });

  it("a connector-only change (its chargepoint's own record unchanged) is still found", async () => {
    const ctx = { database: t.database, logger: silentLogger };
    const world = up.sim.world;
    const id = world.connectorIds()[3]!;
    const at = (min: number) => new Date(Date.now() - min * 60_000);
    // FAULTED and UNAVAILABLE both count as unavailable: the chargepoint's counts do not move.
    world.setConnectorStatus(id, 'FAULTED', at(10));
    expect((await syncChargepoints(up.client, ctx)).status).toBe('succeeded');
    const cpOf = (await t.sql<{ c: string; raw: string }>(`select chargepoint_id as c, (select raw::text from connect.chargepoints p where p.id = k.chargepoint_id) as raw from connect.connectors k where id = $1`, [id]))[0]!;
    world.setConnectorStatus(id, 'UNAVAILABLE', at(5));
    const r = await syncChargepoints(up.client, ctx);
    expect(r.details!.transitions).toBe(1);
    const after = (await t.sql<{ raw: string }>(`select raw::text as raw from connect.chargepoints where id = $1`, [cpOf.c]))[0]!;
    expect(after.raw).toBe(cpOf.raw); // the chargepoint's record did not change
    const [open] = await t.sql<{ status: string }>(`select status from connect.connector_status_history where connector_id = $1 and valid_to is null`, [id]);
    expect(open!.status).toBe('UNAVAILABLE');
  });

  it('any key survives the trip to the fingerprint probe (quotes, backslashes, commas, braces, unicode)', async () => {
    const keys = ['a"b', 'c\\d', 'x,y', '{z}', 'NULL', ' sp ', 'Köln-Δ'];
    const found = await t.database.db.transaction(async (tx) => {
      await resetSeen(tx);
      const changed = await changedChargepoints(tx, keys.map((id) => ({ id, h: rowHash({ id }) })), keys.map((id) => ({ k: 'p' as const, id })));
      const seen = await tx.execute(sql`select id from seen_chargepoints order by id`);
      return { changed, seen: (seen as unknown as { rows: Array<{ id: string }> }).rows.map((r) => r.id) };
    });
    expect([...found.changed].sort()).toEqual([...keys].sort());
    expect(found.seen).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
