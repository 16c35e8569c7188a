-- Stored neighbours: where an outage run starts and ends, without a window over the history
-- (issue 15: connect.outages over 90 days x 10k connectors <= 1 s).
--
-- An outage run is a maximal chain of consecutive down/unknown intervals of a connector. Whether an
-- interval starts or ends a run depends on its contiguous neighbours: the interval that ends where
-- it begins (its predecessor) and the one that begins where it ends (its successor; intervals of a
-- connector never overlap, so each has at most one). Which statuses are up is configuration
-- (connect.status_categories) and may change, so the category is never stored, only the status
-- strings as received:
--   prev_status  the status of the interval that ends at this one's valid_from; the sync stores it
--                when it opens the interval (it has just closed its predecessor, or read it), and
--                a predecessor never changes afterwards;
--   next_status  the status of the interval that begins at this one's valid_to; the sync stores it
--                when a status change closes the interval (in the same UPDATE that stores the
--                coverage, migration 0004: no row is written more often than before).
-- Both are final when written. Null means "not stored": no such neighbour, an interval closed
-- because its connector vanished (a successor may come later), an open interval, or a row written
-- by other means; connect.outages then looks the neighbour up (one index probe), so the figures
-- never depend on what is stored.
--
-- connect._outages: single-interval runs (most outages) come straight from one parallel scan, each
-- row in a worker, with no sort and no window; only intervals of longer runs go through the
-- windows that add a run up. Same rows as before (see test/analytics/outages-stored.test.ts).
ALTER TABLE "connect"."connector_status_history" ADD COLUMN "prev_status" text;--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" ADD COLUMN "next_status" text;--> statement-breakpoint
-- Backfill: the contiguous neighbours of every existing interval (a successor that exists is final
-- whatever closed the interval). Rows without a contiguous neighbour are left as they are.
UPDATE "connect"."connector_status_history" h
SET prev_status = x.prev_status, next_status = x.next_status
FROM (
  SELECT s.id,
    CASE WHEN lag(s.valid_to) OVER w = s.valid_from THEN lag(s.status) OVER w END AS prev_status,
    CASE WHEN lead(s.valid_from) OVER w = s.valid_to THEN lead(s.status) OVER w END AS next_status
  FROM "connect"."connector_status_history" s
  WINDOW w AS (PARTITION BY s.connector_id ORDER BY s.valid_from)
) x
WHERE x.id = h.id AND (x.prev_status IS NOT NULL OR x.next_status IS NOT NULL);
--> statement-breakpoint
-- The history view gains the stored neighbours (appended: CREATE OR REPLACE VIEW may only add at the end).
CREATE OR REPLACE VIEW "connect"."status_history" AS
SELECT h.id, h.connector_id, h.status, h.valid_from, h.valid_to, h.observed_at, h.upstream_updated_at, h.run_id, h.closed_reason,
  h.confirmed_at, h.observed_until, h.prev_status, h.next_status
FROM connect.connector_status_history h;
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_history"."prev_status" IS 'Status of the interval that ends where this one begins (stored by the sync; null when there is none or it was not stored).';
--> statement-breakpoint
COMMENT ON COLUMN "connect"."status_history"."next_status" IS 'Status of the interval that begins where this one ends (stored when a status change closed it; null when there is none or it was not stored).';
--> statement-breakpoint

-- The neighbours when not stored: one index probe each. Not inlined (SET clause), so that the
-- report's scan stays in parallel workers (a correlated subquery would keep it in the leader).
CREATE FUNCTION "connect"."_prev_status"(p_connector_id text, p_valid_from timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT CASE WHEN p.valid_to = p_valid_from THEN p.status END FROM connect.status_history p
        WHERE p.connector_id = p_connector_id AND p.valid_from < p_valid_from ORDER BY p.valid_from DESC LIMIT 1);
