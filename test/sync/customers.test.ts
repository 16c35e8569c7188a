import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBiRole } from '../../src/db/roles.js';
import { silentLogger } from '../../src/log.js';
import { syncCards, syncContacts, syncSessions } from '../../src/sync/customers.js';
import { syncChargepoints } from '../../src/sync/chargepoints.js';
import { useTestDatabase } from '../helpers/database.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const CONCURRENCY = 3;

describe('sync contacts, cards and sessions (fan-out)', () => {
  const t = useTestDatabase('sync-customers');
  let up: Upstream;
  const ctx = () => ({ database: t.database, logger: silentLogger });

  beforeAll(async () => {
    up = await startUpstream({
      seed: 11,
      chargepoints: 15,
      contacts: 40,
      startTime: new Date('2026-11-01T00:00:00Z'),
      pageSize: 2, // several pages per contact
      concurrency: CONCURRENCY,
      faults: { errorRate: 0.2, dropRate: 0.05, latencyMs: 5, jitterMs: 5 },
    });
    // Let the world move a little so that sessions exist (active and stopped).
    up.sim.clock.advance(6 * 3600_000);
  });
  afterAll(() => up.close());

  it('syncs every contact, and every card and session of every contact exactly once, with faults on', async () => {
    const world = up.sim.world;
    expect((await syncChargepoints(up.client, ctx())).status).toBe('succeeded');
    const contacts = await syncContacts(up.client, ctx());
    expect(contacts.status).toBe('succeeded');
    expect(contacts.counters!.inserted).toBe(world.contactIds().length);

    up.sim.stats.reset();
    const cards = await syncCards(up.client, ctx(), { concurrency: 8 });
    expect(cards.status).toBe('succeeded');
    const sessions = await syncSessions(up.client, ctx(), { concurrency: 8, active: false });
    expect(sessions.status).toBe('succeeded');
    // The limiter, not the number of fan-out workers, bounds requests in flight.
    expect(up.sim.stats.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(up.sim.stats.maxInFlight).toBeGreaterThan(1);
    expect(Object.values(up.sim.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const expectedCards = world.contactIds().flatMap((c) => world.cardsOf(c).map((card) => `${card.tagId}|${c}`)).sort();
    const storedCards = (await t.sql<{ k: string }>(`select tag_id || '|' || contact_id as k from connect.cards order by 1`)).map((r) => r.k);
    expect(storedCards).toEqual(expectedCards);
    expect(cards.counters!.inserted).toBe(expectedCards.length);

    const expectedSessions = world.contactIds().flatMap((c) => world.sessionsOf(c).map((s) => s.id!)).sort();
    expect(expectedSessions.length).toBeGreaterThan(10);
    const stored = await t.sql<{ id: string }>(`select id from connect.charging_sessions order by id`);
    expect(stored.map((r) => r.id)).toEqual(expectedSessions);
    expect(sessions.counters!.inserted).toBe(expectedSessions.length);

    // Money is numeric with the exact value received, energy in Wh, duration in seconds.
    const sample = world.contactIds().flatMap((c) => world.sessionsOf(c)).find((s) => s.status === 'STOPPED' && s.costs !== null)!;
    const [row] = await t.sql(`select costs::text, currency, meter_total_wh::int, duration_s from connect.charging_sessions where id = $1`, [sample.id]);
    expect(row).toEqual({ costs: String(sample.costs), currency: sample.currency, meter_total_wh: sample.meterTotal, duration_s: sample.duration });

    // A second pass with nothing changed rewrites nothing.
    const again = await syncCards(up.client, ctx(), { concurrency: 8 });
    expect(again.counters).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: expectedCards.length });
  });

  it('a contact that fails for good is recorded; the others are synced; the next run tries again', async () => {
    const world = up.sim.world;
    const victim = world.contactIds()[4]!;
    const tag = world.cardsOf(victim)[0]?.tagId;
    world.failContact(victim);
    // A card changes for another contact meanwhile: that change must land.
    const other = world.contactIds()[7]!;
    const otherTag = world.cardsOf(other)[0]!.tagId!;
    world.updateCard(otherTag, { name: 'Renamed Card', active: false });
    up.sim.stats.reset();
    const r = await syncCards(up.client, ctx(), { concurrency: 8 });
    expect(r.status).toBe('partial');
    // Every request the run made is in its record, the failed contact's attempts included.
    const [{ requests }] = (await t.sql<{ requests: number }>(`select requests from connect.sync_runs where id = $1`, [r.runId])) as [{ requests: number }];
    expect(requests).toBe(up.sim.stats.requests);
    expect(r.error).toContain(victim);
    const rejects = await t.sql(`select entity, entity_id from connect.sync_rejects where run_id = $1`, [r.runId]);
    expect(rejects).toEqual([{ entity: 'contact', entity_id: victim }]);
    const [run] = await t.sql(`select status, complete from connect.sync_runs where id = $1`, [r.runId]);
    expect(run).toEqual({ status: 'partial', complete: false });
    const [changed] = await t.sql(`select active, name from connect.cards where tag_id = $1`, [otherTag]);
    expect(changed).toEqual({ active: false, name: 'Renamed Card' });
    // The failed contact's cards are kept, not deleted.
    if (tag) expect(await t.sql(`select deleted_at from connect.cards where tag_id = $1`, [tag])).toEqual([{ deleted_at: null }]);

    world.failContact(victim, false);
    const next = await syncCards(up.client, ctx(), { concurrency: 8 });
    expect(next.status).toBe('succeeded');
  });

  it('a contacts run that fails on the API records every request it made, retries included', async () => {
    up.sim.setFaults({ errorRate: 1 });
    up.sim.stats.reset();
    try {
      const r = await syncContacts(up.client, ctx());
      expect(r.status).toBe('failed');
      const [run] = await t.sql<{ requests: number; pages: number }>(`select requests, pages from connect.sync_runs where id = $1`, [r.runId]);
      expect(run!.pages).toBe(0);
      expect(run!.requests).toBeGreaterThan(1);
      expect(run!.requests).toBe(up.sim.stats.requests);
    } finally {
      up.sim.setFaults({ errorRate: 0.2 });
    }
  });

  it('updates ACTIVE → STOPPED from the cheap active-sessions pass', async () => {
    const world = up.sim.world;
    const active = await syncSessions(up.client, ctx(), { concurrency: 4, active: true });
    expect(active.status).toBe('succeeded');
    const held = await t.sql<{ id: string }>(`select id from connect.charging_sessions where status = 'ACTIVE' order by id`);
    const live = world.contactIds().flatMap((c) => world.sessionsOf(c)).filter((s) => s.status === 'ACTIVE').map((s) => s.id).sort();
    expect(held.map((r) => r.id)).toEqual(live);
    expect(live.length).toBeGreaterThan(0);

    const stopped = live[0]!;
    expect(world.remoteStop(stopped).status).toBe('ACCEPTED');
    up.sim.clock.advance(60_000);
    const r = await syncSessions(up.client, ctx(), { concurrency: 4, active: true });
    expect(r.status).toBe('succeeded');
    expect(r.details!.stopped).toBe(1);
    const view = world.getSession(stopped)!;
    const [row] = await t.sql(`select status, end_time, meter_end_wh::int, costs::text from connect.charging_sessions where id = $1`, [stopped]);
    expect(row).toEqual({ status: 'STOPPED', end_time: new Date(view.endTime!), meter_end_wh: view.meterEnd, costs: String(view.costs) });
  });

  it('lists implausible sessions in the data-quality view without dropping or fixing them', async () => {
    await t.sql(`insert into connect.charging_sessions (id, status, meter_start_wh, meter_end_wh, meter_total_wh, costs, costs_net, tax_amount, start_time, end_time, raw)
      values ('dq-1', 'STOPPED', 69100, 56000, 13100, 5.11, 4.29, 0.82, '2021-01-28T12:12:00Z', '2021-01-28T13:42:00Z', '{}'),
             ('dq-2', 'STOPPED', 100, 200, 100, -1.00, -0.84, -0.16, '2021-01-28T13:00:00Z', '2021-01-28T12:00:00Z', '{}')`);
    const issues = await t.sql(`select session_id, issue from connect.session_data_quality where session_id like 'dq-%' order by 1, 2`);
    expect(issues).toEqual([
      { session_id: 'dq-1', issue: 'meter_start_after_end' },
      { session_id: 'dq-1', issue: 'meter_total_mismatch' },
      { session_id: 'dq-2', issue: 'end_before_start' },
      { session_id: 'dq-2', issue: 'negative_costs' },
    ]);
    const [kept] = await t.sql(`select meter_start_wh::int, meter_end_wh::int from connect.charging_sessions where id = 'dq-1'`);
    expect(kept).toEqual({ meter_start_wh: 69100, meter_end_wh: 56000 });
  });

  it('the BI role reads the views but not contacts or raw records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-bi-'));
    writeFileSync(join(dir, 'pw'), 'bi-secret-pw\n');
    const name = `bi_${process.pid}`;
    const result = await ensureBiRole(t.database.db, name, readFileSync(join(dir, 'pw'), 'utf8').trim());
    expect(result.views).toEqual(expect.arrayContaining(['bi_charging_sessions', 'bi_connectors', 'session_data_quality']));
    const u = new URL(t.url);
    u.username = name;
    u.password = 'bi-secret-pw';
    const bi = new pg.Client({ connectionString: u.toString() });
    await bi.connect();
    try {
      const sessions = await bi.query(`select count(*)::int as n from connect.bi_charging_sessions`);
      expect(sessions.rows[0].n).toBeGreaterThan(10);
      await expect(bi.query(`select email from connect.contacts`)).rejects.toMatchObject({ code: '42501' });
      await expect(bi.query(`select raw from connect.charging_sessions`)).rejects.toMatchObject({ code: '42501' });
      await expect(bi.query(`insert into connect.status_categories values ('x', 'up', null)`)).rejects.toMatchObject({ code: '42501' });
      // No view exposes a personal column or a raw record.
      const cols = await bi.query(`select table_name, column_name from information_schema.columns where table_schema = 'connect'
        and column_name in ('email', 'phone', 'fax', 'given_name', 'birthdate', 'gender', 'address', 'raw')`);
      expect(cols.rows).toEqual([]);
    } finally {
      await bi.end();
      await t.sql(`drop owned by ${name}`);
      await t.sql(`drop role ${name}`);
    }
  });
});
