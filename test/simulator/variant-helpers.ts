// Test helpers for schema variants: queries written from a variant's own schema (every field it
// declares, variables typed as it declares its arguments), and a normal form of the world data read
// through them, so that any two variants of one seed can be compared.
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { Simulator } from '../../src/simulator/index.js';
import { data } from './helpers.js';

/** The schema a simulator serves now, from its SDL (works where introspection is refused). */
export const servedSchema = (sim: Simulator): GraphQLSchema => buildSchema(sim.sdl());

/** The schema as introspection shows it. */
export async function introspect(sim: Simulator): Promise<GraphQLSchema> {
  return buildClientSchema(await data<IntrospectionQuery>(sim, getIntrospectionQuery()));
}

/**
 * The shape of a schema without descriptions (the served scalars' descriptions come from their
 * implementations): per type its fields with their types, arguments and defaults, or its enum values.
 */
export function shapeOf(schema: GraphQLSchema): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type)) {
      out[type.name] = Object.values(type.getFields()).map(
        (f) => `${f.name}(${f.args.map((a) => `${a.name}: ${String(a.type)}${a.defaultValue !== undefined ? ` = ${JSON.stringify(a.defaultValue)}` : ''}`).join(', ')}): ${String(f.type)}`,
      );
    } else if (isEnumType(type)) {
      out[type.name] = type.getValues().map((v) => v.name);
    } else {
      out[type.name] = [];
    }
  }
  return out;
}

/** Every field of `typeName`, objects followed `depth` levels down; fields with required arguments are left out. */
export function selectAll(schema: GraphQLSchema, typeName: string, depth = 3): string {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`no object type ${typeName}`);
  const out: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) out.push(field.name);
    else if (depth > 0) out.push(`${field.name} { ${selectAll(schema, named.name, depth - 1)} }`);
  }
  return out.join(' ');
}

export function rootField(schema: GraphQLSchema, name: string, root: 'Query' | 'Mutation' = 'Query'): GraphQLField<unknown, unknown> {
  const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
  const field = type?.getFields()[name];
  if (field === undefined) throw new Error(`no root field ${root}.${name}`);
  return field;
}

/** `$a: T, $b: U` and `a: $a, b: $b` for the named arguments of a root field, typed as the schema declares them. */
export function argsOf(schema: GraphQLSchema, name: string, args: string[], root: 'Query' | 'Mutation' = 'Query'): { vars: string; pass: string } {
  const field = rootField(schema, name, root);
  const typed = args.map((a) => {
    const arg = field.args.find((x) => x.name === a);
    if (arg === undefined) throw new Error(`${name} has no argument ${a}`);
    return `$${a}: ${String(arg.type)}`;
  });
  return { vars: typed.length > 0 ? `(${typed.join(', ')})` : '', pass: args.length > 0 ? `(${args.map((a) => `${a}: $${a}`).join(', ')})` : '' };
}

/** A query of one root field with every field of its result, variables typed as the schema says. */
export function queryOf(schema: GraphQLSchema, name: string, args: string[]): string {
  const { vars, pass } = argsOf(schema, name, args);
  return `query ${name}${vars} { ${name}${pass} { ${selectAll(schema, getNamedType(rootField(schema, name).type).name)} } }`;
}

type Obj = Record<string, unknown>;

export interface NormalWorld {
  chargepoints: { id: string; name: unknown; city: unknown; street: unknown; lat: unknown; connectors: { id: string; status: string | null; type: unknown; evse: unknown }[] }[];
  contacts: { id: string; city: unknown; birthdate: unknown; email: unknown }[];
  cards: { tagId: string; contact: unknown; validFrom: unknown; active: unknown }[];
  sessions: { id: string; status: string | null; cardId: unknown; meterStart: unknown }[];
  lookups: Obj;
}

/** A location field under any of the variants' names, flat or one level down. */
function locationValue(location: unknown, names: string[]): unknown {
  if (location === null || typeof location !== 'object') return location;
  const loc = location as Obj;
  for (const holder of [loc, loc['address'], loc['coordinates']]) {
    if (holder === null || typeof holder !== 'object') continue;
    for (const n of names) if (n in (holder as Obj)) return (holder as Obj)[n];
  }
  return undefined;
}

const upper = (s: unknown) => (typeof s === 'string' ? s.toUpperCase() : null);
const day = (s: unknown) => (typeof s === 'string' ? s.slice(0, 10) : s);

function connectorStatus(c: Obj): string | null {
  const status = c['status'];
  return upper(status !== null && typeof status === 'object' ? (status as Obj)['status'] : status);
}

