// Where a client's knowledge of the server's schema comes from: read live (introspection, or
// learnt from validation errors), named by the caller (a dialect hint), or stored by an earlier
// process (client-api.ts SchemaStore) and checked against the live schema read beside the first
// requests. Also keeps the page sizes an earlier process saw, which only plan read-ahead.
import type { Logger } from '../log.js';
import { Catalog, catalogFromIntrospection, readSchema, type Dialect } from './catalog.js';
import type { SchemaStore, StoredPageSizes } from './client-api.js';
import type { PageMemory } from './paginate.js';
import type { OperationName } from './reference.js';
import type { RequestCounters, Transport } from './transport.js';

export interface SchemaSource {
  /** The server's catalog: read once and kept; read again only after invalidate(). */
  catalog(counters?: RequestCounters): Promise<Catalog>;
  /**
   * The catalog to build `name` from, with the promise catalog() gave it as. A stored schema is
   * never the last word on what the server cannot do: where it says `name` cannot be sent, the
   * live read decides.
   */
  catalogFor(name: OperationName, counters?: RequestCounters): Promise<{ current: Promise<Catalog>; cat: Catalog }>;
  /** The schema changed: the next catalog() reads it live, unless another caller already did (`current` is no longer the one). */
  invalidate(current: Promise<Catalog>): void;
  /** At the end of a pass: the live read beside it is done (its request counted), the page sizes are stored. */
  settle(): Promise<void>;
}

/** A cap older than this is learnt again (the server may have raised it). */
const CAP_KEPT_MS = 86_400_000;

export function createSchemaSource(o: {
  transport: Transport;
  logger: Logger;
  pageMemory: PageMemory;
  /** Skip introspection: start from the reference's documents in this dialect. */
  dialect?: Dialect | undefined;
  store?: SchemaStore | undefined;
}): SchemaSource {
  const { transport, logger, pageMemory, store } = o;
  let catalogPromise: Promise<Catalog> | undefined;
  // The store is read once per client.
  let storeRead = false;
  let storedCatalog: Catalog | undefined;
  /** The live read that confirms (or replaces) the stored schema. */
  let verification: Promise<void> = Promise.resolve();
  let storedVerified = false;
  let verificationError: unknown;
  /** Per operation: the cap as stored, and since when it has been seen. */
  const caps = new Map<string, { effective: number; since: string }>();

  function catalog(counters?: RequestCounters): Promise<Catalog> {
    if (!catalogPromise) {
      const first = o.dialect ? Promise.resolve(hintedCatalog(o.dialect)) : store && !storeRead ? fromStore(store, counters) : liveCatalog(counters);
      const current: Promise<Catalog> = first.then(
        (c) => {
          logger.info({ schema: c.mode, dialect: c.dialect() ?? undefined, stored: c === storedCatalog || undefined }, 'CONNECT API schema read');
          return c;
        },
        (err: unknown) => {
          if (catalogPromise === current) catalogPromise = undefined; // try again next time
          throw err;
        },
      );
      catalogPromise = current;
    }
    return catalogPromise;
  }

  async function catalogFor(name: OperationName, counters?: RequestCounters): Promise<{ current: Promise<Catalog>; cat: Catalog }> {
    const current = catalog(counters);
    const cat = await current;
    if (cat !== storedCatalog || storedVerified) return { current, cat };
    try {
      cat.operation(name);
      return { current, cat };
    } catch {
      await verification;
      if (verificationError) throw verificationError;
      const live = catalog(counters);
      return { current: live, cat: await live };
    }
  }

  async function liveCatalog(counters?: RequestCounters): Promise<Catalog> {
    const read = await readSchema(transport, logger, counters);
    if (read.hash && store) await saveQuietly(() => store.saveSchema(read.hash!, read.introspection));
    return read.catalog;
  }

  /**
   * The stored schema, used at once, while the live one is read beside the first pages. When the
   * live one differs it replaces the stored one for every later request (and in the store); pages
   * already asked with the old documents were answered by the server, so they stand — and a
   * document the server no longer takes fails validation and reads the schema again (client.ts send()).
   */
  async function fromStore(store: SchemaStore, counters?: RequestCounters): Promise<Catalog> {
    storeRead = true;
    let stored: Awaited<ReturnType<SchemaStore['load']>> = null;
    try {
      stored = await store.load();
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'the stored CONNECT API schema could not be read; reading it live');
    }
    if (stored) seedPageMemory(stored.pages);
    if (!stored?.hash || !stored.introspection) return liveCatalog(counters);
    try {
      storedCatalog = catalogFromIntrospection(stored.introspection, logger);
    } catch {
      return liveCatalog(counters);
    }
    const storedHash = stored.hash;
    verification = readSchema(transport, logger, counters).then(
      async (live) => {
        storedVerified = true;
        if (live.hash === storedHash) return;
        if (!live.hash) return; // introspection refused now: the stored documents stand until the server refuses one
        logger.info('the CONNECT API schema changed since it was stored; using the live one');
        catalogPromise = Promise.resolve(live.catalog);
        await saveQuietly(() => store.saveSchema(live.hash!, live.introspection));
      },
      (err: unknown) => {
        storedVerified = true;
        verificationError = err;
        logger.debug({ err: (err as Error).message }, 'reading the live schema failed; the pages will tell');
      },
    );
    return storedCatalog;
  }

  /** Seeds the page sizes an earlier process saw; a cap older than a day is learnt again. */
  function seedPageMemory(pages: Record<string, StoredPageSizes>): void {
    const keptSince = Date.now() - CAP_KEPT_MS;
    for (const [operation, p] of Object.entries(pages ?? {})) {
      if (typeof p?.listSize === 'number' && p.listSize >= 0) pageMemory.listSize.set(operation, p.listSize);
      const since = p?.effectiveSince ? Date.parse(p.effectiveSince) : NaN;
      if (typeof p?.effective === 'number' && p.effective > 0 && since > keptSince && !pageMemory.effective.has(operation)) {
        pageMemory.effective.set(operation, p.effective);
        caps.set(operation, { effective: p.effective, since: p.effectiveSince! });
      }
    }
  }

  async function savePageMemory(): Promise<void> {
    if (!store) return;
    const pages: Record<string, StoredPageSizes> = {};
    for (const [operation, listSize] of pageMemory.listSize) pages[operation] = { listSize };
    for (const [operation, effective] of pageMemory.effective) {
      let cap = caps.get(operation);
      if (cap?.effective !== effective) caps.set(operation, (cap = { effective, since: new Date().toISOString() }));
      pages[operation] = { ...pages[operation], effective, effectiveSince: cap.since };
    }
    await saveQuietly(() => store.savePages(pages));
  }

  async function saveQuietly(save: () => Promise<void>): Promise<void> {
    try {
      await save();
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'what was learnt about the CONNECT API could not be stored');
    }
  }

  /** A caller that names the dialect skips introspection and starts from the reference in that dialect. */
  function hintedCatalog(d: Dialect): Catalog {
    const c = new Catalog(null, logger, 'dialect given by the caller', d.pagination);
    c.confirm('getChargepoints');
    return c;
  }

  return {
    catalog,
    catalogFor,
    invalidate(current) {
      if (catalogPromise === current) catalogPromise = undefined;
    },
    async settle() {
      await verification;
      await savePageMemory();
    },
  };
}
