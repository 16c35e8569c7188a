// Each fault fires at its configured rate (seeded, so the checks are reproducible) and is counted.
import { afterEach, expect, test } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { OFFSET_PAGE, countsOf, expectedCounts, gql, isKnownStatus, pool, post, type ServedChargepoint } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator({ chargepoints: 30, contacts: 5, ...options });
  return sim;
}

const CHEAP = { query: 'query ping { getChargepoints(limit: 1) { count } }' };

test('errorRate 0.3 answers about 30 % of 400 requests with HTTP 500/502/503', async () => {
  const s = await start({ errorRate: 0.3 });
  const statuses = await pool(400, 8, async () => {
    const res = await post(s, CHEAP);
    await res.arrayBuffer();
    return res.status;
  });
  const failed = statuses.filter((x) => x !== 200);
  expect(failed.length / 400).toBeGreaterThan(0.2);
  expect(failed.length / 400).toBeLessThan(0.4);
  expect(new Set(failed)).toEqual(new Set([500, 502, 503]));
  expect(s.stats.faults['httpError']).toBe(failed.length);
});

test('dropRate 0.2 destroys about 20 % of connections without an answer', async () => {
  const s = await start({ dropRate: 0.2 });
  const outcomes = await pool(400, 8, async () => {
    try {
      const res = await post(s, CHEAP);
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 'dropped';
    }
  });
  const dropped = outcomes.filter((x) => x === 'dropped').length;
  expect(dropped / 400).toBeGreaterThan(0.1);
  expect(dropped / 400).toBeLessThan(0.3);
  expect(outcomes.filter((x) => x !== 'dropped').every((x) => x === 200)).toBe(true);
  expect(s.stats.faults['drop']).toBe(dropped);
});

