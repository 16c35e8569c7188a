// The uptime report as one self-contained HTML file: inline CSS and server-rendered SVG charts,
// no scripts, no external resources (it opens offline and can be mailed or archived as is).
import { roundDecimal, shiftDecimal, toNumber } from '../decimal.js';
import { NEVI_UPTIME_THRESHOLD, type UptimeReport, type UptimeRow } from '../uptime.js';
import { heatmapSvg, histogramSvg, MIN_OBSERVED_SHARE } from './charts.js';
import { reportingEnd, reportingStart } from './uptime.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const d2 = (v: string | null) => (v === null ? '' : roundDecimal(v, 2));
const pct = (v: number | null) => (v === null ? 'n/a' : `${roundDecimal(v, 2)} %`);

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1f23; margin: 0; background: #f6f7f9; }
main { max-width: 1400px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; }
.sub { color: #5b6170; margin: 0 0 20px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border: 1px solid #dfe2e8; border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
.card span { color: #5b6170; font-size: 12px; }
.note { background: #fff8e1; border: 1px solid #f0d890; border-radius: 6px; padding: 8px 12px; margin: 16px 0 0; }
figure { background: #fff; border: 1px solid #dfe2e8; border-radius: 6px; margin: 0; padding: 12px; overflow-x: auto; }
figure svg { display: block; }
figcaption { color: #5b6170; font-size: 12px; margin-top: 6px; }
table { border-collapse: collapse; background: #fff; border: 1px solid #dfe2e8; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eceef2; text-align: left; white-space: nowrap; }
th { background: #eef0f4; font-weight: 600; position: sticky; top: 0; }
td.n, th.n { text-align: right; }
tr.low td { background: #fdecea; }
footer { color: #5b6170; font-size: 12px; margin-top: 32px; }
`;

export function uptimeHtml(report: UptimeReport): string {
  const s = report.summary;
  const levelLabel = report.by === 'connector' ? 'ports' : `${report.by}s`;
  const uptimes = report.rows.map((r) => toNumber(r.uptime_pct));
  const title = `Uptime by ${report.by}, ${report.from} – ${report.to}`;
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="connect-sync">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Period [${escapeHtml(reportingStart(report))}, ${escapeHtml(reportingEnd(report))}) in ${escapeHtml(report.tz)} · generated ${escapeHtml(
    report.generatedAt.toISOString(),
  )}</p>
<section class="cards">
  <div class="card"><b>${escapeHtml(pct(s.uptimePct))}</b><span>uptime, port-minute weighted</span></div>
  <div class="card"><b>${s.entities}</b><span>${escapeHtml(levelLabel)} (${s.connectors} ports)</span></div>
  <div class="card"><b>${s.belowThreshold}</b><span>at or below ${NEVI_UPTIME_THRESHOLD} %</span></div>
  <div class="card"><b>${escapeHtml(pct(s.minUptimePct))}</b><span>lowest uptime</span></div>
  <div class="card"><b>${escapeHtml(pct(s.observedShare === null ? null : s.observedShare * 100))}</b><span>of the time observed</span></div>
  <div class="card"><b>${escapeHtml(roundDecimal(s.excludedMinutes, 2))}</b><span>excluded outage minutes</span></div>
</section>`);
  if (report.unmappedStatuses.length) {
    parts.push(
      `<p class="note">Statuses without a category count as unknown, i.e. as outage: <b>${escapeHtml(report.unmappedStatuses.join(', '))}</b>. Classify them in <code>connect.status_categories</code> (see <code>connect.unmapped_statuses</code>).</p>`,
    );
  }
  if (report.heatmap) {
    const h = report.heatmap;
    const omitted = h.omitted ? ` Showing the ${h.chargepoints.length} chargepoints with the lowest uptime; ${h.omitted} more are in the table.` : '';
    parts.push(`<h2>Availability by chargepoint and day</h2>
<figure id="heatmap" data-chargepoints="${h.chargepoints.length}" data-days="${h.days.length}">
${h.chargepoints.length ? heatmapSvg(h) : '<p>No chargepoint has status history in this period.</p>'}
<figcaption>Daily uptime per chargepoint (all its ports, days are midnights in ${escapeHtml(report.tz)}). Grey: less than ${
      MIN_OBSERVED_SHARE * 100
    } % of the day observed.${escapeHtml(omitted)}</figcaption>
</figure>`);
  }
  parts.push(`<h2>Uptime distribution</h2>
<figure id="histogram">
${histogramSvg(uptimes, levelLabel)}
<figcaption>Number of ${escapeHtml(levelLabel)} per uptime band; NEVI requires more than ${NEVI_UPTIME_THRESHOLD} % per port.</figcaption>
</figure>`);
  parts.push(`<h2>${escapeHtml(report.by === 'connector' ? 'Ports' : report.by === 'chargepoint' ? 'Chargepoints' : 'Locations')}</h2>`);
  parts.push(renderRows(report));
  parts.push(`<footer>
<p>Uptime (NEVI 23 CFR 680.116(b), for this period) = (period − (outage − excluded)) / period × 100. Outage = minutes the status was down or unknown${
    report.countNotObservedAsOutage ? ', plus minutes not observed' : ''
  }; excluded = outage minutes inside declared exclusion windows (connect.outage_exclusions). Not observed = time no successful status pass confirmed${
    report.countNotObservedAsOutage ? ' (counted as outage in this report)' : ' (neither up nor down)'
  }. Utilisation = in-use minutes / observed up minutes.</p>
</footer>
</main>
</body>
</html>
`);
  return parts.join('\n');
}

function renderRows(report: UptimeReport): string {
  const head =
    report.by === 'connector'
      ? ['port', 'connector', 'chargepoint']
      : report.by === 'chargepoint'
        ? ['chargepoint', 'name', 'ports']
        : ['location', 'name', 'ports'];
  const numbers = ['uptime %', 'outage min', 'excluded min', 'not observed min', 'observed %', 'up min', 'down min', 'unknown min', 'utilisation %'];
  const cells = (r: UptimeRow): string[] => {
    const ids =
      report.by === 'connector'
        ? [r.port_id ?? '', r.connector_id ?? '', r.chargepoint_name ? `${r.chargepoint_name} (${r.chargepoint_id ?? ''})` : (r.chargepoint_id ?? '')]
        : report.by === 'chargepoint'
          ? [r.entity_id ?? '', r.chargepoint_name ?? '', String(r.connectors)]
          : [r.entity_id ?? '(none)', r.location_name ?? '', String(r.connectors)];
    return [
      ...ids.map((v) => `<td>${escapeHtml(v)}</td>`),
      ...[
        d2(r.uptime_pct),
        d2(r.outage_minutes),
        d2(r.excluded_minutes),
        d2(r.not_observed_minutes),
        r.observed_share === null ? '' : roundDecimal(shiftDecimal(r.observed_share, 2), 2),
        d2(r.up_minutes),
        d2(r.down_minutes),
        d2(r.unknown_minutes),
        d2(r.utilisation_pct),
      ].map((v) => `<td class="n">${escapeHtml(v)}</td>`),
    ];
  };
  const rowsHtml = report.rows.map((r) => {
    const u = toNumber(r.uptime_pct);
    return `<tr${u !== null && u <= NEVI_UPTIME_THRESHOLD ? ' class="low"' : ''}>${cells(r).join('')}</tr>`;
  });
  return `<table id="rows">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}${numbers.map((h) => `<th class="n">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rowsHtml.join('\n')}
</tbody>
</table>`;
}
