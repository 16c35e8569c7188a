// The boundary: zod schemas that take the API's records as received and normalise them into our
// record types. Lenient where the upstream is known to drift (IDs as numbers or strings, dates as
// plain dates or date-times, unknown enum values, extra fields, nulls, implausible numbers are all
// kept); strict only where a record would be unusable (no key, a non-number where a number
// belongs, an unreadable date). A record that fails becomes a Reject, never a failed page.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { unknownValues } from '../metrics.js';
import { decimalText, unmarkDecimals } from './json.js';

// ---- record types ----------------------------------------------------------------------------

export interface LocationRecord {
  /** The upstream id, or a fingerprint of the content where the server has none (locationKey). */
  id: string;
  name: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ConnectorRecord {
  id: string;
  chargepointId: string;
  evse: string | null;
  name: string | null;
  /** As received (case kept); unknown values are accepted and counted. */
  status: string | null;
  statusUpdatedAt: Date | null;
  typeName: string | null;
  currentType: string | null;
  maxPower: number | null;
  typeDescription: string | null;
  raw: unknown;
}

export interface ChargepointRecord {
  id: string;
  name: string | null;
  publicName: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  connectorsTotal: number | null;
  connectorsFree: number | null;
  connectorsOccupied: number | null;
  connectorsUnavailable: number | null;
  location: LocationRecord | null;
  connectors: ConnectorRecord[];
  raw: unknown;
}

export interface ContactRecord {
  id: string;
  customerNumber: string | null;
  isCompany: boolean | null;
  name: string | null;
  givenName: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  /** 'YYYY-MM-DD' */
  birthdate: string | null;
  gender: string | null;
  location: LocationRecord | null;
  raw: unknown;
}

export interface CardRecord {
  tagId: string;
  /** The contact whose cards were listed; for getCard/updateCard the card's own `contact`. */
  contactId: string | null;
  billingContactId: string | null;
  active: boolean | null;
  cardType: number | null;
  name: string | null;
  rate: string | null;
  /** 'YYYY-MM-DD' */
  validFrom: string | null;
  raw: unknown;
}

/** Money as the exact decimal text received (e.g. "5.11"), never a float. */
export type Decimal = string;

export interface SessionRecord {
  id: string;
  /** The contact whose sessions were listed (null for getChargingSession). */
  contactId: string | null;
  cardId: string | null;
  connectorId: string | null;
  connectorType: string | null;
  evse: string | null;
  status: string | null;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
  meterStart: number | null;
  meterEnd: number | null;
  meterTotal: number | null;
  costs: Decimal | null;
  costsNet: Decimal | null;
  taxAmount: Decimal | null;
  currency: string | null;
  tariff: string | null;
  raw: unknown;
}

export interface PriceRecord {
  chargepointId: string;
  tagId: string | null;
  currency: string | null;
  name: string | null;
  price: Decimal | null;
  raw: unknown;
}

export type EntityName = 'chargepoint' | 'connector' | 'contact' | 'card' | 'session' | 'price';

export interface Reject {
  entity: EntityName;
  /** The record's key when it could be read, else null. */
  key: string | null;
  /** The record as received. */
  raw: unknown;
  /** Why it was rejected, e.g. "meterStart: not a number ("abc")". */
  reason: string;
  /** For a rejected connector: the chargepoint it belongs to (which itself was kept). */
  chargepointId?: string;
}

export interface PageResult<T> {
  records: T[];
  rejects: Reject[];
}

// ---- field coercers --------------------------------------------------------------------------

class Invalid {
  constructor(readonly message: string) {}
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function coerce<T>(convert: (v: unknown) => T | Invalid) {
  // optional(): a missing key reaches the converter as undefined (zod 4 treats a bare unknown() key as required).
  return z.unknown().optional().transform((v, ctx): T => {
    const out = convert(v);
    if (out instanceof Invalid) {
      ctx.addIssue({ code: 'custom', message: out.message });
      return z.NEVER;
    }
    return out;
  });
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** ID: string or number → non-empty string. */
const requiredId = coerce((v) => {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return new Invalid(v === undefined || v === null || v === '' ? 'missing' : `not an ID (${show(v)})`);
});

const optionalId = coerce((v) => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return new Invalid(`not an ID (${show(v)})`);
});

/** String; numbers are accepted as their text (a zip code or customer number sent as a number). */
const text = coerce((v) => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return new Invalid(`not a string (${show(v)})`);
});

/** Number (Int or Float); numeric strings accepted. Implausible values are kept. */
const num = coerce((v) => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : new Invalid(`not a finite number (${show(v)})`);
  const marked = decimalText(v);
  if (marked !== undefined) return Number(marked);
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v);
  return new Invalid(`not a number (${show(v)})`);
});

