// `sync prices` (off by default): getPrice per non-deleted chargepoint, kept as price intervals.
import type { ConnectClient } from '../connect/client.js';
import type { PriceRecord } from '../connect/records.js';
import { chargepointIdsAfter, recordPrices } from '../db/prices.js';
import { fanOut, idBatches } from './fan-out.js';
import { fanOutWorkers } from './customers.js';
import { runJob, type JobContext, type JobResult } from './job.js';

export async function syncPrices(client: ConnectClient, ctx: JobContext, settings: { concurrency: number }): Promise<JobResult> {
  return runJob('prices', ctx, async (run) => {
    run.details.price_changes = 0;
    const result = await fanOut<PriceRecord>(run, {
      job: 'prices',
      idKind: 'chargepoint',
      ids: idBatches((after, limit) => chargepointIdsAfter(run.db, after, limit)),
      fetch: async function* (chargepointId) {
        const r = await client.getPrice(chargepointId);
        yield { records: r.records, rejects: r.rejects, requestAttempts: 1 };
      },
      write: async (tx, records) => {
        const counts = await recordPrices(
          tx,
          records.map((p) => ({ chargepoint_id: p.chargepointId, tag_id: p.tagId ?? '', name: p.name, price: p.price, currency: p.currency, raw: p.raw })),
          new Date(),
          run.id,
        );
        run.details.price_changes! += counts.closed;
        return { seen: records.length, inserted: counts.opened, unchanged: records.length - counts.opened };
      },
      concurrency: fanOutWorkers(settings.concurrency),
      batchSize: client.pageSize,
    });
    run.details.chargepoints_failed = result.failed.length;
    if (result.failed.length === 0) return { status: 'succeeded', complete: true, requests: run.counters.requests };
    return {
      status: 'partial',
      complete: false,
      requests: run.counters.requests,
      error: `${result.failed.length} chargepoint(s) failed after retries (listed in connect.sync_rejects); the next run tries again`,
    };
  });
}
