// `report outages --format csv`, written by PostgreSQL: connect.outage_csv_fields gives the text
// of every column, COPY ... (FORMAT csv) quotes and joins them, and the lines stream to the output
// as they come (memory stays bounded by the stream's buffers). The columns and their text are those
// of src/analytics/format/outages.ts (outageCsvColumns); a test holds the two to the same bytes.
// The embedded database has no COPY to a client: there a cursor reads the same fields in batches.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { csvLine } from '../../analytics/format/text.js';
import { rows, type Database } from '../database.js';
import { arrayLiteral } from '../json-param.js';
import { textArray } from './reports.js';

/** Rows fetched per round trip (cursor path). */
const BATCH = 20_000;

export interface OutageCsvQuery {
  start: Date;
  end: Date;
  tz: string;
  ids?: readonly string[] | undefined;
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * COPY's CSV ends lines with LF; the report's (RFC 4180) with CRLF. A line break inside a quoted
 * field stays as it is, so the quoting state is followed across chunks.
 */
export class CrlfLines {
  private quoted = false;
  rows = 0;

  convert(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    let i = 0;
    // Native searches (indexOf), not a loop over every byte: quotes are rare, line ends are not.
    let quote = chunk.indexOf(0x22);
    while (i < chunk.length) {
      if (this.quoted) {
        if (quote < 0) break;
        this.quoted = false;
        i = quote + 1;
        quote = chunk.indexOf(0x22, i);
        continue;
      }
      const lf = chunk.indexOf(0x0a, i);
      if (quote >= 0 && (lf < 0 || quote < lf)) {
        this.quoted = true;
        i = quote + 1;
        quote = chunk.indexOf(0x22, i);
        continue;
      }
      if (lf < 0) break;
      parts.push(chunk.subarray(from, lf), CRLF);
      from = i = lf + 1;
      this.rows++;
    }
    if (parts.length === 0) return chunk;
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }
}
const CRLF = Buffer.from('\r\n');

/** Writes the data lines (CRLF-terminated, no header) through COPY on its own connection; resolves with the number of rows. */
export async function copyOutageCsvLines(databaseUrl: string, q: OutageCsvQuery, out: Writable): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'connect-sync report' });
  await client.connect();
  try {
    // COPY takes no parameters: the values go in as literals, quoted by the driver.
    const literal = (v: string) => client.escapeLiteral(v);
    const ids = q.ids === undefined ? 'null' : literal(arrayLiteral(q.ids));
    const copy = client.query(
      copyTo(
        `copy (select * from connect.outage_csv_fields(${literal(q.start.toISOString())}::timestamptz, ${literal(q.end.toISOString())}::timestamptz, ` +
          `${literal(q.tz)}::text, ${ids}::text[])) to stdout with (format csv)`,
      ),
    );
    const lines = new CrlfLines();
    for await (const chunk of copy) await write(out, lines.convert(chunk as Buffer));
    return lines.rows;
  } finally {
    await client.end();
  }
}

/** The same lines through a cursor on the database handle (the embedded database). */
export async function cursorOutageCsvLines(database: Database, q: OutageCsvQuery, out: Writable): Promise<number> {
  let count = 0;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`declare outage_csv no scroll cursor for
      select * from connect.outage_csv_fields(${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz, ${q.tz}::text, ${textArray(q.ids)})`);
    for (;;) {
      const batch = await rows<Record<string, string | null>>(tx, sql.raw(`fetch forward ${BATCH} from outage_csv`));
      if (batch.length === 0) break;
      count += batch.length;
      await write(out, batch.map((r) => csvLine(Object.values(r))).join('\r\n') + '\r\n');
    }
    await tx.execute(sql`close outage_csv`);
  });
  return count;
}
