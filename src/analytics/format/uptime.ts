// Uptime report as an aligned table, CSV (EV-ChART uptime module first, then our columns) or JSON.
//
// CSV conventions: uptime_reporting_start/end are ISO 8601 date-times in the report's time zone
// with their UTC offset (e.g. 2026-10-01T00:00:00+02:00); the end is exclusive (the period is
// [start, end)). Minutes and percentages have two decimals, observed_share (0..1) four, rounded
// half away from zero from the exact values PostgreSQL computed (as round(x, 2) would).
import { roundDecimal, shiftDecimal, toNumber } from '../decimal.js';
import { formatOffset } from '../period.js';
import { NEVI_UPTIME_THRESHOLD, type UptimeReport, type UptimeRow } from '../uptime.js';
import { csvDocument, renderTable, type Column } from './text.js';

const d2 = (v: string | null) => (v === null ? '' : roundDecimal(v, 2));
const d4 = (v: string | null) => (v === null ? '' : roundDecimal(v, 4));

export function reportingStart(report: UptimeReport): string {
  return `${report.period.startLocal}${formatOffset(report.period.startOffsetMinutes)}`;
}

export function reportingEnd(report: UptimeReport): string {
  return `${report.period.endLocal}${formatOffset(report.period.endOffsetMinutes)}`;
}

/** The CSV columns for the report's level. */
export function uptimeCsvColumns(report: UptimeReport): Array<Column<UptimeRow>> {
  const start = reportingStart(report);
  const end = reportingEnd(report);
  const idColumn: Column<UptimeRow> =
    report.by === 'connector'
      ? { header: 'port_id', value: (r) => r.port_id ?? '' }
      : { header: report.by === 'chargepoint' ? 'chargepoint_id' : 'location_id', value: (r) => r.entity_id ?? '' };
  const common: Array<Column<UptimeRow>> = [
    idColumn,
    { header: 'uptime_reporting_start', value: () => start },
    { header: 'uptime_reporting_end', value: () => end },
    { header: 'uptime', value: (r) => d2(r.uptime_pct) },
    { header: 'total_outage', value: (r) => d2(r.outage_minutes) },
    { header: 'total_outage_excl', value: (r) => d2(r.excluded_minutes) },
    { header: 'not_observed_minutes', value: (r) => d2(r.not_observed_minutes) },
    { header: 'observed_share', value: (r) => d4(r.observed_share) },
    { header: 'up_minutes', value: (r) => d2(r.up_minutes) },
    { header: 'down_minutes', value: (r) => d2(r.down_minutes) },
    { header: 'unknown_minutes', value: (r) => d2(r.unknown_minutes) },
  ];
  const tail: Array<Column<UptimeRow>> =
    report.by === 'connector'
      ? [
          { header: 'connector_id', value: (r) => r.connector_id ?? r.entity_id ?? '' },
          { header: 'chargepoint_id', value: (r) => r.chargepoint_id ?? '' },
        ]
      : report.by === 'chargepoint'
        ? [
            { header: 'connectors', value: (r) => String(r.connectors) },
            { header: 'location_id', value: (r) => r.location_id ?? '' },
          ]
        : [{ header: 'connectors', value: (r) => String(r.connectors) }];
  return [...common, ...tail, { header: 'utilisation_pct', value: (r) => d2(r.utilisation_pct) }];
}

export function uptimeCsv(report: UptimeReport): string {
  return csvDocument(uptimeCsvColumns(report), report.rows);
}

