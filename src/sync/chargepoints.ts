// `sync chargepoints`: the status poll. Pages chargepoints with their connectors; each page is one
// transaction (locations, chargepoints, connectors, status history, rejects, run counters); after
// a complete pass, what the pass did not return is marked deleted.
import type { ChargepointRecord, ConnectorRecord, Reject } from '../connect/records.js';
import { markUnseenDeleted, unseenChargepointIds, upsertChargepoints, upsertConnectors, upsertLocations, type ChargepointRow, type ConnectorRow, type LocationRow } from '../db/chargepoints.js';
import { addToRun, insertRejects } from '../db/runs.js';
import { connectorsByStatus, recordStatusObservations, type StatusObservation } from '../db/status-history.js';
import { recordSeen, resetSeen, type SeenKind } from '../db/seen.js';
import { changedChargepoints, rowHash, type Fingerprint } from '../db/fingerprints.js';
import { connectorsByStatus as connectorsGauge, statusTransitions } from '../metrics.js';
import { runJob, type JobContext, type JobResult, type RunHandle } from './job.js';
import { toRejectRow, walkPass } from './pass.js';
import { GraphQLResponseError, SchemaMismatchError } from '../connect/errors.js';

export interface ChargepointPage {
  records: ChargepointRecord[];
  rejects: Reject[];
  duplicates?: number;
  /** HTTP requests this page took, retries included. */
  requestAttempts?: number;
}

/** What the status poll needs from the CONNECT client. */
export interface ChargepointSource {
  chargepointPages(): AsyncIterable<ChargepointPage>;
  /** Used to confirm deletion candidates one by one (offset paging over a live list can skip a record). */
  getChargepoint?(by: { id: string }): Promise<{ records: ChargepointRecord[] }>;
}

/** Deletion candidates confirmed one by one at most; beyond that a pass deletes without asking. */
export const CONFIRM_DELETIONS_UP_TO = 50;

/** Upstream status times further in the future than this are not believed (clock skew allowance). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export async function syncChargepoints(source: ChargepointSource, ctx: JobContext): Promise<JobResult> {
  return runJob('chargepoints', ctx, async (run) => {
    // Chargepoint ids of this pass, to drop repeats (a few MB for 100k); everything deletion
    // detection needs is kept in the session's seen tables instead (db/seen.ts).
    const seenChargepoints = new Set<string>();
    await resetSeen(run.db);
    // Chargepoints returned rejected or confirmed to exist: their connectors are not deleted.
    const keepConnectorsOf = new Set<string>();
    let keylessRejects = 0;
    const d = run.details;
    for (const key of ['transitions', 'missed_changes', 'stale_statuses', 'duplicates', 'no_status', 'implausible_updated_at', 'write_ms'])
      d[key] = 0;

    const pass = source.chargepointPages();
    await walkPass(run, pass, async (fetched) => {
      run.checkpoint();
      const fetchedAt = new Date();
      // The client de-duplicates within a pass; this guards any source (an id twice in one
      // statement would fail the page).
      const records = fetched.records.filter((r) => !seenChargepoints.has(r.id));
      const page = { ...fetched, records, duplicates: (fetched.duplicates ?? 0) + fetched.records.length - records.length };
      const scan = scanPage(page.records, fetchedAt);
      const seen = scan.seen;
      for (const r of page.records) seenChargepoints.add(r.id);
      for (const r of page.rejects) {
        if (r.key && r.entity === 'chargepoint') {
          seenChargepoints.add(r.key);
          seen.push({ k: 'p', id: r.key });
          keepConnectorsOf.add(r.key);
        } else if (r.key && r.entity === 'connector') seen.push({ k: 'c', id: r.key });
        else keylessRejects++;
      }
      d.duplicates! += (page.duplicates ?? 0) + scan.duplicateConnectors;
      d.no_status! += scan.noStatus;
      d.implausible_updated_at! += scan.implausible;

      const requests = page.requestAttempts ?? 1;
      const writeStart = performance.now();
      const counts = await run.db.transaction(async (tx) => {
        // One probe per chargepoint for its fingerprint (its whole record: connectors and location
        // included); only new or changed chargepoints are mapped to rows and sent in full.
        const changed = await changedChargepoints(tx, scan.fingerprints, seen);
        const { locations, chargepoints, connectors, observations } = buildRows(
          scan.fingerprints.flatMap((f, i) => (changed.has(f.id) ? [{ record: page.records[i]!, hash: f.h }] : [])),
          fetchedAt,
        );
        await upsertLocations(tx, locations);
        const cp = await upsertChargepoints(tx, chargepoints);
        const conn = await upsertConnectors(tx, connectors);
        const history = await recordStatusObservations(tx, observations, fetchedAt, run.id);
        await insertRejects(tx, run.id, 'chargepoints', page.rejects.map(toRejectRow));
        const skipped = scan.chargepoints + scan.connectors - chargepoints.length - connectors.length;
        const delta = {
          pages: 1,
          requests,
          seen: scan.chargepoints + scan.connectors,
          inserted: cp.inserted + conn.inserted,
          updated: cp.updated + conn.updated,
          unchanged: cp.unchanged + conn.unchanged + skipped,
          rejected: page.rejects.length,
        };
        const details = {
          ...d,
          transitions: d.transitions! + history.opened,
          missed_changes: d.missed_changes! + history.missed,
          stale_statuses: d.stale_statuses! + history.stale,
        };
        await addToRun(tx, run.id, delta, details);
        return { delta, details, history };
      });
      // Only after the commit do the in-memory totals move.
      for (const [k, v] of Object.entries(counts.delta)) run.counters[k as keyof typeof run.counters] += v;
      Object.assign(d, counts.details);
      d.write_ms! += Math.round(performance.now() - writeStart);
      for (const [status, n] of Object.entries(counts.history.openedByStatus)) statusTransitions.inc({ status }, n);
      run.progress('page committed', { chargepoints: seenChargepoints.size, transitions: d.transitions });
    });

    // The pass completed: whatever it did not return is gone upstream — once confirmed, when few.
    run.checkpoint();
    // The end of the pass's database time (finish_ms; confirming candidates upstream aside).
    d.deletions_disproved = await confirmCandidates(source, run, keepConnectorsOf);
    const finishStart = performance.now();
    let byStatus: Array<{ status: string | null; n: number }>;
    if (keylessRejects > 0) {
      run.logger.warn({ keylessRejects }, 'deletion detection skipped: some rejected records had no readable id, so absence proves nothing');
      d.deletion_skipped = 1;
      byStatus = await connectorsByStatus(run.db);
    } else {
      const deleted = await run.db.transaction((tx) =>
        markUnseenDeleted(tx, [...keepConnectorsOf], run.startedAt),
      );
      run.counters.deleted = deleted.chargepoints + deleted.connectors + deleted.locations;
      d.deleted_chargepoints = deleted.chargepoints;
      d.deleted_connectors = deleted.connectors;
      await addToRun(run.db, run.id, { deleted: run.counters.deleted }, d);
      byStatus = deleted.byStatus;
    }
    connectorsGauge.reset();
    for (const { status, n } of byStatus) connectorsGauge.set({ status: status ?? 'null' }, n);
    d.finish_ms = Math.round(performance.now() - finishStart);
    return { status: 'succeeded', complete: true, requests: run.counters.requests };
  });
}

/**
 * Offset paging over a live list skips a record when an earlier one is removed mid-pass. Before
 * deleting, each candidate (when there are few) is asked for directly; one that still exists, or
 * whose lookup fails for another reason than not being found, is kept.
 */
