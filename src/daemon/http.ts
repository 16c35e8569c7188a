// Health and metrics over HTTP: /healthz (the process is alive), /readyz (the database answers
// and the last successful status poll, by any replica, is younger than three intervals),
// /metrics (Prometheus text from prom-client).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ping, type Database } from '../db/database.js';
import { lastSucceededAt } from '../db/runs.js';
import type { Logger } from '../log.js';
import { ready, registry } from '../metrics.js';

export interface Readiness {
  ready: boolean;
  database: 'ok' | string;
  lastStatusPoll: string | null;
  maxAgeS: number | null;
}

export async function checkReadiness(database: Database, statusPollIntervalMs: number | null, startedAt: number): Promise<Readiness> {
  try {
    await withTimeout(ping(database.db), 3000);
  } catch (err) {
    return { ready: false, database: `unreachable: ${(err as Error).message}`, lastStatusPoll: null, maxAgeS: null };
  }
  if (statusPollIntervalMs === null) return { ready: true, database: 'ok', lastStatusPoll: null, maxAgeS: null };
  const maxAgeMs = 3 * statusPollIntervalMs;
  const last = await lastSucceededAt(database.db, 'chargepoints');
  // A fresh daemon gets three intervals to complete its first poll.
  const reference = Math.max(last?.getTime() ?? 0, startedAt);
  return { ready: Date.now() - reference <= maxAgeMs, database: 'ok', lastStatusPoll: last?.toISOString() ?? null, maxAgeS: maxAgeMs / 1000 };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

export async function startHttpServer(port: number, readiness: () => Promise<Readiness>, logger: Logger): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, '{"error":"GET only"}');
    if (path === '/healthz') return reply(200, '{"status":"ok"}');
    if (path === '/readyz') {
      readiness().then(
        (r) => reply(r.ready ? 200 : 503, JSON.stringify(r)),
        (err: Error) => reply(503, JSON.stringify({ ready: false, error: err.message })),
      );
      return;
    }
    if (path === '/metrics') {
      // connect_sync_ready mirrors /readyz at scrape time, so alert rules can see readiness.
      readiness()
        .then(
          (r) => ready.set(r.ready ? 1 : 0),
          () => ready.set(0),
        )
        .then(() => registry.metrics())
        .then(
          (text) => reply(200, text, registry.contentType),
          (err: Error) => reply(500, JSON.stringify({ error: err.message })),
        );
      return;
    }
    reply(404, '{"error":"not found; try /healthz, /readyz or /metrics"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  logger.info({ port: actual }, 'health and metrics on /healthz, /readyz, /metrics');
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
