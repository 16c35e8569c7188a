// Schema variants: each is another faithful reading of the reference. Introspection shows the shape
// it declares, and queries written for its schema read the same world as the default for one seed.
import { buildSchema, isEnumType, isObjectType, printSchema, type GraphQLSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DIALECTS,
  MISSING_NULLABLE_FIELDS,
  SCHEMA_PRESETS,
  SCHEMA_PRESET_NAMES,
  SCHEMA_VARIANTS,
  SCHEMA_VARIANT_NAMES,
  parseSchemaVariants,
  startSimulator,
  typeDefs,
  variantTypeDefs,
  type Dialect,
  type SchemaVariant,
  type Simulator,
} from '../../src/simulator/index.js';
import { data, gql } from './helpers.js';
import { introspect, rootField, servedSchema, shapeOf, worldThrough, type NormalWorld } from './variant-helpers.js';

const WORLD = { chargepoints: 12, contacts: 4, seed: 7 };

const fieldsOf = (schema: GraphQLSchema, type: string): string[] => {
  const t = schema.getType(type);
  if (!isObjectType(t)) throw new Error(`no object type ${type}`);
  return Object.keys(t.getFields());
};
const fieldType = (schema: GraphQLSchema, coordinate: string): string => {
  const [type, field] = coordinate.split('.') as [string, string];
  const t = schema.getType(type);
  if (!isObjectType(t)) throw new Error(`no object type ${type}`);
  const f = t.getFields()[field];
  if (f === undefined) throw new Error(`no field ${coordinate}`);
  return String(f.type);
};
const arg = (schema: GraphQLSchema, coordinate: string) => {
  const [root, field, name] = coordinate.split('.') as ['Query' | 'Mutation', string, string];
  const a = rootField(schema, field, root).args.find((x) => x.name === name);
  if (a === undefined) throw new Error(`no argument ${coordinate}`);
  return { type: String(a.type), defaultValue: a.defaultValue };
};
const enumValues = (schema: GraphQLSchema, name: string): string[] => {
  const t = schema.getType(name);
  if (!isEnumType(t)) throw new Error(`${name} is not an enum`);
  return t.getValues().map((v) => v.name);
};
const STATUS_VALUES = ['AVAILABLE', 'OCCUPIED', 'FAULTED', 'UNAVAILABLE', 'UNKNOWN'];

/** The argument types id-args declares: ID where the reference writes String, String where it writes ID. */
const ID_ARG_TYPES: [string, string][] = [
  ['Query.getCards.contactId', 'ID!'],
  ['Query.getChargingSessions.contactId', 'ID!'],
  ['Query.getChargingSessions.tagId', 'ID'],
  ['Query.getCard.tagId', 'ID!'],
  ['Query.getPrice.tagId', 'ID'],
  ['Mutation.remoteStart.connectorId', 'ID!'],
  ['Mutation.remoteStart.tagId', 'ID!'],
  ['Mutation.updateCard.tagId', 'ID!'],
  ['Query.getChargepoint.id', 'String'],
  ['Query.getContact.id', 'String!'],
  ['Query.getChargingSession.id', 'String!'],
  ['Query.getPrice.chargepoint', 'String!'],
  ['Mutation.remoteStop.session', 'String!'],
];

/** The Location a set of variants declares: [Location fields, Address fields, GeoPoint fields]. */
function expectLocation(s: GraphQLSchema, set: ReadonlySet<string>): void {
  const renamed = set.has('location-renamed');
  const address = renamed ? ['streetAddress', 'postalCode', 'city', 'countryCode'] : ['street', 'zip', 'city', 'country'];
  const point = renamed ? ['lat', 'lng'] : ['latitude', 'longitude'];
  const key = set.has('location-noid') ? [] : ['id', 'name'];
  if (set.has('location-nested')) {
    expect(fieldsOf(s, 'Location')).toEqual([...key, 'address', 'coordinates']);
    expect(fieldType(s, 'Location.address')).toBe('Address');
    expect(fieldsOf(s, 'Address')).toEqual(address);
    expect(fieldType(s, 'Location.coordinates')).toBe('GeoPoint');
    expect(fieldsOf(s, 'GeoPoint')).toEqual(point);
  } else {
    expect(fieldsOf(s, 'Location')).toEqual([...key, ...address, ...point]);
  }
}

