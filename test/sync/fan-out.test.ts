import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { fanOut, idBatches } from '../../src/sync/fan-out.js';
import { runJob } from '../../src/sync/job.js';
import { useTestDatabase } from '../helpers/database.js';

describe('fan-out', () => {
  const t = useTestDatabase('fan-out');

  it('visits every id exactly once when many workers wait for the next batch at once', async () => {
    const ids = Array.from({ length: 103 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const visited: string[] = [];
    const written: number[] = [];
    const result = await runJob('cards', { database: t.database, logger: silentLogger }, async (run) => {
      const r = await fanOut<{ id: string }>(run, {
        job: 'cards',
        idKind: 'contact',
        ids: idBatches(async (after, limit) => ids.filter((id) => after === null || id > after).slice(0, limit), 7),
        fetch: async function* (id) {
          visited.push(id);
          await new Promise((r) => setTimeout(r, 1));
          yield { records: [{ id }], rejects: [], requestAttempts: 1 };
        },
        write: async (_tx, records) => {
          written.push(records.length);
          return { seen: records.length };
        },
        concurrency: 9,
        batchSize: 10,
      });
      expect(r.failed).toEqual([]);
      expect(r.completed.sort()).toEqual(ids);
      return { status: 'succeeded', complete: true, requests: run.counters.requests };
    });
    expect(result.status).toBe('succeeded');
    expect(visited.sort()).toEqual(ids);
    expect(written.reduce((a, b) => a + b, 0)).toBe(103);
    expect(Math.max(...written)).toBeLessThanOrEqual(10 + 9);
    const [run] = await t.sql(`select records_seen, requests from connect.sync_runs where id = $1`, [result.runId]);
    expect(run).toEqual({ records_seen: 103, requests: 103 });
  });
});
