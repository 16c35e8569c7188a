// `report outages --format csv` written by PostgreSQL: each row of connect.outages becomes one
// finished CSV line in SQL (connect._csv_field, connect._iso_instant), read through a cursor in
// batches, so a 90-day network report streams at about the speed the server produces rows and
// memory stays bounded by the batch. The columns and their text are those of
// src/analytics/format/outages.ts (outageCsvColumns); a test holds the two to the same bytes.
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
    // The sort of a large report stays in memory.
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`declare outage_csv no scroll cursor for
      select array_to_string(array[
          connect._csv_field(coalesce(c.evse, o.connector_id)),
          connect._csv_field(o.outage_id),
          round(o.duration_minutes, 2)::text,
          connect._csv_field(connect._iso_instant(o.outage_start, ${q.tz}::text)),
          connect._csv_field(connect._iso_instant(o.outage_end, ${q.tz}::text)),
          connect._csv_field(o.status),
          connect._csv_field(o.exclusion_reasons),
          round(o.excluded_minutes, 2)::text,
          round(o.not_observed_minutes, 2)::text,
          connect._csv_field(o.statuses),
          o.ongoing::text,
          connect._csv_field(o.connector_id),
          connect._csv_field(c.chargepoint_id)
        ], ',', '') as line
      from connect.outages(${q.start.toISOString()}::timestamptz, ${q.end.toISOString()}::timestamptz, ${textArray(q.ids)}, 'connector') o
      left join connect.connectors c on c.id = o.connector_id
      order by o.connector_id, o.outage_start`);
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
