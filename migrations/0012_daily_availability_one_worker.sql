-- connect.daily_availability for every chargepoint or location of a month, faster (issue 15), with
-- the same rows in the same order as migration 0011's function (md5 of the whole output compared
-- at connector, chargepoint, location and network level, for Berlin, New York and UTC days, DST
-- changes, periods before, across and past the data, with and without counting not-observed time,
-- with exclusion windows, unstored coverage, deletion closes and intervals that start long before
-- the period; test/analytics/upgrade-daily.test.ts).
--
-- Two changes, measured on the benchmark database (2M intervals, 10k connectors; a month of Berlin
-- days, 150k chargepoint-days), interleaved medians on the 2-core machine (shared, load 1.0-1.4):
-- both together, chargepoint month 0.995 -> 0.879 s, location month 0.626 -> 0.524 s; network
-- 0.48 -> 0.44 s, connector 1.58 -> 1.37 s.
--
-- 1. One parallel worker beside the leader (max_parallel_workers_per_gather = 1 for this function
--    only). The leader aggregates every entity-day piece the workers cut; with two workers, three
--    processes shared two cores and the leader, which the whole call waits on, got less of one.
--    Alone: chargepoint month 1.08 -> 0.92 s, location 0.61 -> 0.52 s (no worker: 1.36 s).
--
-- 2. The numeric figures (a third of the chargepoint-level call: 150k rows of twelve figures, all
--    made in the leader after the sort) with fewer numeric operations: connect._metrics written out
--    so that up + down + unknown and down + unknown are made once per row (from the integer
--    microseconds), and a sum that is null gives the constant 0 / 60 without a division. Alone
--    (with one worker): chargepoint month 0.975 -> 0.926 s.
--
-- Everything else is 0011's function, unchanged.
--
-- Tried and not kept (same database): partial aggregation in the workers — cut at the local
-- midnights by a lateral generate_series (1.21 s against 1.06 s) or by a hash join against the
-- (span, k) pairs of the period's days (1.15 s; 1.16 s with one worker against 0.95 s): each
-- worker's hash table of ~110k entity-days costs as much as the leader's, and the leader still
-- combines them; microsecond offsets (bigint) for the pieces instead of timestamptz differences
-- (1.22 s against 1.02 s; with one worker 1.18 s against 0.95 s): the day numbers and offsets per
-- interval cost the workers more than the leader saves.
CREATE OR REPLACE FUNCTION "connect"."daily_availability"(p_from date, p_to date, p_tz text DEFAULT 'UTC', p_level text DEFAULT 'connector', p_ids text[] DEFAULT NULL, p_count_not_observed boolean DEFAULT false)
RETURNS TABLE (day date, level text, entity_id text, connectors integer, day_start timestamptz, day_end timestamptz,
  period_minutes numeric, observed_minutes numeric, not_observed_minutes numeric,
  up_minutes numeric, down_minutes numeric, unknown_minutes numeric, in_use_minutes numeric, outage_minutes numeric, excluded_minutes numeric,
  uptime_pct numeric, observed_share numeric, utilisation_pct numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
-- One parallel worker beside the leader (see above).
SET max_parallel_workers_per_gather = 1
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
  v_long bigint[];
  v_day_seconds numeric[];
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
  -- The history is read from a day before the period on (the (valid_from, valid_to) index from
  -- there instead of from its start). An interval reaching into the period from before that day is
  -- the last interval of its connector to start before it, and its connector has no interval
  -- starting in that day (intervals do not overlap): looked up here for those connectors only.
  WITH in_day AS MATERIALIZED (
    SELECT DISTINCT w.connector_id FROM connect.status_history w
    WHERE w.valid_from >= v_start - interval '1 day' AND w.valid_from <= v_start AND (v_connectors IS NULL OR w.connector_id = ANY (v_connectors))
  )
  SELECT array_agg(l.id) INTO v_long
  FROM unnest(v_present) AS c(id)
  CROSS JOIN LATERAL (
    SELECT h.id, h.valid_to FROM connect.status_history h
    WHERE h.connector_id = c.id AND h.valid_from < v_start - interval '1 day'
    ORDER BY h.valid_from DESC LIMIT 1
  ) l
  WHERE NOT EXISTS (SELECT FROM in_day d WHERE d.connector_id = c.id) AND (l.valid_to IS NULL OR l.valid_to > v_start);
  -- The length of each local day in seconds (what extract(epoch FROM day_end - day_start) gives),
  -- made once per day instead of once per entity-day.
  v_day_seconds := ARRAY(SELECT extract(epoch FROM coalesce(v_starts[i + 1], v_end) - v_starts[i]) FROM generate_series(1, v_days) AS i ORDER BY i);
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
          -- From a day before the period on: the (valid_from, valid_to) index is read from there,
          -- not from its start.
          WHERE i.valid_from >= $10 - interval '1 day'
          /* intervals from before that day */
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
    -- connect._metrics written out over the figures below, each sum made once: the same operations
    -- on the same values and scales, so the same numbers to the last digit (numeric addition and
    -- subtraction are exact, and their scale is the largest of their operands'). A sum that is
    -- null (no such time that day) is a zero of scale 0, and zero divided by 60 is one constant.
    SELECT $1 + (e.day_no - 1), $3::text, e.entity_id, e.connectors, e.day_start, e.day_end,
      e.p / 60, e.s3 / 60, (e.p - e.s3) / 60,
      CASE WHEN e.up IS NULL THEN 0::numeric / 60 ELSE e.u / 60 END,
      CASE WHEN e.down IS NULL THEN 0::numeric / 60 ELSE e.d / 60 END,
      CASE WHEN e.unknown IS NULL THEN 0::numeric / 60 ELSE e.k / 60 END,
      CASE WHEN e.in_use IS NULL THEN 0::numeric / 60 ELSE e.iu / 60 END,
      CASE WHEN $6 THEN (e.dk + (e.p - e.s3)) / 60 WHEN e.down IS NULL AND e.unknown IS NULL THEN 0::numeric / 60 ELSE e.dk / 60 END,
      e.x / 60,
      CASE WHEN e.p > 0 THEN (e.p - (CASE WHEN $6 THEN e.dk + (e.p - e.s3) ELSE e.dk END - e.x)) / e.p * 100 END,
      CASE WHEN e.p > 0 THEN e.s3 / e.p END,
      CASE WHEN e.u > 0 THEN e.iu / e.u * 100 END
    FROM (
      -- The numeric figures are made after the sort, which moves only integers and the entity id.
      -- dk is down + unknown and s3 up + down + unknown in seconds, from the integer microseconds.
      SELECT o.ord, o.day_no, o.entity_id, o.up, o.down, o.unknown, o.in_use,
        $15[o.ord] AS connectors, $2[o.day_no] AS day_start, coalesce($2[o.day_no + 1], $11) AS day_end,
        $15[o.ord] * $18[o.day_no] AS p,
        coalesce(o.up * 0.000001, 0) AS u, coalesce(o.down * 0.000001, 0) AS d,
        coalesce(o.unknown * 0.000001, 0) AS k, coalesce(o.in_use * 0.000001, 0) AS iu,
        CASE WHEN o.down IS NULL AND o.unknown IS NULL THEN 0 ELSE (coalesce(o.down, 0) + coalesce(o.unknown, 0)) * 0.000001 END AS dk,
        CASE WHEN o.up IS NULL AND o.down IS NULL AND o.unknown IS NULL THEN 0 ELSE (coalesce(o.up, 0) + coalesce(o.down, 0) + coalesce(o.unknown, 0)) * 0.000001 END AS s3,
        coalesce(o.excluded_seconds, 0) AS x
      FROM (
        SELECT a.ord, a.day_no, n.entity_id, a.up, a.down, a.unknown, a.in_use, x.excluded_seconds
        FROM all_days a
        JOIN unnest($14::text[]) WITH ORDINALITY AS n(entity_id, ord) ON n.ord = a.ord
        LEFT JOIN excluded x ON x.ord = a.ord AND x.day_no = a.day_no
        ORDER BY a.ord, a.day_no
      ) o
      ORDER BY o.ord, o.day_no
    ) e
  $q$;
  -- No exclusion windows (the usual case): nothing to join.
  IF cardinality(v_excluded) = 0 THEN
    v_query := replace(v_query, 'LEFT JOIN excluded x ON x.ord = a.ord AND x.day_no = a.day_no', 'CROSS JOIN (SELECT NULL::numeric AS excluded_seconds) x');
  END IF;
  -- The intervals reaching into the period from before that day (looked up above; usually none).
  IF v_long IS NOT NULL THEN
    v_query := replace(v_query, '/* intervals from before that day */', $b$UNION ALL
          SELECT i.connector_id,
            CASE WHEN i.status = ANY ($7) THEN 1 WHEN i.status = ANY ($8) THEN 2 ELSE 3 END,
            i.status = ANY ($9),
            greatest(i.valid_from, $10),
            least(i.observed_until, $11)
          FROM connect.interval_coverage($10, $11, $4) i
          WHERE i.interval_id = ANY ($17)$b$);
  END IF;
  -- The whole network is one entity (number 1): no connector table to look up.
  IF p_level = 'network' THEN
    v_query := replace(v_query, 'JOIN unnest($12::text[], $13::int[]) AS m(connector_id, ord) ON m.connector_id = s.connector_id', 'CROSS JOIN (SELECT 1 AS ord) m');
  END IF;
  RETURN QUERY EXECUTE v_query USING p_from, v_starts, p_level, v_connectors, v_excluded, p_count_not_observed, v_up, v_down, v_in_use,
    v_start, v_end, v_present, v_present_ord, v_entities, v_counts, v_days, v_long, v_day_seconds;
END
$fn$;
