// `report outages --format csv` written by PostgreSQL: connect.outage_csv_lines turns each outage
// into one finished CSV line, read through a cursor in batches, so a 90-day network report streams
// at about the speed the server produces rows and memory stays bounded by the batch. The columns
// and their text are those of src/analytics/format/outages.ts (outageCsvColumns); a test holds the
// two to the same bytes.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../database.js';
import { textArray } from './reports.js';

/** Rows fetched per round trip. */
const BATCH = 20_000;

export interface OutageCsvQuery {
  start: Date;
  end: Date;
  tz: string;
  ids?: readonly string[] | undefined;
}

/** Writes the data lines (CRLF-terminated, no header) in batches; resolves with the number of rows. */
export async function streamOutageCsvLines(database: Database, q: OutageCsvQuery, write: (chunk: string) => Promise<void>): Promise<number> {
  let count = 0;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`declare outage_csv no scroll cursor for
      select l as line from connect.outage_csv_lines(${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz, ${q.tz}::text, ${textArray(q.ids)}) l`);
    for (;;) {
      const batch = await rows<{ line: string }>(tx, sql.raw(`fetch forward ${BATCH} from outage_csv`));
      if (batch.length === 0) break;
      count += batch.length;
      await write(batch.map((r) => r.line).join('\r\n') + '\r\n');
    }
    await tx.execute(sql`close outage_csv`);
  });
  return count;
}
