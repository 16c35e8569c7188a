// connect.availability / daily_availability / outages against hand-computed minutes.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { EXPECTED_MARCH_10, insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-availability');

beforeAll(async () => {
  await insertPasses(t);
  await insertMarchNetwork(t);
  await insertDaylightSavingNetwork(t);
});

interface Figures {
  entity_id: string;
  connectors: number;
  period_minutes: string;
  observed_minutes: string;
  not_observed_minutes: string;
  up_minutes: string;
  down_minutes: string;
  unknown_minutes: string;
  in_use_minutes: string;
  outage_minutes: string;
  excluded_minutes: string;
  uptime_pct: string;
  observed_share: string;
  utilisation_pct: string | null;
}

const DAY = ['2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'];

async function byConnector(countNotObserved = false, ids: string[] | null = null): Promise<Map<string, Figures>> {
  const rows = await t.sql<Figures & Record<string, unknown>>(
    `select * from connect.availability($1, $2, 'connector', $3, $4)`,
    [...DAY, ids, countNotObserved],
  );
  return new Map(rows.map((r) => [r.entity_id, r]));
}

const n = (v: string | null) => (v === null ? null : Number(v));

describe('connect.availability (NEVI uptime)', () => {
  it('computes exact minutes per connector for the hand-checked histories', async () => {
    const rows = await byConnector();
    expect([...rows.keys()].sort()).toEqual(Object.keys(EXPECTED_MARCH_10).sort());
    for (const [id, e] of Object.entries(EXPECTED_MARCH_10)) {
      const r = rows.get(id)!;
      const got = {
        id,
        period: n(r.period_minutes),
        up: n(r.up_minutes),
        down: n(r.down_minutes),
        unknown: n(r.unknown_minutes),
        notObserved: n(r.not_observed_minutes),
        inUse: n(r.in_use_minutes),
        outage: n(r.outage_minutes),
        excluded: n(r.excluded_minutes),
      };
      expect(got).toEqual({
        id,
        period: 1440,
        up: e.up,
        down: e.down,
        unknown: e.unknown,
        notObserved: e.notObserved,
        inUse: e.inUse,
        outage: e.down + e.unknown,
        excluded: e.excluded,
      });
      // uptime = (period - (outage - excluded)) / period × 100, exact to the last digit PostgreSQL prints.
      const expected = ((1440 - (e.down + e.unknown - e.excluded)) / 1440) * 100;
      expect(Number(r.uptime_pct)).toBeCloseTo(expected, 12);
      expect(Number(r.observed_share)).toBeCloseTo((1440 - e.notObserved) / 1440, 12);
    }
  });

  it('uses exact decimal arithmetic (no float rounding in the database)', async () => {
    const [row] = await t.sql<{ uptime: string; excluded: string }>(
      `select round(uptime_pct, 10)::text as uptime, excluded_minutes::text as excluded from connect.availability($1, $2, 'connector', '{e1}')`,
      DAY,
    );
    // (1440 - (230 - 125)) / 1440 × 100 = 92.7083333333...
    expect(row).toEqual({ uptime: '92.7083333333', excluded: expect.stringMatching(/^125(\.0+)?$/) });
  });

  it('adds not observed minutes to the outage with p_count_not_observed, and excludes them inside exclusion windows', async () => {
    const rows = await byConnector(true);
    for (const [id, e] of Object.entries(EXPECTED_MARCH_10)) {
      const r = rows.get(id)!;
      expect({ id, outage: n(r.outage_minutes), excluded: n(r.excluded_minutes) }).toEqual({
        id,
        outage: e.down + e.unknown + e.notObserved,
        excluded: e.excludedIfNotObservedCounts,
      });
    }
  });

  it('gives the same figures for a selection as for the whole network (index probes vs. pass arrays)', async () => {
    const all = await byConnector(false);
    const some = await byConnector(false, ['a1', 'a2', 'e1', 'n1', 'd1']);
    for (const [id, r] of some) expect(r).toEqual(all.get(id));
  });

  it('rolls connectors up to chargepoints and locations (port-minutes summed)', async () => {
    const cps = await t.sql<Figures>(`select * from connect.availability($1, $2, 'chargepoint')`, DAY);
    const a = cps.find((r) => r.entity_id === 'cp-A')!;
    expect(a.connectors).toBe(3);
    expect(n(a.period_minutes)).toBe(3 * 1440);
    expect(n(a.down_minutes)).toBe(110 + 320);
    expect(n(a.not_observed_minutes)).toBe(20 + 50 + 60);
    expect(Number(a.uptime_pct)).toBeCloseTo(((3 * 1440 - 430) / (3 * 1440)) * 100, 12);
    const locations = await t.sql<Figures & { entity_id: string | null }>(`select * from connect.availability($1, $2, 'location')`, DAY);
    expect(locations.map((r) => [r.entity_id, r.connectors])).toEqual([
      ['loc-1', 4],
      ['loc-2', 2],
      [null, 1],
    ]);
    const filtered = await t.sql<Figures>(`select * from connect.availability($1, $2, 'chargepoint', '{cp-E}')`, DAY);
    expect(filtered.map((r) => [r.entity_id, n(r.excluded_minutes)])).toEqual([['cp-E', 125]]);
  });

  it('rejects a bad period or level with a message that says what to do', async () => {
    await expect(t.sql(`select * from connect.availability($2, $1)`, DAY)).rejects.toThrow(/must be before its end/);
    await expect(t.sql(`select * from connect.availability($1, $2, 'station')`, DAY)).rejects.toThrow(/use connector, chargepoint or location/);
    await expect(t.sql(`select * from connect.daily_availability('2026-03-10', '2026-03-11', 'Mars/Olympus')`)).rejects.toThrow(/IANA name/);
  });

  it('splits a report into disjoint parts by entity', async () => {
    const whole = await t.sql<Figures>(`select * from connect.availability($1, $2, 'chargepoint')`, DAY);
    const parts = await Promise.all([0, 1, 2].map((shard) => t.sql<Figures>(`select * from connect.availability($1, $2, 'chargepoint', null, false, $3, 3)`, [...DAY, shard])));
    expect(parts.flat().sort((x, y) => (x.entity_id < y.entity_id ? -1 : 1))).toEqual(whole);
  });
});

