// `sync contacts`, `sync cards`, `sync sessions [--active]`: contacts are paged; cards and sessions
// can only be listed per contact, so they fan out over the known, non-deleted contacts.
import type { ConnectClient } from '../connect/client.js';
import { SchemaMismatchError } from '../connect/errors.js';
import type { CardRecord, ContactRecord, SessionRecord } from '../connect/records.js';
import {
  activeSessionsNotIn,
  contactIdsAfter,
  markUnseenCardsDeleted,
  markUnseenContactsDeleted,
  upsertCards,
  upsertContacts,
  upsertSessions,
  type CardRow,
  type ContactRow,
  type SessionRow,
} from '../db/customers.js';
import { addToRun, insertRejects } from '../db/runs.js';
import type { Db } from '../db/database.js';
import { toRejectRow, walkPass } from './pass.js';
import { fanOut, idBatches, type FanOutResult } from './fan-out.js';
import { runJob, type JobContext, type JobOutcome, type JobResult, type RunHandle } from './job.js';

export interface FanOutSettings {
  /** CONNECT_CONCURRENCY: the shared limiter bounds requests in flight to it. */
  concurrency: number;
}

/**
 * Contacts walked at once: twice the request concurrency, so that while one worker waits for its
 * batch to commit, others keep the limiter's slots busy. The limiter still caps requests in flight.
 */
export const fanOutWorkers = (concurrency: number) => Math.max(2, concurrency * 2);

export async function syncContacts(client: ConnectClient, ctx: JobContext): Promise<JobResult> {
  return runJob('contacts', ctx, async (run) => {
    const seen = new Set<string>();
    let keyless = 0;
    const pass = client.contactPages();
    await walkPass(run, pass, async (page) => {
      run.checkpoint();
      for (const c of page.records) seen.add(c.id);
      for (const r of page.rejects) {
        if (r.key) seen.add(r.key);
        else keyless++;
      }
      const delta = await run.db.transaction(async (tx) => {
        const counts = await upsertContacts(tx, page.records.map(contactRow));
        await insertRejects(tx, run.id, 'contacts', page.rejects.map(toRejectRow));
        const d = { pages: 1, requests: page.requestAttempts, seen: page.records.length, ...counts, rejected: page.rejects.length };
        await addToRun(tx, run.id, d);
        return d;
      });
      addCounters(run, delta);
      run.progress('page committed', { contacts: seen.size });
    });
    run.checkpoint();
    // A rejected record without a readable id might be any contact: absence then proves nothing.
    if (keyless === 0) {
      run.counters.deleted = await markUnseenContactsDeleted(run.db, [...seen], run.startedAt);
      await addToRun(run.db, run.id, { deleted: run.counters.deleted });
    }
    return { status: 'succeeded', complete: true, requests: run.counters.requests };
  });
}

export async function syncCards(client: ConnectClient, ctx: JobContext, settings: FanOutSettings): Promise<JobResult> {
  return runJob('cards', ctx, async (run) => {
    const seenTags: string[] = [];
    const result = await fanOut<CardRecord>(run, {
      job: 'cards',
      idKind: 'contact',
      ids: idBatches((after, limit) => contactIdsAfter(run.db, after, limit)),
      fetch: (contactId) => client.cardPages(contactId),
      write: async (tx, records) => {
        for (const r of records) seenTags.push(r.tagId);
        return { seen: records.length, ...(await upsertCards(tx, dedupe(records.map(cardRow), (r) => r.tag_id))) };
      },
      concurrency: fanOutWorkers(settings.concurrency),
      batchSize: client.pageSize,
    });
    run.counters.deleted = await markUnseenCardsDeleted(run.db, result.completed, seenTags, run.startedAt);
    await addToRun(run.db, run.id, { deleted: run.counters.deleted }, run.details);
    return outcome(run, result);
  });
}