/** What each variant declares (also when combined), checked on the schema a client sees. */
const DECLARES: Record<SchemaVariant, (s: GraphQLSchema, dialect: Dialect, set: ReadonlySet<string>) => void> = {
  'location-noid': (s, _d, set) => expectLocation(s, set),
  'location-nested': (s, _d, set) => expectLocation(s, set),
  'location-renamed': (s, _d, set) => expectLocation(s, set),
  'missing-nullable': (s) => {
    for (const coordinate of MISSING_NULLABLE_FIELDS) {
      const [type, field] = coordinate.split('.') as [string, string];
      expect(fieldsOf(s, type)).not.toContain(field);
    }
    expect(fieldsOf(s, 'Contact')).toContain('email');
    expect(fieldsOf(s, 'Chargepoint')).toContain('updatedAt');
  },
  'id-args': (s) => {
    const declared = Object.fromEntries(ID_ARG_TYPES.map(([coordinate]) => [coordinate, arg(s, coordinate).type]));
    expect(declared).toEqual(Object.fromEntries(ID_ARG_TYPES));
  },
  'paging-defaults': (s, dialect) => {
    if (dialect === 'paged') {
      expect(arg(s, 'Query.getChargepoints.count')).toEqual({ type: 'Int', defaultValue: 100 });
      expect(arg(s, 'Query.getChargepoints.page')).toEqual({ type: 'Int', defaultValue: 0 });
    } else {
      expect(arg(s, 'Query.getChargepoints.offset')).toEqual({ type: 'Int', defaultValue: 0 });
      expect(arg(s, 'Query.getChargepoints.limit')).toEqual({ type: 'Int', defaultValue: 100 });
    }
    for (const list of ['getContacts', 'getCards', 'getChargingSessions']) {
      expect(arg(s, `Query.${list}.offset`)).toEqual({ type: 'Int', defaultValue: 0 });
      expect(arg(s, `Query.${list}.limit`)).toEqual({ type: 'Int', defaultValue: 100 });
    }
  },
  'connector-type-string': (s) => {
    expect(fieldType(s, 'Connector.type')).toBe('String');
    expect(s.getType('ConnectorType')).toBeUndefined();
  },
  'status-enum': (s, _d, set) => {
    expect(fieldType(s, set.has('connector-status-scalar') ? 'Connector.status' : 'ConnectorStatus.status')).toBe('Status');
    expect(enumValues(s, 'Status')).toEqual(STATUS_VALUES);
    expect(s.getType('StatusValue')).toBeUndefined();
  },
  'status-string': (s, _d, set) => {
    expect(fieldType(s, set.has('connector-status-scalar') ? 'Connector.status' : 'ConnectorStatus.status')).toBe('String');
    expect(s.getType('StatusValue')).toBeUndefined();
  },
  'connector-status-scalar': (s, _d, set) => {
    const leaf = set.has('status-enum') ? 'Status' : set.has('status-string') ? 'String' : 'ConnectorStatus';
    expect(fieldType(s, 'Connector.status')).toBe(leaf);
    if (leaf !== 'String') expect(enumValues(s, leaf)).toEqual(STATUS_VALUES);
    if (leaf !== 'ConnectorStatus') expect(s.getType('ConnectorStatus')).toBeUndefined();
  },
  'session-status-lower': (s) => {
    expect(fieldType(s, 'Session.status')).toBe('SessionStatus');
    expect(enumValues(s, 'SessionStatus')).toEqual(['active', 'stopped']);
  },
  'no-introspection': (s, dialect) => expect(printSchema(s)).toBe(printSchema(buildSchema(typeDefs(dialect)))),
  // Declares nothing: what it changes is validation (checked below with an aliased query).
  'no-aliases': () => {},
  'date-datetime': (s, _d, set) => {
    const date = set.has('plain-scalars') ? 'String' : 'Date';
    expect(fieldType(s, 'Card.validFrom')).toBe(date);
    expect(fieldType(s, 'Contact.birthdate')).toBe(date);
  },
  'plain-scalars': (s) => {
    expect(fieldType(s, 'Card.validFrom')).toBe('String');
    expect(fieldType(s, 'Contact.birthdate')).toBe('String');
    expect(fieldType(s, 'Contact.email')).toBe('String');
    expect(s.getType('Date')).toBeUndefined();
    expect(s.getType('Email')).toBeUndefined();
  },
};

