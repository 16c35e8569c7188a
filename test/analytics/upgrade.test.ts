// Upgrading a database that holds history from before migration 0004 (stored coverage): the
// backfill stores exactly what the 0002 functions computed, and every report figure stays the same.
import { describe, expect, it } from 'vitest';
import { useDatabaseBefore } from '../helpers/database.js';
import { insertMarchNetwork, insertPasses } from './fixture.js';

const BEFORE_STORED_COVERAGE = 4; // migrations 0000..0003

describe('upgrade to stored coverage (migration 0004)', () => {
  const t = useDatabaseBefore('upgrade4', BEFORE_STORED_COVERAGE);

  it('stores what the old functions computed and reports the same figures as before', async () => {
    // The schema as the previous release left it: the first four migrations only.
    const columns = await t.sql(`select column_name from information_schema.columns where table_schema = 'connect' and table_name = 'connector_status_history' and column_name = 'observed_until'`);
    expect(columns).toEqual([]);

    await insertPasses(t);
    await insertMarchNetwork(t);
    const coverage = `select interval_id::text as id, confirmed_at, observed_until, valid_to is not null and closed_reason is distinct from 'deleted' as closed_by_change
      from connect.interval_coverage('-infinity', 'infinity') order by interval_id`;
    const figures = `select * from connect.availability('2026-03-08T00:00Z', '2026-03-12T00:00Z', 'connector')
      union all select * from connect.availability('2026-03-10T00:00Z', '2026-03-11T00:00Z', 'location')
      order by 1, 2`;
    const coverageBefore = await t.sql<{ id: string; confirmed_at: Date | null; observed_until: Date; closed_by_change: boolean }>(coverage);
    const figuresBefore = await t.sql(figures);
    expect(coverageBefore.filter((r) => r.closed_by_change).length).toBeGreaterThan(5);
    expect(figuresBefore.length).toBeGreaterThan(5);

    const result = await t.upgrade();
    expect(result.applied).toBe(result.total - BEFORE_STORED_COVERAGE);

    // Every interval closed by a status change now carries the coverage the old functions computed;
    // open intervals and deletion closes are still computed at query time.
    const stored = await t.sql<{ id: string; confirmed_at: Date | null; observed_until: Date | null }>(
      `select h.id::text as id, h.confirmed_at, h.observed_until from connect.connector_status_history h order by h.id`,
    );
    const show = (d: Date | null | undefined) => d?.toISOString() ?? null;
    expect(stored.map((r) => [r.id, show(r.confirmed_at), show(r.observed_until)])).toEqual(
      coverageBefore.map((r) => (r.closed_by_change ? [r.id, show(r.confirmed_at), show(r.observed_until)] : [r.id, null, null])),
    );
    expect(await t.sql(coverage)).toEqual(coverageBefore);
    expect(await t.sql(figures)).toEqual(figuresBefore);
  });
});
