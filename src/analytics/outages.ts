// `report outages`: the NEVI quarterly / EV-ChART outage list, from connect.outages (SQL).
import type { Database } from '../db/database.js';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { copyOutageCsvLines, cursorOutageCsvLines } from '../db/analytics/outage-csv.js';
import { outages, type OutageRow, type PeriodBounds } from '../db/analytics/reports.js';
import { csvLine } from './format/text.js';
import { OUTAGE_CSV_HEADERS } from './format/outages.js';
import { resolveRequest } from './uptime.js';

export interface OutageReportOptions {
  from: string;
  to: string;
  tz?: string;
  /** Only these connectors. */
  connectorIds?: readonly string[];
}

export interface OutageReportRow extends OutageRow {
  /** EV-ChART port_id: the connector's EVSE id, else its id. */
  port_id: string;
}

export interface OutageReport {
  kind: 'outages';
  from: string;
  to: string;
  tz: string;
  period: PeriodBounds;
  generatedAt: Date;
  rows: OutageReportRow[];
}

export async function reportOutages(database: Database, options: OutageReportOptions): Promise<OutageReport> {
  const request = await resolveRequest(database.db, options);
  const found = await outages(database.db, { start: request.period.start, end: request.period.end, ids: options.connectorIds });
  return {
    kind: 'outages',
    from: request.from,
    to: request.to,
    tz: request.tz,
    period: request.period,
    generatedAt: new Date(),
    rows: found.map((o) => ({ ...o, port_id: o.evse ?? o.connector_id })),
  };
}

/**
 * The outage list as CSV, streamed to `out`: the same bytes as outagesCsv(reportOutages(...)), but
 * the text is made by PostgreSQL (COPY when `databaseUrl` names a PostgreSQL server, a cursor on the
 * embedded database) and written as it comes. Resolves with the period and the number of rows.
 */
export async function streamOutagesCsv(
  database: Database,
  options: OutageReportOptions & { databaseUrl?: string | undefined },
  out: Writable,
): Promise<{ period: PeriodBounds; rows: number }> {
  const request = await resolveRequest(database.db, options);
  if (!out.write(csvLine(OUTAGE_CSV_HEADERS) + '\r\n')) await once(out, 'drain');
  const q = { start: request.period.start, end: request.period.end, tz: request.tz, ids: options.connectorIds };
  const rows =
    database.kind === 'postgres' && options.databaseUrl ? await copyOutageCsvLines(options.databaseUrl, q, out) : await cursorOutageCsvLines(database, q, out);
  return { period: request.period, rows };
}