describe('variant names', () => {
  test('every variant has a name, a one-line description and what it reads differently', () => {
    expect(SCHEMA_VARIANT_NAMES).toEqual(SCHEMA_VARIANTS.map((v) => v.name));
    expect(new Set(SCHEMA_VARIANT_NAMES).size).toBe(SCHEMA_VARIANT_NAMES.length);
    for (const v of SCHEMA_VARIANTS) {
      expect(v.description).not.toMatch(/\n/);
      expect(v.description.length).toBeLessThanOrEqual(90);
      expect(v.reads.length).toBeGreaterThan(0);
    }
    expect(Object.keys(DECLARES).sort()).toEqual([...SCHEMA_VARIANT_NAMES].sort());
  });

  test('a comma-separated string or a list, deduplicated, in canonical order; presets expand', () => {
    expect(parseSchemaVariants(undefined)).toEqual([]);
    expect(parseSchemaVariants('')).toEqual([]);
    expect(parseSchemaVariants('status-enum, location-noid,status-enum')).toEqual(['location-noid', 'status-enum']);
    expect(parseSchemaVariants(['no-introspection', 'independent'])).toEqual(['location-noid', 'no-introspection']);
    expect(parseSchemaVariants('default')).toEqual([]);
    for (const preset of SCHEMA_PRESET_NAMES) expect(parseSchemaVariants(preset)).toEqual(SCHEMA_PRESETS[preset]);
    expect(SCHEMA_PRESETS.everything).toEqual(SCHEMA_VARIANT_NAMES.filter((v) => v !== 'status-string'));
  });

  test('an unknown name is a RangeError naming the valid ones; status-enum excludes status-string', async () => {
    expect(() => parseSchemaVariants('location-noid,bogus')).toThrow(RangeError);
    expect(() => parseSchemaVariants('bogus')).toThrow(/unknown schema variant "bogus"; valid variants: location-noid, .*plain-scalars; presets: default, /);
    expect(() => parseSchemaVariants(['status-enum', 'status-string'])).toThrow(/status-enum and status-string exclude each other/);
    await expect(startSimulator({ schema: 'nope' })).rejects.toThrow(/^startSimulator: unknown schema variant "nope"; valid variants: /);
  });
});

describe('schemas', () => {
  test('no variant serves typeDefs(dialect) byte for byte', () => {
    for (const dialect of DIALECTS) expect(variantTypeDefs(dialect, [])).toBe(typeDefs(dialect));
  });

  test('every pair of combinable variants, in both dialects, is a valid executable schema', () => {
    let built = 0;
    for (const dialect of DIALECTS) {
      for (const a of SCHEMA_VARIANT_NAMES) {
        for (const b of SCHEMA_VARIANT_NAMES) {
          if (a > b || (a === 'status-enum' && b === 'status-string') || (a === 'status-string' && b === 'status-enum')) continue;
          const sdl = variantTypeDefs(dialect, parseSchemaVariants([a, b]));
          expect(() => createSchema({ typeDefs: sdl })).not.toThrow();
          built++;
        }
      }
    }
    expect(built).toBeGreaterThan(150);
  });
});