/** Money: the exact decimal text received. */
const money = coerce((v) => {
  if (v === undefined || v === null) return null;
  const marked = decimalText(v);
  if (marked !== undefined) return marked;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : new Invalid(`not a finite number (${show(v)})`);
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return v.trim();
  return new Invalid(`not a decimal number (${show(v)})`);
});

const bool = coerce((v) => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return new Invalid(`not a boolean (${show(v)})`);
});

const DATE_ONLY = /^(\d{4}-\d{2}-\d{2})$/;
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})[T ]/;
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** DateTime: a full ISO date-time or a plain date (read as UTC midnight); no zone means UTC. */
export function parseDateTime(v: unknown): Date | null | Invalid {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v);
  if (typeof v !== 'string') return new Invalid(`not a date-time (${show(v)})`);
  const s = v.trim();
  const iso = DATE_ONLY.test(s) ? `${s}T00:00:00.000Z` : NO_ZONE.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? new Invalid(`not a date-time (${show(v)})`) : new Date(ms);
}

/** Date: 'YYYY-MM-DD'; a full date-time is accepted and its date part (as written) kept. */
export function parseDateOnly(v: unknown): string | null | Invalid {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') return new Invalid(`not a date (${show(v)})`);
  const s = v.trim();
  const m = DATE_ONLY.exec(s) ?? DATE_PREFIX.exec(s);
  if (!m?.[1] || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return new Invalid(`not a date (${show(v)})`);
  return m[1];
}

const dateTime = coerce(parseDateTime);
const dateOnly = coerce(parseDateOnly);

// ---- enums: accept anything, count and warn about the unknown ----------------------------------

const KNOWN_VALUES: Record<string, ReadonlySet<string>> = {
  'connector.status': new Set(['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE', 'UNKNOWN']),
  'session.status': new Set(['ACTIVE', 'STOPPED']),
};
const warnedValues = new Set<string>();
const labelledValues = new Set<string>();
const MAX_LABELLED_VALUES = 50;

/** Counts (metric) and warns once per process about a value outside the documented enum. Case-insensitive. */
export function noteEnumValue(field: string, value: string | null, logger: Logger): void {
  if (value === null) return;
  const known = KNOWN_VALUES[field];
  if (!known || known.has(value.toUpperCase())) return;
  const id = `${field}\u0000${value}`;
  // Bound the metric's label set: a flood of distinct values must not explode cardinality.
  if (!labelledValues.has(id) && labelledValues.size < MAX_LABELLED_VALUES) labelledValues.add(id);
  unknownValues.inc({ field, value: labelledValues.has(id) ? value.slice(0, 64) : '(other)' });
  if (!warnedValues.has(id)) {
    warnedValues.add(id);
    logger.warn({ field, value }, `the CONNECT API sent ${field} "${value}", which is not a documented value; it is stored as received`);
  }
}

// ---- schemas ---------------------------------------------------------------------------------

// Location: the reference never defines the type, so its fields are whatever the server offers.
// Typed columns are filled through the usual names, at the top level or one object down (an
// `address { city }`, `coordinates { lat lng }`); the record as received stays in `raw`.
const LOCATION_NAMES: Readonly<Record<Exclude<keyof LocationRecord, 'id'>, readonly string[]>> = {
  name: ['name', 'title'],
  street: ['street', 'streetAddress', 'streetName', 'addressLine1', 'address1', 'address', 'line1'],
  zip: ['zip', 'postalCode', 'zipCode', 'postcode', 'postCode'],
  city: ['city', 'town', 'locality'],
  country: ['country', 'countryCode', 'countryIso'],
  latitude: ['latitude', 'lat'],
  longitude: ['longitude', 'lng', 'lon', 'long'],
};
const LOCATION_ID_NAMES = ['id', 'uuid', 'locationId'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The first usable value under one of `names`: at the top level, else inside a nested object. */
function pick(obj: Record<string, unknown>, names: readonly string[], accept: (v: unknown) => boolean): unknown {
  for (const n of names) if (accept(obj[n])) return obj[n];
  for (const v of Object.values(obj)) {
    if (!isPlainObject(v)) continue;
    for (const n of names) if (accept(v[n])) return v[n];
  }
  return undefined;
}

/** JSON with sorted keys at every level: the same content always prints the same. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * A location's key: the upstream id where the server has one, else `fp:` + the first 32 hex digits
 * of the SHA-256 of the location as received, printed as JSON with its keys sorted (the same
 * content always gets the same key; a changed address is a new location).
 */
export function locationKey(raw: Record<string, unknown>): string {
  // Only the location's own id counts (an id inside its address object is not the location's).
  const id = LOCATION_ID_NAMES.map((n) => raw[n]).find((v) => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v)));
  if (id !== undefined) return String(id);
  return `fp:${createHash('sha256').update(canonicalJson(unmarkDecimals(raw))).digest('hex').slice(0, 32)}`;
}