async function confirmCandidates(
  source: ChargepointSource,
  run: RunHandle,
  keepConnectorsOf: Set<string>,
): Promise<number> {
  if (!source.getChargepoint) return 0;
  const candidates = await unseenChargepointIds(run.db, CONFIRM_DELETIONS_UP_TO + 1);
  if (candidates.length > CONFIRM_DELETIONS_UP_TO) return 0;
  let disproved = 0;
  for (const id of candidates) {
    let stillThere: boolean;
    try {
      const found = await source.getChargepoint({ id });
      stillThere = found.records.some((r) => r.id === id);
    } catch (err) {
      if (err instanceof SchemaMismatchError) {
        // This API offers no usable getChargepoint: the rest are deleted unconfirmed, as beyond the limit.
        run.logger.warn({ reason: err.problems.join('; ') }, 'deletion candidates cannot be confirmed one by one on this API');
        break;
      }
      // "Not found" answers as a GraphQL error; anything else (network, auth) proves nothing.
      stillThere = !(err instanceof GraphQLResponseError);
    }
    if (stillThere) {
      await recordSeen(run.db, [{ k: 'p', id }]);
      keepConnectorsOf.add(id);
      disproved++;
    }
  }
  if (disproved > 0) run.logger.info({ disproved }, 'chargepoints missing from the pass still exist upstream; not deleted');
  return disproved;
}

/** What every record of a page contributes before the fingerprint probe: cheap, no rows built. */
interface ScannedPage {
  /** One per chargepoint: the fingerprint of its whole record as received. */
  fingerprints: Fingerprint[];
  /** Every id of the page (chargepoints, connectors, locations), for deletion detection. */
  seen: Array<{ k: SeenKind; id: string }>;
  chargepoints: number;
  connectors: number;
  duplicateConnectors: number;
  noStatus: number;
  implausible: number;
}

/**
 * A chargepoint's fingerprint covers its connectors and its location (they arrive inside its
 * record), so an unchanged chargepoint proves its connectors and location unchanged as well: one
 * probe per chargepoint instead of one per row. The counts are those of every connector.
 */
