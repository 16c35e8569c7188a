// What a run learns about the CONNECT API is kept in connect.upstream_schema for the next run (a new
// process): the next run asks its first pages at once, reading the live schema beside them, and
// follows the live schema when it changed — never believing the stored one alone.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectClient, createLimiter, type ConnectClient } from '../../src/connect/index.js';
import { upstreamSchemaStore } from '../../src/db/upstream-schema.js';
import { silentLogger } from '../../src/log.js';
import { syncChargepoints } from '../../src/sync/chargepoints.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { useTestDatabase } from '../helpers/database.js';
import { TEST_RETRY } from '../helpers/upstream.js';

/**
 * A proxy in front of the simulator that holds every introspection request until `pagesFirst`
 * getChargepoints requests have arrived. A client that waits for the schema before asking pages
 * never gets its answer (its run fails on the request timeout); one that asks pages beside it does.
 */
async function holdingProxy(target: string, pagesFirst: number): Promise<{ url: string; held: () => number; close: () => Promise<void> }> {
  let pages = 0;
  let held = 0;
  const waiting: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const forward = () => {
        const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.end(body);
      };
      if (text.includes('__schema')) {
        if (pages >= pagesFirst) return forward();
        held++;
        waiting.push(forward);
        return;
      }
      if (text.includes('getChargepoints(')) {
        pages++;
        if (pages >= pagesFirst) waiting.splice(0).forEach((f) => f());
      }
      forward();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, held: () => held, close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }) };
}

describe('what a run learns about the CONNECT API, kept for the next run', () => {
  const t = useTestDatabase('schema-store');
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, chargepoints: 40, contacts: 2, schema: 'missing-nullable' });
  });
  afterAll(() => sim.close());

  // Every client is a new process as far as the store is concerned; the store's key is the simulator's URL.
  const newClient = (url = sim.url, timeoutMs = 5_000): ConnectClient =>
    createConnectClient({
      url,
      apiKey: sim.apiKey,
      timeoutMs,
      pageSize: 5,
      limiter: createLimiter({ concurrency: 4 }),
      logger: silentLogger,
      retry: { ...TEST_RETRY, maxAttempts: 1 },
      schemaStore: upstreamSchemaStore(t.database, sim.url),
    });
  const sync = (client: ConnectClient) => syncChargepoints(client, { database: t.database, logger: silentLogger });
  const stored = async () =>
    (await t.sql<{ endpoint: string; hash: string | null; pages: Record<string, { listSize?: number; effective?: number }> }>(
      `select endpoint, hash, pages from connect.upstream_schema`,
    ));

  it('the first run reads the schema live and stores it with the list size, keyed by endpoint without credentials', async () => {
    const r = await sync(newClient());
    expect(r.status).toBe('succeeded');
    const rows = await stored();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.endpoint).toBe(sim.url.replace(/\?.*$/, ''));
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.pages.getChargepoints).toEqual({ listSize: 40 });
    // Credentials never reach the table.
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.upstream_schema where upstream_schema::text like '%' || $1 || '%'`, [sim.apiKey])) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('the next run asks its first pages beside the live schema read, not after it', async () => {
    // Held until 3 page requests are in: with concurrency 4, the schema read and pages 0–2 together.
    const proxy = await holdingProxy(sim.url, 3);
    try {
      const client = newClient(proxy.url, 3_000);
      const r = await sync(client);
      expect(r.status).toBe('succeeded');
      expect(proxy.held()).toBe(1);
      // The live read is part of the run: 8 pages + the empty one + the schema.
      expect(r.counters!.requests).toBe(40 / 5 + 1 + 1);
    } finally {
      await proxy.close();
    }
    // Without the store the same proxy holds the schema read for good: the run cannot start.
    const proxy2 = await holdingProxy(sim.url, 3);
    try {
      const bare = createConnectClient({
        url: proxy2.url, apiKey: sim.apiKey, timeoutMs: 300, pageSize: 5, limiter: createLimiter({ concurrency: 4 }), logger: silentLogger, retry: { ...TEST_RETRY, maxAttempts: 1 },
      });
      const r = await sync(bare);
      expect(r.status).toBe('failed');
    } finally {
      await proxy2.close();
    }
  });

  it('a field added upstream: the run switches to the live schema and stores it; the field is synced', async () => {
    const before = (await stored())[0]!.hash;
    sim.setSchema([]); // the default reading serves Chargepoint.createdAt, which missing-nullable left out
    const r = await sync(newClient());
    expect(r.status).toBe('succeeded');
    const after = (await stored())[0]!.hash;
    expect(after).not.toBe(before);
    // The pages asked with the old documents stand; by the next run every record carries the field.
    const next = await sync(newClient());
    expect(next.status).toBe('succeeded');
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.chargepoints where raw ? 'createdAt' and deleted_at is null`)) as [{ n: number }];
    expect(n).toBe(40);
    expect((await stored())[0]!.hash).toBe(after);
  });

  it('a field removed upstream: the stored documents are refused, the schema is read again and the run succeeds', async () => {
    sim.dropField('Chargepoint.publicName');
    const r = await sync(newClient());
    expect(r.status).toBe('succeeded');
    expect(r.counters!.seen).toBeGreaterThan(40);
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from connect.chargepoints where deleted_at is null`)) as [{ n: number }];
    expect(n).toBe(40);
    const again = await sync(newClient());
    expect(again.status).toBe('succeeded');
    expect(again.counters!.requests).toBe(40 / 5 + 1 + 1);
  });

  it('a store that cannot be read or written (no table) costs nothing but the head start', async () => {
    await t.sql(`alter table connect.upstream_schema rename to upstream_schema_gone`);
    try {
      const r = await sync(newClient());
      expect(r.status).toBe('succeeded');
      expect(r.counters!.requests).toBe(40 / 5 + 1 + 1);
    } finally {
      await t.sql(`alter table connect.upstream_schema_gone rename to upstream_schema`);
    }
  });
});