const isText = (v: unknown) => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number';
const isNumberLike = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || decimalText(v) !== undefined || (typeof v === 'string' && NUMERIC.test(v.trim()));

/** Normalises a location of any shape; null for null, an empty object or a non-object. */
export function normaliseLocation(raw: unknown): LocationRecord | null {
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) return null;
  const textOf = (names: readonly string[]) => {
    const v = pick(raw, names, isText);
    return v === undefined ? null : String(v);
  };
  const numberOf = (names: readonly string[]) => {
    const v = pick(raw, names, isNumberLike);
    if (v === undefined) return null;
    const marked = decimalText(v);
    return Number(marked ?? v);
  };
  return {
    id: locationKey(raw),
    name: textOf(LOCATION_NAMES.name),
    street: textOf(LOCATION_NAMES.street),
    zip: textOf(LOCATION_NAMES.zip),
    city: textOf(LOCATION_NAMES.city),
    country: textOf(LOCATION_NAMES.country),
    latitude: numberOf(LOCATION_NAMES.latitude),
    longitude: numberOf(LOCATION_NAMES.longitude),
  };
}

const location = z.unknown().optional().transform((l): LocationRecord | null => normaliseLocation(l));

// Connector.status is an object { status, updatedAt }; the older REST API sent a bare string.
const connectorStatus = z.preprocess(
  (v) => (typeof v === 'string' ? { status: v } : v),
  z.looseObject({ status: text, updatedAt: dateTime }).nullish(),
);

// Connector.type is a ConnectorType object; the reference's curl example selects it as a scalar.
const connectorType = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z.looseObject({ currentType: text, description: text, maxPower: num, name: text }).nullish(),
);

const connectorSchema = z.looseObject({
  id: z.unknown().optional(),
  uuid: z.unknown().optional(),
  evse: text,
  name: text,
  status: connectorStatus,
  type: connectorType,
});

const chargepointSchema = z.looseObject({
  id: z.unknown().optional(),
  uuid: z.unknown().optional(),
  name: text,
  publicName: text,
  createdAt: dateTime,
  updatedAt: dateTime,
  connectorsTotal: num,
  connectorsFree: num,
  connectorsOccupied: num,
  connectorsUnavailable: num,
  location,
  connectors: z.array(z.unknown()).nullish(),
});

const contactSchema = z.looseObject({
  id: requiredId,
  customerNumber: text,
  isCompany: bool,
  name: text,
  givenName: text,
  email: text,
  phone: text,
  fax: text,
  birthdate: dateOnly,
  gender: text,
  location,
});

const cardSchema = z.looseObject({
  tagId: requiredId,
  contact: optionalId,
  billingContact: optionalId,
  active: bool,
  cardType: num,
  name: text,
  rate: text,
  validFrom: dateOnly,
});

