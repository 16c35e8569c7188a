// Outage list as CSV / JSON (EV-ChART outage module columns first) or an aligned table.
// outage_start/outage_end are ISO 8601 date-times in the report's time zone with offset;
// outage_duration is in minutes (observed outage time, two decimals).
import { roundDecimal, toNumber } from '../decimal.js';
import type { OutageReport, OutageReportRow } from '../outages.js';
import { csvDocument, formatInstant, renderTable, type Column } from './text.js';

const d2 = (v: string | null) => (v === null ? '' : roundDecimal(v, 2));

export function outageCsvColumns(tz: string): Array<Column<OutageReportRow>> {
  return [
    { header: 'port_id', value: (r) => r.port_id },
    { header: 'outage_id', value: (r) => r.outage_id },
    { header: 'outage_duration', value: (r) => d2(r.duration_minutes) },
    { header: 'outage_start', value: (r) => formatInstant(r.outage_start, tz) },
    { header: 'outage_end', value: (r) => formatInstant(r.outage_end, tz) },
    { header: 'status', value: (r) => r.status },
    { header: 'exclusion_reason', value: (r) => r.exclusion_reasons ?? '' },
    { header: 'excluded_minutes', value: (r) => d2(r.excluded_minutes) },
    { header: 'not_observed_minutes', value: (r) => d2(r.not_observed_minutes) },
    { header: 'statuses', value: (r) => r.statuses },
    { header: 'ongoing', value: (r) => (r.ongoing ? 'true' : 'false') },
    { header: 'connector_id', value: (r) => r.connector_id },
    { header: 'chargepoint_id', value: (r) => r.chargepoint_id ?? '' },
  ];
}

/** The CSV header; src/db/analytics/outage-csv.ts builds the same columns in SQL for the streamed CSV. */
export const OUTAGE_CSV_HEADERS: readonly string[] = outageCsvColumns('UTC').map((c) => c.header);

export function outagesCsv(report: OutageReport): string {
  return csvDocument(outageCsvColumns(report.tz), report.rows);
}

export function outagesTable(report: OutageReport): string {
  const columns: Array<Column<OutageReportRow>> = [
    { header: 'PORT', value: (r) => r.port_id },
    { header: 'START', value: (r) => formatInstant(r.outage_start, report.tz) },
    { header: 'END', value: (r) => formatInstant(r.outage_end, report.tz) + (r.ongoing ? ' (ongoing)' : '') },
    { header: 'MINUTES', align: 'right', value: (r) => d2(r.duration_minutes) },
    { header: 'STATUS', value: (r) => r.statuses },
    { header: 'EXCLUDED MIN', align: 'right', value: (r) => d2(r.excluded_minutes) },
    { header: 'EXCLUSION', value: (r) => r.exclusion_reasons ?? '' },
  ];
  const header = `Outages ${report.from} to ${report.to} (exclusive) in ${report.tz}: runs of down/unknown status per port; minutes = observed outage time.`;
  return [header, '', report.rows.length ? renderTable(columns, report.rows) : '(no outages in this period)', ''].join('\n');
}

export function outagesJson(report: OutageReport): string {
  return (
    JSON.stringify(
      {
        report: 'outages',
        from: report.from,
        to: report.to,
        tz: report.tz,
        period_start: report.period.start.toISOString(),
        period_end: report.period.end.toISOString(),
        generated_at: report.generatedAt.toISOString(),
        rows: report.rows.map((r) => ({
          port_id: r.port_id,
          outage_id: r.outage_id,
          outage_duration: toNumber(r.duration_minutes),
          outage_start: formatInstant(r.outage_start, report.tz),
          outage_end: formatInstant(r.outage_end, report.tz),
          status: r.status,
          statuses: r.statuses,
          exclusion_reason: r.exclusion_reasons,
          excluded_minutes: toNumber(r.excluded_minutes),
          not_observed_minutes: toNumber(r.not_observed_minutes),
          ongoing: r.ongoing,
          intervals: r.intervals,
          connector_id: r.connector_id,
          chargepoint_id: r.chargepoint_id,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
