// The database contract (DESIGN.md, "Database contract"), as drizzle tables in schema `connect`.
// Upstream ids are text, times timestamptz (UTC), money numeric. Every entity table keeps the
// record as received (`raw`), when we first saw it, when our copy last changed, and `deleted_at`
// (set only after a complete pass no longer returned it). There is deliberately no "last seen"
// column: stamping every row on every poll would rewrite whole tables each minute.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const connect = pgSchema('connect');

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A fingerprint of the row as last written (md5 of the normalised record, as uuid): the status poll
 * sends only (key, fingerprint) pairs for a page and the full record only where they differ, so an
 * unchanged record costs one index probe. Null for rows written before it existed (read as changed).
 */
const rowHash = () => uuid('row_hash');

/** Columns every upstream entity table has. */
const entityColumns = () => ({
  raw: jsonb('raw').notNull(),
  firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  deletedAt: tz('deleted_at'),
});

export const locations = connect.table('locations', {
  id: text('id').primaryKey(),
  name: text('name'),
  street: text('street'),
  zip: text('zip'),
  city: text('city'),
  country: text('country'),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  rowHash: rowHash(),
  ...entityColumns(),
});

export const chargepoints = connect.table(
  'chargepoints',
  {
    id: text('id').primaryKey(),
    name: text('name'),
    publicName: text('public_name'),
    locationId: text('location_id'),
    connectorsTotal: integer('connectors_total'),
    connectorsFree: integer('connectors_free'),
    connectorsOccupied: integer('connectors_occupied'),
    connectorsUnavailable: integer('connectors_unavailable'),
    upstreamCreatedAt: tz('upstream_created_at'),
    upstreamUpdatedAt: tz('upstream_updated_at'),
    rowHash: rowHash(),
    ...entityColumns(),
  },
  (t) => [index('chargepoints_location_idx').on(t.locationId)],
);

export const connectors = connect.table(
  'connectors',
  {
    id: text('id').primaryKey(),
    chargepointId: text('chargepoint_id')
      .notNull()
      .references(() => chargepoints.id),
    evse: text('evse'),
    name: text('name'),
    typeName: text('type_name'),
    currentType: text('current_type'),
    maxPowerKw: doublePrecision('max_power'),
    typeDescription: text('type_description'),
    status: text('status'),
    statusUpdatedAt: tz('status_updated_at'),
    rowHash: rowHash(),
    ...entityColumns(),
  },
  (t) => [index('connectors_chargepoint_idx').on(t.chargepointId), index('connectors_evse_idx').on(t.evse)],
);

export const connectorStatusHistory = connect.table(
  'connector_status_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectorId: text('connector_id')
      .notNull()
      .references(() => connectors.id),
    status: text('status').notNull(),
    validFrom: tz('valid_from').notNull(),
    validTo: tz('valid_to'),
    /** Time of the status pass that first saw this interval. */
    observedAt: tz('observed_at').notNull(),
    /** The upstream's status updatedAt as received (null when absent or implausible). */
    upstreamUpdatedAt: tz('upstream_updated_at'),
    runId: bigint('run_id', { mode: 'number' }),
    /** Why the interval was closed when not by a new status: 'deleted'. */
    closedReason: text('closed_reason'),
    /**
     * Observation coverage, stored when a status change closes the interval (null while open, for
     * deletion closes and for rows written by hand; connect.interval_coverage then computes it):
     * the start of the last successful status pass that still saw the interval (T_last; null if
     * none did) ...
     */
    confirmedAt: tz('confirmed_at'),
    /** ... and the end of its observed part, least(valid_to, greatest(valid_from, confirmed_at)). */
    observedUntil: tz('observed_until'),
    /**
     * The contiguous neighbours' statuses (as received), stored by the sync: the status of the
     * interval that ends where this one begins (when it is opened) and of the one that begins where
     * it ends (when a status change closes it). Null when there is none or it was not stored;
     * connect.outages then looks it up. Where outage runs start and end (migration 0007).
     */
    prevStatus: text('prev_status'),
    nextStatus: text('next_status'),
  },
  (t) => [
    // At most one open interval per connector (the overlap guard is an exclusion constraint in a custom migration).
    uniqueIndex('status_history_one_open_idx').on(t.connectorId).where(sql`${t.validTo} is null`),
    index('status_history_connector_from_idx').on(t.connectorId, t.validFrom),
    index('status_history_range_idx').on(t.validFrom, t.validTo),
    check('status_history_valid_range', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
    check(
      'status_history_stored_coverage',
      sql`${t.observedUntil} is null or (${t.validTo} is not null and ${t.observedUntil} >= ${t.validFrom} and ${t.observedUntil} <= ${t.validTo})`,
    ),
  ],
);

export const contacts = connect.table('contacts', {
  id: text('id').primaryKey(),
  customerNumber: text('customer_number'),
  isCompany: boolean('is_company'),
  // Personal data: these columns live here only; no BI view exposes them.
  name: text('name'),
  givenName: text('given_name'),
  email: text('email'),
  phone: text('phone'),
  fax: text('fax'),
  birthdate: date('birthdate', { mode: 'string' }),
  gender: text('gender'),
  address: jsonb('address'),
  ...entityColumns(),
});

export const cards = connect.table(
  'cards',
  {
    tagId: text('tag_id').primaryKey(),
    contactId: text('contact_id'),
    billingContactId: text('billing_contact_id'),
    active: boolean('active'),
    cardType: integer('card_type'),
    name: text('name'),
    rate: text('rate'),
    validFrom: date('valid_from', { mode: 'string' }),
    ...entityColumns(),
  },
  (t) => [index('cards_contact_idx').on(t.contactId)],
);

