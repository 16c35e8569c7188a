// The connect-sync Grafana dashboards as code (@grafana/grafana-foundation-sdk). `npm run
// dashboards` writes them to grafana/dashboards/*.json, which are committed and provisioned
// (grafana/provisioning). Every panel reads the PostgreSQL data source as the read-only BI role
// (`connect-sync bi-role`): views and functions of schema connect only, no tables.
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The provisioned data source (grafana/provisioning/datasources/connect-sync.yml). */
export const DATASOURCE: common.DataSourceRef = { type: 'grafana-postgresql-datasource', uid: 'connect-sync-postgres' };

/** NEVI 23 CFR 680.116(b): a port must be up more than 97 % of the time. */
const UPTIME_LINE = 97;

/** A raw-SQL query of Grafana's PostgreSQL data source (the SDK has no builder for it). */
export interface SqlQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  editorMode: 'code';
  format: 'table' | 'time_series';
  rawQuery: true;
  rawSql: string;
}

export function sqlQuery(rawSql: string, format: SqlQuery['format'] = 'table', refId = 'A'): cog.Builder<cog.Dataquery> {
  const query: SqlQuery = {
    refId,
    datasource: DATASOURCE,
    editorMode: 'code',
    format,
    rawQuery: true,
    rawSql: rawSql.trim(),
    _implementsDataqueryVariant() {},
  };
  return { build: () => query };
}

function thresholds(steps: dashboard.Threshold[]): cog.Builder<dashboard.ThresholdsConfig> {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}
const uptimeThresholds = () =>
  thresholds([
    { value: null, color: 'red' },
    { value: UPTIME_LINE, color: 'green' },
  ]);
/** A table's uptime column: the cell coloured red below the line, green above. */
const uptimeCells = (): dashboard.DynamicConfigValue[] => [
  { id: 'custom.cellOptions', value: { type: 'color-background' } },
  { id: 'thresholds', value: uptimeThresholds().build() },
];
const lastRow = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
const allRows = () => new common.ReduceDataOptionsBuilder().calcs([]).values(true);

/** Local dates of the dashboard's range in the chosen zone: the first day, and the day after the last. */
const DAYS_OF_RANGE = `($__timeFrom()::timestamptz AT TIME ZONE '$tz')::date, ($__timeTo()::timestamptz AT TIME ZONE '$tz')::date + 1, '$tz'`;

function tzVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('tz')
    .label('Time zone of the days')
    .values('UTC,Europe/Berlin,Europe/London,Europe/Paris,Europe/Amsterdam,America/New_York,America/Chicago,America/Los_Angeles')
    .current({ text: 'UTC', value: 'UTC' });
}

function base(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['connect-sync', 'generated'])
    .timezone('utc')
    .time({ from: 'now-30d', to: 'now' })
    .refresh('5m')
    .editable();
}

