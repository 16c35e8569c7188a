// The worker side of the chargepoint benchmark in its own process, started with the same V8 heap
// setting as the container image (Dockerfile NODE_OPTIONS), so its CPU and peak RSS are the
// worker's alone — not the simulator's, not the benchmark's own bookkeeping.
import { createConnectClient, createLimiter, type ConnectClient } from '../src/connect/index.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { upstreamSchemaStore } from '../src/db/upstream-schema.js';
import { silentLogger, createLogger } from '../src/log.js';
import { syncChargepoints } from '../src/sync/chargepoints.js';
import { Session } from 'node:inspector/promises';
import { createWriteStream, writeFileSync } from 'node:fs';

// BENCH_TRACE=1: the poll clients' (read-ahead) debug log — every request with its duration, every
// page committed — in /tmp/worker-trace.log, to see where a poll's wall time goes.
const traceLogger = process.env.BENCH_TRACE ? createLogger({ level: 'debug', destination: createWriteStream('/tmp/worker-trace.log') }) : silentLogger;
/** The poll's client and sync (readAhead undefined) log to the trace; the others stay silent. */
const loggerFor = (readAhead: number | undefined) => (readAhead === undefined ? traceLogger : silentLogger);

// The poll's page request as the client last sent it (its document and headers), so that `floor`
// can send the same requests bare: what the network and the server take, without the worker.
// Only kept here: it is read once, by `floor`, so the timed poll does no more than a string test.
let pageRequest: { url: string; init: RequestInit } | undefined;
const clientFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (typeof init?.body === 'string' && init.body.includes('getChargepoints(')) pageRequest = { url: String(input), init };
  return clientFetch(input, init);
};

// BENCH_PROFILE=N: a CPU profile of the worker's N-th sync (1 = the initial load) in /tmp/worker-N.cpuprofile.
let syncs = 0;

type Message =
  | { id: number; type: 'connect'; url: string; apiKey: string; pageSize: number; concurrency?: number }
  | { id: number; type: 'sync'; databaseUrl: string; readAhead?: number }
  | { id: number; type: 'floor'; requests: number; concurrency: number }
  | { id: number; type: 'close' };

let client: ConnectClient | undefined;
let clientFor: ((readAhead?: number) => ConnectClient) | undefined;
// Each client keeps what it learns about the server in the database of the sync running now, as
// the CLI does: a new client (a new CLI process) starts from what the earlier ones stored.
let current: Database | undefined;
const currentDb = {
  get db() {
    return current!.db;
  },
};
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
              const logger = loggerFor(readAhead);
              const schemaStore = upstreamSchemaStore(currentDb, m.url);
              c = createConnectClient({ url: m.url, apiKey: m.apiKey, timeoutMs: 60_000, pageSize: m.pageSize, limiter, logger, readAhead, schemaStore });
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
        const database = await openDatabase({ databaseUrl: m.databaseUrl, poolSize: 4 }, silentLogger);
        current = database;
        client = clientFor!(m.readAhead);
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
        const result = await syncChargepoints(client!, { database, logger: loggerFor(m.readAhead) });
        if (process.env.BENCH_TRACE) traceLogger.info({ details: result.details, t0: performance.timeOrigin + t0 }, 'sync done');
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
      case 'floor': {
        // `requests` page requests, `concurrency` at a time, each body read as text and nothing
        // more: the floor under the poll's wall time that the network and the server set. Pages
        // past the end come back empty, as the poll's last page does.
        const { url, init } = pageRequest!;
        const body = JSON.parse(init.body as string) as { variables?: Record<string, unknown> };
        const variables = body.variables ?? {};
        const size = Number(variables.limit ?? variables.count ?? 0);
        let next = 0;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: m.concurrency }, async () => {
          for (let k = next++; k < m.requests; k = next++) {
            const vars = 'offset' in variables ? { ...variables, offset: k * size } : { ...variables, page: k };
            const res = await clientFetch(url, { ...init, signal: null, body: JSON.stringify({ ...body, variables: vars }) });
            await res.text();
          }
        }));
        process.send!({ id: m.id, wallS: (performance.now() - t0) / 1000 });
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
