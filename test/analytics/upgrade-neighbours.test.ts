// Upgrading a database that holds history from before migration 0007 (stored neighbours): no row
// is lost or changed, the backfill stores what the lookups find, and the outage list stays the same.
import { describe, expect, it } from 'vitest';
import { useDatabaseBefore } from '../helpers/database.js';
import { insertDaylightSavingNetwork, insertMarchNetwork, insertPasses } from './fixture.js';

const BEFORE_STORED_NEIGHBOURS = 7; // migrations 0000..0006

describe('upgrade to stored neighbours (migration 0007)', () => {
  const t = useDatabaseBefore('upgrade7', BEFORE_STORED_NEIGHBOURS);

  it('keeps every row, stores the neighbours the lookups find and lists the same outages', async () => {
    const columns = await t.sql(`select column_name from information_schema.columns where table_schema = 'connect' and table_name = 'connector_status_history' and column_name = 'prev_status'`);
    expect(columns).toEqual([]);

    await insertPasses(t);
    await insertMarchNetwork(t);
    await insertDaylightSavingNetwork(t);
    const history = `select id, connector_id, status, valid_from, valid_to, observed_at, upstream_updated_at, run_id, closed_reason, confirmed_at, observed_until
      from connect.connector_status_history order by id`;
    const outages = `select * from connect.outages('2026-03-08T00:00Z', '2026-03-12T00:00Z')
      union all select * from connect.outages('2026-03-10T07:00Z', '2026-03-10T17:00Z')
      union all select * from connect.outages('2026-10-24T00:00Z', '2026-10-27T00:00Z')`;
    const historyBefore = await t.sql(history);
    const outagesBefore = await t.sql(outages);
    expect(outagesBefore.length).toBeGreaterThan(4);

    const result = await t.upgrade();
    expect(result.applied).toBe(result.total - BEFORE_STORED_NEIGHBOURS);

    expect(await t.sql(history)).toEqual(historyBefore);
    const links = await t.sql<{ n: number; stored: number; wrong: number }>(
      `select count(*)::int as n, count(*) filter (where prev_status is not null or next_status is not null)::int as stored,
         count(*) filter (where prev_status is distinct from connect._prev_status(connector_id, valid_from)
           or (valid_to is not null and next_status is distinct from connect._next_status(connector_id, valid_to)))::int as wrong
       from connect.connector_status_history`,
    );
    expect(links[0]?.n).toBe(historyBefore.length);
    expect(links[0]?.stored).toBeGreaterThan(10);
    expect(links[0]?.wrong).toBe(0);
    expect(await t.sql(outages)).toEqual(outagesBefore);
  });
});