export function networkDashboard(): dashboard.DashboardBuilder {
  return base(
    'connect-sync-network',
    'connect-sync / Network',
    'Availability of the whole network as NEVI defines it (23 CFR 680.116(b)): per day in a chosen time zone, the distribution of port uptime against the 97 % line, the ports below it, the status mix now and utilisation.',
  )
    .withVariable(tzVariable())
    .withRow(new dashboard.RowBuilder('Availability'))
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Availability per day')
        .description('Network uptime per local day (down and unknown observed minutes count as outage, excluded windows do not) and the share of the day the worker observed.')
        .datasource(DATASOURCE)
        .unit('percent')
        .min(0)
        .max(100)
        .thresholds(uptimeThresholds())
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
        .withTarget(
          sqlQuery(`
SELECT d.day_start AS time, d.uptime_pct, d.observed_share * 100 AS observed_pct
FROM connect.daily_availability(${DAYS_OF_RANGE}, 'network') d
ORDER BY 1`),
        )
        .height(9)
        .span(16),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Ports below 97 %')
        .description('Ports whose uptime over the dashboard range is below the NEVI line, of all ports seen in the range.')
        .datasource(DATASOURCE)
        .reduceOptions(allRows().fields('/^ports_below$/'))
        .thresholds(
          thresholds([
            { value: null, color: 'green' },
            { value: 1, color: 'red' },
          ]),
        )
        .withTarget(
          sqlQuery(`
SELECT count(*) FILTER (WHERE a.uptime_pct < ${UPTIME_LINE}) AS ports_below, count(*) AS ports
FROM connect.availability($__timeFrom(), $__timeTo(), 'connector') a`),
        )
        .height(9)
        .span(8),
    )
    .withPanel(
      new barchart.PanelBuilder()
        .title('Uptime distribution')
        .description('Ports by uptime over the dashboard range; the buckets break at the 97 % line.')
        .datasource(DATASOURCE)
        .xField('bucket')
        .withTarget(
          sqlQuery(`
SELECT b.bucket, count(a.entity_id) AS ports
FROM (VALUES (1, '< 90 %'), (2, '90-95 %'), (3, '95-97 %'), (4, '97-99 %'), (5, '>= 99 %')) AS b(n, bucket)
LEFT JOIN connect.availability($__timeFrom(), $__timeTo(), 'connector') a
  ON CASE WHEN a.uptime_pct < 90 THEN 1 WHEN a.uptime_pct < 95 THEN 2 WHEN a.uptime_pct < ${UPTIME_LINE} THEN 3 WHEN a.uptime_pct < 99 THEN 4 ELSE 5 END = b.n
GROUP BY b.n, b.bucket
ORDER BY b.n`),
        )
        .height(9)
        .span(12),
    )
    .withPanel(
      new piechart.PanelBuilder()
        .title('Status mix now')
        .description('Current status category of every connector that is not deleted (connect.status_categories; unmapped statuses count as unknown).')
        .datasource(DATASOURCE)
        .pieType(piechart.PieChartType.Donut)
        .reduceOptions(allRows())
        .withTarget(
          sqlQuery(`
SELECT c.status_category AS category, count(*) AS connectors
FROM connect.bi_connectors c
WHERE c.deleted_at IS NULL
GROUP BY 1
ORDER BY 1`),
        )
        .height(9)
        .span(12),
    )
    .withRow(new dashboard.RowBuilder('Ports and utilisation'))
    .withPanel(
      new table.PanelBuilder()
        .title('Ports below the line')
        .description('The 100 ports with the lowest uptime below 97 % over the dashboard range.')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT a.entity_id AS connector_id, c.evse, c.chargepoint_id, round(a.uptime_pct, 2) AS uptime_pct,
  round(a.outage_minutes, 1) AS outage_minutes, round(a.excluded_minutes, 1) AS excluded_minutes, round(a.observed_share * 100, 1) AS observed_pct
FROM connect.availability($__timeFrom(), $__timeTo(), 'connector') a
JOIN connect.bi_connectors c ON c.id = a.entity_id
WHERE a.uptime_pct < ${UPTIME_LINE}
ORDER BY a.uptime_pct, a.entity_id
LIMIT 100`),
        )
        .overrideByName('uptime_pct', uptimeCells())
        .height(10)
        .span(14),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Utilisation per day')
        .description('In-use minutes (charging, occupied, preparing, suspended) as a share of observed up minutes, per local day.')
        .datasource(DATASOURCE)
        .unit('percent')
        .min(0)
        .withTarget(
          sqlQuery(`
SELECT d.day_start AS time, d.utilisation_pct
FROM connect.daily_availability(${DAYS_OF_RANGE}, 'network') d
ORDER BY 1`),
        )
        .height(10)
        .span(10),
    );
}

export function drillDownDashboard(): dashboard.DashboardBuilder {
  return base(
    'connect-sync-drilldown',
    'connect-sync / Location and chargepoint',
    'One location and one of its chargepoints: uptime per port, the status timeline and the outages with their exclusions.',
  )
    .withVariable(
      new dashboard.QueryVariableBuilder('location')
        .label('Location')
        .datasource(DATASOURCE)
        .query(`SELECT l.id AS __value, coalesce(l.name, l.id) AS __text FROM connect.bi_locations l WHERE l.deleted_at IS NULL ORDER BY 2, 1`)
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .sort(dashboard.VariableSort.Disabled),
    )
    .withVariable(
      new dashboard.QueryVariableBuilder('chargepoint')
        .label('Chargepoint')
        .datasource(DATASOURCE)
        .query(
          `SELECT cp.id AS __value, coalesce(cp.public_name, cp.name, cp.id) AS __text FROM connect.bi_chargepoints cp WHERE cp.location_id = '$location' AND cp.deleted_at IS NULL ORDER BY 2, 1`,
        )
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .sort(dashboard.VariableSort.Disabled),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Location uptime')
        .description('Uptime of all ports of the location over the dashboard range.')
        .datasource(DATASOURCE)
        .unit('percent')
        .decimals(2)
        .thresholds(uptimeThresholds())
        .reduceOptions(lastRow().fields('/^uptime_pct$/'))
        .withTarget(
          sqlQuery(`
SELECT a.uptime_pct, a.observed_share * 100 AS observed_pct, a.connectors
FROM connect.availability($__timeFrom(), $__timeTo(), 'location', ARRAY['$location']) a`),
        )
        .height(8)
        .span(6),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Uptime per port')
        .description('Every port of the chargepoint over the dashboard range (minutes; uptime in percent).')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT a.entity_id AS connector_id, c.evse, c.type_name, round(a.uptime_pct, 2) AS uptime_pct, round(a.outage_minutes, 1) AS outage_minutes,
  round(a.excluded_minutes, 1) AS excluded_minutes, round(a.not_observed_minutes, 1) AS not_observed_minutes, round(a.utilisation_pct, 1) AS utilisation_pct
FROM connect.availability($__timeFrom(), $__timeTo(), 'connector', ARRAY(SELECT c2.id FROM connect.bi_connectors c2 WHERE c2.chargepoint_id = '$chargepoint')) a
JOIN connect.bi_connectors c ON c.id = a.entity_id
ORDER BY a.entity_id`),
        )
        .overrideByName('uptime_pct', uptimeCells())
        .height(8)
        .span(18),
    )
    .withPanel(
      new statetimeline.PanelBuilder()
        .title('Status timeline')
        .description('Status of every port of the chargepoint over the dashboard range, as received (one lane per connector).')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT greatest(s.valid_from, $__timeFrom()::timestamptz) AS time, s.connector_id, s.status
FROM connect.status_intervals s
WHERE s.connector_id = ANY (ARRAY(SELECT c.id FROM connect.bi_connectors c WHERE c.chargepoint_id = '$chargepoint'))
  AND s.valid_from < $__timeTo() AND s.valid_to_or_now > $__timeFrom()
ORDER BY 1, 2`),
        )
        .withTransformation({ id: 'partitionByValues', options: { fields: ['connector_id'], keepFields: false } })
        .height(9)
        .span(24),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Outages')
        .description('Runs of down/unknown status per port (EV-ChART outage module), with the exclusion windows they overlap.')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT coalesce(c.evse, o.connector_id) AS port_id, o.outage_start, o.outage_end, round(o.duration_minutes, 1) AS duration_minutes,
  o.statuses, round(o.excluded_minutes, 1) AS excluded_minutes, o.exclusion_reasons, o.ongoing
FROM connect.outages($__timeFrom(), $__timeTo(), ARRAY['$chargepoint'], 'chargepoint') o
LEFT JOIN connect.bi_connectors c ON c.id = o.connector_id
ORDER BY o.outage_start DESC, 1`),
        )
        .height(10)
        .span(24),
    );
}

