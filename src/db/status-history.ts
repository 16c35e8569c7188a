// The connector status history, written set-based: one statement per page.
//
// For each observed connector status the statement decides one of:
//   first   no open interval: open one (after a deletion, never before the last interval's end);
//   change  another status, valid_from later than the open interval's: close it at the new
//           valid_from (storing its observation coverage) and open a new interval;
//   stale   another status whose valid_from is not later than the open interval's (an out-of-order
//           read): nothing changes;
//   missed  the same status with a newer upstream updatedAt (it changed and changed back between
//           polls): counted, and the open interval remembers the newer updatedAt, so it is
//           counted once — never turned into a fake transition;
//   same    nothing to do, nothing written.
import { sql } from 'drizzle-orm';
import { rows, rowsNamed, type Executor } from './database.js';
import { jsonRows } from './json-param.js';

export interface StatusObservation {
  connector_id: string;
  status: string;
  /** The upstream updatedAt when present and plausible, else the observation time (ISO). */
  valid_from: string;
  /** The upstream updatedAt when present and plausible (ISO), else null. */
  upstream_updated_at: string | null;
}

export interface HistoryCounts {
  opened: number;
  closed: number;
  missed: number;
  stale: number;
  openedByStatus: Record<string, number>;
}

export async function recordStatusObservations(
  db: Executor,
  observations: StatusObservation[],
  observedAt: Date,
  runId: number | null,
): Promise<HistoryCounts> {
  if (observations.length === 0) return { opened: 0, closed: 0, missed: 0, stale: 0, openedByStatus: {} };
  const observed = observedAt.toISOString();
  const [row] = await rowsNamed<HistoryCounts>(
    db,
    'record status observations',
    sql`with input as (
      select * from jsonb_to_recordset(${jsonRows(observations)})
        as x(connector_id text, status text, valid_from timestamptz, upstream_updated_at timestamptz)
    ), decided as (
      -- For a change, the closed interval's observation coverage (migrations/0004): L for the bound
      -- "now", the successor's first observation. Final when written: passes run one at a time.
      select x.*, case when x.kind = 'change' then connect._confirming_pass_start(${observed}::timestamptz, x.open_observed_at) end as confirmed_at
      from (
        select i.connector_id, i.status, i.upstream_updated_at, c.id as open_id, c.observed_at as open_observed_at,
          c.status as open_status, l.valid_to as last_valid_to, l.status as last_status,
          -- After a deletion a connector may come back: its new interval never starts before the last one ended
          -- (intervals do not overlap, so the latest one ends last; the btree on (connector_id, valid_from) finds it).
          case when c.id is null then greatest(i.valid_from, l.valid_to) else i.valid_from end as valid_from,
          case
            when c.id is null then 'first'
            when i.status is distinct from c.status and i.valid_from > c.valid_from then 'change'
            when i.status is distinct from c.status then 'stale'
            when i.upstream_updated_at > coalesce(c.upstream_updated_at, c.valid_from) then 'missed'
            else 'same'
          end as kind
        -- LATERAL: one probe of the one-open-interval index per observed connector, whatever the
        -- planner believes about the page's size (it cannot know jsonb_to_recordset's row count).
        -- (LIMIT 1 keeps it a per-row probe: without it the planner may flatten the LATERAL into
        -- a hash join over every open interval of the network, once per page.)
        from input i left join lateral (
          select h.id, h.status, h.valid_from, h.observed_at, h.upstream_updated_at from connect.connector_status_history h
          where h.connector_id = i.connector_id and h.valid_to is null
          limit 1
        ) c on true
        -- Without an open interval, the connector's last interval (closed by a deletion), if any.
        left join lateral (
          select p.valid_to, p.status from connect.connector_status_history p
          where c.id is null and p.connector_id = i.connector_id
          order by p.valid_from desc limit 1
        ) l on true
      ) x
    ), touched as (
      update connect.connector_status_history h
      set valid_to = case when d.kind = 'change' then d.valid_from else h.valid_to end,
          upstream_updated_at = case when d.kind = 'missed' then d.upstream_updated_at else h.upstream_updated_at end,
          -- Observation coverage, stored as the row is rewritten anyway.
          confirmed_at = case when d.kind = 'change' then d.confirmed_at else h.confirmed_at end,
          observed_until = case when d.kind = 'change' then least(d.valid_from, greatest(h.valid_from, d.confirmed_at)) else h.observed_until end,
          -- The successor's status (migration 0007): it begins where this interval now ends.
          next_status = case when d.kind = 'change' then d.status else h.next_status end
      from decided d
      where h.id = d.open_id and d.kind in ('change', 'missed')
      returning d.kind
    ), opened as (
      insert into connect.connector_status_history (connector_id, status, valid_from, observed_at, upstream_updated_at, run_id, prev_status)
      select connector_id, status, valid_from, ${observed}::timestamptz, upstream_updated_at, ${runId}::bigint,
        -- The predecessor's status (migration 0007): the interval closed here, or the last one when
        -- the new interval begins where it ended.
        case when kind = 'change' then open_status when last_valid_to = valid_from then last_status end
      from decided
      -- The one-time filter drains "touched" before the first insert, so an interval is closed
      -- before its successor opens (the one-open-interval index and the overlap guard see that).
      where kind in ('first', 'change') and (select count(*) from touched) >= 0
      returning status
    )
    select
      (select count(*)::int from opened) as opened,
      (select count(*)::int from touched where kind = 'change') as closed,
      (select count(*)::int from touched where kind = 'missed') as missed,
      (select count(*)::int from decided where kind = 'stale') as stale,
      (select coalesce(jsonb_object_agg(status, n), '{}'::jsonb) from (select status, count(*)::int as n from opened group by status) s) as "openedByStatus"`,
  );
  return row ?? { opened: 0, closed: 0, missed: 0, stale: 0, openedByStatus: {} };
}

/** Current (non-deleted) connectors by status, for the metrics gauge. */
export async function connectorsByStatus(db: Executor): Promise<Array<{ status: string | null; n: number }>> {
  return rows(db, sql`select status, count(*)::int as n from connect.connectors where deleted_at is null group by status`);
}
