// Benchmark of the CONNECT API simulator. Exports benchSimulator(); the lead wires it into
// `npm run bench` (compiled by tsc). Figures:
// - page100_median_ms / page100_p95_ms: one getChargepoints page of 100 chargepoints with every
//   field of their connectors, measured end to end over real HTTP (keep-alive fetch on 127.0.0.1),
//   zero latency, after a warm-up. Target: median <= 5 ms. Pages repeat (20 offsets), so records
//   that did not change are served from their kept JSON (fast-execute.ts, SERVED_FROM);
//   page100_first_median_ms is the same for pages each served once (nothing kept yet).
// - world100k_rss_mb / world100k_build_s: a simulator with 100,000 chargepoints and 10,000
//   contacts, started in a fresh child process (fork of this file); the figure is that process's
//   whole RSS after a forced GC, so Node's own baseline is included. Target: < 500 MB.
//   When this file runs as TypeScript (not compiled), a child cannot load it; the build then runs
//   in this process and the figure is this process's RSS (world100k_rss_in_child = 0).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/simulator/index.js';

const CHILD_FLAG = '--simulator-world-child';
const BIG = { chargepoints: 100_000, contacts: 10_000 };

const PAGE_QUERY = `query getChargepoints($offset: Int, $limit: Int) {
  getChargepoints(offset: $offset, limit: $limit) {
    count
    chargepoints {
      id name publicName createdAt updatedAt
      connectorsTotal connectorsFree connectorsOccupied connectorsUnavailable
      location { id name street zip city country latitude longitude }
      connectors { id name evse status { status updatedAt } type { currentType description maxPower name } }
    }
  }
}`;

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

async function benchPage100(distinct = false): Promise<{ median: number; p95: number }> {
  // Distinct: 500 pages of a 50k world, the first 100 to warm up, each page asked once.
  const sim = await startSimulator({ chargepoints: distinct ? 50_000 : 2_000, contacts: 50, apiKey: 'bench' });
  const offset = (i: number) => (distinct ? i * 100 : (i % 20) * 100);
  try {
    const once = async (offset: number) => {
      const res = await fetch(sim.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': sim.apiKey },
        body: JSON.stringify({ query: PAGE_QUERY, operationName: 'getChargepoints', variables: { offset, limit: 100 } }),
      });
      const body = (await res.json()) as { data?: { getChargepoints?: { chargepoints?: unknown[] } } };
      if (res.status !== 200 || body.data?.getChargepoints?.chargepoints?.length !== 100) {
        throw new Error(`bench: unexpected answer ${res.status}`);
      }
    };
    for (let i = 0; i < 100; i++) await once(offset(i));
    const times: number[] = [];
    for (let i = 100; i < 500; i++) {
      const t0 = performance.now();
      await once(offset(i));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
  } finally {
    await sim.close();
  }
}

interface WorldFigures {
  rssMb: number;
  buildS: number;
}

/** Builds the big simulator here and reports this process's RSS. */
async function measureWorldHere(): Promise<WorldFigures> {
  const t0 = performance.now();
  const sim = await startSimulator({ ...BIG, apiKey: 'bench' });
  const buildS = (performance.now() - t0) / 1000;
  sim.clock.advance(60_000); // one simulated minute of events, as a running simulator would
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await sim.close();
  return { rssMb, buildS };
}

function measureWorldInChild(file: string): Promise<WorldFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [CHILD_FLAG], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as WorldFigures));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bench: world child exited with ${code}`));
    });
  });
}

export async function benchSimulator(): Promise<Record<string, number>> {
  const page = await benchPage100();
  const first = await benchPage100(true);
  const self = fileURLToPath(import.meta.url);
  const inChild = self.endsWith('.js');
  const world = inChild ? await measureWorldInChild(self) : await measureWorldHere();
  return {
    page100_median_ms: round(page.median),
    page100_p95_ms: round(page.p95),
    page100_first_median_ms: round(first.median),
    world100k_rss_mb: round(world.rssMb, 1),
    world100k_build_s: round(world.buildS, 2),
    world100k_rss_in_child: inChild ? 1 : 0,
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  measureWorldHere().then(
    (figures) => process.send?.(figures, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
