-- Analytics layer: uptime and availability as regulators define them (DESIGN.md, "Uptime, as
-- regulators define it"), as SQL views and functions BI tools can query directly.
--
-- Observation model. A status interval is *observed* from its valid_from up to the last
-- successful status pass that still saw it; everything else is *not observed* (neither up nor
-- down). Status passes are connect.sync_runs rows with job 'chargepoints' and status 'succeeded'
-- (view connect.status_passes). For an interval i with successor n (the connector's next
-- interval), the passes that still saw i are those with
--     finished_at >= i.observed_at, finished_at < n.observed_at (when n exists), and, when i was
--     closed because the connector vanished (closed_reason 'deleted'), started_at < i.valid_to;
-- T_last(i) is the largest started_at among them, and the observed part of i is
--     [valid_from, least(coalesce(valid_to, infinity), greatest(valid_from, T_last))).
-- Implementation: L = the last pass (by finished_at, then started_at) that finished before the
-- bound b = n.observed_at (infinity without a successor; for 'deleted' intervals no later than
-- valid_to); T_last = L.started_at when L.finished_at >= i.observed_at, else none. Because one
-- run per job executes at a time (the job's advisory lock), succeeded passes never overlap and
-- this equals the definition; with overlapping passes it could only be earlier (never
-- overstating observed time). L is found either with two index probes per interval (small
-- selections) or, for large ones, with a binary search (width_bucket) over a sorted array of pass
-- times built once per query, so no per-interval scan over the passes ever happens.
--
-- All durations are exact: timestamp differences summed as intervals, converted once with
-- extract(epoch ...) (numeric seconds), minutes = seconds / 60. Nothing is rounded here.
--
-- Permissions: a BI role may read the views of this schema and call its functions, but not its
-- tables (connect-sync bi-role). So the inlinable SQL functions read views (status_history,
-- status_passes), and the report entry points (availability, daily_availability, outages) and
-- the small helpers that read tables run as their owner (SECURITY DEFINER, fixed search_path,
-- every name schema-qualified, arguments passed as parameters).

-- The coverage query reads the history in (connector_id, valid_from) order from this index alone
-- (index-only scan, no sort, no heap access).
CREATE INDEX IF NOT EXISTS "status_history_coverage_idx" ON "connect"."connector_status_history"
  USING btree ("connector_id", "valid_from") INCLUDE ("valid_to", "status", "observed_at", "closed_reason", "id");
--> statement-breakpoint
-- "Last successful status pass that finished before t": a backward index-only probe.
CREATE INDEX IF NOT EXISTS "sync_runs_status_passes_idx" ON "connect"."sync_runs"
  USING btree ("finished_at", "started_at") WHERE "job" = 'chargepoints' AND "status" = 'succeeded';
--> statement-breakpoint
-- Distinct statuses in a few index probes (loose index scan, connect.status_catalog).
CREATE INDEX IF NOT EXISTS "status_history_status_idx" ON "connect"."connector_status_history" USING btree ("status");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outage_exclusions_connector_idx" ON "connect"."outage_exclusions" USING btree ("connector_id") WHERE "connector_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outage_exclusions_chargepoint_idx" ON "connect"."outage_exclusions" USING btree ("chargepoint_id") WHERE "chargepoint_id" IS NOT NULL;
--> statement-breakpoint

CREATE VIEW "connect"."status_passes" AS
SELECT r.id AS run_id, r.started_at, r.finished_at
FROM connect.sync_runs r
WHERE r.job = 'chargepoints' AND r.status = 'succeeded' AND r.finished_at IS NOT NULL;
--> statement-breakpoint
COMMENT ON VIEW "connect"."status_passes" IS 'Successful status passes (sync_runs of job chargepoints that succeeded): the moments the worker looked at every connector. Observation coverage is derived from these.';
--> statement-breakpoint

-- The history as a view: what connect.interval_coverage reads, so that it also works for a
-- role that may read the views of this schema but not its tables (connect-sync bi-role).
CREATE VIEW "connect"."status_history" AS
SELECT h.id, h.connector_id, h.status, h.valid_from, h.valid_to, h.observed_at, h.upstream_updated_at, h.run_id, h.closed_reason
FROM connect.connector_status_history h;
--> statement-breakpoint
COMMENT ON VIEW "connect"."status_history" IS 'connect.connector_status_history as a view (no personal data): one row per status interval of a connector; valid_to NULL = current; observed_at = fetch time of the pass that first saw it; closed_reason deleted = closed because the connector vanished.';
--> statement-breakpoint

-- Statuses that count as "in use" for utilisation (a vehicle is connected).
CREATE FUNCTION "connect"."status_in_use"(p_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lower(p_status) IN ('occupied', 'charging', 'preparing', 'suspendedev', 'suspendedevse', 'finishing');
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."status_in_use"(text) IS 'True for statuses (case-insensitive) that mean a vehicle uses the connector: occupied, charging, preparing, suspendedev, suspendedevse, finishing. Utilisation = in-use minutes / observed up minutes.';
--> statement-breakpoint

-- Category of a status: status_categories looked up by lower(status); unlisted statuses are 'unknown'.
CREATE FUNCTION "connect"."status_category"(p_status text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
RETURN coalesce((SELECT sc.category FROM connect.status_categories sc WHERE sc.status = lower(p_status)), 'unknown');
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."status_category"(text) IS 'up / down / unknown for an upstream status, from connect.status_categories by lower(status); a status without a row is unknown.';
--> statement-breakpoint

-- Every status string seen (history and current connector statuses) with its category.
CREATE FUNCTION "connect"."status_catalog"() RETURNS TABLE (status text, category text, in_use boolean)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
WITH RECURSIVE seen AS (
  (SELECT h.status FROM connect.connector_status_history h ORDER BY h.status LIMIT 1)
  UNION ALL
  SELECT (SELECT h.status FROM connect.connector_status_history h WHERE h.status > s.status ORDER BY h.status LIMIT 1)
  FROM seen s WHERE s.status IS NOT NULL
)
SELECT x.status, connect.status_category(x.status), connect.status_in_use(x.status)
FROM (SELECT s.status FROM seen s WHERE s.status IS NOT NULL
      UNION SELECT c.status FROM connect.connectors c WHERE c.status IS NOT NULL) x
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."status_catalog"() IS 'Every distinct status string in the history and in connectors, with its category (connect.status_category) and whether it means in use (connect.status_in_use).';
--> statement-breakpoint

-- The catalog as three arrays of exact status strings, so that queries over millions of
-- intervals classify a row with "status = ANY (...)" instead of a join or lower() per row.
CREATE FUNCTION "connect"."_status_lists"(OUT up text[], OUT down text[], OUT in_use text[])
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
SELECT coalesce(array_agg(c.status ORDER BY c.status) FILTER (WHERE c.category = 'up'), '{}'),
       coalesce(array_agg(c.status ORDER BY c.status) FILTER (WHERE c.category = 'down'), '{}'),
       coalesce(array_agg(c.status ORDER BY c.status) FILTER (WHERE c.category = 'up' AND c.in_use), '{}')
FROM connect.status_catalog() c
$fn$;
--> statement-breakpoint

-- The core: every status interval overlapping [p_from, p_to) (optionally only some connectors)
-- with the time up to which it was observed. An inlinable SQL function, so callers' filters and
-- constant arguments reach the planner.
CREATE FUNCTION "connect"."interval_coverage"(p_from timestamptz, p_to timestamptz, p_connector_ids text[] DEFAULT NULL)
RETURNS TABLE (
  interval_id bigint, connector_id text, status text, valid_from timestamptz, valid_to timestamptz,
  observed_at timestamptz, closed_reason text, next_observed_at timestamptz,
  confirmed_at timestamptz, observed_until timestamptz
)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH pass_arrays AS MATERIALIZED (
  -- Only evaluated for large selections (see "k" below). finished_at is stored plus one
  -- microsecond, so that width_bucket(bound, ...) counts the passes that finished strictly before
  -- the bound. Passes that finished more than a week before p_from are left out; an interval
  -- whose bound precedes every pass here falls back to the index probes, so the result does not
  -- depend on this cut.
  SELECT array_agg(p.finished_at + interval '1 microsecond' ORDER BY p.finished_at, p.started_at) AS finished_after,
         array_agg(p.started_at ORDER BY p.finished_at, p.started_at) AS started
  FROM connect.status_passes p
  WHERE p.finished_at >= p_from - interval '7 days'
),
seq AS (
  SELECT h.id, h.connector_id, h.status, h.valid_from, h.valid_to, h.observed_at, h.closed_reason,
    -- The successor's first observation: the next row in the window, or (for the last row in the
    -- selection) the connector's next interval, which may start after p_to.
    coalesce(lead(h.observed_at) OVER w, CASE WHEN h.valid_to IS NOT NULL THEN (
      SELECT n.observed_at FROM connect.status_history n
      WHERE n.connector_id = h.connector_id AND n.valid_from >= h.valid_to ORDER BY n.valid_from LIMIT 1) END) AS next_observed_at,
    -- Large selections: the number of passes in pass_arrays that finished before the bound (the
    -- bound as in "bounded" below, repeated here so that it is computed in the same pass).
    CASE WHEN p_connector_ids IS NULL OR cardinality(p_connector_ids) > 100 THEN
      width_bucket(
        CASE WHEN h.closed_reason = 'deleted'
          THEN least(coalesce(lead(h.observed_at) OVER w, CASE WHEN h.valid_to IS NOT NULL THEN (
                 SELECT n.observed_at FROM connect.status_history n
                 WHERE n.connector_id = h.connector_id AND n.valid_from >= h.valid_to ORDER BY n.valid_from LIMIT 1) END, 'infinity'),
               h.valid_to + interval '1 microsecond')
          ELSE coalesce(lead(h.observed_at) OVER w, CASE WHEN h.valid_to IS NOT NULL THEN (
                 SELECT n.observed_at FROM connect.status_history n
                 WHERE n.connector_id = h.connector_id AND n.valid_from >= h.valid_to ORDER BY n.valid_from LIMIT 1) END, 'infinity')
        END,
        (SELECT pa.finished_after FROM pass_arrays pa))
    END AS k
  FROM connect.status_history h
  WHERE h.valid_from < p_to AND (h.valid_to IS NULL OR h.valid_to > p_from)
    AND (p_connector_ids IS NULL OR h.connector_id = ANY (p_connector_ids))
  WINDOW w AS (PARTITION BY h.connector_id ORDER BY h.valid_from)
),
bounded AS (
  SELECT s.*,
    CASE WHEN s.closed_reason = 'deleted'
      THEN least(coalesce(s.next_observed_at, 'infinity'), s.valid_to + interval '1 microsecond')
      ELSE coalesce(s.next_observed_at, 'infinity') END AS bound
  FROM seq s
),
last_pass AS (
  SELECT b.*,
    -- L, the last pass that finished before the bound: its finished_at plus one microsecond, and
    -- its started_at.
    CASE WHEN b.k > 0 THEN (SELECT pa.finished_after FROM pass_arrays pa)[b.k]
      ELSE (SELECT p.finished_at + interval '1 microsecond' FROM connect.status_passes p WHERE p.finished_at < b.bound
            ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) END AS pass_finished_after,
    CASE WHEN b.k > 0 THEN (SELECT pa.started FROM pass_arrays pa)[b.k]
      ELSE (SELECT p.started_at FROM connect.status_passes p WHERE p.finished_at < b.bound
            ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) END AS pass_started_at
  FROM bounded b
),
confirmed AS (
  SELECT l.*, CASE WHEN l.pass_finished_after > l.observed_at THEN l.pass_started_at END AS confirmed_at
  FROM last_pass l
)
SELECT c.id, c.connector_id, c.status, c.valid_from, c.valid_to, c.observed_at, c.closed_reason, c.next_observed_at,
  c.confirmed_at,
  least(coalesce(c.valid_to, 'infinity'), greatest(c.valid_from, c.confirmed_at)) AS observed_until
FROM confirmed c
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."interval_coverage"(timestamptz, timestamptz, text[]) IS 'Status intervals overlapping [p_from, p_to) (all connectors, or those in p_connector_ids) with confirmed_at = start of the last successful status pass that still saw the interval (T_last, null if none did) and observed_until = least(valid_to, greatest(valid_from, confirmed_at)): the interval is observed on [valid_from, observed_until). Not clipped to the period.';
--> statement-breakpoint

-- Total length of a multirange (used for exclusion windows, which are always finite here).
CREATE FUNCTION "connect"."_duration"(p_ranges tstzmultirange) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT coalesce(sum(upper(r) - lower(r)), interval '0') FROM unnest(p_ranges) AS r);
--> statement-breakpoint

-- Exclusion windows per connector (its own and its chargepoint's), merged so that overlapping
-- windows count once, clipped to [p_from, p_to).
CREATE FUNCTION "connect"."exclusion_windows"(p_from timestamptz, p_to timestamptz, p_connector_ids text[] DEFAULT NULL)
RETURNS TABLE (connector_id text, windows tstzmultirange, reasons text)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT x.connector_id,
  range_agg(tstzrange(greatest(x.starts_at, p_from), least(x.ends_at, p_to))) AS windows,
  string_agg(DISTINCT x.reason, '; ' ORDER BY x.reason) AS reasons
FROM (
  SELECT e.connector_id, e.starts_at, e.ends_at, e.reason FROM connect.outage_exclusions e WHERE e.connector_id IS NOT NULL
  UNION ALL
  SELECT c.id, e.starts_at, e.ends_at, e.reason FROM connect.outage_exclusions e JOIN connect.connectors c ON c.chargepoint_id = e.chargepoint_id
) x
WHERE x.starts_at < p_to AND x.ends_at > p_from AND (p_connector_ids IS NULL OR x.connector_id = ANY (p_connector_ids))
GROUP BY x.connector_id
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."exclusion_windows"(timestamptz, timestamptz, text[]) IS 'Per connector: the union of the outage_exclusions windows declared for it or for its chargepoint, clipped to [p_from, p_to) (overlapping windows counted once), and their reasons.';
--> statement-breakpoint

-- Connectors selected by a level and entity ids (NULL ids = all connectors).
CREATE FUNCTION "connect"."_level_connectors"(p_level text, p_ids text[]) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
RETURN CASE
  WHEN p_ids IS NULL THEN NULL
  WHEN p_level = 'connector' THEN p_ids
  WHEN p_level = 'chargepoint' THEN ARRAY(SELECT c.id FROM connect.connectors c WHERE c.chargepoint_id = ANY (p_ids) ORDER BY c.id)
  ELSE ARRAY(SELECT c.id FROM connect.connectors c JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id WHERE cp.location_id = ANY (p_ids) ORDER BY c.id)
END;
--> statement-breakpoint

-- Excluded outage seconds per connector and slice. Slices are [p_starts[j], p_starts[j+1]) with
-- the last one ending at p_to. Without p_count_not_observed: observed down/unknown time inside the
-- connector's exclusion windows. With it (not observed counts as outage): window time in the slice
-- minus observed up time inside the windows.
CREATE FUNCTION "connect"."_excluded_seconds"(p_starts timestamptz[], p_to timestamptz, p_connector_ids text[], p_count_not_observed boolean)
RETURNS TABLE (connector_id text, slice_no integer, excluded_seconds numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH slices AS MATERIALIZED (
  SELECT s.slice_no::int AS slice_no, s.start_at, coalesce(lead(s.start_at) OVER (ORDER BY s.slice_no), p_to) AS end_at
  FROM unnest(p_starts) WITH ORDINALITY AS s(start_at, slice_no)
),
windows AS MATERIALIZED (
  SELECT w.connector_id, w.windows FROM connect.exclusion_windows(p_starts[1], p_to, p_connector_ids) w
),
segments AS (
  SELECT c.connector_id, connect.status_category(c.status) AS category,
    greatest(c.valid_from, p_starts[1]) AS lo, least(c.observed_until, p_to) AS hi
  FROM connect.interval_coverage(p_starts[1], p_to, p_connector_ids) c
  WHERE c.connector_id IN (SELECT w.connector_id FROM windows w)
  OFFSET 0
),
inside AS (
  SELECT s.connector_id, sl.slice_no, s.category,
    connect._duration(w.windows * tstzmultirange(tstzrange(greatest(s.lo, sl.start_at), least(s.hi, sl.end_at)))) AS d
  FROM segments s JOIN windows w ON w.connector_id = s.connector_id
  JOIN slices sl ON sl.start_at < s.hi AND sl.end_at > s.lo
  WHERE s.hi > s.lo
),
per_slice AS (
  SELECT i.connector_id, i.slice_no,
    sum(i.d) FILTER (WHERE i.category = 'up') AS up_inside,
    sum(i.d) FILTER (WHERE i.category <> 'up') AS outage_inside
  FROM inside i GROUP BY i.connector_id, i.slice_no
)
SELECT w.connector_id, sl.slice_no,
  extract(epoch FROM CASE WHEN p_count_not_observed
    THEN connect._duration(w.windows * tstzmultirange(tstzrange(sl.start_at, sl.end_at))) - coalesce(p.up_inside, interval '0')
    ELSE coalesce(p.outage_inside, interval '0') END) AS excluded_seconds
FROM windows w CROSS JOIN slices sl
LEFT JOIN per_slice p ON p.connector_id = w.connector_id AND p.slice_no = sl.slice_no
$fn$;
--> statement-breakpoint

-- Per connector over [p_from, p_to): observed seconds by category, in-use seconds, excluded
-- seconds. Connectors appear when at least one of their intervals overlaps the period.
CREATE FUNCTION "connect"."_connector_totals"(p_from timestamptz, p_to timestamptz, p_connector_ids text[], p_excluded_connector_ids text[],
  p_count_not_observed boolean, p_up text[], p_down text[], p_in_use text[])
RETURNS TABLE (connector_id text, period_seconds numeric, up_seconds numeric, down_seconds numeric, unknown_seconds numeric, in_use_seconds numeric, excluded_seconds numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH totals AS (
  SELECT c.connector_id,
    sum(greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from)) FILTER (WHERE c.status = ANY (p_up)) AS up,
    sum(greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from)) FILTER (WHERE c.status = ANY (p_down)) AS down,
    sum(greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from))
      FILTER (WHERE NOT (c.status = ANY (p_up) OR c.status = ANY (p_down))) AS unknown,
    sum(greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from)) FILTER (WHERE c.status = ANY (p_in_use)) AS in_use
  FROM connect.interval_coverage(p_from, p_to, p_connector_ids) c
  GROUP BY c.connector_id
)
SELECT t.connector_id, extract(epoch FROM p_to - p_from),
  coalesce(extract(epoch FROM t.up), 0), coalesce(extract(epoch FROM t.down), 0), coalesce(extract(epoch FROM t.unknown), 0),
  coalesce(extract(epoch FROM t.in_use), 0), coalesce(x.excluded_seconds, 0)
FROM totals t
LEFT JOIN connect._excluded_seconds(ARRAY[p_from], p_to, p_excluded_connector_ids, p_count_not_observed) x ON x.connector_id = t.connector_id
$fn$;
--> statement-breakpoint

-- The same per connector and day: local midnights of p_tz from p_from (inclusive) to p_to
-- (exclusive); p_day_starts are those midnights as timestamptz (the caller computes them once).
-- Every connector with an interval in the period gets a row for every day.
CREATE FUNCTION "connect"."_connector_daily"(p_from date, p_to date, p_tz text, p_day_starts timestamptz[], p_connector_ids text[],
  p_excluded_connector_ids text[], p_count_not_observed boolean, p_up text[], p_down text[], p_in_use text[])
RETURNS TABLE (connector_id text, day date, day_start timestamptz, day_end timestamptz, period_seconds numeric, up_seconds numeric, down_seconds numeric, unknown_seconds numeric, in_use_seconds numeric, excluded_seconds numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH days AS MATERIALIZED (
  SELECT (p_from + i) AS day, (i + 1)::int AS day_no,
    ((p_from + i)::timestamp AT TIME ZONE p_tz) AS day_start, ((p_from + i + 1)::timestamp AT TIME ZONE p_tz) AS day_end
  FROM generate_series(0, p_to - p_from - 1) AS i
),
segments AS (
  SELECT c.connector_id,
    CASE WHEN c.status = ANY (p_up) THEN 'up' WHEN c.status = ANY (p_down) THEN 'down' ELSE 'unknown' END AS category,
    c.status = ANY (p_in_use) AS in_use,
    greatest(c.valid_from, (p_from::timestamp AT TIME ZONE p_tz)) AS lo,
    least(c.observed_until, (p_to::timestamp AT TIME ZONE p_tz)) AS hi
  FROM connect.interval_coverage((p_from::timestamp AT TIME ZONE p_tz), (p_to::timestamp AT TIME ZONE p_tz), p_connector_ids) c
  OFFSET 0
),
present AS (
  SELECT DISTINCT g.connector_id FROM segments g
),
pieces AS (
  SELECT g.connector_id, g.category, g.in_use, d.day_no,
    least(g.hi, d.day_end) - greatest(g.lo, d.day_start) AS d
  FROM segments g
  CROSS JOIN LATERAL generate_series(width_bucket(g.lo, p_day_starts), width_bucket(g.hi - interval '1 microsecond', p_day_starts)) AS j(day_no)
  JOIN days d ON d.day_no = j.day_no
  WHERE g.hi > g.lo
),
per_day AS (
  SELECT p.connector_id, p.day_no,
    sum(p.d) FILTER (WHERE p.category = 'up') AS up,
    sum(p.d) FILTER (WHERE p.category = 'down') AS down,
    sum(p.d) FILTER (WHERE p.category = 'unknown') AS unknown,
    sum(p.d) FILTER (WHERE p.in_use) AS in_use
  FROM pieces p GROUP BY p.connector_id, p.day_no
)
SELECT c.connector_id, d.day, d.day_start, d.day_end, extract(epoch FROM d.day_end - d.day_start),
  coalesce(extract(epoch FROM p.up), 0), coalesce(extract(epoch FROM p.down), 0), coalesce(extract(epoch FROM p.unknown), 0),
  coalesce(extract(epoch FROM p.in_use), 0), coalesce(x.excluded_seconds, 0)
FROM present c CROSS JOIN days d
LEFT JOIN per_day p ON p.connector_id = c.connector_id AND p.day_no = d.day_no
LEFT JOIN connect._excluded_seconds(p_day_starts, (p_to::timestamp AT TIME ZONE p_tz), p_excluded_connector_ids, p_count_not_observed) x
  ON x.connector_id = c.connector_id AND x.slice_no = d.day_no
$fn$;
--> statement-breakpoint

-- Outages (NEVI quarterly / EV-ChART outage module): maximal runs of consecutive down/unknown
-- intervals of a connector (a gap between intervals or an up interval ends a run), clipped to
-- [p_from, p_to). A run's end is its last interval's valid_to, or for a still open interval the
-- time up to which it was observed. observed_seconds counts only observed outage time, so the
-- outages of a connector add up to its T_outage in connect.availability.
CREATE FUNCTION "connect"."_outages"(p_from timestamptz, p_to timestamptz, p_connector_ids text[], p_excluded_connector_ids text[], p_up text[])
RETURNS TABLE (connector_id text, outage_id text, outage_start timestamptz, outage_end timestamptz, status text, statuses text,
  intervals integer, ongoing boolean, observed_seconds numeric, not_observed_seconds numeric, excluded_seconds numeric, exclusion_reasons text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH marked AS (
  SELECT c.connector_id, c.status, c.valid_from, c.valid_to, c.observed_until, NOT (c.status = ANY (p_up)) AS is_outage,
    CASE WHEN NOT (c.status = ANY (p_up))
      AND NOT (coalesce(NOT (lag(c.status) OVER w = ANY (p_up)), false) AND lag(c.valid_to) OVER w = c.valid_from) THEN 1 ELSE 0 END AS starts_run
  FROM connect.interval_coverage(p_from, p_to, p_connector_ids) c
  WINDOW w AS (PARTITION BY c.connector_id ORDER BY c.valid_from)
),
runs AS (
  SELECT m.*, sum(m.starts_run) OVER (PARTITION BY m.connector_id ORDER BY m.valid_from) AS run_no FROM marked m
),
pieces AS (
  SELECT r.connector_id, r.run_no, r.status, r.valid_from, r.valid_to,
    greatest(r.valid_from, p_from) AS lo,
    least(coalesce(r.valid_to, r.observed_until), p_to) AS end_at,
    greatest(least(r.observed_until, p_to), greatest(r.valid_from, p_from)) AS observed_hi
  FROM runs r WHERE r.is_outage
  OFFSET 0
),
windows AS MATERIALIZED (
  SELECT w.connector_id, w.windows FROM connect.exclusion_windows(p_from, p_to, p_excluded_connector_ids) w
),
grouped AS (
  SELECT p.connector_id, min(p.lo) AS outage_start, max(p.end_at) AS outage_end,
    (array_agg(p.status ORDER BY p.valid_from))[1] AS status,
    string_agg(DISTINCT p.status, ', ' ORDER BY p.status) AS statuses,
    count(*)::int AS intervals,
    bool_or(p.valid_to IS NULL) AS ongoing,
    sum(p.observed_hi - p.lo) AS observed,
    sum(CASE WHEN w.windows IS NOT NULL THEN connect._duration(w.windows * tstzmultirange(tstzrange(p.lo, p.observed_hi))) END) AS excluded
  FROM pieces p LEFT JOIN windows w ON w.connector_id = p.connector_id
  GROUP BY p.connector_id, p.run_no
)
SELECT g.connector_id,
  g.connector_id || '@' || to_char(g.outage_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  g.outage_start, g.outage_end, g.status, g.statuses, g.intervals, g.ongoing,
  extract(epoch FROM g.observed), extract(epoch FROM (g.outage_end - g.outage_start) - g.observed),
  coalesce(extract(epoch FROM g.excluded), 0),
  CASE WHEN g.connector_id = ANY (p_excluded_connector_ids) THEN (
    SELECT string_agg(DISTINCT e.reason, '; ' ORDER BY e.reason)
    FROM connect.outage_exclusions e
    WHERE e.starts_at < g.outage_end AND e.ends_at > g.outage_start
      AND (e.connector_id = g.connector_id
           OR e.chargepoint_id = (SELECT cn.chargepoint_id FROM connect.connectors cn WHERE cn.id = g.connector_id))) END
FROM grouped g
WHERE g.outage_end > g.outage_start
$fn$;
--> statement-breakpoint

-- Derived figures from summed seconds (NEVI 23 CFR 680.116(b), generalised to any period).
CREATE FUNCTION "connect"."_metrics"(p_period numeric, p_up numeric, p_down numeric, p_unknown numeric, p_in_use numeric, p_excluded numeric, p_count_not_observed boolean)
RETURNS TABLE (period_minutes numeric, observed_minutes numeric, not_observed_minutes numeric, up_minutes numeric, down_minutes numeric,
  unknown_minutes numeric, in_use_minutes numeric, outage_minutes numeric, excluded_minutes numeric, uptime_pct numeric, observed_share numeric, utilisation_pct numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
SELECT p_period / 60, (p_up + p_down + p_unknown) / 60, (p_period - p_up - p_down - p_unknown) / 60,
  p_up / 60, p_down / 60, p_unknown / 60, p_in_use / 60,
  (p_down + p_unknown + CASE WHEN p_count_not_observed THEN p_period - p_up - p_down - p_unknown ELSE 0 END) / 60,
  p_excluded / 60,
  CASE WHEN p_period > 0 THEN
    (p_period - (p_down + p_unknown + CASE WHEN p_count_not_observed THEN p_period - p_up - p_down - p_unknown ELSE 0 END - p_excluded)) / p_period * 100 END,
  CASE WHEN p_period > 0 THEN (p_up + p_down + p_unknown) / p_period END,
  CASE WHEN p_up > 0 THEN p_in_use / p_up * 100 END
$fn$;
--> statement-breakpoint

CREATE FUNCTION "connect"."_check_arguments"(p_from timestamptz, p_to timestamptz, p_level text) RETURNS void
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR NOT p_from < p_to THEN
    RAISE EXCEPTION 'the period start (%) must be before its end (%); periods are half-open [from, to)', p_from, p_to USING ERRCODE = '22023';
  END IF;
  IF p_level IS NULL OR p_level NOT IN ('connector', 'chargepoint', 'location') THEN
    RAISE EXCEPTION 'unknown level "%"; use connector, chargepoint or location', p_level USING ERRCODE = '22023';
  END IF;
END
$fn$;
--> statement-breakpoint

CREATE FUNCTION "connect"."availability"(p_from timestamptz, p_to timestamptz, p_level text DEFAULT 'connector', p_ids text[] DEFAULT NULL,
  p_count_not_observed boolean DEFAULT false, p_shard integer DEFAULT 0, p_shards integer DEFAULT 1)
RETURNS TABLE (level text, entity_id text, connectors integer, period_minutes numeric, observed_minutes numeric, not_observed_minutes numeric,
  up_minutes numeric, down_minutes numeric, unknown_minutes numeric, in_use_minutes numeric, outage_minutes numeric, excluded_minutes numeric,
  uptime_pct numeric, observed_share numeric, utilisation_pct numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
  v_connectors text[];
  v_excluded text[];
  v_up text[];
  v_down text[];
  v_in_use text[];
BEGIN
  PERFORM connect._check_arguments(p_from, p_to, p_level);
  IF p_shards IS NULL OR p_shards < 1 OR p_shard IS NULL OR p_shard < 0 OR p_shard >= p_shards THEN
    RAISE EXCEPTION 'shard % of % does not exist; use 0 <= p_shard < p_shards', p_shard, p_shards USING ERRCODE = '22023';
  END IF;
  v_connectors := connect._level_connectors(p_level, p_ids);
  IF p_shards > 1 THEN
    -- One of p_shards disjoint parts, split by entity so that every entity is complete in one part.
    v_connectors := ARRAY(
      SELECT c.id FROM connect.connectors c LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
      WHERE (v_connectors IS NULL OR c.id = ANY (v_connectors))
        AND (hashtext(coalesce(CASE p_level WHEN 'connector' THEN c.id WHEN 'chargepoint' THEN c.chargepoint_id ELSE cp.location_id END, '')) & 2147483647) % p_shards = p_shard
      ORDER BY c.id);
  END IF;
  v_excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(p_from, p_to, v_connectors) w);
  SELECT l.up, l.down, l.in_use INTO v_up, v_down, v_in_use FROM connect._status_lists() l;
  -- EXECUTE plans once with the actual arguments as constants, so the inlined SQL functions get
  -- the plan for exactly this selection (all connectors or a few).
  RETURN QUERY EXECUTE $q$
    SELECT $6::text, a.entity_id, a.connectors, m.*
    FROM (
      SELECT e.entity_id, count(*)::int AS connectors, sum(e.period_seconds) AS period_s, sum(e.up_seconds) AS up_s,
        sum(e.down_seconds) AS down_s, sum(e.unknown_seconds) AS unknown_s, sum(e.in_use_seconds) AS in_use_s, sum(e.excluded_seconds) AS excluded_s
      FROM (
        SELECT CASE $6 WHEN 'connector' THEN t.connector_id WHEN 'chargepoint' THEN c.chargepoint_id ELSE cp.location_id END AS entity_id, t.*
        FROM connect._connector_totals($1, $2, $3, $4, $5, $7, $8, $9) t
        JOIN connect.connectors c ON c.id = t.connector_id
        LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
      ) e
      GROUP BY e.entity_id
    ) a
    CROSS JOIN LATERAL connect._metrics(a.period_s, a.up_s, a.down_s, a.unknown_s, a.in_use_s, a.excluded_s, $5) m
    ORDER BY a.entity_id
  $q$ USING p_from, p_to, v_connectors, v_excluded, p_count_not_observed, p_level, v_up, v_down, v_in_use;
END
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."availability"(timestamptz, timestamptz, text, text[], boolean, integer, integer) IS 'Uptime per connector, chargepoint or location (p_level) over [p_from, p_to), NEVI 23 CFR 680.116(b) generalised: period_minutes = connectors x period length; outage = observed down + unknown minutes (plus not observed minutes when p_count_not_observed); excluded = outage minutes inside outage_exclusions windows (overlaps counted once); uptime_pct = (period - (outage - excluded)) / period x 100. observed_share = observed / period (0..1); utilisation_pct = in-use minutes / observed up minutes x 100 (see status_in_use). p_ids limits the entities (ids of the level). Connectors count when one of their intervals overlaps the period; time before their first interval or between intervals is not observed. Values are exact (not rounded). p_shard/p_shards select one of several disjoint parts (by entity), so that a large report can run as concurrent queries.';
--> statement-breakpoint

CREATE FUNCTION "connect"."daily_availability"(p_from date, p_to date, p_tz text DEFAULT 'UTC', p_level text DEFAULT 'connector', p_ids text[] DEFAULT NULL, p_count_not_observed boolean DEFAULT false)
RETURNS TABLE (day date, level text, entity_id text, connectors integer, day_start timestamptz, day_end timestamptz,
  period_minutes numeric, observed_minutes numeric, not_observed_minutes numeric,
  up_minutes numeric, down_minutes numeric, unknown_minutes numeric, in_use_minutes numeric, outage_minutes numeric, excluded_minutes numeric,
  uptime_pct numeric, observed_share numeric, utilisation_pct numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
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
  PERFORM connect._check_arguments(v_start, v_end, p_level);
  v_starts := ARRAY(SELECT (p_from + i)::timestamp AT TIME ZONE p_tz FROM generate_series(0, p_to - p_from - 1) AS i ORDER BY i);
  v_connectors := connect._level_connectors(p_level, p_ids);
  v_excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(v_start, v_end, v_connectors) w);
  SELECT l.up, l.down, l.in_use INTO v_up, v_down, v_in_use FROM connect._status_lists() l;
  RETURN QUERY EXECUTE $q$
    SELECT a.day, $7::text, a.entity_id, a.connectors, a.day_start, a.day_end, m.*
    FROM (
      SELECT e.day, e.entity_id, min(e.day_start) AS day_start, min(e.day_end) AS day_end, count(*)::int AS connectors,
        sum(e.period_seconds) AS period_s, sum(e.up_seconds) AS up_s, sum(e.down_seconds) AS down_s, sum(e.unknown_seconds) AS unknown_s,
        sum(e.in_use_seconds) AS in_use_s, sum(e.excluded_seconds) AS excluded_s
      FROM (
        SELECT CASE $7 WHEN 'connector' THEN t.connector_id WHEN 'chargepoint' THEN c.chargepoint_id ELSE cp.location_id END AS entity_id, t.*
        FROM connect._connector_daily($1, $2, $3, $4, $5, $6, $8, $9, $10, $11) t
        JOIN connect.connectors c ON c.id = t.connector_id
        LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
      ) e
      GROUP BY e.day, e.entity_id
    ) a
    CROSS JOIN LATERAL connect._metrics(a.period_s, a.up_s, a.down_s, a.unknown_s, a.in_use_s, a.excluded_s, $8) m
    ORDER BY a.entity_id, a.day
  $q$ USING p_from, p_to, p_tz, v_starts, v_connectors, v_excluded, p_level, p_count_not_observed, v_up, v_down, v_in_use;
END
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."daily_availability"(date, date, text, text, text[], boolean) IS 'Availability per day (local midnights in time zone p_tz, so a daylight-saving day has 23 or 25 hours) and per connector, chargepoint or location, for days p_from (inclusive) to p_to (exclusive). Same columns and definitions as connect.availability; the days of an entity add up to its connect.availability figures for the same period.';
--> statement-breakpoint

CREATE FUNCTION "connect"."outages"(p_from timestamptz, p_to timestamptz, p_ids text[] DEFAULT NULL, p_level text DEFAULT 'connector')
RETURNS TABLE (connector_id text, outage_id text, outage_start timestamptz, outage_end timestamptz, status text, statuses text,
  intervals integer, ongoing boolean, duration_minutes numeric, not_observed_minutes numeric, excluded_minutes numeric, exclusion_reasons text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
  v_connectors text[];
  v_excluded text[];
  v_up text[];
BEGIN
  PERFORM connect._check_arguments(p_from, p_to, p_level);
  v_connectors := connect._level_connectors(p_level, p_ids);
  v_excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(p_from, p_to, v_connectors) w);
  SELECT l.up INTO v_up FROM connect._status_lists() l;
  RETURN QUERY EXECUTE $q$
    SELECT o.connector_id, o.outage_id, o.outage_start, o.outage_end, o.status, o.statuses, o.intervals, o.ongoing,
      o.observed_seconds / 60, o.not_observed_seconds / 60, o.excluded_seconds / 60, o.exclusion_reasons
    FROM connect._outages($1, $2, $3, $4, $5) o
    ORDER BY o.connector_id, o.outage_start
  $q$ USING p_from, p_to, v_connectors, v_excluded, v_up;
END
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."outages"(timestamptz, timestamptz, text[], text) IS 'Outages over [p_from, p_to): maximal runs of consecutive down/unknown intervals per connector, clipped to the period. outage_id = connector id @ UTC start (stable for the same period). duration_minutes = observed outage minutes (they add up to outage_minutes of connect.availability without p_count_not_observed); not_observed_minutes = the rest of the span; excluded_minutes = observed outage minutes inside exclusion windows; exclusion_reasons = reasons of the windows overlapping the outage. ongoing = the last interval is still open.';
--> statement-breakpoint

CREATE VIEW "connect"."status_intervals" AS
SELECT c.interval_id, c.connector_id, cn.chargepoint_id, cp.location_id, c.status,
  coalesce(sc.category, 'unknown') AS category,
  c.valid_from, c.valid_to, c.valid_to IS NULL AS is_open,
  coalesce(c.valid_to, greatest(now(), c.valid_from)) AS valid_to_or_now,
  extract(epoch FROM coalesce(c.valid_to, greatest(now(), c.valid_from)) - c.valid_from) / 60 AS duration_minutes,
  c.observed_at, c.confirmed_at, c.observed_until,
  extract(epoch FROM c.observed_until - c.valid_from) / 60 AS observed_minutes,
  extract(epoch FROM coalesce(c.valid_to, greatest(now(), c.observed_until)) - c.observed_until) / 60 AS not_observed_minutes,
  c.closed_reason
FROM connect.interval_coverage('-infinity', 'infinity', NULL) c
JOIN connect.connectors cn ON cn.id = c.connector_id
LEFT JOIN connect.chargepoints cp ON cp.id = cn.chargepoint_id
LEFT JOIN connect.status_categories sc ON sc.status = lower(c.status);
--> statement-breakpoint
COMMENT ON VIEW "connect"."status_intervals" IS 'Every connector status interval with its category and how much of it the worker observed. Filter on connector_id for speed (the filter reaches the index); other filters are applied after the whole history is evaluated.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."category" IS 'up / down / unknown from connect.status_categories by lower(status); unlisted statuses are unknown (see connect.unmapped_statuses).';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."valid_to_or_now" IS 'valid_to, or now() for the open (current) interval.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."duration_minutes" IS 'valid_to_or_now - valid_from in minutes (exact, not rounded).';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."observed_at" IS 'Fetch time of the status pass that first saw the interval.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."confirmed_at" IS 'Start of the last successful status pass that still saw the interval (T_last); null when no successful pass did.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."observed_until" IS 'The interval is observed on [valid_from, observed_until) = least(valid_to, greatest(valid_from, confirmed_at)). An open interval is observed up to the last successful pass, not up to now.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_intervals"."not_observed_minutes" IS 'Minutes of the interval after observed_until (up to valid_to_or_now): the status may have changed meanwhile; counts neither as up nor as down.';
--> statement-breakpoint

CREATE VIEW "connect"."unmapped_statuses" AS
SELECT s.status, lower(s.status) AS status_key,
  sum(s.intervals)::bigint AS intervals,
  sum(s.connectors_now)::bigint AS connectors_now,
  sum(s.minutes) AS minutes,
  min(s.first_seen) AS first_seen,
  max(s.last_seen) AS last_seen
FROM (
  SELECT h.status, count(*) AS intervals, 0 AS connectors_now,
    sum(extract(epoch FROM coalesce(h.valid_to, greatest(now(), h.valid_from)) - h.valid_from)) / 60 AS minutes,
    min(h.valid_from) AS first_seen, max(coalesce(h.valid_to, greatest(now(), h.valid_from))) AS last_seen
  FROM connect.connector_status_history h GROUP BY h.status
  UNION ALL
  SELECT c.status, 0, count(*), 0, NULL, NULL
  FROM connect.connectors c WHERE c.status IS NOT NULL AND c.deleted_at IS NULL GROUP BY c.status
) s
WHERE NOT EXISTS (SELECT 1 FROM connect.status_categories sc WHERE sc.status = lower(s.status))
GROUP BY s.status;
--> statement-breakpoint
COMMENT ON VIEW "connect"."unmapped_statuses" IS 'Upstream statuses (as received) with no row in connect.status_categories: they count as unknown, i.e. as outage. Classify them with INSERT INTO connect.status_categories (status, category) VALUES (<status_key>, ''up''|''down''|''unknown'').';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."unmapped_statuses"."status_key" IS 'lower(status): the value to insert into connect.status_categories.status.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."unmapped_statuses"."connectors_now" IS 'Connectors (not deleted) whose current status is this one.';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."unmapped_statuses"."minutes" IS 'Total minutes of history intervals with this status (open intervals up to now).';
--> statement-breakpoint

CREATE VIEW "connect"."observation_coverage" AS
SELECT c.connector_id, cn.chargepoint_id,
  min(c.valid_from) AS first_seen,
  max(c.confirmed_at) AS last_confirmed_at,
  coalesce(cn.deleted_at, greatest(now(), max(c.observed_until))) AS coverage_end,
  extract(epoch FROM coalesce(cn.deleted_at, greatest(now(), max(c.observed_until))) - min(c.valid_from)) / 60 AS total_minutes,
  extract(epoch FROM sum(c.observed_until - c.valid_from)) / 60 AS observed_minutes,
  extract(epoch FROM (coalesce(cn.deleted_at, greatest(now(), max(c.observed_until))) - min(c.valid_from)) - sum(c.observed_until - c.valid_from)) / 60 AS not_observed_minutes,
  CASE WHEN coalesce(cn.deleted_at, greatest(now(), max(c.observed_until))) > min(c.valid_from) THEN
    extract(epoch FROM sum(c.observed_until - c.valid_from)) / extract(epoch FROM coalesce(cn.deleted_at, greatest(now(), max(c.observed_until))) - min(c.valid_from)) END AS observed_share
FROM connect.interval_coverage('-infinity', 'infinity', NULL) c
JOIN connect.connectors cn ON cn.id = c.connector_id
GROUP BY c.connector_id, cn.chargepoint_id, cn.deleted_at;
--> statement-breakpoint
COMMENT ON VIEW "connect"."observation_coverage" IS 'Per connector: how much of the time since it was first seen the worker actually observed (see connect.status_intervals.observed_until). total = first_seen .. coverage_end (deleted_at for deleted connectors, else now).';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."observation_coverage"."observed_share" IS 'observed_minutes / total_minutes (0..1).';
--> statement-breakpoint

CREATE VIEW "connect"."daily_availability_utc_connector" AS
SELECT d.day, d.entity_id AS connector_id, c.chargepoint_id, d.day_start, d.day_end, d.period_minutes, d.observed_minutes, d.not_observed_minutes,
  d.up_minutes, d.down_minutes, d.unknown_minutes, d.in_use_minutes, d.outage_minutes, d.excluded_minutes, d.uptime_pct, d.observed_share, d.utilisation_pct
FROM connect.daily_availability(
  (coalesce((SELECT min(h.valid_from) FROM connect.connector_status_history h), now()) AT TIME ZONE 'UTC')::date,
  (now() AT TIME ZONE 'UTC')::date + 1, 'UTC', 'connector') d
JOIN connect.connectors c ON c.id = d.entity_id;
--> statement-breakpoint
COMMENT ON VIEW "connect"."daily_availability_utc_connector" IS 'connect.daily_availability per connector over UTC days, from the first day in the history to today. Evaluates the whole history on every query: for large networks call connect.daily_availability(from, to, tz, ''connector'') with a date range instead.';
--> statement-breakpoint

CREATE VIEW "connect"."daily_availability_utc_chargepoint" AS
SELECT d.day, d.entity_id AS chargepoint_id, cp.location_id, d.connectors, d.day_start, d.day_end, d.period_minutes, d.observed_minutes, d.not_observed_minutes,
  d.up_minutes, d.down_minutes, d.unknown_minutes, d.in_use_minutes, d.outage_minutes, d.excluded_minutes, d.uptime_pct, d.observed_share, d.utilisation_pct
FROM connect.daily_availability(
  (coalesce((SELECT min(h.valid_from) FROM connect.connector_status_history h), now()) AT TIME ZONE 'UTC')::date,
  (now() AT TIME ZONE 'UTC')::date + 1, 'UTC', 'chargepoint') d
LEFT JOIN connect.chargepoints cp ON cp.id = d.entity_id;
--> statement-breakpoint
COMMENT ON VIEW "connect"."daily_availability_utc_chargepoint" IS 'connect.daily_availability per chargepoint over UTC days (minutes summed over its connectors), from the first day in the history to today. For large networks call the function with a date range instead.';
--> statement-breakpoint

CREATE VIEW "connect"."daily_availability_utc_location" AS
SELECT d.day, d.entity_id AS location_id, d.connectors, d.day_start, d.day_end, d.period_minutes, d.observed_minutes, d.not_observed_minutes,
  d.up_minutes, d.down_minutes, d.unknown_minutes, d.in_use_minutes, d.outage_minutes, d.excluded_minutes, d.uptime_pct, d.observed_share, d.utilisation_pct
FROM connect.daily_availability(
  (coalesce((SELECT min(h.valid_from) FROM connect.connector_status_history h), now()) AT TIME ZONE 'UTC')::date,
  (now() AT TIME ZONE 'UTC')::date + 1, 'UTC', 'location') d;
--> statement-breakpoint
COMMENT ON VIEW "connect"."daily_availability_utc_location" IS 'connect.daily_availability per location over UTC days (minutes summed over its connectors; location_id null = chargepoints without a location), from the first day in the history to today.';
--> statement-breakpoint

CREATE VIEW "connect"."connector_utilisation" AS
SELECT s.connector_id, cn.chargepoint_id,
  (s.start_time AT TIME ZONE 'UTC')::date AS day,
  count(*)::int AS sessions,
  count(*) FILTER (WHERE s.end_time IS NULL)::int AS open_sessions,
  sum(extract(epoch FROM coalesce(s.end_time, greatest(now(), s.start_time)) - s.start_time)) FILTER (WHERE coalesce(s.end_time, now()) >= s.start_time) / 60 AS session_minutes,
  sum(s.meter_total_wh) FILTER (WHERE s.meter_total_wh >= 0) / 1000.0 AS energy_kwh
FROM connect.charging_sessions s
LEFT JOIN connect.connectors cn ON cn.id = s.connector_id
WHERE s.connector_id IS NOT NULL AND s.start_time IS NOT NULL AND s.deleted_at IS NULL
GROUP BY s.connector_id, cn.chargepoint_id, (s.start_time AT TIME ZONE 'UTC')::date;
--> statement-breakpoint
COMMENT ON VIEW "connect"."connector_utilisation" IS 'Charging sessions per connector and UTC day of their start (no personal data): count, minutes (open sessions up to now; sessions with end before start are left out of the minutes) and energy in kWh (negative meter totals, which the upstream sometimes reports, are left out).';
