// The shared limiter: concurrency and request rate, and Retry-After parsing.
import { expect, test } from 'vitest';
import { createLimiter, sleep } from '../../src/connect/limiter.js';
import { parseRetryAfter } from '../../src/connect/transport.js';

test('never runs more than `concurrency` tasks at once', async () => {
  const limiter = createLimiter({ concurrency: 3, maxRps: 10_000 });
  let running = 0;
  let max = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      limiter.run(async () => {
        running++;
        max = Math.max(max, running);
        await sleep(5);
        running--;
      }),
    ),
  );
  expect(max).toBe(3);
});

test('spaces request starts to at most maxRps per second, also across callers', async () => {
  const limiter = createLimiter({ concurrency: 10, maxRps: 50 });
  const starts: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 11 }, () => limiter.run(async () => void starts.push(performance.now() - t0))));
  starts.sort((a, b) => a - b);
  // 11 starts at 20 ms spacing take at least 200 ms. Between starts i and j lie at least j − i
  // spacings; one of them may look shorter by as much as a start was recorded late (a busy
  // machine can hold a callback back for milliseconds), so j − i − 1 spacings are asserted.
  // Without spacing all 11 would start within a few milliseconds; in bursts, two at a time.
  expect(starts.at(-1)!).toBeGreaterThanOrEqual(195);
  for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < starts.length; i++) {
    for (let j = i + 2; j < starts.length; j++) expect(starts[j]! - starts[i]!).toBeGreaterThanOrEqual((j - i - 1) * 20);
  }
});

test('pause() holds back every new start', async () => {
  const limiter = createLimiter({ concurrency: 2, maxRps: 10_000 });
  limiter.pause(150);
  const t0 = performance.now();
  await limiter.run(async () => undefined);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
});

test('Retry-After: seconds or an HTTP date', () => {
  expect(parseRetryAfter('3')).toBe(3000);
  expect(parseRetryAfter('0.5')).toBe(500);
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
  expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(parseRetryAfter(null)).toBeUndefined();
});

test('429s lower the in-flight limit (multiplicative decrease); successes raise it again (additive increase)', async () => {
  const { startSimulator } = await import('../../src/simulator/index.js');
  const { makeClient } = await import('./helpers.js');
  const { collect } = await import('../../src/connect/index.js');
  const s = await startSimulator({ contacts: 60, chargepoints: 2, latencyMs: 20 });
  try {
    const limiter = createLimiter({ concurrency: 8 });
    const client = makeClient(s, { limiter, retry: { maxRetryAfterMs: 300, maxRateLimitedRetries: 50 } });
    await client.catalog();
    expect(limiter.limit).toBe(8);

    // The server lets 20 requests a second through and answers 429 (Retry-After 1 s, capped at 300 ms here) beyond.
    s.setFaults({ rateLimitRps: 20, retryAfterS: 1 });
    s.stats.reset();
    const ids = s.world.contactIds();
    const lowest: number[] = [];
    await Promise.all(
      ids.map(async (id) => {
        await collect(client.cardPages(id));
        lowest.push(limiter.limit);
      }),
    );
    expect(s.stats.faults['rateLimited'] ?? 0).toBeGreaterThan(0);
    expect(Math.min(...lowest)).toBeLessThanOrEqual(4);

    // The server recovers: every `limit` successes in a row add one, back up to CONNECT_CONCURRENCY.
    s.setFaults({ rateLimitRps: 0 });
    const seen: number[] = [limiter.limit];
    for (const id of ids) {
      if (limiter.limit === 8) break;
      await collect(client.cardPages(id));
      seen.push(limiter.limit);
    }
    expect(limiter.limit).toBe(8);
    // Step by step (one more per `limit` successes), never a jump back to the ceiling.
    for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBeLessThanOrEqual(1);
    expect(seen[0]).toBeLessThan(8);
  } finally {
    await s.close();
  }
});

test('no rate cap by default: requests start as fast as the in-flight limit allows', async () => {
  const limiter = createLimiter({ concurrency: 3 });
  expect(limiter.maxRps).toBeUndefined();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 300 }, () => limiter.run(async () => undefined)));
  // 300 starts under a 20/s cap would take 15 s.
  expect(performance.now() - t0).toBeLessThan(2000);
});