describe('connect.daily_availability', () => {
  it('counts the daylight-saving day 2026-10-25 in Europe/Berlin as 1500 minutes', async () => {
    const rows = await t.sql<Figures & { local_day: string }>(
      `select to_char(day, 'YYYY-MM-DD') as local_day, * from connect.daily_availability('2026-10-24', '2026-10-27', 'Europe/Berlin', 'connector', '{b1}')`,
    );
    expect(rows.map((r) => [r.local_day, n(r.period_minutes), n(r.up_minutes), n(r.down_minutes), n(r.not_observed_minutes)])).toEqual([
      // 2026-10-24 starts 22:00Z the day before; b1's history starts 00:00Z: 120 minutes not observed.
      ['2026-10-24', 1440, 1320, 0, 120],
      // 230 up, 10 n/o, 50 down, 10 n/o, 1200 up.
      ['2026-10-25', 1500, 1430, 50, 20],
      ['2026-10-26', 1440, 1440, 0, 0],
    ]);
    expect(Number(rows[1]!.uptime_pct)).toBeCloseTo(((1500 - 50) / 1500) * 100, 12);
  });

  it('counts 2026-03-29 in Europe/Berlin (daylight-saving start) as 1380 minutes', async () => {
    const rows = await t.sql<Figures>(`select * from connect.daily_availability('2026-03-29', '2026-03-30', 'Europe/Berlin', 'chargepoint', '{cp-S}')`);
    expect(rows.map((r) => [n(r.period_minutes), n(r.up_minutes), n(r.not_observed_minutes)])).toEqual([[1380, 1380, 0]]);
  });

  it('adds up, day by day, to the period figures', async () => {
    const period = await t.sql<Figures>(`select * from connect.availability('2026-03-09T00:00Z', '2026-03-12T00:00Z', 'chargepoint', null, true)`);
    const sums = await t.sql<{ entity_id: string; period: string; up: string; down: string; unknown: string; not_observed: string; excluded: string; in_use: string }>(
      `select entity_id, sum(period_minutes) as period, sum(up_minutes) as up, sum(down_minutes) as down, sum(unknown_minutes) as unknown,
         sum(not_observed_minutes) as not_observed, sum(excluded_minutes) as excluded, sum(in_use_minutes) as in_use
       from connect.daily_availability('2026-03-09', '2026-03-12', 'UTC', 'chargepoint', null, true) group by entity_id order by entity_id`,
    );
    expect(sums.length).toBe(period.length);
    for (const [i, s] of sums.entries()) {
      const p = period[i]!;
      expect(s.entity_id).toBe(p.entity_id);
      for (const [a, b] of [
        [s.period, p.period_minutes],
        [s.up, p.up_minutes],
        [s.down, p.down_minutes],
        [s.unknown, p.unknown_minutes],
        [s.not_observed, p.not_observed_minutes],
        [s.excluded, p.excluded_minutes],
        [s.in_use, p.in_use_minutes],
      ] as const) {
        expect(Number(a)).toBeCloseTo(Number(b), 9);
      }
    }
  });

  it('is available as plain views over UTC days', async () => {
    const [row] = await t.sql<Figures & { connector_id: string; chargepoint_id: string }>(
      `select * from connect.daily_availability_utc_connector where connector_id = 'e1' and day = '2026-03-10'`,
    );
    expect([row!.chargepoint_id, n(row!.down_minutes), n(row!.excluded_minutes)]).toEqual(['cp-E', 230, 125]);
    const [cp] = await t.sql<Figures & { location_id: string }>(`select * from connect.daily_availability_utc_chargepoint where chargepoint_id = 'cp-A' and day = '2026-03-10'`);
    expect([cp!.location_id, cp!.connectors, n(cp!.down_minutes)]).toEqual(['loc-1', 3, 430]);
    const locations = await t.sql<{ location_id: string | null }>(`select distinct location_id from connect.daily_availability_utc_location order by 1`);
    expect(locations.map((r) => r.location_id)).toEqual(['loc-1', 'loc-2', 'loc-3', null]);
  });
});

