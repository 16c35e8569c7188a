// The HTTP front: a plain node:http handler in front of graphql-yoga, so that authentication and
// transport faults (drop, 429, 5xx, latency) answer with exact status codes before GraphQL runs.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { FaultInjector } from './faults.js';
import { describeOperation } from './operation.js';
import type { SimContext } from './resolvers.js';
import type { SimStats } from './stats.js';

export const GRAPHQL_PATH = '/graphql';
const MAX_BODY_BYTES = 1 << 20;

export interface FrontOptions {
  yoga: YogaServerInstance<SimContext, object>;
  apiKey: string;
  faults: FaultInjector;
  stats: SimStats;
  /** Called with one line per request when given (the CLI's --verbose). */
  log?: ((line: string) => void) | undefined;
}

function sendJson(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function keyMatches(sent: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof sent !== 'string') return false;
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The GraphQL request's query and operationName, from the JSON body or the URL (GET). */
function requestParams(body: unknown, url: URL): { query: unknown; operationName: unknown } {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    return { query: b['query'], operationName: b['operationName'] };
  }
  return { query: url.searchParams.get('query'), operationName: url.searchParams.get('operationName') };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createFrontHandler(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { yoga, faults, stats, log } = options;
  const expectedKey = Buffer.from(options.apiKey);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== GRAPHQL_PATH) {
      req.resume();
      return sendJson(res, 404, `Not found: use ${GRAPHQL_PATH}`);
    }

    let parsedBody: unknown = null;
    let rawBody: string | null = '';
    if (req.method === 'POST') {
      rawBody = await readBody(req);
      if (rawBody === null) return sendJson(res, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
      try {
        parsedBody = JSON.parse(rawBody);
      } catch {
        parsedBody = null; // yoga answers the malformed body itself
      }
    }
    const params = requestParams(parsedBody, url);
    const op = describeOperation(params.query, params.operationName);
    stats.operation(op.name);
    for (const field of op.rootFields) stats.field(field);
    log?.(`${req.method} ${op.name}`);

    const key = req.headers['x-api-key'];
    if (key === undefined) return sendJson(res, 401, 'Unauthorized: the x-api-key header is missing');
    if (!keyMatches(key, expectedKey)) return sendJson(res, 401, 'Unauthorized: invalid API key');

    if (faults.drop()) {
      req.socket.destroy();
      return;
    }
    if (faults.rateLimited(performance.now())) {
      const retryAfter = String(faults.settings.retryAfterS);
      return sendJson(res, 429, `Too many requests: at most ${faults.settings.rateLimitRps} per second`, { 'retry-after': retryAfter });
    }
    const httpError = faults.httpError();
    if (httpError === 502) {
      // What a proxy in front of the API answers: HTML, not JSON.
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    if (httpError !== 0) {
      return sendJson(res, httpError, httpError === 503 ? 'Service temporarily unavailable (simulated)' : 'Internal server error (simulated)');
    }
    const delay = faults.latency();
    if (delay > 0) await sleep(delay);

    // yoga reads a body that was already consumed from req.body (the body-parser convention).
    const carrier = req as IncomingMessage & { body?: unknown };
    carrier.body = parsedBody !== null && typeof parsedBody === 'object' ? parsedBody : rawBody;
    await yoga.handle(req, res, { sim: { graphqlError: faults.graphqlError() } });
  }

  return (req, res) => {
    stats.arrived();
    res.on('close', () => stats.finished(res.writableFinished ? res.statusCode : 0));
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, `Simulator failure: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  };
}
