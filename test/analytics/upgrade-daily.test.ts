// Upgrading to migration 0011 (daily_availability reads the history from a day before the period
// on, and looks up the intervals that reach into the period from before that day) and to migration
// 0012 (one parallel worker, the numeric figures with fewer operations): no stored row changes,
// and every level returns the rows the previous migration's function returned, in the same order,
// byte for byte. The periods include connectors whose interval started more than a day before the period and
// reaches into it (open, closed by a status change, closed by a deletion), exclusion windows and a
// DST change.
import { describe, expect, it } from 'vitest';
import { useDatabaseBefore } from '../helpers/database.js';
import { insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const BEFORE_BOUNDED_SCAN = 11; // migrations 0000..0010
const BEFORE_ONE_WORKER = 12; // migrations 0000..0011

const PERIODS = [
  ['2026-03-10', '2026-03-11', 'America/New_York'], // e1, d1 and n1: intervals from 2026-03-09 00:00Z, more than a day before 04:00Z
  ['2026-03-09', '2026-03-12', 'UTC'],
  ['2026-03-12', '2026-03-14', 'UTC'], // every connector: an open interval that started before the day before
  ['2026-03-11', '2026-03-13', 'Europe/Berlin'],
  ['2026-10-24', '2026-10-27', 'Europe/Berlin'], // 2026-10-25 has 25 hours
  ['2026-03-28', '2026-03-31', 'Europe/Berlin'], // 2026-03-29 has 23 hours
] as const;
const LEVELS = ['connector', 'chargepoint', 'location', 'network'] as const;

for (const [name, before] of [
  ['the bounded history scan (migration 0011)', BEFORE_BOUNDED_SCAN],
  ['one worker and leaner figures (migration 0012)', BEFORE_ONE_WORKER],
] as const) {
  describe(`upgrade to ${name}`, () => {
    const t = useDatabaseBefore(`upgrade${before}`, before);

    it('keeps every row and returns the same daily figures at every level', async () => {
      await insertPasses(t);
      await insertMarchNetwork(t);
      await insertDaylightSavingNetwork(t);
      await t.sql(`insert into connect.outage_exclusions (chargepoint_id, starts_at, ends_at, reason) values ('cp-B', '2026-10-25 01:30Z', '2026-10-25 02:30Z', 'maintenance')`);
      const history = `select h.*::text as row from connect.connector_status_history h order by id`;
      // Every row of every call as text, in the order returned.
      const daily = async () => {
        const out: string[] = [];
        for (const [from, to, tz] of PERIODS) {
          for (const level of LEVELS) {
            for (const countNotObserved of [false, true]) {
              const rows = await t.sql<{ row: string }>(
                `select d::text as row from connect.daily_availability($1, $2, $3, $4, null, $5) with ordinality d order by d.ordinality`,
                [from, to, tz, level, countNotObserved],
              );
              out.push(`${from} ${to} ${tz} ${level} ${countNotObserved}: ${rows.length}`, ...rows.map((r) => r.row));
            }
          }
        }
        return out;
      };
      const historyBefore = await t.sql(history);
      const dailyBefore = await daily();
      expect(dailyBefore.length).toBeGreaterThan(400);

      const result = await t.upgrade();
      expect(result.applied).toBe(result.total - before);

      expect(await t.sql(history)).toEqual(historyBefore);
      expect(await daily()).toEqual(dailyBefore);
    });
  });
}