function connectorType(c: Obj): unknown {
  const type = c['type'];
  return type !== null && typeof type === 'object' ? (type as Obj)['name'] : type;
}

/**
 * The world as a variant serves it, in a normal form: every chargepoint page by page, every contact,
 * every contact's cards and sessions, and single lookups, all through queries built from the
 * variant's schema.
 */
export async function worldThrough(sim: Simulator): Promise<NormalWorld> {
  const schema = servedSchema(sim);
  const cpType = schema.getType('Chargepoint');
  if (!isObjectType(cpType)) throw new Error('no Chargepoint type');
  const key = 'id' in cpType.getFields() ? 'id' : 'uuid';
  const paged = rootField(schema, 'getChargepoints').args.some((a) => a.name === 'page');

  const cps: Obj[] = [];
  const cpQuery = queryOf(schema, 'getChargepoints', paged ? ['count', 'page'] : ['offset', 'limit']);
  for (let i = 0; ; i++) {
    const page = (await data<{ getChargepoints: { chargepoints: Obj[] } }>(sim, cpQuery, paged ? { count: 5, page: i } : { offset: i * 5, limit: 5 }))
      .getChargepoints.chargepoints;
    if (page.length === 0) break;
    cps.push(...page);
  }
  const contacts: Obj[] = [];
  const contactQuery = queryOf(schema, 'getContacts', ['offset', 'limit']);
  for (let offset = 0; ; ) {
    const page = (await data<{ getContacts: Obj[] }>(sim, contactQuery, { offset, limit: 3 })).getContacts;
    if (page.length === 0) break;
    contacts.push(...page);
    offset += page.length;
  }
  const cards: Obj[] = [];
  const sessions: Obj[] = [];
  const cardsQuery = queryOf(schema, 'getCards', ['contactId', 'offset', 'limit']);
  const sessionsQuery = queryOf(schema, 'getChargingSessions', ['contactId', 'offset', 'limit']);
  for (const contact of contacts) {
    const vars = { contactId: contact['id'], offset: 0, limit: 1000 };
    cards.push(...(await data<{ getCards: Obj[] }>(sim, cardsQuery, vars)).getCards);
    sessions.push(...(await data<{ getChargingSessions: Obj[] }>(sim, sessionsQuery, vars)).getChargingSessions);
  }

  const lookups: Obj = {};
  const first = cps[0];
  if (first !== undefined) {
    const d = await data<{ getChargepoint: Obj }>(sim, queryOf(schema, 'getChargepoint', ['id']), { id: first[key] });
    lookups['chargepoint'] = d.getChargepoint[key];
  }
  if (contacts[0] !== undefined) {
    lookups['contact'] = (await data<{ getContact: Obj }>(sim, queryOf(schema, 'getContact', ['id']), { id: contacts[0]['id'] })).getContact['id'];
  }
  if (cards[0] !== undefined) {
    lookups['card'] = (await data<{ getCard: Obj }>(sim, queryOf(schema, 'getCard', ['tagId']), { tagId: cards[0]['tagId'] })).getCard['tagId'];
  }
  if (sessions[0] !== undefined) {
    const d = await data<{ getChargingSession: Obj }>(sim, queryOf(schema, 'getChargingSession', ['id']), { id: sessions[0]['id'] });
    lookups['session'] = [d.getChargingSession['id'], upper(d.getChargingSession['status'])];
  }

  return {
    chargepoints: cps.map((cp) => ({
      id: cp[key] as string,
      name: cp['name'],
      city: locationValue(cp['location'], ['city']),
      street: locationValue(cp['location'], ['street', 'streetAddress']),
      lat: locationValue(cp['location'], ['latitude', 'lat']),
      connectors: ((cp['connectors'] as Obj[] | null) ?? []).map((c) => ({
        id: c[key] as string,
        status: connectorStatus(c),
        type: connectorType(c),
        evse: c['evse'],
      })),
    })),
    contacts: contacts.map((c) => ({ id: c['id'] as string, city: locationValue(c['location'], ['city']), birthdate: day(c['birthdate']), email: c['email'] })),
    cards: cards.map((c) => ({ tagId: c['tagId'] as string, contact: c['contact'], validFrom: day(c['validFrom']), active: c['active'] })),
    sessions: sessions.map((s) => ({ id: s['id'] as string, status: upper(s['status']), cardId: s['cardId'], meterStart: s['meterStart'] })),
    lookups,
  };
}