export function healthDashboard(): dashboard.DashboardBuilder {
  return base(
    'connect-sync-health',
    'connect-sync / Data quality and sync health',
    'How much the worker saw, what it could not classify or accept, and how its runs went.',
  )
    .withVariable(tzVariable())
    .withPanel(
      new stat.PanelBuilder()
        .title('Time since the last successful status poll')
        .description('Age of the last successful chargepoints pass of any replica; /readyz fails after three poll intervals.')
        .datasource(DATASOURCE)
        .unit('s')
        .reduceOptions(lastRow().fields('/^seconds$/'))
        .thresholds(
          thresholds([
            { value: null, color: 'green' },
            { value: 180, color: 'red' },
          ]),
        )
        .withTarget(sqlQuery(`SELECT extract(epoch FROM now() - max(p.finished_at)) AS seconds FROM connect.status_passes p`))
        .height(7)
        .span(6),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Observation coverage per day')
        .description('Share of each local day the worker observed the network (the rest is neither up nor down).')
        .datasource(DATASOURCE)
        .unit('percent')
        .min(0)
        .max(100)
        .withTarget(
          sqlQuery(`
SELECT d.day_start AS time, d.observed_share * 100 AS observed_pct
FROM connect.daily_availability(${DAYS_OF_RANGE}, 'network') d
ORDER BY 1`),
        )
        .height(7)
        .span(18),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Least observed ports')
        .description('The 20 ports the worker saw least over the dashboard range.')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT a.entity_id AS connector_id, round(a.observed_share * 100, 1) AS observed_pct, round(a.not_observed_minutes, 1) AS not_observed_minutes
FROM connect.availability($__timeFrom(), $__timeTo(), 'connector') a
ORDER BY a.observed_share, a.entity_id
LIMIT 20`),
        )
        .height(9)
        .span(12),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Unmapped statuses')
        .description('Statuses without a row in connect.status_categories: they count as unknown (outage). Classify them with an INSERT of status_key.')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT u.status, u.status_key, u.intervals, u.connectors_now, round(u.minutes) AS minutes, u.last_seen
FROM connect.unmapped_statuses u
ORDER BY u.minutes DESC NULLS LAST, u.status`),
        )
        .height(9)
        .span(12),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Rejects by reason')
        .description('Records that failed validation in the dashboard range, by job and reason (the raw records stay in connect.sync_rejects).')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT j.job, j.entity, j.reason, count(*) AS rejects, max(j.created_at) AS last_seen