--> statement-breakpoint
CREATE FUNCTION "connect"."_next_status"(p_connector_id text, p_valid_to timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT n.status FROM connect.status_history n WHERE n.connector_id = p_connector_id AND n.valid_from = p_valid_to LIMIT 1);
--> statement-breakpoint
-- One connector's exclusion windows clipped to [p_from, p_to) (connect.exclusion_windows), and the
-- reasons of those overlapping [p_start, p_end): per row, for the few connectors that have any.
CREATE FUNCTION "connect"."_connector_exclusions"(p_from timestamptz, p_to timestamptz, p_connector_id text) RETURNS tstzmultirange
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT w.windows FROM connect.exclusion_windows(p_from, p_to, ARRAY[p_connector_id]) w);
--> statement-breakpoint
CREATE FUNCTION "connect"."_exclusion_reasons"(p_connector_id text, p_start timestamptz, p_end timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
RETURN (SELECT string_agg(DISTINCT e.reason, '; ' ORDER BY e.reason)
        FROM connect.outage_exclusions e
        WHERE e.starts_at < p_end AND e.ends_at > p_start
          AND (e.connector_id = p_connector_id
               OR e.chargepoint_id = (SELECT cn.chargepoint_id FROM connect.connectors cn WHERE cn.id = p_connector_id)));
--> statement-breakpoint

-- interval_coverage with the stored neighbours: the coverage rule is written once, here;
-- connect.interval_coverage selects its columns from this (both inline into the caller's query).
CREATE FUNCTION "connect"."_interval_coverage_links"(p_from timestamptz, p_to timestamptz, p_connector_ids text[] DEFAULT NULL)
RETURNS TABLE (
  interval_id bigint, connector_id text, status text, valid_from timestamptz, valid_to timestamptz,
  observed_at timestamptz, closed_reason text, next_observed_at timestamptz,
  confirmed_at timestamptz, observed_until timestamptz, prev_status text, next_status text
)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
SELECT h.id, h.connector_id, h.status, h.valid_from, h.valid_to, h.observed_at, h.closed_reason,
  CASE WHEN h.valid_to IS NOT NULL THEN connect._next_observed_at(h.connector_id, h.valid_to) END,
  CASE
    WHEN h.observed_until IS NOT NULL THEN h.confirmed_at
    -- An open interval has no successor, so its bound is infinity and L is the last pass of all
    -- (uncorrelated subqueries: evaluated once per query).
    WHEN h.valid_to IS NULL THEN
      CASE WHEN (SELECT p.finished_at FROM connect.status_passes p ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) >= h.observed_at
        THEN (SELECT p.started_at FROM connect.status_passes p ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) END
    ELSE connect._confirmed_at(h.connector_id, h.valid_to, h.observed_at, h.closed_reason)
  END,
  -- The confirmed_at expression again (without its stored branch): a column cannot be reused
  -- here without a subquery fence, and a fence would keep reports out of parallel workers.
  coalesce(h.observed_until, least(coalesce(h.valid_to, 'infinity'), greatest(h.valid_from,
    CASE
      WHEN h.valid_to IS NULL THEN
        CASE WHEN (SELECT p.finished_at FROM connect.status_passes p ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) >= h.observed_at
          THEN (SELECT p.started_at FROM connect.status_passes p ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) END
      ELSE connect._confirmed_at(h.connector_id, h.valid_to, h.observed_at, h.closed_reason)
    END))),
  h.prev_status, h.next_status
FROM connect.status_history h
WHERE h.valid_from < p_to AND (h.valid_to IS NULL OR h.valid_to > p_from)
  AND (p_connector_ids IS NULL OR h.connector_id = ANY (p_connector_ids))
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "connect"."interval_coverage"(p_from timestamptz, p_to timestamptz, p_connector_ids text[] DEFAULT NULL)
RETURNS TABLE (
  interval_id bigint, connector_id text, status text, valid_from timestamptz, valid_to timestamptz,
  observed_at timestamptz, closed_reason text, next_observed_at timestamptz,
  confirmed_at timestamptz, observed_until timestamptz
)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
SELECT c.interval_id, c.connector_id, c.status, c.valid_from, c.valid_to, c.observed_at, c.closed_reason, c.next_observed_at,
  c.confirmed_at, c.observed_until
FROM connect._interval_coverage_links(p_from, p_to, p_connector_ids) c
$fn$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION "connect"."_outages"(p_from timestamptz, p_to timestamptz, p_connector_ids text[], p_excluded_connector_ids text[], p_up text[])
RETURNS TABLE (connector_id text, outage_id text, outage_start timestamptz, outage_end timestamptz, status text, statuses text,
  intervals integer, ongoing boolean, observed_seconds numeric, not_observed_seconds numeric, excluded_seconds numeric, exclusion_reasons text,
  sort_key timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
WITH flagged AS NOT MATERIALIZED (
  -- The outage intervals of the period, each with whether it starts and ends its run. A run goes
  -- on across a neighbour that is an outage interval of the period too: the predecessor lies in
  -- the period when this interval begins after p_from, the successor when this one ends before p_to.
  SELECT s.*,
    NOT coalesce(NOT (s.prev_in_period = ANY (p_up)), false) AS starts_run,
    s.valid_to IS NULL OR NOT coalesce(NOT (s.next_in_period = ANY (p_up)), false) AS ends_run
  FROM (
    SELECT c.connector_id, c.status, c.valid_from, c.valid_to,
      greatest(c.valid_from, p_from) AS lo,
      least(coalesce(c.valid_to, c.observed_until), p_to) AS end_at,
      greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from)) - greatest(c.valid_from, p_from) AS observed,
      -- Only connectors with exclusion windows look them up (most have none).
      CASE WHEN c.connector_id = ANY (p_excluded_connector_ids) THEN connect._duration(
        connect._connector_exclusions(p_from, p_to, c.connector_id)
        * tstzmultirange(tstzrange(greatest(c.valid_from, p_from), greatest(least(c.observed_until, p_to), greatest(c.valid_from, p_from))))) END AS excluded,
      CASE WHEN c.valid_from > p_from THEN coalesce(c.prev_status, connect._prev_status(c.connector_id, c.valid_from)) END AS prev_in_period,
      CASE WHEN c.valid_to < p_to THEN coalesce(c.next_status, connect._next_status(c.connector_id, c.valid_to)) END AS next_in_period
    FROM connect._interval_coverage_links(p_from, p_to, p_connector_ids) c
    WHERE NOT (c.status = ANY (p_up))
  ) s
)
-- Runs of one interval (most outages): the interval itself, straight from the parallel scan, each
-- row made and sorted in a worker.
(SELECT f.connector_id,
  f.connector_id || '@' || to_char(f.lo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  f.lo, f.end_at, f.status, f.status, 1, f.valid_to IS NULL,
  extract(epoch FROM f.observed), extract(epoch FROM (f.end_at - f.lo) - f.observed),
  coalesce(extract(epoch FROM f.excluded), 0),
  CASE WHEN f.connector_id = ANY (p_excluded_connector_ids) THEN connect._exclusion_reasons(f.connector_id, f.lo, f.end_at) END,
  f.valid_from
FROM flagged f
WHERE f.starts_run AND f.ends_run AND f.end_at > f.lo
ORDER BY f.connector_id, f.valid_from)
UNION ALL
-- Longer runs (few): running totals over their intervals in (connector, valid_from) order; a run's
-- figures are the totals at its last interval less the totals before its first. The first status
-- and the distinct statuses: the predecessor's and its own for two intervals; for longer runs read
-- from the history, where a run's intervals are exactly the connector's intervals from its first
-- to its last.
(SELECT b.connector_id,
  b.connector_id || '@' || to_char(b.outage_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  b.outage_start, b.end_at,
  CASE b.cum_n - b.first_n WHEN 0 THEN b.status WHEN 1 THEN b.prev_in_period
    ELSE (SELECT h.status FROM connect.status_history h WHERE h.connector_id = b.connector_id AND h.valid_from = b.run_first_from) END,
  CASE b.cum_n - b.first_n WHEN 0 THEN b.status
    WHEN 1 THEN CASE WHEN b.prev_in_period = b.status THEN b.status
                     WHEN b.prev_in_period < b.status THEN b.prev_in_period || ', ' || b.status ELSE b.status || ', ' || b.prev_in_period END
    ELSE (SELECT string_agg(DISTINCT h.status, ', ' ORDER BY h.status) FROM connect.status_history h
          WHERE h.connector_id = b.connector_id AND h.valid_from >= b.run_first_from AND h.valid_from <= b.valid_from) END,
  (b.cum_n - b.first_n + 1)::int, b.valid_to IS NULL,
  extract(epoch FROM b.cum_observed - b.base_observed), extract(epoch FROM (b.end_at - b.outage_start) - (b.cum_observed - b.base_observed)),
  coalesce(extract(epoch FROM b.cum_excluded - b.base_excluded), 0),
  CASE WHEN b.connector_id = ANY (p_excluded_connector_ids) THEN connect._exclusion_reasons(b.connector_id, b.outage_start, b.end_at) END,
  b.valid_from
FROM (
  SELECT r.*,
    max(CASE WHEN r.starts_run THEN r.cum_observed - r.observed END) OVER w AS base_observed,
    max(CASE WHEN r.starts_run THEN r.cum_excluded - r.excluded END) OVER w AS base_excluded,
    max(CASE WHEN r.starts_run THEN r.cum_n END) OVER w AS first_n
  FROM (
    SELECT m.*,
      max(CASE WHEN m.starts_run THEN m.lo END) OVER w AS outage_start,
      max(CASE WHEN m.starts_run THEN m.valid_from END) OVER w AS run_first_from,
      sum(m.observed) OVER w AS cum_observed,
      sum(m.excluded) OVER w AS cum_excluded,
      count(*) OVER w AS cum_n
    FROM flagged m
    WHERE NOT (m.starts_run AND m.ends_run)
    WINDOW w AS (PARTITION BY m.connector_id ORDER BY m.valid_from ROWS UNBOUNDED PRECEDING)
  ) r
  WINDOW w AS (PARTITION BY r.connector_id ORDER BY r.valid_from ROWS UNBOUNDED PRECEDING)
  -- The order the rows already have (said so that no sort is added for it).
  ORDER BY r.connector_id, r.valid_from
) b
WHERE b.ends_run AND b.end_at > b.outage_start
ORDER BY b.connector_id, b.valid_from)
-- Both parts come in (connector, valid_from) order: merged, not sorted again.
ORDER BY 1, 13
$fn$;
