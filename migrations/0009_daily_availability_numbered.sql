-- connect.daily_availability for every chargepoint or location of a month, faster (issue 15), with
-- the same rows in the same order. Checked in two steps (numbering, then the microsecond sums),
-- each by md5 of the whole output against the step before, the first against the 0005 function:
-- the benchmark database at connector, chargepoint, location and network level; the second also
-- for other zones, a DST change, periods past the data and exclusion windows.
--
-- The connectors present in the period are found first and their entities numbered in report order
-- (entity ids sorted as before): a connector whose open interval starts before the period's end is
-- present (that interval is the last one starting before the end, and it is open); the backward
-- index probe is only made for the others. The parallel pass over the history then groups by
-- (entity number, day): the entity comes from a connector -> number table passed as arrays (no join
-- with connectors and chargepoints per interval; the whole network is one entity, no table at all).
--
-- - Observed time is summed as bigint microseconds with connect._sum_microseconds (int8pl: a
--   by-value state, no interval allocated per piece; overflow raises) and turned into numeric
--   seconds once per row at the end (microseconds * 0.000001: the value and the scale (6) that
--   extract(epoch FROM interval) gave).
-- - Intervals are split into days by generate_series in the select list (a ProjectSet node) rather
--   than by a lateral function scan per interval.
-- - Entity ids, connector counts and day bounds are read by number (array subscripts); entity-days
--   without observed time are only looked for when some are missing; the sort before the figures
--   moves only integers and the entity id, and the numeric columns are made after it.
-- - No exclusion windows (the usual case): no join with them.
-- connect._entity_daily (migration 0005) has no caller left and is dropped.
CREATE AGGREGATE "connect"."_sum_microseconds"(bigint) (SFUNC = int8pl, STYPE = bigint, COMBINEFUNC = int8pl, PARALLEL = SAFE);
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
-- As in migration 0005: generate_series with per-row bounds is estimated at 1000 rows per interval;
-- hashing is right here, a sort happens only where nothing else can do.
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
  v_present text[];
  v_present_ord int[];
  v_entities text[];
  v_counts int[];
  v_days int;
  v_query text;
