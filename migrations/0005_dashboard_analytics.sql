-- Network-wide analytics fast enough for dashboards (issue 15), with the same figures as before.
--
-- connect._outages: the window over every interval of the period (2M rows for 90 days x 10k
-- connectors, read in connector order through the index) becomes a window over the outage
-- intervals only, read by a parallel scan: intervals of a connector never overlap
-- (status_history_no_overlap), so an outage interval continues a run exactly when the previous
-- *outage* interval ends where it begins, and the run goes on when the next one begins where it
-- ends. A run's figures come from running totals in that same order (no grouping, no sort), and
-- the rows leave in the order the report wants.
--
-- connect.daily_availability: aggregated straight to the entity (connector, chargepoint, location
-- or the whole network) and day in one parallel pass, instead of per connector and day (10k
-- connectors x 30 days) and then again per entity; the connectors present in the period are found
-- with one index probe each.
--
-- Views for the dashboards' sync-health panels, without raw records: bi_sync_runs, bi_sync_rejects.
-- _outages gains a column (the order of its rows), so it is dropped and created again.
DROP FUNCTION "connect"."_outages"(timestamptz, timestamptz, text[], text[], text[]);
--> statement-breakpoint
CREATE FUNCTION "connect"."_outages"(p_from timestamptz, p_to timestamptz, p_connector_ids text[], p_excluded_connector_ids text[], p_up text[])
RETURNS TABLE (connector_id text, outage_id text, outage_start timestamptz, outage_end timestamptz, status text, statuses text,
  intervals integer, ongoing boolean, observed_seconds numeric, not_observed_seconds numeric, excluded_seconds numeric, exclusion_reasons text,
  sort_key timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH windows AS MATERIALIZED (
  SELECT w.connector_id, w.windows FROM connect.exclusion_windows(p_from, p_to, p_excluded_connector_ids) w
),
marked AS (
  -- Only the outage intervals, in (connector, valid_from) order. Intervals of a connector never
  -- overlap, so an outage interval continues a run exactly when the previous outage interval ends
  -- where it begins (nothing can lie between them), and the run goes on when the next one begins
  -- where it ends.
  SELECT c.connector_id, c.status, c.valid_from, c.valid_to,
    greatest(c.valid_from, p_from) AS lo,
    least(coalesce(c.valid_to, c.observed_until), p_to) AS end_at,
    greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from) AS observed,
    -- Only connectors with exclusion windows look them up (most have none).
    CASE WHEN c.connector_id = ANY (p_excluded_connector_ids) THEN connect._duration(
      (SELECT w.windows FROM windows w WHERE w.connector_id = c.connector_id)
      * tstzmultirange(tstzrange(greatest(c.valid_from, p_from), greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from))))) END AS excluded,
    lag(c.status) OVER w AS prev_status,
    lag(c.valid_to) OVER w IS DISTINCT FROM c.valid_from AS starts_run,
    -- An open interval (valid_to null) has no successor: it always ends its run.
    c.valid_to IS NULL OR c.valid_to IS DISTINCT FROM lead(c.valid_from) OVER w AS ends_run
  FROM connect.interval_coverage(p_from, p_to, p_connector_ids) c
  WHERE NOT (c.status = ANY (p_up))
  WINDOW w AS (PARTITION BY c.connector_id ORDER BY c.valid_from)
),
running AS (
  -- Running totals per connector, in the same order (no sort, no grouping): a run's figures are
  -- the totals at its last interval less the totals before its first.
  SELECT m.*,
    max(CASE WHEN m.starts_run THEN m.lo END) OVER w AS outage_start,
    max(CASE WHEN m.starts_run THEN m.valid_from END) OVER w AS run_first_from,
    sum(m.observed) OVER w AS cum_observed,
    sum(m.excluded) OVER w AS cum_excluded,
    count(*) OVER w AS cum_n
  FROM marked m
  WINDOW w AS (PARTITION BY m.connector_id ORDER BY m.valid_from ROWS UNBOUNDED PRECEDING)
),
based AS (
  -- The totals just before the run's first interval (running totals only grow, so the latest
  -- run start holds the largest).
  SELECT r.*,
    max(CASE WHEN r.starts_run THEN r.cum_observed - r.observed END) OVER w AS base_observed,
    max(CASE WHEN r.starts_run THEN r.cum_excluded - r.excluded END) OVER w AS base_excluded,
    max(CASE WHEN r.starts_run THEN r.cum_n END) OVER w AS first_n
  FROM running r
  WINDOW w AS (PARTITION BY r.connector_id ORDER BY r.valid_from ROWS UNBOUNDED PRECEDING)
  -- The order the rows already have: said here and below, so that no sort is added for it
  -- (PostgreSQL loses track of it across nested window queries).
  ORDER BY r.connector_id, r.valid_from
),
runs AS (
  -- One row per run: its last interval. An open interval has no successor, so it ends its run.
  -- The first status and the distinct statuses of a run: its own for one interval, its
  -- predecessor's and its own for two, and for longer runs (few) read from the history, where a
  -- run's intervals are exactly the connector's intervals from its first to its last.
  SELECT b.connector_id, b.outage_start, b.end_at AS outage_end,
    CASE b.cum_n - b.first_n WHEN 0 THEN b.status WHEN 1 THEN b.prev_status
      ELSE (SELECT h.status FROM connect.status_history h WHERE h.connector_id = b.connector_id AND h.valid_from = b.run_first_from) END AS status,
    CASE b.cum_n - b.first_n WHEN 0 THEN b.status
      WHEN 1 THEN CASE WHEN b.prev_status = b.status THEN b.status
                       WHEN b.prev_status < b.status THEN b.prev_status || ', ' || b.status ELSE b.status || ', ' || b.prev_status END
      ELSE (SELECT string_agg(DISTINCT h.status, ', ' ORDER BY h.status) FROM connect.status_history h
            WHERE h.connector_id = b.connector_id AND h.valid_from >= b.run_first_from AND h.valid_from <= b.valid_from) END AS statuses,
    (b.cum_n - b.first_n + 1)::int AS intervals, b.valid_to IS NULL AS ongoing,
    b.cum_observed - b.base_observed AS observed, b.cum_excluded - b.base_excluded AS excluded, b.valid_from AS sort_key
  FROM based b
  WHERE b.ends_run
)
SELECT r.connector_id,
  r.connector_id || '@' || to_char(r.outage_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  r.outage_start, r.outage_end, r.status, r.statuses, r.intervals, r.ongoing,
  extract(epoch FROM r.observed), extract(epoch FROM (r.outage_end - r.outage_start) - r.observed),
  coalesce(extract(epoch FROM r.excluded), 0),
  CASE WHEN r.connector_id = ANY (p_excluded_connector_ids) THEN (
    SELECT string_agg(DISTINCT e.reason, '; ' ORDER BY e.reason)
    FROM connect.outage_exclusions e
    WHERE e.starts_at < r.outage_end AND e.ends_at > r.outage_start
      AND (e.connector_id = r.connector_id
           OR e.chargepoint_id = (SELECT cn.chargepoint_id FROM connect.connectors cn WHERE cn.id = r.connector_id))) END,
  r.sort_key
FROM runs r
WHERE r.outage_end > r.outage_start
ORDER BY r.connector_id, r.sort_key
$fn$;
--> statement-breakpoint
-- What connect.outages and connect.outage_csv_fields both need before the query: the arguments
-- checked, the connectors selected, those with exclusion windows, and the statuses that are up.
CREATE FUNCTION "connect"."_outage_inputs"(p_from timestamptz, p_to timestamptz, p_ids text[], p_level text,
  OUT connectors text[], OUT excluded text[], OUT up text[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM connect._check_arguments(p_from, p_to, p_level);
  connectors := connect._level_connectors(p_level, p_ids);
  excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(p_from, p_to, connectors) w);
  SELECT l.up INTO up FROM connect._status_lists() l;
END
$fn$;
--> statement-breakpoint
-- The outage list sorts and groups a few hundred thousand rows: in memory, not in temporary files.
CREATE OR REPLACE FUNCTION "connect"."outages"(p_from timestamptz, p_to timestamptz, p_ids text[] DEFAULT NULL, p_level text DEFAULT 'connector')
RETURNS TABLE (connector_id text, outage_id text, outage_start timestamptz, outage_end timestamptz, status text, statuses text,
  intervals integer, ongoing boolean, duration_minutes numeric, not_observed_minutes numeric, excluded_minutes numeric, exclusion_reasons text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
AS $fn$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM connect._outage_inputs(p_from, p_to, p_ids, p_level);
  RETURN QUERY EXECUTE $q$
    SELECT o.connector_id, o.outage_id, o.outage_start, o.outage_end, o.status, o.statuses, o.intervals, o.ongoing,
      o.observed_seconds / 60, o.not_observed_seconds / 60, o.excluded_seconds / 60, o.exclusion_reasons
    FROM connect._outages($1, $2, $3, $4, $5) o
    -- The same order as (connector_id, outage_start), and the one the rows come in: no sort.
    ORDER BY o.connector_id, o.sort_key
  $q$ USING p_from, p_to, v.connectors, v.excluded, v.up;
END
$fn$;
--> statement-breakpoint
-- Availability per entity (connector, chargepoint, location, or 'network': all connectors) and
-- local day. A connector with any interval in the period is present on every day of it (its
-- period minutes count), as before; entity-days without observed time still get their row.
CREATE FUNCTION "connect"."_entity_daily"(p_from date, p_to date, p_tz text, p_day_starts timestamptz[], p_level text, p_connector_ids text[],
  p_excluded_connector_ids text[], p_count_not_observed boolean, p_up text[], p_down text[], p_in_use text[])
RETURNS TABLE (entity_id text, day date, day_start timestamptz, day_end timestamptz, connectors integer, period_seconds numeric, up_seconds numeric,
  down_seconds numeric, unknown_seconds numeric, in_use_seconds numeric, excluded_seconds numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH days AS MATERIALIZED (
  SELECT (p_from + i) AS day, (i + 1)::int AS day_no,
    ((p_from + i)::timestamp AT TIME ZONE p_tz) AS day_start, ((p_from + i + 1)::timestamp AT TIME ZONE p_tz) AS day_end
  FROM generate_series(0, p_to - p_from - 1) AS i
),
-- The connectors present in the period (an interval overlaps it), with their entity. Intervals of
-- a connector never overlap (status_history_no_overlap), so the last one that starts before the
-- period's end is the one that reaches furthest: one backward index probe per connector.
present AS MATERIALIZED (
  SELECT c.id AS connector_id,
    CASE p_level WHEN 'connector' THEN c.id WHEN 'chargepoint' THEN c.chargepoint_id WHEN 'network' THEN 'network' ELSE cp.location_id END AS entity_id,
    -- A join key that also matches the null entity (chargepoints without a location).
    CASE p_level WHEN 'connector' THEN 'v' || c.id WHEN 'chargepoint' THEN 'v' || c.chargepoint_id WHEN 'network' THEN 'network' ELSE coalesce('v' || cp.location_id, 'n') END AS entity_key
  FROM connect.connectors c
  LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
  CROSS JOIN LATERAL (
    SELECT h.valid_to FROM connect.status_history h
    WHERE h.connector_id = c.id AND h.valid_from < (p_to::timestamp AT TIME ZONE p_tz)
    ORDER BY h.valid_from DESC LIMIT 1
  ) l
  WHERE (p_connector_ids IS NULL OR c.id = ANY (p_connector_ids))
    AND (l.valid_to IS NULL OR l.valid_to > (p_from::timestamp AT TIME ZONE p_tz))
),
entity_connectors AS (
  SELECT p.entity_key, min(p.entity_id) AS entity_id, count(*)::int AS connectors FROM present p GROUP BY p.entity_key
),
-- Observed time per entity, day, category and in-use flag: one parallel pass over the history,
-- each interval cut at the local midnights it spans (a binary search in the sorted day starts).
-- Observed time per entity and day: one parallel pass over the history, each interval cut at the
-- local midnights it spans (a binary search in the sorted day starts). A FILTER evaluates its
-- argument only for the rows it keeps, so each piece is measured once or twice, not four times.
entity_day AS (
  SELECT x.entity_key, x.day_no,
    sum(least(x.hi, coalesce(p_day_starts[x.day_no + 1], x.period_end)) - greatest(x.lo, p_day_starts[x.day_no])) FILTER (WHERE x.category = 1) AS up,
    sum(least(x.hi, coalesce(p_day_starts[x.day_no + 1], x.period_end)) - greatest(x.lo, p_day_starts[x.day_no])) FILTER (WHERE x.category = 2) AS down,
    sum(least(x.hi, coalesce(p_day_starts[x.day_no + 1], x.period_end)) - greatest(x.lo, p_day_starts[x.day_no])) FILTER (WHERE x.category = 3) AS unknown,
    sum(least(x.hi, coalesce(p_day_starts[x.day_no + 1], x.period_end)) - greatest(x.lo, p_day_starts[x.day_no])) FILTER (WHERE x.category = 1 AND x.in_use) AS in_use
  FROM (
    SELECT CASE p_level WHEN 'connector' THEN 'v' || s.connector_id WHEN 'chargepoint' THEN 'v' || c.chargepoint_id WHEN 'network' THEN 'network'
        ELSE coalesce('v' || cp.location_id, 'n') END AS entity_key,
      s.category, s.in_use, s.period_end, s.lo, s.hi, j.day_no
    FROM (
      SELECT i.connector_id,
        CASE WHEN i.status = ANY (p_up) THEN 1 WHEN i.status = ANY (p_down) THEN 2 ELSE 3 END AS category,
        i.status = ANY (p_in_use) AS in_use,
        (p_to::timestamp AT TIME ZONE p_tz) AS period_end,
        greatest(i.valid_from, (p_from::timestamp AT TIME ZONE p_tz)) AS lo,
        least(i.observed_until, (p_to::timestamp AT TIME ZONE p_tz)) AS hi
      FROM connect.interval_coverage((p_from::timestamp AT TIME ZONE p_tz), (p_to::timestamp AT TIME ZONE p_tz), p_connector_ids) i
    ) s
    -- Left joins (every connector has its row): for the connector and network levels, whose
    -- entity needs neither table, PostgreSQL removes them.
    LEFT JOIN connect.connectors c ON c.id = s.connector_id
    LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
    -- In FROM, so that each parallel worker aggregates its own share before the leader combines them.
    CROSS JOIN LATERAL generate_series(width_bucket(s.lo, p_day_starts), width_bucket(s.hi - interval '1 microsecond', p_day_starts)) AS j(day_no)
    WHERE s.hi > s.lo
  ) x
  GROUP BY x.entity_key, x.day_no
),
excluded AS (
  SELECT p.entity_key, x.slice_no AS day_no, sum(x.excluded_seconds) AS excluded_seconds
  FROM connect._excluded_seconds(p_day_starts, (p_to::timestamp AT TIME ZONE p_tz), p_excluded_connector_ids, p_count_not_observed) x
  JOIN present p ON p.connector_id = x.connector_id
  GROUP BY 1, 2
)
SELECT n.entity_id, d.day, d.day_start, d.day_end, n.connectors, n.connectors * extract(epoch FROM d.day_end - d.day_start),
  coalesce(extract(epoch FROM s.up), 0), coalesce(extract(epoch FROM s.down), 0), coalesce(extract(epoch FROM s.unknown), 0),
  coalesce(extract(epoch FROM s.in_use), 0), coalesce(x.excluded_seconds, 0)
FROM entity_connectors n CROSS JOIN days d
LEFT JOIN entity_day s ON s.entity_key = n.entity_key AND s.day_no = d.day_no
LEFT JOIN excluded x ON x.entity_key = n.entity_key AND x.day_no = d.day_no
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "connect"."daily_availability"(p_from date, p_to date, p_tz text DEFAULT 'UTC', p_level text DEFAULT 'connector', p_ids text[] DEFAULT NULL, p_count_not_observed boolean DEFAULT false)
RETURNS TABLE (day date, level text, entity_id text, connectors integer, day_start timestamptz, day_end timestamptz,
  period_minutes numeric, observed_minutes numeric, not_observed_minutes numeric,
  up_minutes numeric, down_minutes numeric, unknown_minutes numeric, in_use_minutes numeric, outage_minutes numeric, excluded_minutes numeric,
  uptime_pct numeric, observed_share numeric, utilisation_pct numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
-- generate_series with per-row bounds is estimated at 1000 rows per interval, so the planner would
-- sort ~100M estimated rows to group ~1M real ones; hashing is right here. A sort still happens
-- where nothing else can do (the final ORDER BY).
SET enable_sort = off
SET enable_incremental_sort = off
AS $fn$
DECLARE
  v_start timestamptz;
  v_end timestamptz;
  v_starts timestamptz[];
  v_connectors text[];
  v_excluded text[];
  v_up text[];
  v_down text[];
  v_in_use text[];
BEGIN
  BEGIN
    v_start := p_from::timestamp AT TIME ZONE p_tz;
    v_end := p_to::timestamp AT TIME ZONE p_tz;
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION 'time zone "%" is not known to PostgreSQL; use an IANA name such as Europe/Berlin or UTC', p_tz USING ERRCODE = '22023';
  END;
  -- 'network': every connector as one entity (entity_id 'network'; p_ids is ignored).
  PERFORM connect._check_arguments(v_start, v_end, CASE WHEN p_level = 'network' THEN 'connector' ELSE p_level END);
  v_starts := ARRAY(SELECT (p_from + i)::timestamp AT TIME ZONE p_tz FROM generate_series(0, p_to - p_from - 1) AS i ORDER BY i);
  v_connectors := CASE WHEN p_level = 'network' THEN NULL ELSE connect._level_connectors(p_level, p_ids) END;
  v_excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(v_start, v_end, v_connectors) w);
  SELECT l.up, l.down, l.in_use INTO v_up, v_down, v_in_use FROM connect._status_lists() l;
  RETURN QUERY EXECUTE $q$
    SELECT e.day, $5::text, e.entity_id, e.connectors, e.day_start, e.day_end, m.*
    FROM connect._entity_daily($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) e
    CROSS JOIN LATERAL connect._metrics(e.period_seconds, e.up_seconds, e.down_seconds, e.unknown_seconds, e.in_use_seconds, e.excluded_seconds, $8) m
    ORDER BY e.entity_id, e.day
  $q$ USING p_from, p_to, p_tz, v_starts, p_level, v_connectors, v_excluded, p_count_not_observed, v_up, v_down, v_in_use;
END
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."daily_availability"(date, date, text, text, text[], boolean) IS 'Availability per day (local midnights in time zone p_tz, so a daylight-saving day has 23 or 25 hours) and per connector, chargepoint, location or the whole network (p_level ''network'': one row per day, entity_id ''network''), for days p_from (inclusive) to p_to (exclusive). Same columns and definitions as connect.availability; the days of an entity add up to its connect.availability figures for the same period.';
--> statement-breakpoint
-- The old per-connector daily helper has no caller left.
DROP FUNCTION "connect"."_connector_daily"(date, date, text, timestamptz[], text[], text[], boolean, text[], text[], text[]);
--> statement-breakpoint
CREATE VIEW "connect"."bi_sync_runs" AS
SELECT r.id AS run_id, r.job, r.status, r.started_at, r.finished_at, r.finished_at - r.started_at AS duration, r.complete, r.pages, r.requests,
  r.records_seen, r.records_inserted, r.records_updated, r.records_unchanged, r.records_rejected, r.records_deleted, r.error
FROM connect.sync_runs r;
--> statement-breakpoint
COMMENT ON VIEW "connect"."bi_sync_runs" IS 'One row per job run (connect.sync_runs without host, pid and job details): status running, succeeded, partial, failed or aborted.';
--> statement-breakpoint
CREATE VIEW "connect"."bi_sync_rejects" AS
SELECT j.id AS reject_id, j.run_id, j.job, j.entity, j.entity_id, j.reason, j.created_at
FROM connect.sync_rejects j;
--> statement-breakpoint
COMMENT ON VIEW "connect"."bi_sync_rejects" IS 'Records that failed validation (connect.sync_rejects without the raw record, which may hold personal data): job, entity, upstream id, reason.';
--> statement-breakpoint
-- `report outages --format csv`: the outage list as the text of its CSV columns (those of
-- src/analytics/format/outages.ts; instants in p_tz), ordered as connect.outages orders them, for
-- COPY ... (FORMAT csv) to quote and join. One query from the history to the text, sorted once.
-- Empty text is returned as null, which COPY prints as an empty field (as the report does).
CREATE FUNCTION "connect"."outage_csv_fields"(p_from timestamptz, p_to timestamptz, p_tz text, p_ids text[] DEFAULT NULL)
RETURNS TABLE (port_id text, outage_id text, outage_duration text, outage_start text, outage_end text, status text, exclusion_reason text,
  excluded_minutes text, not_observed_minutes text, statuses text, ongoing text, connector_id text, chargepoint_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
-- Instants are printed by to_char in the report's zone (TZH:TZM = its offset then): the zone is set
-- below for this call only (this SET clause restores the caller's on return).
SET TimeZone = 'UTC'
AS $fn$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM connect._outage_inputs(p_from, p_to, p_ids, 'connector');
  PERFORM set_config('TimeZone', p_tz, true);
  RETURN QUERY EXECUTE $q$
    SELECT nullif(coalesce(c.evse, o.connector_id), ''), nullif(o.outage_id, ''), round(o.observed_seconds / 60, 2)::text,
      -- ISO 8601 with the offset; milliseconds (truncated, as a JavaScript Date keeps them) only when not zero.
      replace(to_char(o.outage_start, 'YYYY-MM-DD"T"HH24:MI:SS.MSTZH:TZM'), '.000', ''),
      replace(to_char(o.outage_end, 'YYYY-MM-DD"T"HH24:MI:SS.MSTZH:TZM'), '.000', ''),
      nullif(o.status, ''), nullif(o.exclusion_reasons, ''), round(o.excluded_seconds / 60, 2)::text, round(o.not_observed_seconds / 60, 2)::text,
      nullif(o.statuses, ''), o.ongoing::text, nullif(o.connector_id, ''), nullif(c.chargepoint_id, '')
    FROM connect._outages($1, $2, $3, $4, $5) o
    LEFT JOIN connect.connectors c ON c.id = o.connector_id
    ORDER BY o.connector_id, o.sort_key
  $q$ USING p_from, p_to, v.connectors, v.excluded, v.up;
END
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."outage_csv_fields"(timestamptz, timestamptz, text, text[]) IS 'connect.outages over [p_from, p_to) (all connectors, or those in p_ids) as the text of the outage CSV: port_id, outage_id, outage_duration, outage_start, outage_end (ISO 8601 in time zone p_tz), status, exclusion_reason, excluded_minutes, not_observed_minutes, statuses, ongoing, connector_id, chargepoint_id (minutes with two decimals; empty text as null).';
