// In-memory records of the simulated world. Kept small (times as epoch ms, shared type objects,
// EVSE ids derived from a serial) because a 100k-chargepoint world must fit in a few hundred MB;
// API objects are built from them per request (see render.ts).
import type { ConnectorTypeSpec } from './catalog.js';

export const AVAILABLE = 'AVAILABLE';
export const OCCUPIED = 'OCCUPIED';
export const FAULTED = 'FAULTED';
export const UNAVAILABLE = 'UNAVAILABLE';
export const UNKNOWN = 'UNKNOWN';
export const KNOWN_STATUSES: readonly string[] = [AVAILABLE, OCCUPIED, FAULTED, UNAVAILABLE, UNKNOWN];

export const ACTIVE = 'ACTIVE';
export const STOPPED = 'STOPPED';

export interface LocationRec {
  id: string;
  name: string | null;
  street: string;
  zip: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
}

export interface ChargepointRec {
  id: string;
  name: string;
  publicName: string;
  createdAt: number;
  updatedAt: number;
  location: LocationRec | null;
  connectors: ConnectorRec[];
  /** Set when removed from the world (a session may still refer to it). */
  removed: boolean;
  /** ISO strings of createdAt/updatedAt, made on first serve (formatting dates is a hot spot). */
  createdIso: string | null;
  updatedIso: string | null;
  /** Its completed JSON per selection (fast-execute.ts, SERVED_FROM); dropped whenever it or a connector changes. */
  served: Map<object, string> | null;
}

export interface ConnectorRec {
  /** Position in World.connectorsBySerial; also gives the EVSE id. */
  serial: number;
  id: string;
  name: string;
  type: ConnectorTypeSpec;
  status: string;
  statusAt: number;
  /** ISO string of statusAt, made on first serve; reset with every status change. */
  statusIso: string | null;
  cp: ChargepointRec;
  /** ACTIVE session of one of our contacts, null when free or used by a roaming driver. */
  session: SessionRec | null;
  meterWh: number;
  /** Time of the next scheduled event; stale queue entries are recognised by it. */
  nextAt: number;
}

export interface ContactRec {
  id: string;
  customerNumber: string;
  name: string;
  givenName: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  gender: string | null;
  birthdate: string | null;
  isCompany: boolean;
  location: LocationRec | null;
  cards: CardRec[];
  sessions: SessionRec[];
  /** Set by World.failContact: every per-contact list answers HTTP 500. */
  failed: boolean;
}

export interface CardRec {
  tagId: string;
  name: string;
  active: boolean;
  cardType: number;
  rate: string;
  validFrom: string;
  contact: ContactRec;
  billingContactId: string;
  session: SessionRec | null;
}

export interface SessionRec {
  id: string;
  card: CardRec;
  connectorId: string;
  connectorType: string;
  evse: string;
  currentType: 'AC' | 'DC';
  startAt: number;
  endAt: number | null;
  meterStart: number;
  meterEnd: number | null;
  /** Average charging power (kW) and the energy the car can take (Wh): decide meterTotal. */
  powerKw: number;
  capacityWh: number;
  status: typeof ACTIVE | typeof STOPPED;
  tariff: string;
  costs: number | null;
  costsNet: number | null;
  taxAmount: number | null;
}

export const EVSE_BASE = 1_000_000;

/**
 * Concatenates into a flat string. `a + b` and template literals leave ropes (a node per part)
 * that cost several times the characters when hundreds of thousands of records keep them.
 */
export function flat(...parts: (string | number)[]): string {
  return parts.join('');
}

export function evseOf(serial: number): string {
  return flat('DE*CON*E', EVSE_BASE + serial);
}

/** The serial encoded in an EVSE id, or -1 when it is not one of ours. */
export function serialOfEvse(evse: string): number {
  const m = /^DE\*CON\*E(\d+)$/.exec(evse);
  if (!m?.[1]) return -1;
  const n = Number(m[1]) - EVSE_BASE;
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

/** Status buckets for the per-chargepoint counts; case-insensitive like the REST legacy values. */
export function bucketOf(status: string | null): 'free' | 'occupied' | 'unavailable' {
  if (status === AVAILABLE) return 'free';
  if (status === OCCUPIED) return 'occupied';
  if (status === null) return 'unavailable';
  const upper = status.toUpperCase();
  if (upper === AVAILABLE) return 'free';
  if (upper === OCCUPIED) return 'occupied';
  return 'unavailable';
}