export function uptimeTable(report: UptimeReport): string {
  const name: Column<UptimeRow> =
    report.by === 'connector'
      ? { header: 'PORT', value: (r) => r.port_id ?? '' }
      : { header: report.by === 'chargepoint' ? 'CHARGEPOINT' : 'LOCATION', value: (r) => r.entity_id ?? '(none)' };
  const columns: Array<Column<UptimeRow>> = [
    name,
    ...(report.by === 'connector' ? [{ header: 'CHARGEPOINT', value: (r: UptimeRow) => r.chargepoint_id ?? '' }] : []),
    ...(report.by === 'location' ? [{ header: 'NAME', value: (r: UptimeRow) => r.location_name ?? '' }] : []),
    ...(report.by !== 'connector' ? [{ header: 'PORTS', align: 'right' as const, value: (r: UptimeRow) => String(r.connectors) }] : []),
    { header: 'UPTIME %', align: 'right', value: (r) => d2(r.uptime_pct) },
    { header: 'OUTAGE MIN', align: 'right', value: (r) => d2(r.outage_minutes) },
    { header: 'EXCLUDED MIN', align: 'right', value: (r) => d2(r.excluded_minutes) },
    { header: 'NOT OBSERVED MIN', align: 'right', value: (r) => d2(r.not_observed_minutes) },
    { header: 'OBSERVED %', align: 'right', value: (r) => (r.observed_share === null ? '' : roundDecimal(shiftDecimal(r.observed_share, 2), 2)) },
    { header: 'UTILISATION %', align: 'right', value: (r) => d2(r.utilisation_pct) },
  ];
  const s = report.summary;
  const pct = (v: number | null) => (v === null ? 'n/a' : `${roundDecimal(v, 2)} %`);
  const lines = [
    `Uptime by ${report.by}, ${report.from} to ${report.to} (exclusive) in ${report.tz}: [${reportingStart(report)}, ${reportingEnd(report)})`,
    `NEVI 23 CFR 680.116(b): uptime = (period - (outage - excluded)) / period; outage = down + unknown${
      report.countNotObservedAsOutage ? ' + not observed' : ''
    } minutes. Not observed time is ${report.countNotObservedAsOutage ? 'counted as outage' : 'reported separately'}.`,
    '',
    report.rows.length ? renderTable(columns, report.rows) : '(no connector has status history in this period)',
    '',
    `${s.entities} ${report.by}(s), ${s.connectors} port(s): uptime ${pct(s.uptimePct)} (port-minute weighted), lowest ${pct(s.minUptimePct)}, median ${pct(
      s.medianUptimePct,
    )}; ${s.belowThreshold} at or below ${NEVI_UPTIME_THRESHOLD} %; observed ${s.observedShare === null ? 'n/a' : `${roundDecimal(s.observedShare * 100, 2)} %`} of the time.`,
  ];
  if (report.unmappedStatuses.length) {
    lines.push(
      `Statuses without a category count as unknown (outage): ${report.unmappedStatuses.join(', ')}. Classify them in connect.status_categories (see connect.unmapped_statuses).`,
    );
  }
  return lines.join('\n') + '\n';
}

/** JSON: report metadata, summary, and the rows with the CSV's fields as exact numbers (not rounded). */
export function uptimeJson(report: UptimeReport): string {
  const num = (v: string | null) => toNumber(v);
  return (
    JSON.stringify(
      {
        report: 'uptime',
        by: report.by,
        from: report.from,
        to: report.to,
        tz: report.tz,
        count_not_observed_as_outage: report.countNotObservedAsOutage,
        uptime_reporting_start: reportingStart(report),
        uptime_reporting_end: reportingEnd(report),
        period_start: report.period.start.toISOString(),
        period_end: report.period.end.toISOString(),
        generated_at: report.generatedAt.toISOString(),
        unmapped_statuses: report.unmappedStatuses,
        summary: {
          entities: report.summary.entities,
          connectors: report.summary.connectors,
          uptime_pct: report.summary.uptimePct,
          min_uptime_pct: report.summary.minUptimePct,
          median_uptime_pct: report.summary.medianUptimePct,
          at_or_below_97_pct: report.summary.belowThreshold,
          observed_share: report.summary.observedShare,
        },
        rows: report.rows.map((r) => ({
          port_id: r.port_id,
          level: r.level,
          entity_id: r.entity_id,
          connector_id: r.connector_id,
          chargepoint_id: r.chargepoint_id,
          chargepoint_name: r.chargepoint_name,
          location_id: r.location_id,
          location_name: r.location_name,
          connectors: Number(r.connectors),
          uptime: num(r.uptime_pct),
          total_outage: num(r.outage_minutes),
          total_outage_excl: num(r.excluded_minutes),
          period_minutes: num(r.period_minutes),
          observed_minutes: num(r.observed_minutes),
          not_observed_minutes: num(r.not_observed_minutes),
          observed_share: num(r.observed_share),
          up_minutes: num(r.up_minutes),
          down_minutes: num(r.down_minutes),
          unknown_minutes: num(r.unknown_minutes),
          in_use_minutes: num(r.in_use_minutes),
          utilisation_pct: num(r.utilisation_pct),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
