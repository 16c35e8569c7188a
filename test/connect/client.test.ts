// The client against the simulator over real HTTP: full passes in both dialects, page caps,
// faults (5xx, 429, dropped connections), authentication, Retry-After, the shared limiter,
// record-level GraphQL errors, single-record queries, mutations, and the key kept out of logs.
import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { AbortedError, AuthenticationError, collect, createLimiter, TransientError, type ConnectClient } from '../../src/connect/index.js';
import { makeClient, memoryLogger } from './helpers.js';

const sims: Simulator[] = [];
async function sim(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
  const s = await startSimulator(options);
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const sorted = (xs: Iterable<string>) => [...xs].sort();

async function chargepointPass(client: ConnectClient) {
  const pass = client.chargepointPages();
  const ids: string[] = [];
  const connectorIds: string[] = [];
  let pages = 0;
  for await (const page of pass) {
    pages++;
    expect(page.index).toBe(pages - 1);
    for (const cp of page.records) {
      ids.push(cp.id);
      connectorIds.push(...cp.connectors.map((c) => c.id));
    }
    expect(page.rejects).toEqual([]);
  }
  return { ids, connectorIds, pages, stats: pass.stats };
}

describe.each(['offset', 'paged'] as const)('%s dialect', (dialect) => {
  test('pages chargepoints, contacts, cards and sessions fully; requests ≤ pages + 1', async () => {
    const s = await sim({ dialect, chargepoints: 45, contacts: 12, seed: 7 });
    const client = makeClient(s, { pageSize: 10 });
    expect((await client.dialect()).pagination).toBe(dialect);

    const cps = await chargepointPass(client);
    expect(sorted(cps.ids)).toEqual(sorted(s.world.chargepointIds()));
    expect(sorted(cps.connectorIds)).toEqual(sorted(s.world.connectorIds()));
    expect(cps.pages).toBe(5);
    expect(cps.stats).toMatchObject({ complete: true, pages: 5, records: 45, requests: 6, duplicates: 0 });

    const contacts = await collect(client.contactPages());
    expect(sorted(contacts.records.map((c) => c.id))).toEqual(sorted(s.world.contactIds()));
    for (const id of s.world.contactIds().slice(0, 4)) {
      const cards = await collect(client.cardPages(id));
      expect(sorted(cards.records.map((c) => c.tagId))).toEqual(sorted(s.world.cardsOf(id).map((c) => c.tagId!)));
      expect(cards.records.every((c) => c.contactId === id)).toBe(true);
      const sessions = await collect(client.sessionPages(id));
      expect(sorted(sessions.records.map((x) => x.id))).toEqual(sorted(s.world.sessionsOf(id).map((x) => x.id!)));
    }
    // Dialect detection happened once for all of this.
    expect(s.stats.byOperation['IntrospectionQuery']).toBe(1);
  });

  test('a page cap below the page size still yields every record once', async () => {
    const s = await sim({ dialect, chargepoints: 23, contacts: 3, pageCap: 4 });
    const client = makeClient(s, { pageSize: 50 });
    await client.dialect(); // the schema is read once per client; the pass's own requests are counted below
    const cps = await chargepointPass(client);
    expect(cps.ids).toHaveLength(23);
    expect(sorted(cps.ids)).toEqual(sorted(s.world.chargepointIds()));
    expect(cps.stats.requests).toBe(Math.ceil(23 / 4) + 1);
  });
});

test('with 30 % 5xx, 429s and dropped connections a full pass returns every record exactly once', async () => {
  const s = await sim({ chargepoints: 120, contacts: 25, seed: 3, errorRate: 0.3, dropRate: 0.1, rateLimitRps: 40, retryAfterS: 1 });
  const client = makeClient(s, {
    pageSize: 15,
    limiter: createLimiter({ concurrency: 4, maxRps: 10_000 }),
    retry: { maxAttempts: 14, maxRateLimitedRetries: 20 },
  });
  await client.dialect();
  const cps = await chargepointPass(client);
  expect(cps.ids).toHaveLength(new Set(cps.ids).size);
  expect(sorted(cps.ids)).toEqual(sorted(s.world.chargepointIds()));
  expect(sorted(cps.connectorIds)).toEqual(sorted(s.world.connectorIds()));
  expect(cps.stats.complete).toBe(true);

  // The per-contact fan-out under the same faults.
  const contactIds = s.world.contactIds();
  const cards = await Promise.all(contactIds.map((id) => collect(client.cardPages(id))));
  const tags = cards.flatMap((c) => c.records.map((r) => r.tagId));
  expect(tags).toHaveLength(new Set(tags).size);
  expect(sorted(tags)).toEqual(sorted(contactIds.flatMap((id) => s.world.cardsOf(id).map((c) => c.tagId!))));

  expect(s.stats.faults['httpError']).toBeGreaterThan(5);
  expect(s.stats.faults['drop']).toBeGreaterThan(0);
  expect(s.stats.faults['rateLimited']).toBeGreaterThan(0);
  expect(client.stats.retries).toBeGreaterThan(5);
  expect(client.stats.rateLimited).toBeGreaterThan(0);
}, 30_000);

test('an authentication failure ends in under a second after exactly one request', async () => {
  const s = await sim({ chargepoints: 5 });
  const client = makeClient({ url: s.url, apiKey: 'not-the-right-key' });
  s.stats.reset();
  const t0 = performance.now();
  const err = await collect(client.contactPages()).catch((e: unknown) => e);
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect((err as Error).message).toContain('CONNECT_API_KEY');
  expect((err as Error).message).not.toContain('not-the-right-key');
  expect(s.stats.requests).toBe(1);
  expect(client.stats).toEqual({ requests: 1, retries: 0, rateLimited: 0 });
});

test('Retry-After is honoured: the retry comes no sooner than the header says', async () => {
  const arrivals: number[] = [];
  const s = await sim({ contacts: 30, rateLimitRps: 3, retryAfterS: 1, log: () => arrivals.push(performance.now()) });
  const log = memoryLogger();
  const client = makeClient(s, { pageSize: 5, logger: log.logger, limiter: createLimiter({ concurrency: 1, maxRps: 10_000 }) });
  const contacts = await collect(client.contactPages());
  expect(contacts.records).toHaveLength(30);
  // One request at a time: the n-th simulator arrival is the client's n-th attempt.
  const outcomes = log.lines().filter((l) => l['msg'] === 'CONNECT API request').map((l) => l['outcome']);
  expect(outcomes).toHaveLength(arrivals.length);
  const limited = outcomes.flatMap((o, i) => (o === 'rate_limited' ? [i] : []));
  expect(limited.length).toBeGreaterThan(0);
  for (const i of limited) expect(arrivals[i + 1]! - arrivals[i]!).toBeGreaterThanOrEqual(1000);
}, 20_000);

test('concurrency never exceeds the shared limiter, across clients and a fan-out of getCards', async () => {
  const s = await sim({ contacts: 40, chargepoints: 5, latencyMs: 40 });
  const limiter = createLimiter({ concurrency: 3, maxRps: 10_000 });
  const a = makeClient(s, { limiter, pageSize: 100 });
  const b = makeClient(s, { limiter, pageSize: 100 });
  s.stats.reset();
  const ids = s.world.contactIds();
  const got = await Promise.all(ids.map((id, i) => collect((i % 2 ? a : b).cardPages(id))));
  got.forEach((g, i) => expect(g.records.map((c) => c.tagId)).toEqual(s.world.cardsOf(ids[i]!).map((c) => c.tagId)));
  // One page per contact, plus the empty page wherever the short-page rule cannot decide yet.
  expect(s.stats.byOperation['getCards']).toBeGreaterThanOrEqual(ids.length);
  expect(s.stats.byOperation['getCards']).toBeLessThanOrEqual(ids.length * 2);
  expect(s.stats.maxInFlight).toBe(3);
});

test('records the API reports errors on become rejects, never dropped; the rest of the page is kept', async () => {
  // Every response carries a GraphQL error on one record's connectors (a different one each time).
  const s = await sim({ chargepoints: 30, graphqlErrorRate: 1, seed: 5 });
  const log = memoryLogger();
  const client = makeClient(s, { pageSize: 10, logger: log.logger, retry: { maxPartialAttempts: 3 } });
  await client.dialect();
  const pass = client.chargepointPages();
  const seen: string[] = [];
  const rejected: string[] = [];
  for await (const page of pass) {
    seen.push(...page.records.map((r) => r.id));
    rejected.push(...page.rejects.map((r) => r.key!));
    expect(page.requestAttempts).toBe(3);
    for (const r of page.rejects) expect(r.reason).toMatch(/Could not load connectors/);
  }
  expect(rejected).toHaveLength(3);
  expect(sorted([...seen, ...rejected])).toEqual(sorted(s.world.chargepointIds()));
  expect(pass.stats.complete).toBe(true);
  expect(log.lines().some((l) => l['level'] === 'warn' && String(l['msg']).includes('rejects'))).toBe(true);
});

test('single-record queries, prices and mutations', async () => {
  const s = await sim({ chargepoints: 8, contacts: 4, seed: 11 });
  const client = makeClient(s);
  const cpId = s.world.chargepointIds()[0]!;
  const cp = await client.getChargepoint({ id: cpId });
  expect(cp.records[0]?.id).toBe(cpId);
  const contactId = s.world.contactIds()[0]!;
  expect((await client.getContact(contactId)).records[0]?.id).toBe(contactId);
  expect((await client.getContact('nobody')).records).toEqual([]);
  const card = s.world.cardsOf(contactId)[0]!;
  expect((await client.getCard(card.tagId!)).records[0]).toMatchObject({ tagId: card.tagId, contactId });
  const price = await client.getPrice(cpId, card.tagId!);
  expect(price.records[0]).toMatchObject({ chargepointId: cpId, tagId: card.tagId, currency: 'EUR' });
  expect(price.records[0]!.price).toMatch(/^\d+(\.\d+)?$/);
  const updated = await client.updateCard(card.tagId!, { name: 'Renamed', active: true });
  expect(updated.records[0]).toMatchObject({ tagId: card.tagId, name: 'Renamed', active: true });

  const connectorId = s.world.connectorIds()[0]!;
  s.world.setConnectorStatus(connectorId, 'AVAILABLE');
  const started = await client.remoteStart(connectorId, card.tagId!);
  expect(started.status).toBe('ACCEPTED');
  expect(started.session).toBeTruthy();
  const session = await client.getChargingSession(started.session!);
  expect(session.records[0]).toMatchObject({ id: started.session, status: 'ACTIVE', connectorId });
  const stopped = await client.remoteStop(started.session!);
  expect(stopped.status).toBe('ACCEPTED');
  const active = await collect(client.sessionPages(contactId, { active: true }));
  expect(active.records.map((r) => r.id)).not.toContain(started.session);
});

test('the API key never appears in logs or error messages', async () => {
  const s = await sim({ chargepoints: 30, contacts: 5, errorRate: 0.3, rateLimitRps: 50, retryAfterS: 1, graphqlErrorRate: 0.2 });
  const log = memoryLogger('trace');
  const client = makeClient(s, { pageSize: 5, logger: log.logger, retry: { maxAttempts: 12 } });
  await collect(client.chargepointPages());
  const wrong = makeClient({ url: s.url, apiKey: 'wrong-key-4f9a7c' }, { logger: log.logger });
  const err = (await wrong.dialect().catch((e: unknown) => e)) as Error;
  log.logger.error({ err }, 'the run failed'); // what a caller would log
  const text = log.text();
  expect(log.lines().filter((l) => l['msg'] === 'CONNECT API request').length).toBeGreaterThan(7);
  expect(text).not.toContain(s.apiKey);
  expect(text).not.toContain('wrong-key-4f9a7c');
  expect(err.message).not.toContain('wrong-key-4f9a7c');
  expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain('wrong-key-4f9a7c');
});

test('transient failures end in a TransientError within the attempt and time bounds', async () => {
  const s = await sim({ contacts: 3 });
  const client = makeClient(s, { retry: { maxAttempts: 4 } });
  await client.catalog(); // the schema is read once per client, before the faults begin
  s.setFaults({ errorRate: 1 });
  s.stats.reset();
  const err = await collect(client.contactPages()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransientError);
  expect(err).toMatchObject({ attempts: 4, operation: 'getContacts' });
  expect(s.stats.requests).toBe(4);

  // Timeouts, and the total-time bound cutting retries short.
  s.setFaults({ errorRate: 0, latencyMs: 300 });
  const slow = makeClient(s, { timeoutMs: 50, retry: { maxAttempts: 10, maxTotalMs: 200, baseDelayMs: 1, maxDelayMs: 1 } });
  const t0 = performance.now();
  const timeout = await slow.getContact(s.world.contactIds()[0]!).catch((e: unknown) => e);
  expect(timeout).toBeInstanceOf(TransientError);
  expect((timeout as TransientError).reason).toBe('timeout');
  expect((timeout as TransientError).attempts).toBeLessThan(10);
  expect(performance.now() - t0).toBeLessThan(1000);
});

test('remoteStart is not sent again after an attempt of unknown fate', async () => {
  const s = await sim({ chargepoints: 2, contacts: 2 });
  const client = makeClient(s, { retry: { maxAttempts: 6 } });
  await client.catalog();
  s.setFaults({ errorRate: 1 });
  s.stats.reset();
  const err = await client.remoteStart(s.world.connectorIds()[0]!, 'TAG').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransientError);
  expect((err as Error).message).toMatch(/not repeated: remoteStart may already have taken effect/);
  expect(s.stats.requests).toBe(1);
});