test('rateLimitRps answers 429 with Retry-After above the rate, and recovers after a second', async () => {
  const s = await start({ rateLimitRps: 20, retryAfterS: 2 });
  const answers = await pool(60, 60, async () => {
    const res = await post(s, CHEAP);
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  });
  const limited = answers.filter((a) => a.status === 429);
  expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
  expect(limited).toHaveLength(40);
  expect(limited.every((a) => a.retryAfter === '2')).toBe(true);
  expect(s.stats.faults['rateLimited']).toBe(40);

  await new Promise((r) => setTimeout(r, 1100));
  const later = await pool(10, 10, async () => (await post(s, CHEAP)).status);
  expect(later).toEqual(Array(10).fill(200));
  // Below the rate nothing is limited: 15 requests spread over ~1.5 s at most 10 per second.
  await new Promise((r) => setTimeout(r, 1100));
  for (let i = 0; i < 15; i++) {
    expect((await post(s, CHEAP)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('graphqlErrorRate 0.25: partial data with an error at a connectors path', async () => {
  const s = await start({ graphqlErrorRate: 0.25 });
  const answers = await pool(400, 8, () => gql<{ getChargepoints: { chargepoints: ServedChargepoint[] } }>(s, OFFSET_PAGE, { offset: 0, limit: 10 }));
  const withErrors = answers.filter((a) => a.body.errors !== undefined);
  expect(withErrors.length / 400).toBeGreaterThan(0.15);
  expect(withErrors.length / 400).toBeLessThan(0.35);
  expect(s.stats.faults['graphqlError']).toBe(withErrors.length);
  for (const a of withErrors) {
    expect(a.status).toBe(200);
    expect(a.body.errors).toHaveLength(1);
    const path = a.body.errors![0]!.path!;
    expect(path).toEqual(['getChargepoints', 'chargepoints', expect.any(Number), 'connectors']);
    const cps = a.body.data!.getChargepoints.chargepoints;
    expect(cps).toHaveLength(10);
    cps.forEach((cp, i) => {
      if (i === path[2]) expect(cp.connectors).toBeNull();
      else expect(cp.connectors!.length).toBeGreaterThan(0);
      expect(cp.publicName).toEqual(expect.any(String)); // the rest of the data is there
    });
  }
  // The index varies over the page.
  expect(new Set(withErrors.map((a) => a.body.errors![0]!.path![2])).size).toBeGreaterThan(3);
});

test('pageCap serves at most that many records whatever was asked', async () => {
  const s = await start({ pageCap: 7 });
  const a = await gql<{ getChargepoints: { count: number; chargepoints: unknown[] } }>(s, OFFSET_PAGE, { offset: 0, limit: 100 });
  expect(a.body.data!.getChargepoints.chargepoints).toHaveLength(7);
  expect(a.body.data!.getChargepoints.count).toBe(30);
  const b = await gql<{ getContacts: unknown[] }>(s, '{ getContacts(limit: 100) { id } }');
  expect(b.body.data!.getContacts).toHaveLength(5); // fewer than the cap exist
  const c = await gql<{ getChargepoints: { chargepoints: unknown[] } }>(s, OFFSET_PAGE, { offset: 0, limit: 3 });
  expect(c.body.data!.getChargepoints.chargepoints).toHaveLength(3);
  expect(s.stats.faults['pageCap']).toBe(2);
});

test('nullRate 0.2 serves about 20 % of records with every nullable field null', async () => {
  const s = await start({ chargepoints: 500, nullRate: 0.2 });
  const cps: ServedChargepoint[] = [];
  for (let round = 0; round < 2; round++) {
    for (let offset = 0; offset < 500; offset += 100) {
      const a = await gql<{ getChargepoints: { chargepoints: ServedChargepoint[] } }>(s, OFFSET_PAGE, { offset, limit: 100 });
      cps.push(...a.body.data!.getChargepoints.chargepoints);
    }
  }
  expect(cps).toHaveLength(1000);
  const nulled = cps.filter((cp) => cp.publicName === null);
  expect(nulled.length / 1000).toBeGreaterThan(0.15);
  expect(nulled.length / 1000).toBeLessThan(0.25);
  for (const cp of nulled) {
    expect(typeof cp.id).toBe('string'); // ID! stays
    for (const [key, value] of Object.entries(cp)) if (key !== 'id') expect(value, key).toBeNull();
  }
  // Connectors of served chargepoints are nulled at the same rate; counts follow what was served.
  const connectors = cps.filter((cp) => cp.publicName !== null).flatMap((cp) => cp.connectors!);
  const nulledConnectors = connectors.filter((c) => c.status === null);
  expect(nulledConnectors.length / connectors.length).toBeGreaterThan(0.15);
  expect(nulledConnectors.length / connectors.length).toBeLessThan(0.25);
  for (const c of nulledConnectors) expect(c).toEqual({ id: c.id, name: null, evse: null, status: null, type: null });
  for (const cp of cps.filter((x) => x.publicName !== null)) expect(countsOf(cp)).toEqual(expectedCounts(cp));
  expect(s.stats.faults['nullRecord']).toBe(nulled.length + nulledConnectors.length);

  // Contacts too.
  const contacts = await pool(200, 8, async () => (await gql<{ getContacts: { name: string | null }[] }>(s, '{ getContacts { id name } }')).body.data!.getContacts);
  const flat = contacts.flat();
  const nulledContacts = flat.filter((c) => c.name === null).length;
  expect(nulledContacts / flat.length).toBeGreaterThan(0.15);
  expect(nulledContacts / flat.length).toBeLessThan(0.25);
});

test('unknownStatusRate 0.1 serves about 10 % of statuses outside the five', async () => {
  const s = await start({ chargepoints: 500, unknownStatusRate: 0.1 });
  const cps: ServedChargepoint[] = [];
  for (let offset = 0; offset < 500; offset += 100) {
    const a = await gql<{ getChargepoints: { chargepoints: ServedChargepoint[] } }>(s, OFFSET_PAGE, { offset, limit: 100 });
    cps.push(...a.body.data!.getChargepoints.chargepoints);
  }
  const statuses = cps.flatMap((cp) => cp.connectors!.map((c) => c.status!.status));
  const odd = statuses.filter((x) => !isKnownStatus(x));
  expect(statuses.length).toBeGreaterThan(1000);
  expect(odd.length / statuses.length).toBeGreaterThan(0.07);
  expect(odd.length / statuses.length).toBeLessThan(0.13);
  expect(odd).toContain('RESERVED');
  expect(odd.some((x) => x !== null && x === x.toLowerCase())).toBe(true); // legacy lower case
  for (const cp of cps) expect(countsOf(cp)).toEqual(expectedCounts(cp));
  expect(s.stats.faults['unknownStatus']).toBe(odd.length);
  // The world itself is untouched.
  for (const cp of s.world.dump().chargepoints) for (const c of cp.connectors!) expect(isKnownStatus(c.status!.status)).toBe(true);
});

test('latencyMs + jitterMs delay answers; setFaults changes faults at run time', async () => {
  const s = await start({ latencyMs: 80, jitterMs: 40 });
  const times = await pool(8, 4, async () => {
    const t0 = performance.now();
    await (await post(s, CHEAP)).arrayBuffer();
    return performance.now() - t0;
  });
  for (const t of times) expect(t).toBeGreaterThanOrEqual(79);
  expect(Math.max(...times)).toBeLessThan(1000);

  s.setFaults({ latencyMs: 0, jitterMs: 0, errorRate: 1 });
  expect(s.faults).toMatchObject({ latencyMs: 0, errorRate: 1 });
  expect((await post(s, CHEAP)).status).toBeGreaterThanOrEqual(500);
  s.setFaults({ errorRate: 0 });
  expect((await post(s, CHEAP)).status).toBe(200);
  expect(() => s.setFaults({ errorRate: 1.5 })).toThrow(/errorRate/);
  expect(() => s.setFaults({ pageCap: -1 })).toThrow(/pageCap/);
});

test('the same fault seed fires on the same requests', async () => {
  const run = async () => {
    const s = await startSimulator({ chargepoints: 5, contacts: 1, errorRate: 0.5, seed: 9 });
    try {
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await post(s, CHEAP)).status);
      return out;
    } finally {
      await s.close();
    }
  };
  const [first, second] = [await run(), await run()];
  expect(first).toEqual(second);
  expect(new Set(first).size).toBeGreaterThan(1);
});

test('rateLimitRate answers about that share with 429 and Retry-After whatever the load; spikeRate delays by spikeMs', async () => {
  const s = await start({ rateLimitRate: 0.25, retryAfterS: 3, spikeRate: 0.1, spikeMs: 120 });
  const answers = await pool(200, 4, async () => {
    const t0 = performance.now();
    const res = await post(s, CHEAP);
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t0 };
  });
  const limited = answers.filter((a) => a.status === 429);
  expect(limited.length / 200).toBeGreaterThan(0.15);
  expect(limited.length / 200).toBeLessThan(0.35);
  expect(limited.every((a) => a.retryAfter === '3')).toBe(true);
  expect(s.stats.faults['rateLimited']).toBe(limited.length);
  const spikes = s.stats.faults['latencySpike'] ?? 0;
  expect(spikes).toBeGreaterThan(3);
  expect(answers.filter((a) => a.status === 200 && a.ms >= 115).length).toBeGreaterThanOrEqual(spikes);
});