describe('connect.outages', () => {
  it('lists maximal runs of down/unknown intervals, clipped to the period, with exclusions', async () => {
    const rows = await t.sql<{
      connector_id: string;
      outage_id: string;
      outage_start: Date;
      outage_end: Date;
      status: string;
      statuses: string;
      duration_minutes: string;
      not_observed_minutes: string;
      excluded_minutes: string;
      exclusion_reasons: string | null;
      ongoing: boolean;
    }>(`select * from connect.outages($1, $2)`, DAY);
    const simple = rows.map((r) => ({
      connector: r.connector_id,
      id: r.outage_id,
      start: r.outage_start.toISOString(),
      end: r.outage_end.toISOString(),
      status: r.status,
      statuses: r.statuses,
      minutes: n(r.duration_minutes),
      notObserved: n(r.not_observed_minutes),
      excluded: n(r.excluded_minutes),
      reasons: r.exclusion_reasons,
    }));
    expect(simple).toEqual([
      { connector: 'a1', id: 'a1@2026-03-10T06:00:00.000000Z', start: '2026-03-10T06:00:00.000Z', end: '2026-03-10T08:00:00.000Z', status: 'Faulted', statuses: 'Faulted', minutes: 110, notObserved: 10, excluded: 0, reasons: null },
      { connector: 'a2', id: 'a2@2026-03-10T12:30:00.000000Z', start: '2026-03-10T12:30:00.000Z', end: '2026-03-10T18:00:00.000Z', status: 'Faulted', statuses: 'Faulted', minutes: 320, notObserved: 10, excluded: 0, reasons: null },
      {
        connector: 'e1',
        id: 'e1@2026-03-10T16:00:00.000000Z',
        start: '2026-03-10T16:00:00.000Z',
        end: '2026-03-10T20:00:00.000Z',
        status: 'Faulted',
        statuses: 'Faulted',
        minutes: 230,
        notObserved: 10,
        excluded: 125,
        reasons: 'maintenance; utility outage; vandalism',
      },
      // The fault seen only by a failed pass: listed, but none of it was observed.
      { connector: 'n1', id: 'n1@2026-03-10T12:05:00.000000Z', start: '2026-03-10T12:05:00.000Z', end: '2026-03-10T12:15:00.000Z', status: 'Faulted', statuses: 'Faulted', minutes: 0, notObserved: 10, excluded: 0, reasons: null },
      // WEIRD (unmapped = unknown) followed by Unknown: one outage.
      { connector: 'u1', id: 'u1@2026-03-10T04:00:00.000000Z', start: '2026-03-10T04:00:00.000Z', end: '2026-03-10T06:00:00.000Z', status: 'WEIRD', statuses: 'Unknown, WEIRD', minutes: 100, notObserved: 20, excluded: 0, reasons: null },
    ]);
    // The outages of a connector add up to its T_outage.
    const totals = await byConnector();
    for (const c of ['a1', 'a2', 'e1', 'u1']) {
      const sum = simple.filter((o) => o.connector === c).reduce((s, o) => s + (o.minutes ?? 0), 0);
      expect(sum).toBe(n(totals.get(c)!.outage_minutes));
    }
  });

  it('clips an outage that crosses the period start and marks an ongoing one', async () => {
    const rows = await t.sql<{ connector_id: string; outage_start: Date; outage_end: Date; duration_minutes: string; ongoing: boolean }>(
      `select * from connect.outages('2026-03-10T07:00Z', '2026-03-10T13:00Z', '{a1,a2}')`,
    );
    expect(rows.map((r) => [r.connector_id, r.outage_start.toISOString(), r.outage_end.toISOString(), n(r.duration_minutes), r.ongoing])).toEqual([
      ['a1', '2026-03-10T07:00:00.000Z', '2026-03-10T08:00:00.000Z', 50, false],
      ['a2', '2026-03-10T12:30:00.000Z', '2026-03-10T13:00:00.000Z', 30, false],
    ]);
  });
});

