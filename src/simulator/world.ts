// The simulated network: chargepoints, connectors, contacts, cards and sessions, plus the event
// loop that moves it forward in simulated time. Everything random comes from seeded streams:
// `gen` builds the world, `events` drives the clock, `churn` adds and removes chargepoints and
// changes cards on the clock (when asked for), `runtime` serves calls from outside
// (remoteStart, addChargepoint, ...) so that tests poking the world do not reshuffle the
// background traffic.
import { CONNECTOR_TYPES, type ConnectorTypeSpec } from './catalog.js';
import { HOUR, OWN_CARD_SHARE, drawCar, holdingMs, nextFromAvailable, settleSession, tariffName } from './behaviour.js';
import { EventQueue } from './event-queue.js';
import { drawConnectorTypes, makeAddress, makeChargepoint, populate } from './generate.js';
import { Prng, deriveSeed } from './prng.js';
import {
  ACTIVE,
  AVAILABLE,
  OCCUPIED,
  evseOf,
  serialOfEvse,
  type CardRec,
  type ChargepointRec,
  type ConnectorRec,
  type ContactRec,
  type LocationRec,
  type SessionRec,
} from './records.js';
import {
  PLAIN,
  renderCard,
  renderChargepoint,
  renderContact,
  renderLocation,
  renderSession,
  type CardView,
  type ChargepointView,
  type ContactView,
  type LocationView,
  type SessionView,
} from './render.js';

/** Sessions kept per contact; older STOPPED ones are forgotten (like upstream data retention). */
export const MAX_SESSIONS_PER_CONTACT = 500;

export interface WorldOptions {
  seed: number;
  chargepoints: number;
  contacts: number;
  startTime: Date;
  churn?: Partial<ChurnRates>;
}

/**
 * Changes to the network itself on the simulated clock, each kind a Poisson process (mean events
 * per simulated hour; 0 = never). Drawn from their own stream, so a world with churn has the same
 * status traffic as long as no chargepoint is removed, and the same timeline whatever the requests.
 */
export interface ChurnRates {
  /** A new chargepoint (new site) at the end of the paging order. */
  chargepointsAddedPerHour: number;
  /** A random chargepoint decommissioned (its sessions stop). */
  chargepointsRemovedPerHour: number;
  /** A random card renamed, or switched active/inactive. */
  cardChangesPerHour: number;
}

const CHURN_KINDS = ['chargepointsAddedPerHour', 'chargepointsRemovedPerHour', 'cardChangesPerHour'] as const;

export interface ConnectorSpec {
  currentType?: 'AC' | 'DC';
  /** kW; picks the closest catalogue type of that current type. */
  maxPower?: number;
  status?: string;
}

export interface ChargepointInput {
  name?: string;
  publicName?: string;
  /** An existing location's id; a new site is made up when absent. */
  locationId?: string;
  /** How many connectors (random types) or their specs. */
  connectors?: number | ConnectorSpec[];
  createdAt?: Date;
}

export interface RemoteResult {
  status: 'ACCEPTED' | 'REJECTED';
  message: string;
  session: string | null;
}

export interface WorldDump {
  now: string;
  chargepoints: ChargepointView[];
  contacts: (ContactView & { cards: CardView[]; sessions: SessionView[] })[];
  locations: LocationView[];
}

export class World {
  readonly seed: number;
  nowMs: number;
  /** Live chargepoints in paging order. */
  readonly cpOrder: ChargepointRec[] = [];
  readonly connectorsBySerial: (ConnectorRec | undefined)[] = [];
  readonly contacts: ContactRec[] = [];
  readonly cards: CardRec[] = [];
  readonly cardByTag = new Map<string, CardRec>();
  readonly locations = new Map<string, LocationRec>();
  /** Connector status changes applied by the clock so far. */
  eventsApplied = 0;

