// Pagination as async generators of pages; callers never see offsets or page numbers.
//
// `offset` style (getContacts, getCards, getChargingSessions, getChargepoints in the offset
// dialect): asks limit = pageSize and advances the offset by the number of records actually
// received, because servers cap the limit below what was asked (getCards: 1000). The list ends
// only on an empty page, never on a short one.
//
// `paged` style (getChargepoints in the paged dialect): asks page 0, 1, 2, ... with count =
// pageSize and ends on the first empty page. `nextPage` is not trusted to end the pass: when it is
// null but the page had records, the next page is asked once more to confirm that it is empty
// (one extra request per pass at most, so requests per pass ≤ non-empty pages + 1, retries aside;
// a server whose nextPage is wrong cannot cut a pass short and make the sync mark records deleted).
//
// Both styles: the same non-empty page (same ids, same order) twice in a row is a PaginationError;
// ids already yielded in this pass are dropped and counted as `duplicates` (offset paging over live
// data shifts); only one page is held at a time (no read-ahead).
import type { Logger } from '../log.js';
import { PaginationError } from './errors.js';
import type { PageResult, Reject } from './records.js';
import type { RequestCounters } from './transport.js';

export interface Page<T> {
  /** 0-based position of the page in this pass. */
  index: number;
  records: T[];
  rejects: Reject[];
  /** Records dropped because their id was already yielded in this pass. */
  duplicates: number;
  /** HTTP requests it took to get this page (1 unless retried). */
  requestAttempts: number;
}

export interface PassStats extends RequestCounters {
  pages: number;
  records: number;
  rejects: number;
  duplicates: number;
  /** True once the pass reached the end of the list (an empty page). A pass that threw stays false. */
  complete: boolean;
  /** `total` as reported by the server (paged dialect), if any. */
  reportedTotal: number | null;
}

/** One pass over a list: iterate it with `for await`; `stats` is live and final once iteration ends. */
export type Pass<T> = AsyncGenerator<Page<T>, PassStats, undefined> & { readonly stats: Readonly<PassStats> };

export interface Cursor {
  /** Offset style: records to skip. */
  offset: number;
  /** Paged style: 0-based page number. */
  page: number;
  /** Records asked for. */
  limit: number;
}

export interface FetchedPage<T> extends PageResult<T> {
  /** Entries in the list as received (records, rejects and nulls), to advance the offset. */
  received: number;
  /** Key (or a fingerprint) of every received entry, in order, to spot a repeated page. */
  receivedKeys: string[];
  attempts: number;
  reportedTotal?: number | null;
}

export interface PaginateOptions<T> {
  /** Operation name, for errors and logs. */
  operation: string;
  style: 'offset' | 'paged';
  pageSize: number;
  fetchPage: (cursor: Cursor, counters: RequestCounters) => Promise<FetchedPage<T>>;
  keyOf: (record: T) => string;
  logger: Logger;
}

/** Consecutive pages that bring nothing new (only duplicates) before the pass is declared stuck. */
const MAX_STALE_PAGES = 3;

export function newPassStats(): PassStats {
  return { pages: 0, records: 0, rejects: 0, duplicates: 0, requests: 0, retries: 0, rateLimited: 0, complete: false, reportedTotal: null };
}

export function paginate<T>(options: PaginateOptions<T>, stats: PassStats = newPassStats()): Pass<T> {
  return Object.assign(run(options, stats), { stats });
}

async function* run<T>(options: PaginateOptions<T>, stats: PassStats): AsyncGenerator<Page<T>, PassStats, undefined> {
  const { operation, style, pageSize, fetchPage, keyOf, logger } = options;
  const seen = new Set<string>();
  let offset = 0;
  let page = 0;
  let previousKeys: string | null = null;
  let stalePages = 0;

  for (let index = 0; ; index++) {
    const fetched = await fetchPage({ offset, page, limit: pageSize }, stats);
    if (fetched.reportedTotal !== undefined && fetched.reportedTotal !== null) stats.reportedTotal = fetched.reportedTotal;
    if (fetched.received === 0) {
      stats.complete = true;
      logger.debug({ operation, pages: stats.pages, records: stats.records, rejects: stats.rejects, duplicates: stats.duplicates, requests: stats.requests }, 'pass complete');
      if (stats.reportedTotal !== null && stats.records + stats.rejects !== stats.reportedTotal) {
        logger.warn(
          { operation, reportedTotal: stats.reportedTotal, records: stats.records, rejects: stats.rejects },
          'the CONNECT API reported a total that differs from what the pass received (the data may have changed while paging)',
        );
      }
      return stats;
    }

    const keys = fetched.receivedKeys.join('\u0001');
    if (keys === previousKeys) {
      throw new PaginationError(
        `the server returned the same ${fetched.received} record(s) for ${style === 'offset' ? `offset ${offset}` : `page ${page}`} as for the page before`,
        index,
        { operation },
      );
    }
    previousKeys = keys;

    const records: T[] = [];
    let duplicates = 0;
    for (const record of fetched.records) {
      const key = keyOf(record);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      records.push(record);
    }
    stalePages = records.length === 0 && fetched.rejects.length === 0 ? stalePages + 1 : 0;
    if (stalePages >= MAX_STALE_PAGES) {
      throw new PaginationError(`${MAX_STALE_PAGES} pages in a row brought only records already seen in this pass`, index, { operation });
    }

    stats.pages++;
    stats.records += records.length;
    stats.rejects += fetched.rejects.length;
    stats.duplicates += duplicates;
    if (style === 'offset') offset += fetched.received;
    else page++;

    yield { index, records, rejects: fetched.rejects, duplicates, requestAttempts: fetched.attempts };
  }
}

/** Collects a whole pass (tests, small lists). Holds everything in memory: not for the big lists. */
export async function collect<T>(pass: Pass<T>): Promise<{ records: T[]; rejects: Reject[]; stats: PassStats }> {
  const records: T[] = [];
  const rejects: Reject[] = [];
  for await (const page of pass) {
    records.push(...page.records);
    rejects.push(...page.rejects);
  }
  return { records, rejects, stats: { ...pass.stats } };
}
