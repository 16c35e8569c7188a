// `report uptime`: NEVI-style uptime per connector (port), chargepoint or location over a period.
// The figures come from connect.availability (SQL); this module validates the request, runs the
// query (one query; PostgreSQL spreads a large one over parallel workers), and assembles what the
// formats print.
import type { Database, Executor } from '../db/database.js';
import {
  availability,
  dailyAvailability,
  INVALID_PARAMETER_VALUE,
  periodBounds,
  unmappedStatusNames,
  type AvailabilityRow,
  type DailyRow,
  type PeriodBounds,
} from '../db/analytics/reports.js';
import { toNumber } from './decimal.js';
import { checkDate, checkLevel, checkPeriod, checkTimeZone, PeriodError, type ReportLevel } from './period.js';

/** NEVI 23 CFR 680.116(b): uptime must exceed 97 %. */
export const NEVI_UPTIME_THRESHOLD = 97;

export interface UptimeReportOptions {
  /** First local date (YYYY-MM-DD), inclusive. */
  from: string;
  /** Local date (YYYY-MM-DD) the period ends at (exclusive): --from 2026-10-01 --to 2026-11-01 is October. */
  to: string;
  /** IANA time zone the dates are midnights in (default UTC). */
  tz?: string;
  by?: ReportLevel;
  /** Count time the worker did not observe as outage (stricter than NEVI asks). */
  countNotObservedAsOutage?: boolean;
  /** Only these entities (ids of the level `by`). */
  ids?: readonly string[];
  /**
   * Split the report into this many concurrent queries (PostgreSQL only; PGlite runs one). Default
   * 1: PostgreSQL already aggregates a large report in parallel workers (max_parallel_workers_per_gather).
   */
  concurrency?: number;
  /** Add daily figures per chargepoint for a heatmap (the HTML format); `max` caps the chargepoints shown (lowest uptime first). */
  heatmap?: boolean | { max: number };
}

export interface UptimeRow extends AvailabilityRow {
  /** EV-ChART port_id: the connector's EVSE id, else its id (connector level); the entity id otherwise. */
  port_id: string | null;
}

export interface UptimeSummary {
  entities: number;
  connectors: number;
  /** Port-minute weighted uptime over all rows (display figure, from JavaScript numbers). */
  uptimePct: number | null;
  minUptimePct: number | null;
  medianUptimePct: number | null;
  belowThreshold: number;
  observedShare: number | null;
  periodMinutes: number;
  outageMinutes: number;
  excludedMinutes: number;
  notObservedMinutes: number;
}

export interface Heatmap {
  /** Chargepoint ids (rows of the heatmap), lowest uptime first. */
  chargepoints: Array<{ id: string; name: string | null; uptimePct: number | null }>;
  days: string[];
  cells: DailyRow[];
  /** Chargepoints in the report that the heatmap leaves out (it shows at most `max`). */
  omitted: number;
}

export interface UptimeReport {
  kind: 'uptime';
  from: string;
  to: string;
  tz: string;
  by: ReportLevel;
  countNotObservedAsOutage: boolean;
  period: PeriodBounds;
  generatedAt: Date;
  rows: UptimeRow[];
  summary: UptimeSummary;
  /** Statuses without a row in connect.status_categories (they count as unknown, i.e. outage). */
  unmappedStatuses: string[];
  heatmap?: Heatmap;
}

export interface ResolvedRequest {
  from: string;
  to: string;
  tz: string;
  period: PeriodBounds;
}

/** Validates dates and time zone (here and in PostgreSQL) and resolves the period's instants. */
export async function resolveRequest(db: Executor, options: { from: string; to: string; tz?: string | undefined }): Promise<ResolvedRequest> {
  const from = checkDate('--from', options.from);
  const to = checkDate('--to', options.to);
  checkPeriod(from, to);
  const tz = options.tz ?? 'UTC';
  checkTimeZone('--tz', tz);
  try {
    return { from, to, tz, period: await periodBounds(db, from, to, tz) };
  } catch (err) {
    if (hasCode(err, INVALID_PARAMETER_VALUE)) {
      throw new PeriodError('--tz', `--tz "${tz}" is a valid IANA zone for Node.js but PostgreSQL does not know it; update the server's time zone data or pick another zone`);
    }
    throw err;
  }
}