export const chargingSessions = connect.table(
  'charging_sessions',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id'),
    cardId: text('card_id'),
    connectorId: text('connector_id'),
    connectorType: text('connector_type'),
    evse: text('evse'),
    status: text('status'),
    startTime: tz('start_time'),
    endTime: tz('end_time'),
    durationS: integer('duration_s'),
    meterStartWh: bigint('meter_start_wh', { mode: 'number' }),
    meterEndWh: bigint('meter_end_wh', { mode: 'number' }),
    meterTotalWh: bigint('meter_total_wh', { mode: 'number' }),
    costs: numeric('costs'),
    costsNet: numeric('costs_net'),
    taxAmount: numeric('tax_amount'),
    currency: text('currency'),
    tariff: text('tariff'),
    ...entityColumns(),
  },
  (t) => [
    index('sessions_contact_idx').on(t.contactId),
    index('sessions_connector_start_idx').on(t.connectorId, t.startTime),
    index('sessions_status_idx').on(t.status),
  ],
);

/** Prices per chargepoint (and card, '' = no card), with the interval model of the status history. */
export const priceHistory = connect.table(
  'price_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chargepointId: text('chargepoint_id').notNull(),
    tagId: text('tag_id').notNull().default(''),
    name: text('name'),
    price: numeric('price'),
    currency: text('currency'),
    validFrom: tz('valid_from').notNull(),
    validTo: tz('valid_to'),
    observedAt: tz('observed_at').notNull(),
    raw: jsonb('raw').notNull(),
    runId: bigint('run_id', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('price_history_one_open_idx').on(t.chargepointId, t.tagId).where(sql`${t.validTo} is null`),
    check('price_history_valid_range', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);

export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed', 'aborted', 'skipped'] as const;

export const syncRuns = connect.table(
  'sync_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    job: text('job').notNull(),
    status: text('status').notNull().default('running'),
    startedAt: tz('started_at').notNull().defaultNow(),
    finishedAt: tz('finished_at'),
    /** Updated as pages commit; a running row with an old heartbeat belongs to a dead process. */
    heartbeatAt: tz('heartbeat_at').notNull().defaultNow(),
    /** True when the run paged the whole upstream list (deletion detection only follows such a pass). */
    complete: boolean('complete').notNull().default(false),
    pages: integer('pages').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    recordsSeen: integer('records_seen').notNull().default(0),
    recordsInserted: integer('records_inserted').notNull().default(0),
    recordsUpdated: integer('records_updated').notNull().default(0),
    recordsUnchanged: integer('records_unchanged').notNull().default(0),
    recordsRejected: integer('records_rejected').notNull().default(0),
    recordsDeleted: integer('records_deleted').notNull().default(0),
    /** Job-specific counters (e.g. status transitions, missed changes, failed contacts). */
    details: jsonb('details').notNull().default({}),
    error: text('error'),
    host: text('host'),
    pid: integer('pid'),
  },
  (t) => [
    index('sync_runs_job_started_idx').on(t.job, t.startedAt),
    check('sync_runs_status_valid', sql`${t.status} in ('running','succeeded','partial','failed','aborted','skipped')`),
  ],
);

export const syncRejects = connect.table(
  'sync_rejects',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' }).references(() => syncRuns.id, { onDelete: 'cascade' }),
    job: text('job').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    reason: text('reason').notNull(),
    raw: jsonb('raw'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [index('sync_rejects_run_idx').on(t.runId)],
);

export const STATUS_CATEGORIES = ['up', 'down', 'unknown'] as const;

/** Operator-editable: upstream status (matched case-insensitively) → up / down / unknown. */
export const statusCategories = connect.table(
  'status_categories',
  {
    status: text('status').primaryKey(),
    category: text('category').notNull(),
    description: text('description'),
  },
  (t) => [
    check('status_categories_lower', sql`${t.status} = lower(${t.status})`),
    check('status_categories_valid', sql`${t.category} in ('up','down','unknown')`),
  ],
);

/** Operator-declared windows whose outage minutes NEVI lets us exclude (T_excluded). */
export const outageExclusions = connect.table(
  'outage_exclusions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectorId: text('connector_id'),
    chargepointId: text('chargepoint_id'),
    startsAt: tz('starts_at').notNull(),
    endsAt: tz('ends_at').notNull(),
    reason: text('reason').notNull(),
    note: text('note'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('outage_exclusions_target', sql`(${t.connectorId} is null) <> (${t.chargepointId} is null)`),
    check('outage_exclusions_range', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * What the worker last learnt about the CONNECT API it talks to, per endpoint (scheme, host and
 * path; never credentials): its introspected schema and the page sizes of its lists. A run starts
 * its first pages from this while it reads the live schema again (and switches, and stores the new
 * one, when it changed); nothing here is believed without the live server confirming it.
 */
export const upstreamSchema = connect.table('upstream_schema', {
  endpoint: text('endpoint').primaryKey(),
  /** sha-256 of the introspection result as received. */
  hash: text('hash'),
  introspection: jsonb('introspection'),
  /** Per list operation: { effective, effectiveSince, listSize } (plans read-ahead only). */
  pages: jsonb('pages').notNull().default({}),
  readAt: tz('read_at').notNull().defaultNow(),
});
