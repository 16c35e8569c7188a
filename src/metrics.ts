// One prom-client registry for the whole process. Every module records into these series;
// the daemon serves them at /metrics. Names follow Prometheus conventions (unit suffixes, _total).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();

let defaultsCollected = false;
/** Process metrics (CPU, memory, event loop); only the daemon wants them. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry, prefix: 'connect_sync_' });
}

export const apiRequests = new Counter({
  name: 'connect_sync_api_requests_total',
  help: 'Requests sent to the CONNECT API, by operation and outcome (ok, http_5xx, rate_limited, auth, network, timeout, graphql_error, ...)',
  labelNames: ['operation', 'outcome'] as const,
  registers: [registry],
});

export const apiRequestDuration = new Histogram({
  name: 'connect_sync_api_request_duration_seconds',
  help: 'Duration of single CONNECT API requests',
  labelNames: ['operation'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const apiRetries = new Counter({
  name: 'connect_sync_api_retries_total',
  help: 'Retries of CONNECT API requests, by operation and reason',
  labelNames: ['operation', 'reason'] as const,
  registers: [registry],
});

export const apiRateLimited = new Counter({
  name: 'connect_sync_api_rate_limited_total',
  help: 'HTTP 429 answers from the CONNECT API',
  labelNames: ['operation'] as const,
  registers: [registry],
});

export const unknownValues = new Counter({
  name: 'connect_sync_unknown_enum_values_total',
  help: 'Values outside the documented enums, accepted as strings (field, value)',
  labelNames: ['field', 'value'] as const,
  registers: [registry],
});

/** The adaptive in-flight limit of the request limiter (CONNECT_CONCURRENCY is its ceiling). */
export const apiConcurrencyLimit = new Gauge({
  name: 'connect_sync_api_concurrency_limit',
  help: 'CONNECT API requests allowed in flight now: halved on 429, raised by one after as many successes (ceiling CONNECT_CONCURRENCY)',
  registers: [registry],
});

/** Fields and operations of the reference this API does not offer (degraded, not fatal): 1 while missing. */
export const apiFieldsMissing = new Gauge({
  name: 'connect_sync_api_fields_missing',
  help: 'Documented CONNECT API fields, arguments or operations the live schema does not offer (1 = missing; the column stays empty)',
  labelNames: ['field'] as const,
  registers: [registry],
});

/** Requests sent only to learn the schema (introspection refused) or to re-read it after it changed. */
export const apiSchemaRequests = new Counter({
  name: 'connect_sync_api_schema_requests_total',
  help: 'Requests spent reading or learning the CONNECT API schema (introspection, validation-error rounds)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const syncRuns = new Counter({
  name: 'connect_sync_runs_total',
  help: 'Sync runs by job and outcome (succeeded, failed, aborted, partial, skipped)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

export const syncRunDuration = new Histogram({
  name: 'connect_sync_run_duration_seconds',
  help: 'Duration of sync runs by job',
  labelNames: ['job'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
  registers: [registry],
});

export const syncRecords = new Counter({
  name: 'connect_sync_records_total',
  help: 'Records handled by sync runs, by job and outcome (inserted, updated, unchanged, rejected, deleted)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

export const lastSuccess = new Gauge({
  name: 'connect_sync_last_success_timestamp_seconds',
  help: 'Unix time of the last successful run per job',
  labelNames: ['job'] as const,
  registers: [registry],
});

export const statusTransitions = new Counter({
  name: 'connect_sync_status_transitions_total',
  help: 'Connector status intervals opened, by the new status',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const connectorsByStatus = new Gauge({
  name: 'connect_sync_connectors',
  help: 'Current (non-deleted) connectors by status, as of the last status poll',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const scheduleInterval = new Gauge({
  name: 'connect_sync_schedule_interval_seconds',
  help: 'Interval between scheduled runs per job (from its cron expression); alert rules measure staleness in these intervals',
  labelNames: ['job'] as const,
  registers: [registry],
});

export const ready = new Gauge({
  name: 'connect_sync_ready',
  help: '1 when /readyz answers 200 (database reachable, a successful status poll within three intervals), else 0; refreshed on every scrape',
  registers: [registry],
});
