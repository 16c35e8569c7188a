// connect.interval_coverage against the definition written out literally (a correlated scan of
// the passes per interval): on the hand-made network and on random histories (rows written here,
// so their coverage is computed by the query), and on histories written by the real sync (which
// stores the coverage of every interval it closes), for all connectors and for a selection.
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { syncChargepoints, type ChargepointSource } from '../../src/sync/chargepoints.js';
import { useTestDatabase } from '../helpers/database.js';
import { startUpstream } from '../helpers/upstream.js';
import { COVERAGE_DEFINITION, insertChargepoint, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-coverage');

async function compareWithDefinition(prefix: string): Promise<number> {
  const reference = await t.sql<{ id: string; connector_id: string; observed_until: Date }>(COVERAGE_DEFINITION, [`${prefix}%`]);
  const ids = [...new Set(reference.map((r) => r.connector_id))];
  const bulk = await t.sql<{ id: string; observed_until: Date }>(
    `select interval_id::text as id, observed_until from connect.interval_coverage('-infinity', 'infinity') where connector_id like $1 order by interval_id`,
    [`${prefix}%`],
  );
  const probes = await t.sql<{ id: string; observed_until: Date }>(
    `select interval_id::text as id, observed_until from connect.interval_coverage('-infinity', 'infinity', $1::text[]) order by interval_id`,
    [ids],
  );
  const show = (rows: Array<{ id: string; observed_until: Date }>) => rows.map((r) => `${r.id} ${r.observed_until.toISOString()}`);
  expect(show(bulk)).toEqual(show(reference));
  expect(show(probes)).toEqual(show(reference));
  return reference.length;
}

describe('observation coverage (observed_until)', () => {
  beforeAll(async () => {
    await insertPasses(t);
    await insertMarchNetwork(t);
  });

  it('matches the definition on the hand-made network', async () => {
    expect(await compareWithDefinition('')).toBeGreaterThan(15);
  });

  it('confirms an interval up to the start of the last pass that still saw it', async () => {
    const rows = await t.sql<{ connector_id: string; status: string; confirmed_at: Date | null; observed_until: Date }>(
      `select connector_id, status, confirmed_at, observed_until from connect.interval_coverage('2026-03-10T00:00Z', '2026-03-11T00:00Z', '{a2,d1}')
       order by connector_id, valid_from`,
    );
    expect(rows.map((r) => [r.connector_id, r.status, r.observed_until.toISOString()])).toEqual([
      // The last successful pass before the outage started 11:50; the change at 12:30 happened unobserved.
      ['a2', 'Available', '2026-03-10T11:50:00.000Z'],
      // Seen at 15:00:30 with its upstream time 12:30: observed from 12:30 (the upstream says so) to 17:50.
      ['a2', 'Faulted', '2026-03-10T17:50:00.000Z'],
      ['a2', 'Available', '2026-10-27T00:00:00.000Z'],
      // Closed by the pass that started 09:10 and no longer returned it: confirmed until 09:00 only.
      ['d1', 'Available', '2026-03-10T09:00:00.000Z'],
      ['d1', 'Available', '2026-10-27T00:00:00.000Z'],
    ]);
  });
});

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('observation coverage on random histories', () => {
  it('matches the definition for passes with failures and gaps, replays, deletions and same-pass changes', async () => {
    const rnd = prng(20261025);
    const base = Date.parse('2025-06-01T00:00:00Z');
    const minute = 60_000;
    // Passes: every 1-9 minutes, lasting 10-50 s; some fail; a few long gaps.
    const passes: Array<{ started: number; finished: number; ok: boolean }> = [];
    for (let time = base; time < base + 3 * 86_400_000; ) {
      const started = time;
      const finished = started + 10_000 + Math.floor(rnd() * 40_000);
      passes.push({ started, finished, ok: rnd() > 0.1 });
      time = finished + (rnd() < 0.01 ? 90 * minute : (1 + Math.floor(rnd() * 9)) * minute) + Math.floor(rnd() * 1000);
    }
    const fetchDuring = (p: { started: number; finished: number }) => p.started + Math.floor((p.finished - p.started) * rnd());
    await t.sql(
      `insert into connect.sync_runs (job, status, started_at, finished_at, complete)
       select 'chargepoints', case when x.ok then 'succeeded' else 'failed' end, to_timestamp(x.s / 1000.0), to_timestamp(x.f / 1000.0), true
       from jsonb_to_recordset($1::jsonb) as x(s bigint, f bigint, ok boolean)`,
      [JSON.stringify(passes.map((p) => ({ s: p.started, f: p.finished, ok: p.ok })))],
    );
    await insertChargepoint(t, 'rnd-cp', null);
    const statuses = ['Available', 'Charging', 'Faulted', 'Unknown', 'Offline'];
    const history: Array<{ c: string; status: string; from: number; to: number | null; observed: number; reason: string | null }> = [];
    const connectors = 40;
    for (let c = 0; c < connectors; c++) {
      const id = `rnd-${String(c).padStart(2, '0')}`;
      let i = Math.floor(rnd() * 50);
      let from = passes[i]!.started - Math.floor(rnd() * 3_600_000);
      let status = statuses[Math.floor(rnd() * statuses.length)]!;
      let observed = fetchDuring(passes[i]!);
      while (i < passes.length - 5) {
        const step = 1 + Math.floor(rnd() * 40);
        const next = Math.min(passes.length - 2, i + step);
        const mode = rnd();
        let to: number;
        let reason: string | null = null;
        let nextObserved: number;
        let nextFrom: number;
        if (mode < 0.05) {
          // Vanished: closed at the start of the pass that no longer returned it; back a few passes later.
          to = passes[next]!.started;
          reason = 'deleted';
          const back = Math.min(passes.length - 1, next + 1 + Math.floor(rnd() * 5));
          nextFrom = Math.max(to, passes[back]!.started - Math.floor(rnd() * 600_000));
          nextObserved = fetchDuring(passes[back]!);
          i = back;
        } else if (mode < 0.15) {
          // Replay: the next interval starts long before the pass that first saw it.
          to = from + Math.floor(rnd() * Math.max(1, passes[next]!.started - from));
          if (to <= from) to = from + 1;
          nextFrom = to;
          nextObserved = fetchDuring(passes[next]!);
          i = next;
        } else if (mode < 0.2) {
          // Seen by the same page as its predecessor (same observed_at).
          to = from + 1 + Math.floor(rnd() * 60_000);
          nextFrom = to;
          nextObserved = observed;
        } else {
          // A change between two passes, stamped by the upstream.
          const change = passes[next - 1]!.finished + Math.floor(rnd() * Math.max(1, passes[next]!.started - passes[next - 1]!.finished));
          to = Math.max(from + 1, change);
          nextFrom = to;
          nextObserved = fetchDuring(passes[next]!);
          i = next;
        }
        history.push({ c: id, status, from, to, observed, reason });
        from = nextFrom;
        observed = Math.max(nextObserved, observed);
        status = statuses[(statuses.indexOf(status) + 1 + Math.floor(rnd() * (statuses.length - 1))) % statuses.length]!;
      }
      history.push({ c: id, status, from, to: rnd() < 0.8 ? null : from + 3_600_000, observed, reason: null });
    }
    await t.sql(
      `insert into connect.connectors (id, chargepoint_id, raw) select distinct x.c, 'rnd-cp', '{}'::jsonb from jsonb_to_recordset($1::jsonb) as x(c text)`,
      [JSON.stringify(history.map((h) => ({ c: h.c })))],
    );
    await t.sql(
      `insert into connect.connector_status_history (connector_id, status, valid_from, valid_to, observed_at, closed_reason)
       select x.c, x.status, to_timestamp(x.f / 1000.0), to_timestamp(x.t / 1000.0), to_timestamp(x.o / 1000.0), x.r
       from jsonb_to_recordset($1::jsonb) as x(c text, status text, f bigint, t bigint, o bigint, r text)`,
      [JSON.stringify(history.map((h) => ({ c: h.c, status: h.status, f: h.from, t: h.to, o: h.observed, r: h.reason })))],
    );
    const compared = await compareWithDefinition('rnd-');
    expect(compared).toBe(history.length);
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('observation coverage stored by the sync', () => {
  it('equals the definition for every interval a status change closed, across failed passes and replayed timestamps', async () => {
    const up = await startUpstream({ seed: 11, chargepoints: 6, contacts: 1, startTime: new Date(Date.now() - 3_600_000), pageSize: 2 });
    try {
      const world = up.sim.world;
      const ids = world.connectorIds();
      const rnd = prng(4711);
      const statuses = ['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE', 'Out of order'];
      // Fails after its first page: that page's closes are written by a run that never succeeds.
      const failing: ChargepointSource = {
        async *chargepointPages() {
          let i = 0;
          for await (const page of up.client.chargepointPages()) {
            if (i++ === 1) throw new Error('upstream went away');
            yield page;
          }
        },
      };
      const outcomes: string[] = [];
      const passStarts: number[] = [];
      // One connector of the first page is scripted: seen first by a failing pass with a time
      // stamped before the last successful pass started, closed after it: observed for 0 minutes.
      let scripted: string | undefined;
      const script: Record<number, () => Date> = {
        3: () => new Date(passStarts[1]! - 1),
        5: () => new Date(),
      };
      for (let pass = 0; pass < 14; pass++) {
        const scriptedAt = script[pass];
        if (scripted !== undefined && scriptedAt) world.setConnectorStatus(scripted, pass === 3 ? 'FAULTED' : 'AVAILABLE', scriptedAt());
        for (const id of ids) {
          if (id === scripted) continue;
          const r = rnd();
          if (r < 0.3) world.setConnectorStatus(id, statuses[Math.floor(rnd() * statuses.length)]!, new Date());
          // A change the upstream stamps minutes back: it may start before passes that saw the old status.
          else if (r < 0.45 && passStarts.length > 0) {
            const back = passStarts[Math.max(0, passStarts.length - 1 - Math.floor(rnd() * 3))]!;
            world.setConnectorStatus(id, statuses[Math.floor(rnd() * statuses.length)]!, new Date(back - 1));
          }
        }
        passStarts.push(Date.now());
        const result = await syncChargepoints(pass % 5 === 3 || pass % 5 === 4 ? failing : up.client, { database: t.database, logger: silentLogger });
        outcomes.push(result.status);
        if (pass === 0) {
          const [first] = await t.sql<{ id: string }>(`select id from connect.connectors where chargepoint_id = $1 order by id limit 1`, [
            world.chargepointIds()[0],
          ]);
          scripted = first!.id;
          world.setConnectorStatus(scripted, 'UNAVAILABLE', new Date(Date.now() - 60_000));
        }
      }
      expect(outcomes.filter((o) => o === 'failed')).toHaveLength(5);

      const idSet = new Set(ids);
      const stored = await t.sql<{ id: string; observed_until: Date }>(
        `select id::text, observed_until from connect.connector_status_history where connector_id = any($1) and observed_until is not null order by id`,
        [ids],
      );
      const closed = await t.sql<{ n: number }>(
        `select count(*)::int as n from connect.connector_status_history where connector_id = any($1) and valid_to is not null`,
        [ids],
      );
      expect(stored.length).toBe(closed[0]!.n);
      expect(stored.length).toBeGreaterThan(20);
      const reference = (await t.sql<{ id: string; connector_id: string; observed_until: Date }>(COVERAGE_DEFINITION, ['%'])).filter((r) =>
        idSet.has(r.connector_id),
      );
      const byId = new Map(reference.map((r) => [r.id, r.observed_until.toISOString()]));
      expect(stored.map((r) => `${r.id} ${r.observed_until.toISOString()}`)).toEqual(stored.map((r) => `${r.id} ${byId.get(r.id)}`));
      // Not all trivial: some intervals were observed only in part.
      const closedRows = await t.sql<{ id: string; valid_to: Date }>(
        `select id::text, valid_to from connect.connector_status_history where connector_id = any($1) and valid_to is not null`,
        [ids],
      );
      const partly = closedRows.filter((r) => byId.get(r.id) !== r.valid_to.toISOString());
      expect(partly.length).toBeGreaterThan(0);
      const [faulted] = await t.sql<{ valid_from: Date; observed_until: Date }>(
        `select valid_from, observed_until from connect.connector_status_history where connector_id = $1 and status = 'FAULTED'`,
        [scripted],
      );
      expect(faulted!.observed_until.toISOString()).toBe(faulted!.valid_from.toISOString());
      // And the query (stored values for closed intervals, computed ones for the open intervals) agrees everywhere.
      const all = await t.sql<{ id: string; observed_until: Date }>(
        `select interval_id::text as id, observed_until from connect.interval_coverage('-infinity', 'infinity', $1::text[]) order by interval_id`,
        [ids],
      );
      expect(all.map((r) => `${r.id} ${r.observed_until.toISOString()}`)).toEqual(
        [...reference].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => `${r.id} ${r.observed_until.toISOString()}`),
      );
    } finally {
      await up.close();
    }
  });
});