describe.each(DIALECTS)('dialect %s', (dialect) => {
  let reference: Simulator;
  let expected: NormalWorld;
  beforeAll(async () => {
    reference = await startSimulator({ ...WORLD, dialect });
    expected = await worldThrough(reference);
  });
  afterAll(() => reference.close());

  test('the normal form sees the whole world', () => {
    const sizes = reference.world.sizes();
    expect(expected.chargepoints).toHaveLength(sizes.chargepoints);
    expect(expected.chargepoints.flatMap((cp) => cp.connectors)).toHaveLength(sizes.connectors);
    expect(expected.contacts).toHaveLength(sizes.contacts);
    expect(expected.cards).toHaveLength(sizes.cards);
    expect(expected.sessions.length).toBeGreaterThan(0);
    expect(expected.chargepoints[0]?.city).toEqual(expect.any(String));
    expect(expected.lookups).toHaveProperty('session');
  });

  const variants = SCHEMA_VARIANT_NAMES.map((v): [string, readonly SchemaVariant[]] => [v, [v]]);
  const presets = SCHEMA_PRESET_NAMES.filter((p) => p !== 'default').map((p): [string, readonly SchemaVariant[]] => [`preset ${p}`, SCHEMA_PRESETS[p]]);

  describe.each([...variants, ...presets])('%s', (_name, schema) => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ ...WORLD, dialect, schema });
    });
    afterAll(() => sim.close());

    test('introspection (or its refusal) shows the declared shape', async () => {
      const sdlSchema = servedSchema(sim);
      if (schema.includes('no-introspection')) {
        const answer = await gql(sim, '{ __schema { types { name } } }');
        expect(answer.body.data).toBeUndefined();
        expect(answer.body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
      } else {
        expect(shapeOf(await introspect(sim))).toEqual(shapeOf(sdlSchema));
      }
      const set = new Set<string>(schema);
      for (const v of schema) if (v !== 'no-introspection') DECLARES[v](sdlSchema, dialect, set);
      if (schema.length === 1 && (schema[0] === 'no-introspection' || schema[0] === 'no-aliases')) {
        expect(printSchema(sdlSchema)).toBe(printSchema(buildSchema(typeDefs(dialect))));
      }
      const aliased = await gql(sim, '{ first: getContacts(offset: 0, limit: 1) { id } }');
      if (schema.includes('no-aliases')) {
        expect(aliased.body.data).toBeUndefined();
        expect(aliased.body.errors?.[0]?.message).toBe('Aliases are not allowed on this server (found "first").');
      } else {
        expect((aliased.body.data as { first: unknown[] }).first).toHaveLength(1);
      }
    });

    test('queries written for its schema read the same world as the default', async () => {
      const served = await worldThrough(sim);
      const hidden = new Set(schema);
      // What a variant does not serve cannot be compared; everything else must be equal.
      const strip = (w: NormalWorld): NormalWorld => ({
        ...w,
        contacts: w.contacts.map((c) => ({ ...c, email: hidden.has('plain-scalars') ? null : c.email })),
      });
      expect(strip(served)).toEqual(strip(expected));
    });
  });
});

