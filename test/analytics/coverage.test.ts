// connect.interval_coverage against the definition written out literally (a correlated scan of
// the passes per interval): on the hand-made network and on random histories, for both
// strategies (index probes for a few connectors, pass arrays for many).
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { insertChargepoint, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-coverage');

/** DESIGN.md's definition, literally: max(started_at) over the passes that still saw the interval. */
const REFERENCE = `
  select h.id::text as id, h.connector_id,
    least(coalesce(h.valid_to, 'infinity'), greatest(h.valid_from, (
      select max(p.started_at) from connect.sync_runs p
      where p.job = 'chargepoints' and p.status = 'succeeded'
        and p.finished_at >= h.observed_at
        and (n.observed_at is null or p.finished_at < n.observed_at)
        and (h.closed_reason is distinct from 'deleted' or p.started_at < h.valid_to)))) as observed_until
  from connect.connector_status_history h
  left join lateral (
    select n.observed_at from connect.connector_status_history n
    where n.connector_id = h.connector_id and n.valid_from > h.valid_from order by n.valid_from limit 1) n on true
  where h.connector_id like $1
  order by h.id`;

async function compareWithDefinition(prefix: string): Promise<number> {
  const reference = await t.sql<{ id: string; connector_id: string; observed_until: Date }>(REFERENCE, [`${prefix}%`]);
  const ids = [...new Set(reference.map((r) => r.connector_id))];
  const bulk = await t.sql<{ id: string; observed_until: Date }>(
    `select interval_id::text as id, observed_until from connect.interval_coverage('-infinity', 'infinity') where connector_id like $1 order by interval_id`,
    [`${prefix}%`],
  );
  const probes = await t.sql<{ id: string; observed_until: Date }>(
    `select interval_id::text as id, observed_until from connect.interval_coverage('-infinity', 'infinity', $1::text[]) order by interval_id`,
    [ids],
  );
  expect(ids.length).toBeLessThanOrEqual(100); // the index-probe strategy
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
