// The worker side of the chargepoint benchmark in its own process, started with the same V8 heap
// setting as the container image (Dockerfile NODE_OPTIONS), so its CPU and peak RSS are the
// worker's alone — not the simulator's, not the benchmark's own bookkeeping.
import { createConnectClient, createLimiter, type ConnectClient } from '../src/connect/index.js';
import { openDatabase } from '../src/db/database.js';
import { silentLogger } from '../src/log.js';
import { syncChargepoints } from '../src/sync/chargepoints.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

// BENCH_PROFILE=N: a CPU profile of the worker's N-th sync (1 = the initial load) in /tmp/worker-N.cpuprofile.
let syncs = 0;

type Message =
  | { id: number; type: 'connect'; url: string; apiKey: string; pageSize: number; concurrency?: number }
  | { id: number; type: 'sync'; databaseUrl: string; readAhead?: number }
  | { id: number; type: 'close' };

let client: ConnectClient | undefined;
let clientFor: ((readAhead?: number) => ConnectClient) | undefined;
const clients = new Map<number | undefined, ConnectClient>();

process.on('message', async (m: Message) => {
  try {
    switch (m.type) {
      case 'connect':
        {
          const limiter = createLimiter({ concurrency: m.concurrency ?? 4 });
          clientFor = (readAhead) => {
            let c = clients.get(readAhead);
            if (!c) {
              c = createConnectClient({ url: m.url, apiKey: m.apiKey, timeoutMs: 60_000, pageSize: m.pageSize, limiter, logger: silentLogger, readAhead });
              clients.set(readAhead, c);
            }
            return c;
          };
          client = clientFor(undefined);
        }
        process.send!({ id: m.id });
        break;
      case 'sync': {
        // readAhead 0: pages one at a time, so the time around each page's transaction is the
        // database's alone (with read-ahead, parsing the pages in flight shares the event loop).
        client = clientFor!(m.readAhead);
        const database = await openDatabase({ databaseUrl: m.databaseUrl, poolSize: 4 }, silentLogger);
        syncs++;
        const profile = Number(process.env.BENCH_PROFILE) === syncs ? new Session() : undefined;
        if (profile) {
          profile.connect();
          await profile.post('Profiler.enable');
          await profile.post('Profiler.start');
        }
        const requestsBefore = client!.stats.requests;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const result = await syncChargepoints(client!, { database, logger: silentLogger });
        const wallS = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        if (profile) {
          const { profile: p } = await profile.post('Profiler.stop');
          writeFileSync(`/tmp/worker-${syncs}.cpuprofile`, JSON.stringify(p));
        }
        // Ending the pool ends its backends, which flushes their statistics to pg_stat_user_tables.
        await database.close();
        process.send!({
          id: m.id,
          status: result.status,
          error: result.error,
          details: result.details,
          counters: result.counters,
          wallS,
          cpuS: (cpu.user + cpu.system) / 1e6,
          requests: client!.stats.requests - requestsBefore,
          maxRssMb: process.resourceUsage().maxRSS / 1024,
        });
        break;
      }
      case 'close':
        process.send!({ id: m.id });
        process.exit(0);
    }
  } catch (err) {
    process.send!({ id: m.id, error: String((err as Error).stack ?? err) });
  }
});