export function scanPage(records: ChargepointRecord[], fetchedAt: Date): ScannedPage {
  const out: ScannedPage = { fingerprints: [], seen: [], chargepoints: records.length, connectors: 0, duplicateConnectors: 0, noStatus: 0, implausible: 0 };
  const connectorIds = new Set<string>();
  const locationIds = new Set<string>();
  for (const cp of records) {
    out.fingerprints.push({ id: cp.id, h: rowHash(cp.raw) });
    out.seen.push({ k: 'p', id: cp.id });
    const loc = cp.location;
    if (loc && !locationIds.has(loc.id)) {
      locationIds.add(loc.id);
      out.seen.push({ k: 'l', id: loc.id });
    }
    for (const c of cp.connectors) {
      if (connectorIds.has(c.id)) {
        out.duplicateConnectors++;
        continue;
      }
      connectorIds.add(c.id);
      out.seen.push({ k: 'c', id: c.id });
      if (c.status === null || c.status === '') out.noStatus++;
      else if (c.statusUpdatedAt !== null && !plausible(c.statusUpdatedAt, fetchedAt)) out.implausible++;
    }
  }
  out.connectors = connectorIds.size;
  return out;
}

interface PageRows {
  locations: LocationRow[];
  chargepoints: ChargepointRow[];
  connectors: ConnectorRow[];
  observations: StatusObservation[];
}

/**
 * Maps chargepoint records to the rows of each table (pure). A connector listed twice is written
 * once; across pages a repeated connector is simply written again (idempotent).
 */
export function buildRows(records: Array<{ record: ChargepointRecord; hash: string }>, fetchedAt: Date): PageRows {
  const seenConnectors = new Set<string>();
  const out: PageRows = { locations: [], chargepoints: [], connectors: [], observations: [] };
  const locationIds = new Set<string>();
  for (const { record: cp, hash } of records) {
    const loc = cp.location;
    if (loc && !locationIds.has(loc.id)) {
      locationIds.add(loc.id);
      // The location as received (any shape the server has), beside the typed columns.
      const raw = (cp.raw as { location?: unknown } | null)?.location ?? loc;
      out.locations.push({ ...loc, raw, row_hash: rowHash(raw) });
    }
    out.chargepoints.push({
      id: cp.id,
      name: cp.name,
      public_name: cp.publicName,
      location_id: loc?.id ?? null,
      connectors_total: cp.connectorsTotal,
      connectors_free: cp.connectorsFree,
      connectors_occupied: cp.connectorsOccupied,
      connectors_unavailable: cp.connectorsUnavailable,
      upstream_created_at: cp.createdAt?.toISOString() ?? null,
      upstream_updated_at: cp.updatedAt?.toISOString() ?? null,
      raw: withoutConnectors(cp.raw),
      row_hash: hash,
    });
    for (const c of cp.connectors) {
      if (seenConnectors.has(c.id)) continue;
      seenConnectors.add(c.id);
      out.connectors.push({ ...connectorRow(c, cp.id), row_hash: rowHash(c.raw, cp.id) });
      const obs = observation(c, fetchedAt);
      if (obs !== 'no-status') out.observations.push(obs);
    }
  }
  return out;
}

function connectorRow(c: ConnectorRecord, chargepointId: string): Omit<ConnectorRow, 'row_hash'> {
  return {
    id: c.id,
    chargepoint_id: chargepointId,
    evse: c.evse,
    name: c.name,
    type_name: c.typeName,
    current_type: c.currentType,
    max_power: c.maxPower,
    type_description: c.typeDescription,
    status: c.status,
    status_updated_at: c.statusUpdatedAt?.toISOString() ?? null,
    raw: c.raw,
  };
}

/**
 * valid_from is the upstream's status updatedAt when present and plausible (not in the future
 * beyond MAX_CLOCK_SKEW_MS), else the observation time; both are kept.
 */
function observation(c: ConnectorRecord, fetchedAt: Date): 'no-status' | StatusObservation {
  if (c.status === null || c.status === '') return 'no-status';
  const updated = c.statusUpdatedAt;
  const believed = updated !== null && plausible(updated, fetchedAt);
  return {
    connector_id: c.id,
    status: c.status,
    valid_from: (believed ? updated : fetchedAt).toISOString(),
    upstream_updated_at: believed ? updated.toISOString() : null,
  };
}

function plausible(updated: Date, fetchedAt: Date): boolean {
  return updated.getTime() <= fetchedAt.getTime() + MAX_CLOCK_SKEW_MS;
}

/** The chargepoint's raw record without its connectors (they have rows of their own). */
function withoutConnectors(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'connectors' in raw) {
    const { connectors: _connectors, ...rest } = raw as Record<string, unknown>;
    return rest;
  }
  return raw;
}