describe('BI views', () => {
  it('lists statuses without a category in connect.unmapped_statuses', async () => {
    const rows = await t.sql<{ status: string; status_key: string; intervals: string; minutes: string }>(`select * from connect.unmapped_statuses`);
    expect(rows.map((r) => [r.status, r.status_key, Number(r.intervals), Number(r.minutes)])).toEqual([['WEIRD', 'weird', 1, 60]]);
    // Classifying it makes it disappear (and changes the figures).
    await t.sql(`insert into connect.status_categories (status, category) values ('weird', 'up')`);
    try {
      expect(await t.sql(`select * from connect.unmapped_statuses`)).toEqual([]);
      const rows2 = await byConnector(false, ['u1']);
      expect([n(rows2.get('u1')!.up_minutes), n(rows2.get('u1')!.unknown_minutes)]).toEqual([1360, 50]);
    } finally {
      await t.sql(`delete from connect.status_categories where status = 'weird'`);
    }
  });

  it('shows each interval with category, durations and observed_until in connect.status_intervals', async () => {
    const rows = await t.sql<{
      status: string;
      category: string;
      chargepoint_id: string;
      location_id: string;
      valid_from: Date;
      observed_until: Date;
      confirmed_at: Date | null;
      duration_minutes: string;
      observed_minutes: string;
      not_observed_minutes: string;
      is_open: boolean;
    }>(`select * from connect.status_intervals where connector_id = 'n1' order by valid_from`);
    expect(
      rows.map((r) => [r.status, r.category, r.chargepoint_id, r.observed_until.toISOString(), r.confirmed_at?.toISOString() ?? null, n(r.observed_minutes), r.is_open]),
    ).toEqual([
      ['Available', 'up', 'cp-N', '2026-03-10T11:50:00.000Z', '2026-03-10T11:50:00.000Z', 2150, false],
      ['Faulted', 'down', 'cp-N', '2026-03-10T12:05:00.000Z', null, 0, false],
      // Open: observed up to the start of the last successful pass (2026-10-27 00:00Z), not up to now.
      ['Available', 'up', 'cp-N', '2026-10-27T00:00:00.000Z', '2026-10-27T00:00:00.000Z', expect.any(Number), true],
    ]);
    expect([n(rows[0]!.duration_minutes), n(rows[0]!.not_observed_minutes)]).toEqual([2165, 15]);
    const u = await t.sql<{ status: string; category: string }>(`select status, category from connect.status_intervals where connector_id = 'u1' order by valid_from`);
    expect(u.map((r) => `${r.status}:${r.category}`)).toEqual(['RESERVED:up', 'WEIRD:unknown', 'Unknown:unknown', 'Available:up']);
  });

  it('reports observation coverage per connector', async () => {
    const [row] = await t.sql<{ first_seen: Date; observed_minutes: string; not_observed_minutes: string; total_minutes: string; observed_share: string }>(
      `select * from connect.observation_coverage where connector_id = 'a3'`,
    );
    expect(row!.first_seen.toISOString()).toBe('2026-03-10T01:00:00.000Z');
    // Observed from 01:00 on 2026-03-10 to the last pass (2026-10-27 00:00Z), total up to now.
    const observed = (Date.parse('2026-10-27T00:00:00Z') - Date.parse('2026-03-10T01:00:00Z')) / 60_000;
    expect(n(row!.observed_minutes)).toBe(observed);
    expect(n(row!.total_minutes)! - n(row!.observed_minutes)!).toBeCloseTo(n(row!.not_observed_minutes)!, 6);
  });

  it('summarises charging sessions per connector and day without personal columns', async () => {
    await t.sql(`insert into connect.charging_sessions (id, contact_id, card_id, connector_id, start_time, end_time, meter_total_wh, raw) values
      ('s1', 'contact-1', 'card-1', 'a1', '2026-03-10 08:00Z', '2026-03-10 09:30Z', 12000, '{}'),
      ('s2', 'contact-2', 'card-2', 'a1', '2026-03-10 20:00Z', '2026-03-10 21:00Z', -5, '{}')`);
    const rows = await t.sql(`select * from connect.connector_utilisation where connector_id = 'a1'`);
    expect(rows).toEqual([
      { connector_id: 'a1', chargepoint_id: 'cp-A', day: expect.any(Date), sessions: 2, open_sessions: 0, session_minutes: expect.any(String), energy_kwh: expect.any(String) },
    ]);
    expect([Number(rows[0]!.session_minutes), Number(rows[0]!.energy_kwh)]).toEqual([150, 12]);
  });

  it('exposes no personal columns in any analytics view', async () => {
    const columns = await t.sql<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns c
       join information_schema.views v using (table_schema, table_name) where table_schema = 'connect'`,
    );
    const mine = [
      'status_intervals',
      'unmapped_statuses',
      'observation_coverage',
      'daily_availability_utc_connector',
      'daily_availability_utc_chargepoint',
      'daily_availability_utc_location',
      'connector_utilisation',
      'status_passes',
    ];
    const views = new Set(columns.map((c) => c.table_name));
    for (const v of mine) expect(views).toContain(v);
    const personal = columns.filter((c) => mine.includes(c.table_name) && /contact|card|email|phone|fax|birth|gender|address|given_name|customer/.test(c.column_name));
    expect(personal).toEqual([]);
  });

  it('works for a role that may read the views and call the functions, but no table', async () => {
    // What `connect-sync bi-role` grants: SELECT on the views of schema connect, EXECUTE on its functions.
    const role = `cs_bi_probe_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    await t.sql(`create role ${role}`);
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      await t.sql(`grant usage on schema connect to ${role}`);
      const views = await t.sql<{ v: string }>(`select table_name as v from information_schema.views where table_schema = 'connect'`);
      for (const { v } of views) await t.sql(`grant select on connect.${v} to ${role}`);
      await client.query(`set role ${role}`);
      await expect(client.query(`select count(*) from connect.connector_status_history`)).rejects.toThrow(/permission denied/);
      const q = async (text: string) => (await client.query(text)).rows;
      expect((await q(`select * from connect.status_intervals where connector_id = 'e1'`)).length).toBe(3);
      expect((await q(`select * from connect.observation_coverage`)).length).toBe(9);
      expect((await q(`select * from connect.unmapped_statuses`)).map((r) => r.status)).toEqual(['WEIRD']);
      expect((await q(`select * from connect.daily_availability_utc_chargepoint where day = '2026-03-10'`)).length).toBe(6);
      const [e1] = await q(`select excluded_minutes from connect.availability('2026-03-10T00:00Z', '2026-03-11T00:00Z', 'connector', '{e1}')`);
      expect(Number(e1.excluded_minutes)).toBe(125);
      expect((await q(`select * from connect.daily_availability('2026-10-25', '2026-10-26', 'Europe/Berlin')`)).length).toBe(9);
      expect((await q(`select * from connect.outages('2026-03-10T00:00Z', '2026-03-11T00:00Z')`)).length).toBe(5);
      expect((await q(`select * from connect.interval_coverage('2026-03-10T00:00Z', '2026-03-11T00:00Z')`)).length).toBe(21);
    } finally {
      await client.end();
      await t.sql(`drop owned by ${role}`);
      await t.sql(`drop role ${role}`);
    }
  });
});