export async function reportUptime(database: Database, options: UptimeReportOptions): Promise<UptimeReport> {
  const db = database.db;
  const request = await resolveRequest(db, options);
  const by = checkLevel('--by', options.by ?? 'connector');
  const countNotObservedAsOutage = options.countNotObservedAsOutage ?? false;
  const shards = shardCount(database, options);
  const query = { start: request.period.start, end: request.period.end, level: by, ids: options.ids, countNotObservedAsOutage };
  // Disjoint parts by entity, run concurrently on separate pool connections, merged in id order.
  const parts = await Promise.all(Array.from({ length: shards }, (_, shard) => availability(db, { ...query, shard, shards })));
  const availabilityRows = parts.flat().sort((a, b) => compareIds(a.entity_id, b.entity_id));
  const reportRows: UptimeRow[] = availabilityRows.map((r) => ({
    ...r,
    port_id: by === 'connector' ? (r.evse ?? r.entity_id) : r.entity_id,
  }));
  const report: UptimeReport = {
    kind: 'uptime',
    from: request.from,
    to: request.to,
    tz: request.tz,
    by,
    countNotObservedAsOutage,
    period: request.period,
    generatedAt: new Date(),
    rows: reportRows,
    summary: summarise(reportRows),
    unmappedStatuses: await unmappedStatusNames(db),
  };
  if (options.heatmap) {
    const max = typeof options.heatmap === 'object' ? options.heatmap.max : 40;
    report.heatmap = await buildHeatmap(db, report, max);
  }
  return report;
}

function shardCount(database: Database, options: UptimeReportOptions): number {
  if (database.kind !== 'postgres' || options.concurrency === undefined) return 1;
  return Math.max(1, Math.floor(options.concurrency));
}

function compareIds(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function summarise(reportRows: readonly UptimeRow[]): UptimeSummary {
  let period = 0;
  let outage = 0;
  let excluded = 0;
  let notObserved = 0;
  let observed = 0;
  let connectors = 0;
  const uptimes: number[] = [];
  for (const r of reportRows) {
    period += toNumber(r.period_minutes) ?? 0;
    outage += toNumber(r.outage_minutes) ?? 0;
    excluded += toNumber(r.excluded_minutes) ?? 0;
    notObserved += toNumber(r.not_observed_minutes) ?? 0;
    observed += toNumber(r.observed_minutes) ?? 0;
    connectors += Number(r.connectors);
    const u = toNumber(r.uptime_pct);
    if (u !== null) uptimes.push(u);
  }
  uptimes.sort((a, b) => a - b);
  const median = uptimes.length === 0 ? null : uptimes.length % 2 ? uptimes[(uptimes.length - 1) / 2]! : (uptimes[uptimes.length / 2 - 1]! + uptimes[uptimes.length / 2]!) / 2;
  return {
    entities: reportRows.length,
    connectors,
    uptimePct: period > 0 ? ((period - (outage - excluded)) / period) * 100 : null,
    minUptimePct: uptimes[0] ?? null,
    medianUptimePct: median,
    belowThreshold: uptimes.filter((u) => u <= NEVI_UPTIME_THRESHOLD).length,
    observedShare: period > 0 ? observed / period : null,
    periodMinutes: period,
    outageMinutes: outage,
    excludedMinutes: excluded,
    notObservedMinutes: notObserved,
  };
}

async function buildHeatmap(db: Executor, report: UptimeReport, max: number): Promise<Heatmap> {
  const perChargepoint =
    report.by === 'chargepoint'
      ? report.rows
      : await availability(db, {
          start: report.period.start,
          end: report.period.end,
          level: 'chargepoint',
          countNotObservedAsOutage: report.countNotObservedAsOutage,
          ids: report.by === 'connector' && report.rows.length > 0 ? unique(report.rows.map((r) => r.chargepoint_id)) : undefined,
        });
  const ranked = perChargepoint
    .filter((r): r is AvailabilityRow & { entity_id: string } => r.entity_id !== null)
    .map((r) => ({ id: r.entity_id, name: r.chargepoint_name, uptimePct: toNumber(r.uptime_pct) }))
    .sort((a, b) => (a.uptimePct ?? -1) - (b.uptimePct ?? -1) || compareIds(a.id, b.id));
  const shown = ranked.slice(0, Math.max(0, max));
  const cells =
    shown.length === 0
      ? []
      : await dailyAvailability(db, {
          from: report.from,
          to: report.to,
          tz: report.tz,
          level: 'chargepoint',
          ids: shown.map((c) => c.id),
          countNotObservedAsOutage: report.countNotObservedAsOutage,
        });
  const days = [...new Set(cells.map((c) => c.day))].sort();
  return { chargepoints: shown, days, cells, omitted: ranked.length - shown.length };
}

function unique(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}

export function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}