export async function syncSessions(client: ConnectClient, ctx: JobContext, settings: FanOutSettings & { active: boolean }): Promise<JobResult> {
  return runJob(settings.active ? 'active-sessions' : 'sessions', ctx, async (run) => {
    const seen: string[] = [];
    run.details.stopped = 0;
    const write = async (tx: Db, records: SessionRecord[]) => {
      for (const r of records) seen.push(r.id);
      const { stopped, ...counts } = await upsertSessions(tx, dedupe(records.map(sessionRow), (r) => r.id));
      run.details.stopped! += stopped;
      return { seen: records.length, ...counts };
    };
    const result = await fanOut<SessionRecord>(run, {
      job: settings.active ? 'active-sessions' : 'sessions',
      idKind: 'contact',
      ids: idBatches((after, limit) => contactIdsAfter(run.db, after, limit)),
      fetch: (contactId) => client.sessionPages(contactId, settings.active ? { active: true } : {}),
      write,
      concurrency: fanOutWorkers(settings.concurrency),
      batchSize: client.pageSize,
    });
    if (settings.active) {
      // Sessions we hold as ACTIVE that the active list no longer returns have ended: fetch each
      // once, so ACTIVE → STOPPED (with meter values and costs) lands without waiting for the full pass.
      const ended = await activeSessionsNotIn(run.db, result.completed, seen);
      if (ended.length > 0) {
        await fanOut<SessionRecord>(run, {
          job: 'active-sessions',
          idKind: 'session',
          ids: (async function* () {
            yield ended;
          })(),
          fetch: async function* (id) {
            try {
              const r = await client.getChargingSession(id);
              yield { records: r.records, rejects: r.rejects, requestAttempts: 1 };
            } catch (err) {
              // No usable getChargingSession on this API: the next full sessions pass brings the final values.
              if (!(err instanceof SchemaMismatchError)) throw err;
            }
          },
          write,
          concurrency: fanOutWorkers(settings.concurrency),
          batchSize: client.pageSize,
        });
      }
    }
    return outcome(run, result);
  });
}

function outcome(run: RunHandle, result: FanOutResult): JobOutcome {
  run.details.contacts_completed = result.completed.length;
  run.details.contacts_failed = result.failed.length;
  if (result.failed.length === 0) return { status: 'succeeded', complete: true, requests: run.counters.requests };
  const ids = result.failed.slice(0, 20).map((f) => f.id);
  return {
    status: 'partial',
    complete: false,
    requests: run.counters.requests,
    error: `${result.failed.length} contact(s) failed after retries (listed in connect.sync_rejects): ${ids.join(', ')}${result.failed.length > ids.length ? ', …' : ''}; the next run tries them again`,
  };
}

function addCounters(run: RunHandle, delta: Partial<RunHandle['counters']>): void {
  for (const [k, v] of Object.entries(delta)) run.counters[k as keyof RunHandle['counters']] += v ?? 0;
}

/** Within one batch a key may come twice (a session listed under two contacts): keep the last. */
function dedupe<T>(rows: T[], key: (r: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return [...byKey.values()];
}

export function contactRow(c: ContactRecord): ContactRow {
  return {
    id: c.id,
    customer_number: c.customerNumber,
    is_company: c.isCompany,
    name: c.name,
    given_name: c.givenName,
    email: c.email,
    phone: c.phone,
    fax: c.fax,
    birthdate: c.birthdate,
    gender: c.gender,
    address: c.location,
    raw: c.raw,
  };
}

export function cardRow(c: CardRecord): CardRow {
  return {
    tag_id: c.tagId,
    contact_id: c.contactId,
    billing_contact_id: c.billingContactId,
    active: c.active,
    card_type: c.cardType,
    name: c.name,
    rate: c.rate,
    valid_from: c.validFrom,
    raw: c.raw,
  };
}

export function sessionRow(s: SessionRecord): SessionRow {
  return {
    id: s.id,
    contact_id: s.contactId,
    card_id: s.cardId,
    connector_id: s.connectorId,
    connector_type: s.connectorType,
    evse: s.evse,
    status: s.status,
    start_time: s.startTime?.toISOString() ?? null,
    end_time: s.endTime?.toISOString() ?? null,
    duration_s: s.duration,
    meter_start_wh: s.meterStart,
    meter_end_wh: s.meterEnd,
    meter_total_wh: s.meterTotal,
    costs: s.costs,
    costs_net: s.costsNet,
    tax_amount: s.taxAmount,
    currency: s.currency,
    tariff: s.tariff,
    raw: s.raw,
  };
}
