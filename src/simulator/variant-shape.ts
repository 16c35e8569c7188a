// Values served under schema variants: the default rendering (render.ts) reshaped where a variant
// serves another shape (Location, Connector.type/status, Date values). Only built when such a variant
// is on, so the default path renders exactly as before. Enum spellings (session-status-lower) are
// enum value mappings in the resolvers, not shaping.
import type { LocationRec } from './records.js';
import { locationNames } from './variant-sdl.js';
import type { SchemaVariant } from './variants.js';

type Obj = Record<string, unknown>;

export interface Shaper {
  /** Reshapes a freshly rendered chargepoint (and its connectors) in place; returns it. */
  chargepoint(cp: Obj): Obj;
  contact(contact: Obj): Obj;
  card(card: Obj): Obj;
}

/** A Date value as a full date-time (date-datetime). */
const asDateTime = (v: unknown) => (typeof v === 'string' && v.length === 10 ? `${v}T00:00:00.000Z` : v);

function locationShaper(variants: ReadonlySet<SchemaVariant>): ((loc: LocationRec) => Obj) | undefined {
  const noid = variants.has('location-noid');
  const nested = variants.has('location-nested');
  const renamed = variants.has('location-renamed');
  if (!noid && !nested && !renamed) return undefined;
  const n = locationNames(renamed);
  // Locations are shared by many records and immutable: one served object per location.
  const cache = new WeakMap<LocationRec, Obj>();
  return (loc) => {
    let out = cache.get(loc);
    if (out !== undefined) return out;
    const address = { [n.street]: loc.street, [n.zip]: loc.zip, city: loc.city, [n.country]: loc.country };
    const point = { [n.latitude]: loc.latitude, [n.longitude]: loc.longitude };
    out = nested ? { address, coordinates: point } : { ...address, ...point };
    if (!noid) out = { id: loc.id, name: loc.name, ...out };
    cache.set(loc, out);
    return out;
  };
}

/** undefined when no variant changes the served values. */
export function shaperFor(variants: readonly SchemaVariant[]): Shaper | undefined {
  const v = new Set(variants);
  const location = locationShaper(v);
  const typeString = v.has('connector-type-string');
  const statusLeaf = v.has('connector-status-scalar');
  const dates = v.has('date-datetime');
  if (location === undefined && !typeString && !statusLeaf && !dates) return undefined;

  const shapeLocation = (o: Obj) => {
    if (location !== undefined && o['location'] != null) o['location'] = location(o['location'] as LocationRec);
  };
  const shapeConnector = (c: Obj) => {
    if (typeString) c['type'] = (c['type'] as { name: string } | null)?.name ?? null;
    if (statusLeaf) c['status'] = (c['status'] as { status: string | null } | null)?.status ?? null;
  };
  return {
    chargepoint(cp) {
      shapeLocation(cp);
      if ((typeString || statusLeaf) && Array.isArray(cp['connectors'])) for (const c of cp['connectors'] as Obj[]) shapeConnector(c);
      return cp;
    },
    contact(contact) {
      shapeLocation(contact);
      if (dates) contact['birthdate'] = asDateTime(contact['birthdate']);
      return contact;
    },
    card(card) {
      if (dates) card['validFrom'] = asDateTime(card['validFrom']);
      return card;
    },
  };
}

/** Enum value mappings (served name -> world value) for graphql-tools' resolvers. */
export function enumResolvers(variants: readonly SchemaVariant[]): Record<string, Record<string, string>> {
  return variants.includes('session-status-lower') ? { SessionStatus: { active: 'ACTIVE', stopped: 'STOPPED' } } : {};
}
