// The job table: one place that knows how to run each job by name, used by `sync`, `run` and `demo`.
import type { ConnectClient } from '../connect/client.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import { syncChargepoints } from './chargepoints.js';
import { syncCards, syncContacts, syncSessions } from './customers.js';
import type { JobName, JobResult } from './job.js';
import { syncPrices } from './prices.js';

export const JOB_NAMES: readonly JobName[] = ['chargepoints', 'contacts', 'cards', 'sessions', 'active-sessions', 'prices'];

/** `sync all`: the status poll first, then contacts before the per-contact jobs that need them. */
export const SYNC_ALL_ORDER: readonly JobName[] = ['chargepoints', 'contacts', 'cards', 'sessions'];

export interface JobRunnerDeps {
  client: ConnectClient;
  database: Database;
  logger: Logger;
  /** Contacts (or chargepoints, for prices) fetched at once in a fan-out. */
  concurrency: number;
}

export type JobRunner = (job: JobName, options?: { signal?: AbortSignal; lockMode?: 'try' | 'wait' }) => Promise<JobResult>;

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  return (job, options = {}) => {
    const ctx = { database: deps.database, logger: deps.logger, ...options };
    switch (job) {
      case 'chargepoints':
        return syncChargepoints(deps.client, ctx);
      case 'contacts':
        return syncContacts(deps.client, ctx);
      case 'cards':
        return syncCards(deps.client, ctx, { concurrency: deps.concurrency });
      case 'sessions':
        return syncSessions(deps.client, ctx, { concurrency: deps.concurrency, active: false });
      case 'active-sessions':
        return syncSessions(deps.client, ctx, { concurrency: deps.concurrency, active: true });
      case 'prices':
        return syncPrices(deps.client, ctx, { concurrency: deps.concurrency });
    }
  };
}
