// The upstream for tests: the project's simulator over real HTTP, and a real client for it.
import { createConnectClient, createLimiter, type ConnectClient } from '../../src/connect/index.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

export interface Upstream {
  sim: Simulator;
  client: ConnectClient;
  /** Another client of the same simulator that asks one page at a time (no read-ahead), for tests about what happens between pages. */
  sequentialClient(): ConnectClient;
  close(): Promise<void>;
}

export interface UpstreamOptions extends SimulatorOptions {
  pageSize?: number;
  concurrency?: number;
  maxRps?: number;
  logger?: Logger;
}

/** Fast retries, so fault tests stay quick; the bounds are the production ones otherwise. */
export const TEST_RETRY = { baseDelayMs: 2, maxDelayMs: 20, maxTotalMs: 15_000, maxRetryAfterMs: 2_000 };

export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const { pageSize = 100, concurrency = 4, maxRps = 10_000, logger = silentLogger, ...simOptions } = options;
  const sim = await startSimulator(simOptions);
  const limiter = createLimiter({ concurrency, maxRps });
  const clientWith = (readAhead?: number) =>
    createConnectClient({ url: sim.url, apiKey: sim.apiKey, timeoutMs: 5_000, pageSize, limiter, logger, retry: TEST_RETRY, readAhead });
  return { sim, client: clientWith(), sequentialClient: () => clientWith(0), close: () => sim.close() };
}
