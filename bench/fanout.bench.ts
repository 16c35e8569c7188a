// Issue #6 figures: the per-contact fan-out (getCards per contact) over a network of contacts at
// a given concurrency and simulated latency: requests against contacts × pages, wall time against
// the ideal requests × latency / concurrency.
import { resolve } from 'node:path';
import { createConnectClient, createLimiter } from '../src/connect/index.js';
import { openDatabase } from '../src/db/database.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { silentLogger } from '../src/log.js';
import { syncCards, syncContacts } from '../src/sync/customers.js';
import { forkChild } from './child.js';
import { createScratchDatabase } from './scratch-db.js';

export interface FanOutBenchOptions {
  adminUrl: string;
  contacts: number;
  concurrency: number;
  latencyMs: number;
  log: (line: string) => void;
}

export async function benchFanOut(o: FanOutBenchOptions): Promise<Record<string, Record<string, number>>> {
  const scratch = await createScratchDatabase(o.adminUrl, 'fanout');
  const child = forkChild(resolve(import.meta.dirname, 'sim-child.js'));
  try {
    const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 4 }, silentLogger);
    await migrateDatabase(database, silentLogger);
    const started = await child.call<{ url: string; apiKey: string; sizes: { contacts: number; cards: number } }>({
      type: 'start',
      options: { chargepoints: 10, contacts: o.contacts, seed: 3, speed: 0 },
    });
    const client = createConnectClient({
      url: started.url,
      apiKey: started.apiKey,
      timeoutMs: 30_000,
      pageSize: 500,
      limiter: createLimiter({ concurrency: o.concurrency }),
      logger: silentLogger,
    });
    o.log(`fan-out: ${started.sizes.contacts} contacts, ${started.sizes.cards} cards, concurrency ${o.concurrency}, latency ${o.latencyMs} ms…`);
    await syncContacts(client, { database, logger: silentLogger });
    await child.call({ type: 'faults', faults: { latencyMs: o.latencyMs } });
    await child.call({ type: 'reset-stats' });
    const before = client.stats.requests;
    const t0 = performance.now();
    const result = await syncCards(client, { database, logger: silentLogger }, { concurrency: o.concurrency });
    const wallS = (performance.now() - t0) / 1000;
    if (result.status !== 'succeeded') throw new Error(`cards fan-out ${result.status}: ${result.error}`);
    const requests = client.stats.requests - before;
    const simStats = await child.call<{ requests: number; maxInFlight: number; byOperation: Record<string, number> }>({ type: 'stats' });
    await database.close();
    // Each contact's cards fit one page; the list ends there when the page is shorter than the
    // largest getCards page seen so far, or as long and its probe found nothing after it, else on
    // the empty page after it (connect/paginate.ts).
    const idealS = (requests * o.latencyMs) / 1000 / o.concurrency;
    return {
      fanout: {
        contacts: started.sizes.contacts,
        cards: result.counters!.inserted,
        requests,
        requests_per_contact: Math.round((requests / started.sizes.contacts) * 1000) / 1000,
        server_requests: simStats.byOperation.getCards ?? simStats.requests,
        concurrency: o.concurrency,
        max_in_flight: simStats.maxInFlight,
        latency_ms: o.latencyMs,
        wall_s: Math.round(wallS * 1000) / 1000,
        ideal_s: Math.round(idealS * 1000) / 1000,
        wall_over_ideal: Math.round((wallS / idealS) * 1000) / 1000,
      },
    };
  } finally {
    await child.close();
    await scratch.drop();
  }
}