  private readonly cpById = new Map<string, ChargepointRec>();
  private readonly connectorById = new Map<string, ConnectorRec>();
  private readonly contactById = new Map<string, ContactRec>();
  private readonly sessionById = new Map<string, SessionRec>();
  private readonly queue = new EventQueue();
  private readonly events: Prng;
  private readonly runtime: Prng;
  private readonly churn: Prng;
  private readonly churnRates: ChurnRates;
  /** Next simulated time of each churn kind (Infinity = off), in CHURN_KINDS order. */
  private readonly churnAt: number[];
  private cpSerial = 0;
  private connectorSerial = 0;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.nowMs = options.startTime.getTime();
    this.events = new Prng(deriveSeed(options.seed, 'events'));
    this.runtime = new Prng(deriveSeed(options.seed, 'runtime'));
    this.churn = new Prng(deriveSeed(options.seed, 'churn'));
    this.churnRates = { chargepointsAddedPerHour: 0, chargepointsRemovedPerHour: 0, cardChangesPerHour: 0, ...options.churn };
    for (const kind of CHURN_KINDS) {
      const rate = this.churnRates[kind];
      if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`churn ${kind} must be a finite number >= 0, got ${rate}`);
    }
    this.churnAt = CHURN_KINDS.map((kind) => this.nextChurn(kind, this.nowMs));
    const gen = new Prng(deriveSeed(options.seed, 'world'));
    populate(this, gen, options.chargepoints, options.contacts);
    for (const cp of this.cpOrder) {
      for (const c of cp.connectors) this.schedule(c, this.nowMs + holdingMs(gen, c.status, c.type));
    }
  }

  // ---- building blocks used by the generator ----------------------------------------------

  nextChargepointSerial(): number {
    return ++this.cpSerial;
  }

  nextConnectorSerial(): number {
    return this.connectorSerial++;
  }

  addLocation(loc: LocationRec): void {
    this.locations.set(loc.id, loc);
  }

  insertChargepoint(cp: ChargepointRec): void {
    this.cpOrder.push(cp);
    this.cpById.set(cp.id, cp);
    for (const c of cp.connectors) {
      this.connectorsBySerial[c.serial] = c;
      this.connectorById.set(c.id, c);
    }
  }

  insertContact(contact: ContactRec): void {
    this.contacts.push(contact);
    this.contactById.set(contact.id, contact);
  }

  insertCard(card: CardRec): void {
    this.cards.push(card);
    this.cardByTag.set(card.tagId, card);
    card.contact.cards.push(card);
  }

  insertSession(session: SessionRec): void {
    this.sessionById.set(session.id, session);
    const sessions = session.card.contact.sessions;
    sessions.push(session);
    // Retention: a long run must not grow without bound, so the oldest STOPPED sessions go.
    if (sessions.length > MAX_SESSIONS_PER_CONTACT) {
      const oldest = sessions.findIndex((s) => s.status !== ACTIVE);
      if (oldest >= 0) this.sessionById.delete(sessions.splice(oldest, 1)[0]!.id);
    }
  }

  makeSession(id: string, card: CardRec, c: ConnectorRec, startAt: number, car: { powerKw: number; capacityWh: number }): SessionRec {
    return {
      id,
      card,
      connectorId: c.id,
      connectorType: c.type.name,
      evse: evseOf(c.serial),
      currentType: c.type.currentType,
      startAt,
      endAt: null,
      meterStart: c.meterWh,
      meterEnd: null,
      powerKw: car.powerKw,
      capacityWh: car.capacityWh,
      status: ACTIVE,
      tariff: tariffName(card.rate, c.type.currentType),
      costs: null,
      costsNet: null,
      taxAmount: null,
    };
  }

  liveConnectors(): ConnectorRec[] {
    const out: ConnectorRec[] = [];
    for (const cp of this.cpOrder) out.push(...cp.connectors);
    return out;
  }

  // ---- lookups used by the resolvers -----------------------------------------------------

  chargepointRec(id: string): ChargepointRec | undefined {
    return this.cpById.get(id);
  }

  chargepointRecByEvse(evse: string): ChargepointRec | undefined {
    const serial = serialOfEvse(evse);
    return serial < 0 ? undefined : this.connectorsBySerial[serial]?.cp;
  }

  contactRec(id: string): ContactRec | undefined {
    return this.contactById.get(id);
  }

  sessionRec(id: string): SessionRec | undefined {
    return this.sessionById.get(id);
  }

  // ---- time --------------------------------------------------------------------------------

  /** Applies every scheduled event up to `untilMs` in (time, connector) order; churn after connectors at equal times. */
  advanceTo(untilMs: number): void {
    const queue = this.queue;
    for (;;) {
      const time = queue.peekTime();
      const churnAt = Math.min(...this.churnAt);
      if (churnAt < time && churnAt <= untilMs) {
        this.nowMs = Math.max(this.nowMs, churnAt);
        this.fireChurn(this.churnAt.indexOf(churnAt), churnAt);
        continue;
      }
      if (time > untilMs) break;
      const c = this.connectorsBySerial[queue.pop()];
      if (c === undefined || c.nextAt !== time) continue; // removed or rescheduled
      this.nowMs = Math.max(this.nowMs, time);
      this.fire(c, time);
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  private fire(c: ConnectorRec, t: number): void {
    const rng = this.events;
    if (c.status === AVAILABLE) {
      const next = nextFromAvailable(rng);
      if (next === OCCUPIED && this.cards.length > 0 && rng.chance(OWN_CARD_SHARE)) {
        const card = rng.pick(this.cards);
        if (card.active && card.session === null) this.startSession(c, card, t, rng);
      }
      this.setStatus(c, next, t);
    } else {
      if (c.session !== null) this.stopSession(c.session, t);
      this.setStatus(c, AVAILABLE, t);
    }
    this.eventsApplied++;
    this.schedule(c, t + holdingMs(rng, c.status, c.type));
  }

  private nextChurn(kind: (typeof CHURN_KINDS)[number], from: number): number {
    const perHour = this.churnRates[kind];
    return perHour > 0 ? from + Math.max(1, Math.round(this.churn.exp(HOUR / perHour))) : Infinity;
  }

  private fireChurn(index: number, t: number): void {
    const kind = CHURN_KINDS[index]!;
    const rng = this.churn;
    if (kind === 'chargepointsAddedPerHour') {
      this.addChargepointWith(rng, {});
    } else if (kind === 'chargepointsRemovedPerHour') {
      // Keep at least one chargepoint: an empty network is a different test.
      if (this.cpOrder.length > 1) this.removeChargepoint(rng.pick(this.cpOrder).id);
    } else if (this.cards.length > 0) {
      const card = rng.pick(this.cards);
      if (rng.chance(0.5)) card.active = !card.active;
      else card.name = `Card ${card.tagId.slice(-4)} ${rng.int(1, 999)}`;
    }
    this.churnAt[index] = this.nextChurn(kind, t);
  }

  private schedule(c: ConnectorRec, at: number): void {
    c.nextAt = at;
    this.queue.push(at, c.serial);
  }

  private setStatus(c: ConnectorRec, status: string, at: number): void {
    c.status = status;
    c.statusAt = at;
    c.statusIso = null;
    c.cp.served = null;
  }

  private startSession(c: ConnectorRec, card: CardRec, at: number, rng: Prng): SessionRec {
    const session = this.makeSession(rng.uuid(), card, c, at, drawCar(rng, c.type));
    this.insertSession(session);
    c.session = session;
    card.session = session;
    return session;
  }

  private stopSession(session: SessionRec, at: number): void {
    settleSession(session, at);
    session.card.session = null;
    const c = this.connectorById.get(session.connectorId);
    if (c !== undefined && c.session === session) {
      c.session = null;
      c.meterWh = session.meterEnd ?? c.meterWh;
    }
  }

  // ---- helpers for tests and tools -------------------------------------------------------

  chargepointIds(): string[] {
    return this.cpOrder.map((cp) => cp.id);
  }

  connectorIds(): string[] {
    return this.liveConnectors().map((c) => c.id);
  }

  contactIds(): string[] {
    return this.contacts.map((c) => c.id);
  }

  /** The chargepoint as the offset dialect serves it (key `id`), or undefined. */
  getChargepoint(id: string): ChargepointView | undefined {
    const cp = this.cpById.get(id);
    return cp && (renderChargepoint(cp, PLAIN) as unknown as ChargepointView);
  }

  getContact(id: string): ContactView | undefined {
    const contact = this.contactById.get(id);
    return contact && renderContact(contact, PLAIN);
  }

  getCard(tagId: string): CardView | undefined {
    const card = this.cardByTag.get(tagId);
    return card && renderCard(card, PLAIN);
  }

  getSession(id: string): SessionView | undefined {
    const session = this.sessionById.get(id);
    return session && renderSession(session, PLAIN);
  }

  cardsOf(contactId: string): CardView[] {
    return this.requireContact(contactId).cards.map((card) => renderCard(card, PLAIN));
  }

  sessionsOf(contactId: string): SessionView[] {
    return this.requireContact(contactId).sessions.map((s) => renderSession(s, PLAIN));
  }

  /** Sets a connector's status (any string) as of `at` (default: now), ending a session it had. */
  setConnectorStatus(connectorId: string, status: string, at?: Date): void {
    const c = this.connectorById.get(connectorId);
    if (c === undefined) throw new Error(`setConnectorStatus: unknown connector ${connectorId}`);
    const when = at?.getTime() ?? this.nowMs;
    if (c.session !== null && status !== OCCUPIED) this.stopSession(c.session, when);
    this.setStatus(c, status, when);
    this.schedule(c, Math.max(this.nowMs, when) + holdingMs(this.runtime, status, c.type));
  }

  /** Adds a chargepoint at the end of the paging order; returns its id. */
  addChargepoint(input: ChargepointInput = {}): string {
    return this.addChargepointWith(this.runtime, input);
  }

  private addChargepointWith(rng: Prng, input: ChargepointInput): string {
    let location: LocationRec;
    if (input.locationId !== undefined) {
      const found = this.locations.get(input.locationId);
      if (found === undefined) throw new Error(`addChargepoint: unknown location ${input.locationId}`);
      location = found;
    } else {
      location = makeAddress(rng, true);
      this.addLocation(location);
    }
    const specs = input.connectors;
    const types: ConnectorTypeSpec[] =
      specs === undefined
        ? drawConnectorTypes(rng)
        : typeof specs === 'number'
          ? drawConnectorTypes(rng).slice(0, 1).flatMap((t) => Array.from({ length: specs }, () => t))
          : specs.map((s) => closestType(s));
    if (types.length === 0 || types.length > 64) throw new RangeError('addChargepoint: 1-64 connectors');
    const atLocation = this.cpOrder.filter((cp) => cp.location === location).length + 1;
    const createdAt = input.createdAt?.getTime() ?? this.nowMs;
    const cp = makeChargepoint(this, rng, location, atLocation, types, createdAt, false);
    if (input.name !== undefined) cp.name = input.name;
    if (input.publicName !== undefined) cp.publicName = input.publicName;
    for (const c of cp.connectors) this.setStatus(c, c.status, createdAt);
    this.insertChargepoint(cp);
    cp.connectors.forEach((c, i) => {
      const status = Array.isArray(specs) ? specs[i]?.status : undefined;
      if (status !== undefined) c.status = status;
      this.schedule(c, this.nowMs + holdingMs(rng, c.status, c.type));
    });
    cp.served = null;
    return cp.id;
  }

  /** Removes a chargepoint (decommissioned): it disappears from every list; sessions on it stop. */
  removeChargepoint(id: string): void {
    const cp = this.cpById.get(id);
    if (cp === undefined) throw new Error(`removeChargepoint: unknown chargepoint ${id}`);
    for (const c of cp.connectors) {
      if (c.session !== null) this.stopSession(c.session, this.nowMs);
      this.connectorById.delete(c.id);
      this.connectorsBySerial[c.serial] = undefined;
    }
    cp.removed = true;
    this.cpById.delete(id);
    this.cpOrder.splice(this.cpOrder.indexOf(cp), 1);
  }

  /** From now on every getCards/getChargingSessions for this contact answers HTTP 500. */
  failContact(contactId: string, failed = true): void {
    this.requireContact(contactId).failed = failed;
  }

  remoteStart(connectorId: string, tagId: string): RemoteResult {
    const c = this.connectorById.get(connectorId);
    if (c === undefined) return reject(`Unknown connector ${connectorId}`);
    const card = this.cardByTag.get(tagId);
    if (card === undefined) return reject(`Unknown card ${tagId}`);
    if (!card.active) return reject(`Card ${tagId} is inactive`);
    if (card.session !== null) return reject(`Card ${tagId} already has an active session ${card.session.id}`);
    if (c.status !== AVAILABLE) return reject(`Connector ${connectorId} is ${c.status}, not AVAILABLE`);
    const session = this.startSession(c, card, this.nowMs, this.runtime);
    this.setStatus(c, OCCUPIED, this.nowMs);
    this.schedule(c, this.nowMs + holdingMs(this.runtime, OCCUPIED, c.type));
    return { status: 'ACCEPTED', message: 'Charging session started', session: session.id };
  }

  remoteStop(sessionId: string): RemoteResult {
    const session = this.sessionById.get(sessionId);
    if (session === undefined) return reject(`Unknown session ${sessionId}`);
    if (session.status !== ACTIVE) return reject(`Session ${sessionId} is already stopped`, sessionId);
    const c = this.connectorById.get(session.connectorId);
    const onConnector = c !== undefined && c.session === session;
    this.stopSession(session, this.nowMs);
    if (c !== undefined && onConnector) {
      this.setStatus(c, AVAILABLE, this.nowMs);
      this.schedule(c, this.nowMs + holdingMs(this.runtime, AVAILABLE, c.type));
    }
    return { status: 'ACCEPTED', message: 'Charging session stopped', session: sessionId };
  }

  /** Updates a card; undefined when the tag is unknown. */
  updateCard(tagId: string, changes: { name?: string | null; active?: boolean | null }): CardView | undefined {
    const card = this.cardByTag.get(tagId);
    if (card === undefined) return undefined;
    if (changes.name != null) card.name = changes.name;
    if (changes.active != null) card.active = changes.active;
    return renderCard(card, PLAIN);
  }

  /** Sizes, for logs and tests. */
  sizes(): { chargepoints: number; connectors: number; contacts: number; cards: number; sessions: number; activeSessions: number } {
    let connectors = 0;
    for (const cp of this.cpOrder) connectors += cp.connectors.length;
    let active = 0;
    for (const s of this.sessionById.values()) if (s.status === ACTIVE) active++;
    return {
      chargepoints: this.cpOrder.length,
      connectors,
      contacts: this.contacts.length,
      cards: this.cards.length,
      sessions: this.sessionById.size,
      activeSessions: active,
    };
  }

  /** Invariants between connectors, sessions and cards; returns the violations (empty = fine). */
  checkConsistency(): string[] {
    const problems: string[] = [];
    for (const c of this.liveConnectors()) {
      if (c.session !== null) {
        if (c.status !== OCCUPIED) problems.push(`connector ${c.id} has session ${c.session.id} but is ${c.status}`);
        if (c.session.status !== ACTIVE) problems.push(`connector ${c.id} holds stopped session ${c.session.id}`);
        if (c.session.card.session !== c.session) problems.push(`card of session ${c.session.id} does not point back`);
      }
    }
    for (const s of this.sessionById.values()) {
      if (s.status === ACTIVE) {
        const c = this.connectorById.get(s.connectorId);
        if (c === undefined || c.session !== s) problems.push(`ACTIVE session ${s.id} is not on its connector`);
        if (s.card.session !== s) problems.push(`ACTIVE session ${s.id} is not its card's session`);
      } else if (s.endAt === null || s.meterEnd === null || s.meterEnd < s.meterStart) {
        problems.push(`STOPPED session ${s.id} has no plausible end`);
      }
    }
    return problems;
  }

  /** Everything, as plain JSON: two worlds from the same seed dump deep-equal. */
  dump(): WorldDump {
    return {
      now: new Date(this.nowMs).toISOString(),
      chargepoints: this.cpOrder.map((cp) => renderChargepoint(cp, PLAIN) as unknown as ChargepointView),
      contacts: this.contacts.map((contact) => ({
        ...renderContact(contact, PLAIN),
        cards: contact.cards.map((card) => renderCard(card, PLAIN)),
        sessions: contact.sessions.map((s) => renderSession(s, PLAIN)),
      })),
      locations: [...this.locations.values()].map((loc) => renderLocation(loc)!),
    };
  }

  private requireContact(contactId: string): ContactRec {
    const contact = this.contactById.get(contactId);
    if (contact === undefined) throw new Error(`unknown contact ${contactId}`);
    return contact;
  }
}

function reject(message: string, session: string | null = null): RemoteResult {
  return { status: 'REJECTED', message, session };
}

function closestType(spec: ConnectorSpec): ConnectorTypeSpec {
  const current = spec.currentType ?? 'AC';
  const power = spec.maxPower ?? (current === 'AC' ? 22 : 150);
  let best = CONNECTOR_TYPES[0]!;
  let bestDiff = Infinity;
  for (const t of CONNECTOR_TYPES) {
    if (t.currentType !== current) continue;
    const diff = Math.abs(t.maxPower - power);
    if (diff < bestDiff) {
      best = t;
      bestDiff = diff;
    }
  }
  return best;
}
