// What the demo needs from the database: a short availability summary over its window, and a
// guard against mixing simulated data into a real database.
import { sql } from 'drizzle-orm';
import { rows, type Executor } from './database.js';

export interface AvailabilitySummaryRow {
  chargepoint_id: string;
  name: string | null;
  connectors: number;
  up_min: number;
  down_min: number;
  unknown_min: number;
  not_observed_min: number;
  uptime_pct: number | null;
}

/** Per chargepoint over [from, to), from connect.availability (the figures of `report uptime`), lowest uptime first. */
export async function availabilitySummary(db: Executor, from: Date, to: Date): Promise<AvailabilitySummaryRow[]> {
  return rows<AvailabilitySummaryRow>(
    db,
    sql`select a.entity_id as chargepoint_id, coalesce(cp.public_name, cp.name) as name, a.connectors,
        a.up_minutes::float8 as up_min, a.down_minutes::float8 as down_min, a.unknown_minutes::float8 as unknown_min,
        a.not_observed_minutes::float8 as not_observed_min, round(a.uptime_pct, 2)::float8 as uptime_pct
      from connect.availability(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz, 'chargepoint') a
      left join connect.chargepoints cp on cp.id = a.entity_id
      order by a.uptime_pct nulls last, a.entity_id`,
  );
}

/** True when the connect schema holds data that is not the demo's (the demo must not mix into it). */
export async function holdsForeignData(db: Executor): Promise<boolean> {
  const [exists] = await rows<{ t: string | null }>(db, sql`select to_regclass('connect.sync_runs')::text as t`);
  if (!exists?.t) return false;
  const [r] = await rows<{ comment: string | null; n: number }>(
    db,
    sql`select obj_description('connect'::regnamespace, 'pg_namespace') as comment,
      (select count(*)::int from connect.sync_runs) as n`,
  );
  return (r?.n ?? 0) > 0 && r?.comment !== DEMO_MARK;
}

export const DEMO_MARK = 'connect-sync demo data (simulated)';

export async function markAsDemo(db: Executor): Promise<void> {
  await db.execute(sql.raw(`comment on schema connect is '${DEMO_MARK}'`));
}