FROM connect.bi_sync_rejects j
WHERE $__timeFilter(j.created_at)
GROUP BY 1, 2, 3
ORDER BY 4 DESC, 1, 2, 3
LIMIT 100`),
        )
        .height(9)
        .span(12),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Runs by job and outcome')
        .description('Job runs started in the dashboard range, by outcome (succeeded, partial, failed, aborted, running).')
        .datasource(DATASOURCE)
        .withTarget(
          sqlQuery(`
SELECT r.job, r.status AS outcome, count(*) AS runs, max(r.started_at) AS last_started, round(avg(extract(epoch FROM r.duration))::numeric, 2) AS avg_seconds
FROM connect.bi_sync_runs r
WHERE $__timeFilter(r.started_at)
GROUP BY 1, 2
ORDER BY 1, 2`),
        )
        .height(9)
        .span(12),
    );
}

/** Every dashboard by its file name under grafana/dashboards/. */
export const DASHBOARDS: Record<string, () => dashboard.DashboardBuilder> = {
  'network.json': networkDashboard,
  'drilldown.json': drillDownDashboard,
  'health.json': healthDashboard,
};

/** The JSON written for a dashboard (stable key order as built, two-space indent, final newline). */
export function dashboardJson(builder: dashboard.DashboardBuilder): string {
  return JSON.stringify(builder.build(), null, 2) + '\n';
}
