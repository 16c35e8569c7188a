// Pagination as async generators of pages; callers never see offsets or page numbers.
//
// `offset` style (getContacts, getCards, getChargingSessions, getChargepoints in the offset
// dialect): asks limit = pageSize and advances the offset by the number of records actually
// received, because servers cap the limit below what was asked (getCards: 1000).
//
// `paged` style (getChargepoints in the paged dialect): asks page 0, 1, 2, ... with count =
// pageSize. `nextPage` is not trusted to end the pass: the end is confirmed by an empty page (one
// extra request per pass at most, so a server whose nextPage is wrong cannot cut a pass short and
// make the sync mark records deleted).
//
// Read-ahead (`readAhead` > 0, the status poll): up to that many later pages are requested while
// the caller writes the current one; pages are still yielded strictly in order. The first page
// shows the server's effective page size (a cap below what was asked) and, where the server
// reports one, the total, so the following offsets or page numbers are known and no request goes
// past the empty page that confirms the end. A page shorter than planned re-plans the pages after
// it (in-flight ones past it are cancelled and asked again from the right offset), so a cap learnt
// mid-pass or a list that shifts while pages are in flight still yields every record once. At most
// readAhead + 1 pages are held: the one being written and those in flight.
//
// The end of a list is an empty page, with one exception for the fan-out lists (`shortPageEnds`):
// a page shorter than the largest page the same operation has already returned in this process
// ends the list. That is sound for a server that returns min(cap, remaining) records: its cap is at
// least that largest page, so a shorter page had fewer records left than its cap. Where the rule
// cannot decide (no page seen yet, or a page as long as the largest) the empty page is asked —
// unless the page's request carried a probe: the same list asked once more in that request, one
// record at the offset where a page as long as the largest would end (`probeAt` records after the
// page's offset; only `__typename` is read). A page exactly that long whose probe found no record
// is the end: nothing lies after it, whatever the server's cap. So a fan-out list costs one request
// wherever a page of it was seen before, with no guess about the cap.
//
// Both styles: the same non-empty page (same ids, same order) twice in a row is a PaginationError;
// ids already yielded in this pass are dropped and counted as `duplicates` (offset paging over live
// data shifts).
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
  /** Fan-out lists: ask in the same request whether a record exists this many records after `offset` (see above). */
  probeAt?: number;
}

export interface FetchedPage<T> extends PageResult<T> {
  /** Entries in the list as received (records, rejects and nulls), to advance the offset. */
  received: number;
  /** Key (or a fingerprint) of every received entry, in order, to spot a repeated page. */
  receivedKeys: string[];
  attempts: number;
  /** `total` as reported by the server (paged dialect), for the end-of-pass comparison. */
  reportedTotal?: number | null;
  /** Size of the whole list as far as the server says (offset `count`, paged `total`): only plans the read-ahead. */
  listSize?: number | null;
  /** The probe's answer (when the cursor asked one and the server answered it): a record exists at offset + probeAt. */
  more?: boolean;
}

/**
 * Per-operation page sizes seen: the largest page returned (this process only: the short-page rule
 * reads it), the effective size learnt and the size of the list the last pass reported (both may
 * come from an earlier process, through the client's schema store: they only plan read-ahead).
 */
export interface PageMemory {
  largest: Map<string, number>;
  effective: Map<string, number>;
  listSize: Map<string, number>;
}

export function newPageMemory(): PageMemory {
  return { largest: new Map(), effective: new Map(), listSize: new Map() };
}

export interface PaginateOptions<T> {
  /** Operation name, for errors and logs. */
  operation: string;
  style: 'offset' | 'paged';
  pageSize: number;
  /** `signal` aborts when the pass no longer needs the page (it ended, or planned the page again). */
  fetchPage: (cursor: Cursor, counters: RequestCounters, signal: AbortSignal) => Promise<FetchedPage<T>>;
  keyOf: (record: T) => string;
  logger: Logger;
  /** Later pages requested while the current one is consumed (0 = one page at a time). */
  readAhead?: number;
  /** Page sizes this process has seen, per operation (read-ahead planning, the short-page rule). */
  memory?: PageMemory;
  /** A page shorter than the largest page this operation has returned ends the list (see above). */
  shortPageEnds?: boolean;
}

/** Consecutive pages that bring nothing new (only duplicates) before the pass is declared stuck. */
const MAX_STALE_PAGES = 3;

export function newPassStats(): PassStats {
  return { pages: 0, records: 0, rejects: 0, duplicates: 0, requests: 0, retries: 0, rateLimited: 0, complete: false, reportedTotal: null };
}

export function paginate<T>(options: PaginateOptions<T>, stats: PassStats = newPassStats()): Pass<T> {
  return Object.assign(run(options, stats), { stats });
}

interface Planned<T> {
  cursor: Cursor;
  result: Promise<FetchedPage<T>>;
  cancel: AbortController;
}

