// The analytics layer: uptime and outage reports over the connector status history.
export { reportCommand, REPORT_COMMANDS } from './command.js';
export { reportUptime, NEVI_UPTIME_THRESHOLD, type UptimeReport, type UptimeReportOptions, type UptimeRow, type UptimeSummary, type Heatmap } from './uptime.js';
export { reportOutages, type OutageReport, type OutageReportOptions, type OutageReportRow } from './outages.js';
export { uptimeCsv, uptimeJson, uptimeTable } from './format/uptime.js';
export { uptimeHtml } from './format/html.js';
export { outagesCsv, outagesJson, outagesTable } from './format/outages.js';
export { LEVELS, type ReportLevel } from './period.js';