BEGIN
  BEGIN
    v_start := p_from::timestamp AT TIME ZONE p_tz;
    v_end := p_to::timestamp AT TIME ZONE p_tz;
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION 'time zone "%" is not known to PostgreSQL; use an IANA name such as Europe/Berlin or UTC', p_tz USING ERRCODE = '22023';
  END;
  PERFORM connect._check_arguments(v_start, v_end, CASE WHEN p_level = 'network' THEN 'connector' ELSE p_level END);
  v_starts := ARRAY(SELECT (p_from + i)::timestamp AT TIME ZONE p_tz FROM generate_series(0, p_to - p_from - 1) AS i ORDER BY i);
  v_days := p_to - p_from;
  v_connectors := CASE WHEN p_level = 'network' THEN NULL ELSE connect._level_connectors(p_level, p_ids) END;
  v_excluded := ARRAY(SELECT w.connector_id FROM connect.exclusion_windows(v_start, v_end, v_connectors) w);
  SELECT l.up, l.down, l.in_use INTO v_up, v_down, v_in_use FROM connect._status_lists() l;
  -- The connectors present in the period (an interval overlaps it) and their entity, numbered in
  -- the order of the report (entity ids sorted as text sorts them here).
  WITH present AS MATERIALIZED (
    SELECT c.id AS connector_id,
      CASE p_level WHEN 'connector' THEN c.id WHEN 'chargepoint' THEN c.chargepoint_id WHEN 'network' THEN 'network' ELSE cp.location_id END AS entity_id
    FROM connect.connectors c
    LEFT JOIN connect.chargepoints cp ON cp.id = c.chargepoint_id
    -- The connector's open interval (at most one): when it starts before the period's end, it is
    -- the last interval that does, and it overlaps the period; the backward probe is only made for
    -- the other connectors.
    LEFT JOIN connect.status_history o ON o.connector_id = c.id AND o.valid_to IS NULL
    WHERE (v_connectors IS NULL OR c.id = ANY (v_connectors))
      AND (o.valid_from < v_end
           OR coalesce((SELECT h.valid_to IS NULL OR h.valid_to > v_start FROM connect.status_history h
                        WHERE h.connector_id = c.id AND h.valid_from < v_end
                        ORDER BY h.valid_from DESC LIMIT 1), false))
  ),
  numbered AS MATERIALIZED (
    SELECT p.connector_id, p.entity_id, dense_rank() OVER (ORDER BY p.entity_id)::int AS ord FROM present p
  )
  SELECT (SELECT array_agg(n.connector_id ORDER BY n.connector_id) FROM numbered n),
    (SELECT array_agg(n.ord ORDER BY n.connector_id) FROM numbered n),
    (SELECT array_agg(g.entity_id ORDER BY g.ord) FROM (SELECT n.ord, min(n.entity_id) AS entity_id FROM numbered n GROUP BY n.ord) g),
    (SELECT array_agg(g.n ORDER BY g.ord) FROM (SELECT n.ord, count(*)::int AS n FROM numbered n GROUP BY n.ord) g)
  INTO v_present, v_present_ord, v_entities, v_counts;
  -- Observed time per entity and day, in microseconds (bigint, summed by value): each interval cut
  -- at the local midnights it spans (generate_series in the select list: no function scan and
  -- tuple store per interval). A piece is shorter than 25 hours, so its float seconds times 1e6
  -- round to its exact microseconds.
  v_query := $q$
    WITH entity_day AS MATERIALIZED (
      SELECT x.ord, x.day_no,
        connect._sum_microseconds(round(date_part('epoch', least(x.hi, coalesce($2[x.day_no + 1], $11)) - greatest(x.lo, $2[x.day_no])) * 1e6)::int8) FILTER (WHERE x.category = 1) AS up,
        connect._sum_microseconds(round(date_part('epoch', least(x.hi, coalesce($2[x.day_no + 1], $11)) - greatest(x.lo, $2[x.day_no])) * 1e6)::int8) FILTER (WHERE x.category = 2) AS down,
        connect._sum_microseconds(round(date_part('epoch', least(x.hi, coalesce($2[x.day_no + 1], $11)) - greatest(x.lo, $2[x.day_no])) * 1e6)::int8) FILTER (WHERE x.category = 3) AS unknown,
        connect._sum_microseconds(round(date_part('epoch', least(x.hi, coalesce($2[x.day_no + 1], $11)) - greatest(x.lo, $2[x.day_no])) * 1e6)::int8) FILTER (WHERE x.category = 1 AND x.in_use) AS in_use
      FROM (
        SELECT m.ord, s.category, s.in_use, s.lo, s.hi, generate_series(width_bucket(s.lo, $2), width_bucket(s.hi - interval '1 microsecond', $2)) AS day_no
        FROM (
          SELECT i.connector_id,
            CASE WHEN i.status = ANY ($7) THEN 1 WHEN i.status = ANY ($8) THEN 2 ELSE 3 END AS category,
            i.status = ANY ($9) AS in_use,
            greatest(i.valid_from, $10) AS lo,
            least(i.observed_until, $11) AS hi
          FROM connect.interval_coverage($10, $11, $4) i
        ) s
        JOIN unnest($12::text[], $13::int[]) AS m(connector_id, ord) ON m.connector_id = s.connector_id
        WHERE s.hi > s.lo
      ) x
      GROUP BY x.ord, x.day_no
    ),
    excluded AS MATERIALIZED (
      SELECT m.ord, x.slice_no AS day_no, sum(x.excluded_seconds) AS excluded_seconds
      FROM connect._excluded_seconds($2, $11, $5, $6) x
      JOIN unnest($12::text[], $13::int[]) AS m(connector_id, ord) ON m.connector_id = x.connector_id
      GROUP BY 1, 2
    ),
    all_days AS (
      SELECT s.ord, s.day_no, s.up, s.down, s.unknown, s.in_use FROM entity_day s
      UNION ALL
      -- Entity-days without observed time (only looked for when some are missing).
      SELECT o.ord, d.day_no, NULL, NULL, NULL, NULL
      FROM generate_series(1, cardinality($14::text[])) AS o(ord) CROSS JOIN generate_series(1, $16) AS d(day_no)
      WHERE (SELECT count(*) FROM entity_day) < cardinality($14::text[]) * $16
        AND NOT EXISTS (SELECT FROM entity_day s WHERE s.ord = o.ord AND s.day_no = d.day_no)
    )
    SELECT $1 + (e.day_no - 1), $3::text, e.entity_id, e.connectors, e.day_start, e.day_end, m.*
    FROM (
      -- The numeric figures are made after the sort, which moves only integers and the entity id.
      SELECT o.ord, o.day_no, o.entity_id, $15[o.ord] AS connectors, $2[o.day_no] AS day_start, coalesce($2[o.day_no + 1], $11) AS day_end,
        $15[o.ord] * extract(epoch FROM coalesce($2[o.day_no + 1], $11) - $2[o.day_no]) AS period_seconds,
        coalesce(o.up * 0.000001, 0) AS up_seconds, coalesce(o.down * 0.000001, 0) AS down_seconds,
        coalesce(o.unknown * 0.000001, 0) AS unknown_seconds, coalesce(o.in_use * 0.000001, 0) AS in_use_seconds,
        coalesce(o.excluded_seconds, 0) AS excluded_seconds
      FROM (
        SELECT a.ord, a.day_no, n.entity_id, a.up, a.down, a.unknown, a.in_use, x.excluded_seconds
        FROM all_days a
        JOIN unnest($14::text[]) WITH ORDINALITY AS n(entity_id, ord) ON n.ord = a.ord
        LEFT JOIN excluded x ON x.ord = a.ord AND x.day_no = a.day_no
        ORDER BY a.ord, a.day_no
      ) o
      ORDER BY o.ord, o.day_no
    ) e
    CROSS JOIN LATERAL connect._metrics(e.period_seconds, e.up_seconds, e.down_seconds, e.unknown_seconds, e.in_use_seconds, e.excluded_seconds, $6) m
  $q$;
  -- No exclusion windows (the usual case): nothing to join.
  IF cardinality(v_excluded) = 0 THEN
    v_query := replace(v_query, 'LEFT JOIN excluded x ON x.ord = a.ord AND x.day_no = a.day_no', 'CROSS JOIN (SELECT NULL::numeric AS excluded_seconds) x');
  END IF;
  -- The whole network is one entity (number 1): no connector table to look up.
  IF p_level = 'network' THEN
    v_query := replace(v_query, 'JOIN unnest($12::text[], $13::int[]) AS m(connector_id, ord) ON m.connector_id = s.connector_id', 'CROSS JOIN (SELECT 1 AS ord) m');
  END IF;
  RETURN QUERY EXECUTE v_query USING p_from, v_starts, p_level, v_connectors, v_excluded, p_count_not_observed, v_up, v_down, v_in_use,
    v_start, v_end, v_present, v_present_ord, v_entities, v_counts, v_days;
END
$fn$;
--> statement-breakpoint
DROP FUNCTION "connect"."_entity_daily"(date, date, text, timestamptz[], text, text[], text[], boolean, text[], text[], text[]);
