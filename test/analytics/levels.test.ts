// connect.daily_availability aggregates straight to the entity (migration 0005): every level's
// minutes are exactly the sums of its connectors' minutes, day by day, and the network level is
// one row per day for all connectors.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const t = useTestDatabase('analytics-levels');

beforeAll(async () => {
  await insertPasses(t);
  await insertMarchNetwork(t);
  await insertDaylightSavingNetwork(t);
  await t.sql(`insert into connect.outage_exclusions (chargepoint_id, starts_at, ends_at, reason) values ('cp-B', '2026-10-25 01:30Z', '2026-10-25 02:30Z', 'maintenance')`);
});

const MINUTES = ['period_minutes', 'observed_minutes', 'up_minutes', 'down_minutes', 'unknown_minutes', 'in_use_minutes', 'outage_minutes', 'excluded_minutes'];

/** Per entity and day: the level's figures next to the sums of its connectors' figures (as text, exact). */
const compare = (level: string, entity: string) => `
  with c as (select * from connect.daily_availability($1, $2, $3, 'connector')),
       e as (select * from connect.daily_availability($1, $2, $3, '${level}'))
  select e.day::text, e.entity_id, e.connectors, count(c.*)::int as n,
    ${MINUTES.map((m) => `e.${m}::text as ${m}, sum(c.${m})::text as sum_${m}`).join(', ')}
  from e join connect.connectors cn on true
  left join connect.chargepoints cp on cp.id = cn.chargepoint_id
  join c on c.entity_id = cn.id and c.day = e.day
  where ${entity}
  group by 1, 2, 3, ${MINUTES.map((m) => `e.${m}`).join(', ')}
  order by 2, 1`;

describe('daily availability levels', () => {
  for (const [from, to, tz] of [
    ['2026-03-09', '2026-03-12', 'UTC'],
    ['2026-10-24', '2026-10-27', 'Europe/Berlin'],
    ['2026-03-28', '2026-03-31', 'Europe/Berlin'],
  ] as const) {
    for (const [level, entity] of [
      ['chargepoint', 'e.entity_id = cn.chargepoint_id'],
      ['location', 'e.entity_id is not distinct from cp.location_id'],
      ['network', `e.entity_id = 'network'`],
    ] as const) {
      it(`${level} = the sums of its connectors, ${from}..${to} in ${tz}`, async () => {
        const rows = await t.sql<Record<string, string | number>>(compare(level, entity), [from, to, tz]);
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) {
          expect(r.connectors, `${r.entity_id} ${r.day}`).toBe(r.n);
          for (const m of MINUTES) expect(Number(r[m]), `${r.entity_id} ${r.day} ${m}`).toBe(Number(r[`sum_${m}`]));
        }
      });
    }
  }

  it('the network level is one row per local day with every connector present', async () => {
    const rows = await t.sql<{ day: string; entity_id: string; connectors: number; period_minutes: string; down_minutes: string; excluded_minutes: string }>(
      `select day::text, entity_id, connectors, period_minutes::text, down_minutes::text, excluded_minutes::text
       from connect.daily_availability('2026-10-24', '2026-10-27', 'Europe/Berlin', 'network')`,
    );
    expect(rows.map((r) => r.day)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect(new Set(rows.map((r) => r.entity_id))).toEqual(new Set(['network']));
    // Every connector has an interval then (the March ones are still open); 2026-10-25 has 25 hours in Berlin.
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.connectors`)) as [{ n: number }];
    expect(n).toBe(9);
    expect(rows.map((r) => r.connectors)).toEqual([n, n, n]);
    expect(rows.map((r) => Number(r.period_minutes))).toEqual([n * 1440, n * 1500, n * 1440]);
    // Half of b1's hour of Faulted (02:00Z-03:00Z) lies inside the maintenance window; nothing else is excluded.
    expect(rows.map((r) => Number(r.excluded_minutes))).toEqual([0, 30, 0]);
  });
});