async function* run<T>(options: PaginateOptions<T>, stats: PassStats): AsyncGenerator<Page<T>, PassStats, undefined> {
  const { operation, style, pageSize, fetchPage, keyOf, logger } = options;
  const ahead = Math.max(0, Math.floor(options.readAhead ?? 0));
  const memory = options.memory;
  const seen = new Set<string>();
  let previousKeys: string | null = null;
  let stalePages = 0;

  // The plan: page `k` (k ≥ base.index) starts at base.offset + (k − base.index)·size, or is page
  // number base.page + (k − base.index) asking `size` records.
  let size = Math.max(1, Math.min(pageSize, memory?.effective.get(operation) ?? pageSize));
  let base = { index: 0, offset: 0, page: 0 };
  // Where the list ended last time: bounds the pages asked ahead of the first one.
  let listSize: number | null = memory?.listSize.get(operation) ?? null;
  // A page size and list size known from before: the first pages can be asked together.
  const planFromStart = memory?.effective.has(operation) === true || listSize !== null;
  const inflight = new Map<number, Planned<T>>();
  let nextToPlan = 0;

  const cursorOf = (k: number): Cursor => {
    const cursor: Cursor = { offset: base.offset + (k - base.index) * size, page: base.page + (k - base.index), limit: size };
    const largest = memory?.largest.get(operation) ?? 0;
    if (options.shortPageEnds && largest > 0) cursor.probeAt = Math.min(largest, size);
    return cursor;
  };
  const plan = (k: number) => {
    const cursor = cursorOf(k);
    const cancel = new AbortController();
    const result = fetchPage(cursor, stats, cancel.signal);
    result.catch(() => {}); // read when its turn comes; a dropped one must not be an unhandled rejection
    inflight.set(k, { cursor, result, cancel });
  };
  /** Pages past the end the server reports are not asked ahead (the page at the end confirms it). */
  const pastEnd = (k: number) => listSize !== null && cursorOf(k).offset > listSize;
  /** Plans page `current` (always) and the pages after it up to `last` (not past the list's end). */
  const fill = (current: number, last: number) => {
    if (nextToPlan <= current) nextToPlan = current;
    while (nextToPlan <= last && (nextToPlan === current || !pastEnd(nextToPlan))) plan(nextToPlan++);
  };
  const replan = (fromIndex: number, at: { offset: number; page: number }) => {
    for (const [k, planned] of [...inflight]) {
      if (k < fromIndex) continue;
      planned.cancel.abort();
      inflight.delete(k);
    }
    base = { index: fromIndex, ...at };
    nextToPlan = fromIndex;
  };

  try {
    for (let index = 0; ; index++) {
      // Nothing is asked ahead of the first page unless an earlier pass told the page size and the
      // list's size: the first page tells them (a cap below what was asked, the total).
      fill(index, index === 0 && !planFromStart ? 0 : index + ahead);
      const planned = inflight.get(index)!;
      const fetched = await planned.result;
      inflight.delete(index);
      const { cursor } = planned;
      if (fetched.reportedTotal !== undefined && fetched.reportedTotal !== null) stats.reportedTotal = fetched.reportedTotal;
      if (fetched.listSize !== undefined && fetched.listSize !== null && fetched.listSize >= 0) {
        listSize = fetched.listSize;
        memory?.listSize.set(operation, listSize);
      }
      // The largest page this operation returned before this one (the short-page rule reads it).
      const largestBefore = memory?.largest.get(operation) ?? 0;
      if (memory && fetched.received > largestBefore) memory.largest.set(operation, fetched.received);

      if (fetched.received === 0) return finish();

      const keys = fetched.receivedKeys.join('\u0001');
      if (keys === previousKeys) {
        throw new PaginationError(
          `the server returned the same ${fetched.received} record(s) for ${style === 'offset' ? `offset ${cursor.offset}` : `page ${cursor.page}`} as for the page before`,
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

      // A short page: the end (short-page rule), or a cap / a shifted list to plan around.
      const short = fetched.received < cursor.limit;
      const endsHere =
        (short && options.shortPageEnds === true && fetched.received < largestBefore) ||
        (cursor.probeAt !== undefined && fetched.received === cursor.probeAt && fetched.more === false);
      if (short && !endsHere) {
        // A cap (the list goes on past this page) is learnt: later pages ask exactly that many,
        // this pass and the next ones; a short last page changes nothing but where the end is asked.
        const capped = listSize !== null && listSize > cursor.offset + fetched.received;
        if (capped) {
          size = fetched.received;
          memory?.effective.set(operation, size);
        }
        if (style === 'offset') replan(index + 1, { offset: cursor.offset + fetched.received, page: cursor.page + 1 });
        // Paged: page numbers only line up with records when every page asks the same count; after
        // a cap the pages are planned again with count = the cap (page × count and page × min(count,
        // cap) then agree). Otherwise the next page number simply follows.
        else if (capped) replan(index + 1, { offset: cursor.offset + fetched.received, page: Math.floor((cursor.offset + fetched.received) / size) });
      }

      // The pages after this one are asked before it is handed over (after the first page, this is
      // where read-ahead starts), so they are in flight while it is written.
      if (!endsHere && ahead > 0) fill(index + 1, index + ahead);
      yield { index, records, rejects: fetched.rejects, duplicates, requestAttempts: fetched.attempts };
      if (endsHere) return finish();
    }
  } finally {
    // A pass that ends early (a failed page, an error in the caller, shutdown) stops the requests
    // it read ahead: none of them goes on retrying after the run has ended.
    for (const planned of inflight.values()) planned.cancel.abort();
    inflight.clear();
  }

  function finish(): PassStats {
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
