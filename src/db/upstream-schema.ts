// connect.upstream_schema: the CONNECT API's schema and page sizes as the last run learnt them, so
// the next run (a new process, in the scheduled-container setup) can ask its first pages at once
// while it reads the live schema again. A cache: when the table is missing or unreadable the
// client simply reads everything live.
import { sql } from 'drizzle-orm';
import type { SchemaStore, StoredPageSizes } from '../connect/client-api.js';
import type { Database } from './database.js';
import { rows } from './database.js';

/** The key of an endpoint: scheme, host, port and path; credentials, query and fragment never stored. */
export function endpointKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'unparsable-url';
  }
}

export function upstreamSchemaStore(database: Pick<Database, 'db'>, url: string): SchemaStore {
  const endpoint = endpointKey(url);
  return {
    async load() {
      const found = await rows<{ hash: string | null; introspection: unknown; pages: Record<string, StoredPageSizes> }>(
        database.db,
        sql`select hash, introspection, pages from connect.upstream_schema where endpoint = ${endpoint}`,
      );
      return found[0] ?? null;
    },
    async saveSchema(hash, introspection) {
      await database.db.execute(sql`insert into connect.upstream_schema (endpoint, hash, introspection, read_at)
        values (${endpoint}, ${hash}, ${JSON.stringify(introspection)}::jsonb, now())
        on conflict (endpoint) do update set hash = excluded.hash, introspection = excluded.introspection, read_at = excluded.read_at
        where upstream_schema.hash is distinct from excluded.hash`);
    },
    async savePages(pages) {
      await database.db.execute(sql`insert into connect.upstream_schema (endpoint, pages) values (${endpoint}, ${JSON.stringify(pages)}::jsonb)
        on conflict (endpoint) do update set pages = excluded.pages
        where upstream_schema.pages is distinct from excluded.pages`);
    },
  };
}