const sessionSchema = z.looseObject({
  id: requiredId,
  cardId: text,
  connector: z.looseObject({ connectorId: optionalId, connectorType: text, evse: text }).nullish(),
  costs: money,
  costsNet: money,
  taxAmount: money,
  currency: text,
  duration: num,
  startTime: dateTime,
  endTime: dateTime,
  meterStart: num,
  meterEnd: num,
  meterTotal: num,
  status: text,
  tariff: text,
});

const priceSchema = z.looseObject({ currency: text, name: text, price: money });

// ---- parsing ---------------------------------------------------------------------------------

export interface ParseContext {
  logger: Logger;
}

export type ParseOutcome<T> = { ok: true; record: T; rejects: Reject[] } | { ok: false; reject: Reject };

function reasonOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'record'}: ${i.message}`)
    .join('; ');
}

function keyOf(raw: unknown, ...fields: string[]): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  for (const f of fields) {
    const v = (raw as Record<string, unknown>)[f];
    if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  }
  return null;
}

function reject(entity: EntityName, raw: unknown, reason: string, key: string | null): Reject {
  return { entity, key, raw: unmarkDecimals(raw), reason };
}

/** Reads the key of a raw record (id, uuid or tagId), for de-duplication and repeat detection. */
export function rawKey(raw: unknown): string | null {
  return keyOf(raw, 'id', 'uuid', 'tagId');
}

function notAnObject(entity: EntityName, raw: unknown): Reject {
  return reject(entity, raw, raw === null ? `null ${entity} in the list` : `not an object (${show(raw)})`, null);
}

function parseConnector(raw: unknown, chargepointId: string, ctx: ParseContext): ParseOutcome<ConnectorRecord> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const r = notAnObject('connector', raw);
    return { ok: false, reject: { ...r, reason: `${r.reason} (chargepoint ${chargepointId})`, chargepointId } };
  }
  const key = keyOf(raw, 'id', 'uuid');
  const parsed = connectorSchema.safeParse(raw);
  if (!key || !parsed.success) {
    const reason = [key ? null : 'id: missing', parsed.success ? null : reasonOf(parsed.error)].filter(Boolean).join('; ');
    return { ok: false, reject: { ...reject('connector', raw, `${reason} (chargepoint ${chargepointId})`, key), chargepointId } };
  }
  const c = parsed.data;
  const status = c.status?.status ?? null;
  noteEnumValue('connector.status', status, ctx.logger);
  return {
    ok: true,
    rejects: [],
    record: {
      id: key,
      chargepointId,
      evse: c.evse,
      name: c.name,
      status,
      statusUpdatedAt: c.status?.updatedAt ?? null,
      typeName: c.type?.name ?? null,
      currentType: c.type?.currentType ?? null,
      maxPower: c.type?.maxPower ?? null,
      typeDescription: c.type?.description ?? null,
      raw: unmarkDecimals(raw),
    },
  };
}

/** A chargepoint with its connectors. A bad connector becomes its own reject; the chargepoint is kept. */
export function parseChargepoint(raw: unknown, ctx: ParseContext): ParseOutcome<ChargepointRecord> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reject: notAnObject('chargepoint', raw) };
  const key = keyOf(raw, 'id', 'uuid');
  const parsed = chargepointSchema.safeParse(raw);
  if (!key || !parsed.success) {
    const reason = [key ? null : 'id: missing', parsed.success ? null : reasonOf(parsed.error)].filter(Boolean).join('; ');
    return { ok: false, reject: reject('chargepoint', raw, reason, key) };
  }
  const cp = parsed.data;
  const connectors: ConnectorRecord[] = [];
  const rejects: Reject[] = [];
  for (const rawConnector of cp.connectors ?? []) {
    const out = parseConnector(rawConnector, key, ctx);
    if (out.ok) connectors.push(out.record);
    else rejects.push(out.reject);
  }
  return {
    ok: true,
    rejects,
    record: {
      id: key,
      name: cp.name,
      publicName: cp.publicName,
      createdAt: cp.createdAt,
      updatedAt: cp.updatedAt,
      connectorsTotal: cp.connectorsTotal,
      connectorsFree: cp.connectorsFree,
      connectorsOccupied: cp.connectorsOccupied,
      connectorsUnavailable: cp.connectorsUnavailable,
      location: cp.location,
      connectors,
      raw: unmarkDecimals(raw),
    },
  };
}

function parseWith<S extends z.ZodType, T>(
  entity: EntityName,
  schema: S,
  raw: unknown,
  keyFields: string[],
  build: (data: z.output<S>) => T,
): ParseOutcome<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reject: notAnObject(entity, raw) };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, reject: reject(entity, raw, reasonOf(parsed.error), keyOf(raw, ...keyFields)) };
  return { ok: true, record: build(parsed.data), rejects: [] };
}

export function parseContact(raw: unknown, _ctx: ParseContext): ParseOutcome<ContactRecord> {
  return parseWith('contact', contactSchema, raw, ['id'], (c) => ({
    id: c.id,
    customerNumber: c.customerNumber,
    isCompany: c.isCompany,
    name: c.name,
    givenName: c.givenName,
    email: c.email,
    phone: c.phone,
    fax: c.fax,
    birthdate: c.birthdate,
    gender: c.gender,
    location: c.location,
    raw: unmarkDecimals(raw),
  }));
}

/** `contactId`: the contact whose cards were listed; without one, the card's own `contact`. */
export function parseCard(raw: unknown, _ctx: ParseContext, contactId?: string): ParseOutcome<CardRecord> {
  return parseWith('card', cardSchema, raw, ['tagId'], (c) => ({
    tagId: c.tagId,
    contactId: contactId ?? c.contact,
    billingContactId: c.billingContact,
    active: c.active,
    cardType: c.cardType,
    name: c.name,
    rate: c.rate,
    validFrom: c.validFrom,
    raw: unmarkDecimals(raw),
  }));
}

export function parseSession(raw: unknown, ctx: ParseContext, contactId?: string): ParseOutcome<SessionRecord> {
  const out = parseWith('session', sessionSchema, raw, ['id'], (s) => ({
    id: s.id,
    contactId: contactId ?? null,
    cardId: s.cardId,
    connectorId: s.connector?.connectorId ?? null,
    connectorType: s.connector?.connectorType ?? null,
    evse: s.connector?.evse ?? null,
    status: s.status,
    startTime: s.startTime,
    endTime: s.endTime,
    duration: s.duration,
    meterStart: s.meterStart,
    meterEnd: s.meterEnd,
    meterTotal: s.meterTotal,
    costs: s.costs,
    costsNet: s.costsNet,
    taxAmount: s.taxAmount,
    currency: s.currency,
    tariff: s.tariff,
    raw: unmarkDecimals(raw),
  }));
  if (out.ok) noteEnumValue('session.status', out.record.status, ctx.logger);
  return out;
}

export function parsePrice(raw: unknown, _ctx: ParseContext, chargepointId: string, tagId?: string): ParseOutcome<PriceRecord> {
  return parseWith('price', priceSchema, raw, [], (p) => ({
    chargepointId,
    tagId: tagId ?? null,
    currency: p.currency,
    name: p.name,
    price: p.price,
    raw: unmarkDecimals(raw),
  }));
}

/**
 * Parses a list as received. `errorsAt` maps list positions to GraphQL error messages that
 * persisted for that record: such records become rejects with the message as the reason.
 */
export function parseList<T>(
  rawList: readonly unknown[],
  parseOne: (raw: unknown) => ParseOutcome<T>,
  entity: EntityName,
  errorsAt: ReadonlyMap<number, string> = new Map(),
): PageResult<T> {
  const records: T[] = [];
  const rejects: Reject[] = [];
  rawList.forEach((raw, i) => {
    const apiError = errorsAt.get(i);
    if (apiError !== undefined) {
      rejects.push(reject(entity, raw, `the API reported an error for this record: ${apiError}`, rawKey(raw)));
      return;
    }
    const out = parseOne(raw);
    if (out.ok) {
      records.push(out.record);
      rejects.push(...out.rejects);
    } else {
      rejects.push(out.reject);
    }
  });
  return { records, rejects };
}
