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

  it('stops at its next page when the database connection holding the job is gone, says why and counts the requests it made', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const visited: string[] = [];
    const result = await runJob('cards', { database: t.database, logger: silentLogger }, async (run) => {
      await fanOut<{ id: string }>(run, {
        job: 'cards',
        idKind: 'contact',
        ids: idBatches(async (after, limit) => ids.filter((id) => after === null || id > after).slice(0, limit), 100),
        fetch: async function* (id) {
          visited.push(id);
          if (visited.length === 5) {
            // The run's own backend (the one holding the job's advisory lock) goes away.
            await t.sql(`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and classid = $1 and granted and database = (select oid from pg_database where datname = current_database())`, [0x4353594e]);
          }
          await new Promise((r) => setTimeout(r, 5));
          yield { records: [{ id }], rejects: [], requestAttempts: 2 };
        },
        write: async (_tx, records) => ({ seen: records.length }),
        concurrency: 2,
        // One batch for the whole list: without a write, only the connection's own end tells.
        batchSize: 1000,
      });
      return { status: 'succeeded', complete: true, requests: run.counters.requests };
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/database connection .* lost/);
    expect(visited.length).toBeLessThan(15);
    const [run] = await t.sql<{ requests: number; error: string }>(`select requests, error from connect.sync_runs where id = $1`, [result.runId]);
    expect(run!.error).toMatch(/database connection .* lost/);
    expect(run!.requests).toBe(2 * visited.length);
  });
});
