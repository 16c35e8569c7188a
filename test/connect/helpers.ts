// Helpers for the CONNECT client tests: an in-memory pino sink, a client factory with small retry
// delays, and a tiny node:http GraphQL stand-in for answers the simulator cannot give.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, silentLogger, type Logger } from '../../src/log.js';
import { createConnectClient, createLimiter, type ConnectClient, type ConnectClientOptions, type Limiter } from '../../src/connect/index.js';

/** A logger writing JSON lines into memory; `lines()` parses them, `text()` is the raw output. */
export function memoryLogger(level = 'debug'): { logger: Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ level, destination });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Retry settings that keep tests fast: millisecond backoff. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 40, maxTotalMs: 20_000 } as const;

export function makeClient(
  target: { url: string; apiKey: string },
  overrides: Partial<ConnectClientOptions> & { limiter?: Limiter } = {},
): ConnectClient {
  return createConnectClient({
    url: target.url,
    apiKey: target.apiKey,
    timeoutMs: 5_000,
    pageSize: 20,
    limiter: overrides.limiter ?? createLimiter({ concurrency: 4, maxRps: 10_000 }),
    logger: silentLogger,
    ...overrides,
    retry: { ...FAST_RETRY, ...overrides.retry },
  });
}

export interface StubServer {
  url: string;
  requests: Array<{ operationName: string | undefined; variables: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server answering every POST with `answer(body)` (a JSON-serialisable object, or a
 * string sent verbatim as JSON text so tests can control number formatting).
 */
export async function stubServer(
  answer: (req: { operationName: string | undefined; variables: Record<string, unknown>; query: string }) => unknown,
): Promise<StubServer> {
  const requests: StubServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        operationName?: string;
        variables?: Record<string, unknown>;
        query?: string;
      };
      const entry = { operationName: body.operationName, variables: body.variables ?? {}, query: body.query ?? '' };
      if (entry.query.includes('__schema')) {
        // Like many production servers, the stand-in refuses introspection (not recorded as a request).
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'GraphQL introspection is not allowed', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }));
        return;
      }
      requests.push({ operationName: entry.operationName, variables: entry.variables });
      const out = answer(entry);
      const text = typeof out === 'string' ? out : JSON.stringify(out);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