describe('served values', () => {
  let sims: Simulator[] = [];
  const start = async (schema: string, dialect: Dialect = 'offset', extra: object = {}) => {
    const sim = await startSimulator({ ...WORLD, dialect, schema, ...extra });
    sims.push(sim);
    return sim;
  };
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    sims = [];
  });

  test('location-noid: a raw query of the independent implementation\'s Location', async () => {
    const sim = await start('location-noid');
    const d = await data<{ getChargepoints: { chargepoints: { id: string; location: Record<string, unknown> }[] } }>(
      sim,
      '{ getChargepoints(limit: 1) { chargepoints { id location { street zip city country latitude longitude } } } }',
    );
    const cp = d.getChargepoints.chargepoints[0]!;
    const loc = sim.world.getChargepoint(cp.id)!.location!;
    expect(cp.location).toEqual({ street: loc.street, zip: loc.zip, city: loc.city, country: loc.country, latitude: loc.latitude, longitude: loc.longitude });
    const bad = await gql(sim, '{ getChargepoints(limit: 1) { chargepoints { location { id } } } }');
    expect(bad.body.errors?.[0]?.message).toBe('Cannot query field "id" on type "Location".');
  });

  test('location-nested + location-renamed: address and coordinates under the other names', async () => {
    const sim = await start('location-nested,location-renamed,location-noid');
    const d = await data<{ getContacts: { id: string; location: unknown }[] }>(
      sim,
      '{ getContacts(limit: 1) { id location { address { streetAddress postalCode city countryCode } coordinates { lat lng } } } }',
    );
    const c = d.getContacts[0]!;
    const loc = sim.world.getContact(c.id)!.location!;
    expect(c.location).toEqual({
      address: { streetAddress: loc.street, postalCode: loc.zip, city: loc.city, countryCode: loc.country },
      coordinates: { lat: loc.latitude, lng: loc.longitude },
    });
  });

  test('connector-type-string + connector-status-scalar: leaves where the default has objects', async () => {
    const sim = await start('connector-type-string,connector-status-scalar', 'paged');
    const d = await data<{ getChargepoints: { chargepoints: { uuid: string; connectors: { uuid: string; type: string; status: string }[] }[] } }>(
      sim,
      '{ getChargepoints(count: 2) { chargepoints { uuid connectors { uuid type status } } } }',
    );
    for (const cp of d.getChargepoints.chargepoints) {
      const view = sim.world.getChargepoint(cp.uuid)!;
      expect(cp.connectors).toEqual(view.connectors!.map((c) => ({ uuid: c.id, type: c.type!.name, status: c.status!.status })));
    }
    const bad = await gql(sim, '{ getChargepoints { chargepoints { connectors { status { updatedAt } } } } }');
    expect(bad.body.errors?.[0]?.message).toBe('Field "status" must not have a selection since type "ConnectorStatus" has no subfields.');
  });

  test('session-status-lower and date-datetime: values in the other spelling', async () => {
    const sim = await start('session-status-lower,date-datetime');
    const contactId = sim.world.contactIds()[0]!;
    const d = await data<{ getChargingSessions: { id: string; status: string }[]; getCards: { tagId: string; validFrom: string }[]; getContact: { birthdate: string | null } }>(
      sim,
      'query q($c: String!, $id: ID!) { getChargingSessions(contactId: $c) { id status } getCards(contactId: $c) { tagId validFrom } getContact(id: $id) { birthdate } }',
      { c: contactId, id: contactId },
    );
    const sessions = sim.world.sessionsOf(contactId);
    expect(d.getChargingSessions).toEqual(sessions.map((s) => ({ id: s.id, status: s.status!.toLowerCase() })));
    expect(d.getCards).toEqual(sim.world.cardsOf(contactId).map((c) => ({ tagId: c.tagId, validFrom: `${c.validFrom}T00:00:00.000Z` })));
    const birthdate = sim.world.getContact(contactId)!.birthdate;
    expect(d.getContact.birthdate).toBe(birthdate === null ? null : `${birthdate}T00:00:00.000Z`);
  });

  test('id-args: variables typed as the reference says are refused where the variant declares ID, and the other way round', async () => {
    const sim = await start('id-args');
    const contactId = sim.world.contactIds()[0]!;
    const asString = await gql(sim, 'query q($c: String!) { getCards(contactId: $c) { tagId } }', { c: contactId });
    expect(asString.body.errors?.[0]?.message).toBe('Variable "$c" of type "String!" used in position expecting type "ID!".');
    const asId = await data<{ getCards: unknown[] }>(sim, 'query q($c: ID!) { getCards(contactId: $c) { tagId } }', { c: contactId });
    expect(asId.getCards).toHaveLength(sim.world.cardsOf(contactId).length);
    const cpId = sim.world.chargepointIds()[0]!;
    const byId = await gql(sim, 'query q($id: ID) { getChargepoint(id: $id) { id } }', { id: cpId });
    expect(byId.body.errors?.[0]?.message).toBe('Variable "$id" of type "ID" used in position expecting type "String".');
    expect(await data(sim, 'query q($id: String) { getChargepoint(id: $id) { id } }', { id: cpId })).toEqual({ getChargepoint: { id: cpId } });
    // Literals: an ID argument takes a string or an integer literal.
    expect(await data(sim, `{ getCards(contactId: "${contactId}") { tagId } }`)).toEqual({ getCards: asId.getCards });
  });

  test('paging-defaults: the declared defaults apply when nothing is sent', async () => {
    const big = { chargepoints: 130, contacts: 120 };
    const plain = await start('', 'offset', big);
    const defaults = await start('paging-defaults', 'offset', big);
    const paged = await start('paging-defaults', 'paged', big);
    const q = '{ getChargepoints { count chargepoints { __typename } } getContacts { id } }';
    const a = await data<{ getChargepoints: { count: number; chargepoints: unknown[] }; getContacts: unknown[] }>(plain, q);
    expect(a.getChargepoints.chargepoints).toHaveLength(130); // no default: up to the cap of 1000
    expect(a.getContacts).toHaveLength(120);
    const b = await data<{ getChargepoints: { count: number; chargepoints: unknown[] }; getContacts: unknown[] }>(defaults, q);
    expect(b.getChargepoints.chargepoints).toHaveLength(100);
    expect(b.getContacts).toHaveLength(100);
    const c = await data<{ getChargepoints: { nextPage: number; chargepoints: unknown[] } }>(paged, '{ getChargepoints { nextPage chargepoints { __typename } } }');
    expect(c.getChargepoints).toMatchObject({ nextPage: 1 });
    expect(c.getChargepoints.chargepoints).toHaveLength(100);
    // An explicit null is not the default: it means "not limited", as without the variant.
    expect((await data<{ getContacts: unknown[] }>(defaults, '{ getContacts(limit: null) { id } }')).getContacts).toHaveLength(120);
  });

  test('status-enum: a status outside the enum (unknownStatusRate) is a field error with the status null', async () => {
    const sim = await start('status-enum', 'offset', { unknownStatusRate: 0.5 });
    const answer = await gql<{ getChargepoints: { chargepoints: { connectorsUnavailable: number; connectors: { status: { status: string | null; updatedAt: string } }[] }[] } }>(
      sim,
      '{ getChargepoints { chargepoints { connectorsUnavailable connectors { status { status updatedAt } } } } }',
    );
    expect(answer.status).toBe(200);
    const errors = answer.body.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.message).toMatch(/^Enum "Status" cannot represent value: "[^"]+"$/);
      expect(e.path).toEqual(['getChargepoints', 'chargepoints', expect.any(Number), 'connectors', expect.any(Number), 'status', 'status']);
      const [, , i, , j] = e.path as [string, string, number, string, number];
      const connector = answer.body.data!.getChargepoints.chargepoints[i]!.connectors[j]!;
      expect(connector.status.status).toBeNull();
      expect(connector.status.updatedAt).toEqual(expect.any(String));
    }
    const nulls = answer.body.data!.getChargepoints.chargepoints.flatMap((cp) => cp.connectors).filter((c) => c.status.status === null);
    expect(nulls).toHaveLength(errors.length);
    expect(sim.stats.faults['unknownStatus']).toBe(errors.length);
  });

  test('status-string and the default serve unknown statuses as they are', async () => {
    for (const schema of ['status-string', '']) {
      const sim = await start(schema, 'offset', { unknownStatusRate: 0.5 });
      const answer = await gql(sim, '{ getChargepoints { chargepoints { connectors { status { status } } } } }');
      expect(answer.body.errors).toBeUndefined();
    }
  });
});
