-- Stored observation coverage (see 0002 for the definition of "observed").
--
-- A closed interval's coverage depends only on its successor's first observation (the bound) and
-- on the passes that finished before it, and both are known the moment a status change closes
-- the interval: the sync stores confirmed_at and observed_until in that same UPDATE (src/db/
-- status-history.ts), so reports read them instead of recomputing them per interval on every
-- query (the window over the history and the per-interval pass lookup cost ~2 us per interval;
-- a 90-day report over 2M intervals spent most of its time there). Only open intervals (one per
-- connector: L is the last pass of all), deletion closes and rows written by other means are
-- computed at query time, exactly as before. Stored values are fixed once written, so a report
-- recomputed later gives the same numbers.
--
-- The functions below also no longer use a CTE or window function over the history, so
-- PostgreSQL can flatten connect.interval_coverage into the report queries and aggregate in
-- parallel workers.
ALTER TABLE "connect"."connector_status_history" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" ADD COLUMN "observed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" ADD CONSTRAINT "status_history_stored_coverage" CHECK ("connect"."connector_status_history"."observed_until" is null or ("connect"."connector_status_history"."valid_to" is not null and "connect"."connector_status_history"."observed_until" >= "connect"."connector_status_history"."valid_from" and "connect"."connector_status_history"."observed_until" <= "connect"."connector_status_history"."valid_to"));--> statement-breakpoint
-- Backfill: every interval closed by a status change gets the coverage the 0002 functions compute
-- (still in place at this point), so existing histories read the same figures as before.
UPDATE "connect"."connector_status_history" h
SET confirmed_at = c.confirmed_at, observed_until = c.observed_until
FROM connect.interval_coverage('-infinity', 'infinity', NULL) c
WHERE c.interval_id = h.id AND h.valid_to IS NOT NULL AND h.closed_reason IS DISTINCT FROM 'deleted';
--> statement-breakpoint
-- Only the window over the history in (connector_id, valid_from) order read this covering index;
-- status_history_connector_from_idx serves the per-connector lookups. One index less per write.
DROP INDEX IF EXISTS "connect"."status_history_coverage_idx";
--> statement-breakpoint
-- The history view gains the stored coverage (appended columns: CREATE OR REPLACE VIEW may only add at the end).
CREATE OR REPLACE VIEW "connect"."status_history" AS
SELECT h.id, h.connector_id, h.status, h.valid_from, h.valid_to, h.observed_at, h.upstream_updated_at, h.run_id, h.closed_reason,
  h.confirmed_at, h.observed_until
FROM connect.connector_status_history h;
--> statement-breakpoint

-- The observed_at of the interval that follows one ending at p_valid_to (its successor), if any.
CREATE FUNCTION "connect"."_next_observed_at"(p_connector_id text, p_valid_to timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT n.observed_at FROM connect.status_history n
        WHERE n.connector_id = p_connector_id AND n.valid_from >= p_valid_to ORDER BY n.valid_from LIMIT 1);
--> statement-breakpoint

-- L, the pass that still saw an interval last, for a given bound: the start of the last successful
-- status pass that finished before p_bound, when it finished at or after p_observed_at (the
-- interval's first observation); null otherwise. The one place this rule is written: the sync
-- calls it when it closes an interval (bound = now), _confirmed_at for closed intervals whose
-- coverage is not stored. Inlinable (it becomes one index probe in the caller's query).
CREATE FUNCTION "connect"."_confirming_pass_start"(p_bound timestamptz, p_observed_at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT CASE WHEN l.finished_at >= p_observed_at THEN l.started_at END
        FROM (SELECT p.finished_at, p.started_at FROM connect.status_passes p
              WHERE p.finished_at < p_bound ORDER BY p.finished_at DESC, p.started_at DESC LIMIT 1) l);
--> statement-breakpoint

-- T_last of a closed interval whose coverage is not stored, from the definition above: L for the
-- bound (its successor's first observation; for a deletion close no later than valid_to).
CREATE FUNCTION "connect"."_confirmed_at"(p_connector_id text, p_valid_to timestamptz, p_observed_at timestamptz, p_closed_reason text)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
-- The SET clause keeps this function from being inlined: a correlated subquery inlined into the
-- report's aggregates would keep them out of parallel workers; a parallel-safe call does not.
SET search_path = pg_catalog, pg_temp
RETURN connect._confirming_pass_start(
  CASE WHEN p_closed_reason = 'deleted'
    THEN least(coalesce(connect._next_observed_at(p_connector_id, p_valid_to), 'infinity'), p_valid_to + interval '1 microsecond')
    ELSE coalesce(connect._next_observed_at(p_connector_id, p_valid_to), 'infinity') END,
  p_observed_at);
--> statement-breakpoint

CREATE OR REPLACE FUNCTION "connect"."interval_coverage"(p_from timestamptz, p_to timestamptz, p_connector_ids text[] DEFAULT NULL)
RETURNS TABLE (
  interval_id bigint, connector_id text, status text, valid_from timestamptz, valid_to timestamptz,
  observed_at timestamptz, closed_reason text, next_observed_at timestamptz,
  confirmed_at timestamptz, observed_until timestamptz
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
    END)))
FROM connect.status_history h
WHERE h.valid_from < p_to AND (h.valid_to IS NULL OR h.valid_to > p_from)
  AND (p_connector_ids IS NULL OR h.connector_id = ANY (p_connector_ids))
$fn$;
--> statement-breakpoint
COMMENT ON FUNCTION "connect"."interval_coverage"(timestamptz, timestamptz, text[]) IS 'Status intervals overlapping [p_from, p_to) (all connectors, or those in p_connector_ids) with confirmed_at = start of the last successful status pass that still saw the interval (T_last, null if none did) and observed_until = least(valid_to, greatest(valid_from, confirmed_at)): the interval is observed on [valid_from, observed_until). Stored for intervals closed by a status change, computed for the others. Not clipped to the period.';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "connect"."availability"(p_from timestamptz, p_to timestamptz, p_level text DEFAULT 'connector', p_ids text[] DEFAULT NULL,
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
  IF p_level = 'connector' THEN
    -- Every connector is its own entity: no join and no second aggregation (a tenth of a large report's time).
    RETURN QUERY EXECUTE $q$
      SELECT 'connector'::text, t.connector_id, 1, m.*
      FROM connect._connector_totals($1, $2, $3, $4, $5, $6, $7, $8) t
      CROSS JOIN LATERAL connect._metrics(t.period_seconds, t.up_seconds, t.down_seconds, t.unknown_seconds, t.in_use_seconds, t.excluded_seconds, $5) m
      ORDER BY t.connector_id
    $q$ USING p_from, p_to, v_connectors, v_excluded, p_count_not_observed, v_up, v_down, v_in_use;
    RETURN;
  END IF;
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
