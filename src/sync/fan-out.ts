// The per-contact fan-out (cards, sessions) and the per-chargepoint one (prices): several
// workers walk the list of ids, each id's own pagination goes through the client's shared
// limiter, and the records they bring are written in batches of one page size — one statement
// per table per batch — so memory stays bounded by the page size whatever the network's size.
import { AuthenticationError, SchemaMismatchError } from '../connect/errors.js';
import type { Reject } from '../connect/records.js';
import type { Db } from '../db/database.js';
import { addToRun, insertRejects, type RunCounters } from '../db/runs.js';
import { AbortedError, describe, type RunHandle } from './job.js';
import { toRejectRow, uncountedRequests } from './pass.js';

export interface FanOutPage<T> {
  records: T[];
  rejects: Reject[];
  requestAttempts?: number;
}

export interface FanOutOptions<T> {
  /** Batches of ids to fan out over, read lazily (e.g. keyset pages from the database). */
  ids: AsyncIterable<string[]>;
  /** Every page of one id (a pagination pass, or a single request). */
  fetch: (id: string) => AsyncIterable<FanOutPage<T>>;
  /** Writes one batch inside a transaction; returns the counter deltas to add to the run. */
  write: (tx: Db, records: T[]) => Promise<Partial<RunCounters>>;
  /** Workers fetching at once (the limiter still bounds requests in flight). */
  concurrency: number;
  batchSize: number;
  job: string;
  /** What one id is, for messages: 'contact', 'chargepoint'. */
  idKind: string;
}

export interface FanOutResult {
  /** Ids whose every page was fetched. */
  completed: string[];
  /** Ids that still failed after the client's retries, with the reason. */
  failed: Array<{ id: string; reason: string }>;
}

export async function fanOut<T>(run: RunHandle, options: FanOutOptions<T>): Promise<FanOutResult> {
  const completed: string[] = [];
  const failed: FanOutResult['failed'] = [];
  let buffer: T[] = [];
  let rejects: Reject[] = [];
  let requests = 0;
  /** Requests of batches whose write failed: made, but in no committed page. */
  let unwritten = 0;
  let fatal: unknown;
  // One transaction at a time on the run's connection: flushes queue behind each other.
  let writing: Promise<void> = Promise.resolve();

  const flush = () => {
    const records = buffer;
    const pageRejects = rejects;
    const pageRequests = requests;
    buffer = [];
    rejects = [];
    requests = 0;
    if (records.length === 0 && pageRejects.length === 0 && pageRequests === 0) return writing;
    writing = writing.then(async () => {
      const delta = await run.db.transaction(async (tx) => {
        const d = { ...(await options.write(tx, records)), pages: 1, requests: pageRequests, rejected: pageRejects.length };
        await insertRejects(tx, run.id, options.job, pageRejects.map(toRejectRow));
        await addToRun(tx, run.id, d, run.details);
        return d;
      });
      for (const [k, v] of Object.entries(delta)) run.counters[k as keyof RunCounters] += v ?? 0;
      run.progress('batch committed', { [`${options.idKind}s_done`]: completed.length, failed: failed.length });
    }).catch((err: unknown) => {
      // A database failure ends the run (it is not a failure of the id being fetched).
      fatal ??= run.connectionLost() ?? err;
      unwritten += pageRequests;
    });
    return writing;
  };

  const iterator = options.ids[Symbol.asyncIterator]();
  const pending: string[] = [];
  let exhausted = false;
  // Several workers may wait for the next batch at once: each batch is appended, never replaces.
  const nextId = async (): Promise<string | undefined> => {
    while (pending.length === 0 && !exhausted) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else pending.push(...next.value);
    }
    return pending.shift();
  };

  // A run whose connection died stops at its next page: nothing it fetched could be committed.
  const stopping = () => {
    fatal ??= run.connectionLost();
    return fatal !== undefined || run.signalled();
  };

  const worker = async () => {
    for (;;) {
      if (stopping()) return;
      const id = await nextId();
      if (id === undefined) return;
      // This id's pass, for the requests no page accounts for (the empty page that ends it; when it
      // fails, its attempts with their retries), however it ends.
      let pass: AsyncIterable<FanOutPage<T>> | undefined;
      let counted = 0;
      try {
        pass = options.fetch(id);
        for await (const page of pass) {
          requests += page.requestAttempts ?? 1;
          counted += page.requestAttempts ?? 1;
          fatal ??= run.connectionLost();
          if (fatal) return;
          buffer.push(...page.records);
          rejects.push(...page.rejects);
          if (buffer.length + rejects.length >= options.batchSize) await flush();
        }
        completed.push(id);
      } catch (err) {
        // A wrong key fails every id alike: stop the run instead of failing them one by one. A
        // request cut by shutdown is no failure of this id either.
        // A refused key or a schema the job cannot work with fails every id alike: the run fails.
        if (err instanceof AuthenticationError || err instanceof SchemaMismatchError || err instanceof AbortedError || run.signalled()) {
          fatal ??= err;
          return;
        }
        const reason = describe(err);
        failed.push({ id, reason });
        rejects.push({ entity: options.idKind as Reject['entity'], key: id, raw: null, reason: `${options.idKind} ${id} failed after retries: ${reason}` });
        run.logger.warn({ [options.idKind]: id, err: reason }, `${options.idKind} failed after retries; the other ${options.idKind}s go on, the next run tries again`);
      } finally {
        if (pass) requests += uncountedRequests(pass, counted);
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  fatal ??= run.connectionLost();
  if (!fatal) await flush();
  await writing;
  if (fatal) {
    run.counters.requests += requests + unwritten;
    throw fatal;
  }
  run.checkpoint();
  return { completed, failed };
}

/** Reads ids in keyset batches, so the fan-out never holds the whole list. */
export async function* idBatches(read: (after: string | null, limit: number) => Promise<string[]>, size = 1000): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const batch = await read(after, size);
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1]!;
    if (batch.length < size) return;
  }
}