test('an abort signal (shutdown) ends retry waits at once', async () => {
  const s = await sim({ contacts: 2, errorRate: 1 });
  const controller = new AbortController();
  const client = makeClient(s, { signal: controller.signal, retry: { baseDelayMs: 5_000, maxDelayMs: 5_000, random: () => 1 } });
  const t0 = performance.now();
  const pending = collect(client.contactPages()).catch((e: unknown) => e);
  setTimeout(() => controller.abort(new Error('shutting down')), 100);
  expect(await pending).toBeInstanceOf(AbortedError);
  expect(performance.now() - t0).toBeLessThan(1000);
});

test('nulls everywhere the schema allows them and unknown statuses are accepted; keyless sessions are rejects', async () => {
  const s = await sim({ chargepoints: 40, contacts: 6, nullRate: 0.3, unknownStatusRate: 0.3, seed: 9 });
  const client = makeClient(s, { pageSize: 15 });
  const cps = await collect(client.chargepointPages());
  expect(cps.rejects).toEqual([]);
  expect(sorted(cps.records.map((r) => r.id))).toEqual(sorted(s.world.chargepointIds()));
  const statuses = new Set(cps.records.flatMap((r) => r.connectors.map((c) => c.status)));
  expect([...statuses].some((x) => x !== null && !['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE', 'UNKNOWN'].includes(x))).toBe(true);
  expect(cps.records.some((r) => r.name === null && r.location === null)).toBe(true);
  let rejected = 0;
  for (const id of s.world.contactIds()) {
    const sessions = await collect(client.sessionPages(id));
    expect(sessions.records.length + sessions.rejects.length).toBe(s.world.sessionsOf(id).length);
    for (const r of sessions.rejects) expect(r.reason).toBe('id: missing');
    rejected += sessions.rejects.length;
  }
  expect(rejected).toBeGreaterThan(0);
});
