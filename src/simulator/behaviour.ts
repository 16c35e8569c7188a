// How the simulated network behaves over time: how long a connector stays in a status, what comes
// next, and what a charging session costs. Rates are modest on purpose: a connector changes every
// couple of simulated hours on average, so a one-minute poll sees about 1 % of connectors change.
import { AD_HOC_RATE, RATES, VAT, type ConnectorTypeSpec } from './catalog.js';
import type { Prng } from './prng.js';
import { AVAILABLE, FAULTED, OCCUPIED, UNAVAILABLE, UNKNOWN, flat, type SessionRec } from './records.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Share of drivers arriving at a free connector who use one of our contacts' cards. */
export const OWN_CARD_SHARE = 0.3;

/** How long a connector stays in `status` (ms), drawn afresh at each change. */
export function holdingMs(rng: Prng, status: string, type: ConnectorTypeSpec): number {
  switch (status) {
    case AVAILABLE:
      return Math.round(rng.exp(2 * HOUR));
    case OCCUPIED:
      return type.currentType === 'AC'
        ? Math.round(15 * MINUTE + rng.exp(2 * HOUR))
        : Math.round(8 * MINUTE + rng.exp(25 * MINUTE));
    case FAULTED:
      return Math.round(rng.exp(3 * HOUR));
    case UNAVAILABLE:
      return Math.round(rng.exp(5 * HOUR));
    default:
      // UNKNOWN and anything set from outside: a communication blip that heals.
      return Math.round(rng.exp(40 * MINUTE));
  }
}

/** What happens when an AVAILABLE connector's waiting time runs out. */
export function nextFromAvailable(rng: Prng): string {
  const u = rng.next();
  if (u < 0.86) return OCCUPIED;
  if (u < 0.92) return FAULTED;
  if (u < 0.97) return UNAVAILABLE;
  return UNKNOWN;
}

/** Status mix at the start, close to the long-run mix of the rules above. */
export function initialStatus(rng: Prng): string {
  const u = rng.next();
  if (u < 0.65) return AVAILABLE;
  if (u < 0.9) return OCCUPIED;
  if (u < 0.94) return FAULTED;
  if (u < 0.98) return UNAVAILABLE;
  return UNKNOWN;
}

/** The car's side of a session: average power and how much energy it will take. */
export function drawCar(rng: Prng, type: ConnectorTypeSpec): { powerKw: number; capacityWh: number } {
  const carLimit = type.currentType === 'AC' ? rng.pick([7.4, 11, 11, 22]) : rng.pick([50, 100, 150, 250]);
  const powerKw = Math.round(Math.min(type.maxPower, carLimit) * (0.55 + 0.4 * rng.next()) * 10) / 10;
  return { powerKw, capacityWh: rng.int(8_000, 90_000) };
}

export function pricePerKwh(rate: string | null, currentType: 'AC' | 'DC'): number {
  const table = (rate !== null ? RATES[rate] : undefined) ?? AD_HOC_RATE;
  return table[currentType];
}

const tariffNames = new Map<string, string>();

/** "Standard AC", "Ad-hoc DC", ...: one shared string per name (sessions keep it). */
export function tariffName(rate: string | null, currentType: 'AC' | 'DC'): string {
  const name = `${rate !== null && RATES[rate] ? rate : 'Ad-hoc'} ${currentType}`;
  let shared = tariffNames.get(name);
  if (shared === undefined) tariffNames.set(name, (shared = flat(name)));
  return shared;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Closes a session at `endAt`: energy from power and duration, costs from the card's rate. */
export function settleSession(session: SessionRec, endAt: number): number {
  const hours = Math.max(0, endAt - session.startAt) / HOUR;
  const energyWh = Math.min(Math.round(session.powerKw * hours * 1000), session.capacityWh);
  const costs = round2((energyWh / 1000) * pricePerKwh(session.card.rate, session.currentType));
  const costsNet = round2(costs / (1 + VAT));
  session.endAt = endAt;
  session.meterEnd = session.meterStart + energyWh;
  session.status = 'STOPPED';
  session.costs = costs;
  session.costsNet = costsNet;
  session.taxAmount = round2(costs - costsNet);
  return energyWh;
}
