// The schema changing while the server runs (dropField, restoreField, setSchema), and a server that
// refuses introspection but answers every other query with graphql-js's validation errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, typeDefs, type Simulator } from '../../src/simulator/index.js';
import { data, gql } from './helpers.js';
import { introspect } from './variant-helpers.js';

const CONTACTS = '{ getContacts(limit: 2) { id fax email } }';

describe('schema changes at run time', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 5, contacts: 3 });
  });
  afterAll(() => sim.close());

  test('dropField takes effect on the next request, without a restart; restoreField brings it back', async () => {
    const port = sim.port;
    expect(sim.sdl()).toBe(typeDefs('offset'));
    const before = await data<{ getContacts: { id: string; fax: string | null }[] }>(sim, CONTACTS);
    expect(before.getContacts).toHaveLength(2);

    sim.dropField('Contact.fax');
    expect(sim.droppedFields).toEqual(['Contact.fax']);
    const dropped = await gql(sim, CONTACTS);
    expect(dropped.status).toBe(200);
    expect(dropped.body.data).toBeUndefined();
    expect(dropped.body.errors?.map((e) => e.message)).toEqual(['Cannot query field "fax" on type "Contact".']);
    const contact = (await introspect(sim)).getType('Contact') as { getFields(): Record<string, unknown> };
    expect(Object.keys(contact.getFields())).not.toContain('fax');
    expect(await data(sim, '{ getContacts(limit: 2) { id email } }')).toEqual({
      getContacts: before.getContacts.map((c) => ({ id: c.id, email: (c as { email?: unknown }).email })),
    });

    sim.restoreField('Contact.fax');
    expect(sim.droppedFields).toEqual([]);
    expect(await data(sim, CONTACTS)).toEqual(before);
    expect(sim.sdl()).toBe(typeDefs('offset'));
    expect(sim.port).toBe(port);
  });

  test('essentials can be dropped too (a root field, a key), and several fields at once', async () => {
    sim.dropField('Query.getChargepoints');
    sim.dropField('Contact.id');
    sim.dropField('Contact.id'); // again: nothing changes
    expect(sim.droppedFields).toEqual(['Query.getChargepoints', 'Contact.id']);
    const answer = await gql(sim, '{ getChargepoints { count } getContacts { id } }');
    expect(answer.body.errors?.map((e) => e.message)).toEqual([
      'Cannot query field "getChargepoints" on type "Query". Did you mean "getChargepoint"?',
      'Cannot query field "id" on type "Contact".',
    ]);
    sim.restoreField('Query.getChargepoints');
    sim.restoreField('Contact.id');
    sim.restoreField('Contact.id'); // not dropped: nothing
    expect((await data<{ getChargepoints: { count: number } }>(sim, '{ getChargepoints { count } }')).getChargepoints.count).toBe(5);
  });

  test('a field the schema in force does not have, or a malformed name, is a RangeError and changes nothing', () => {
    expect(() => sim.dropField('Contact.nope')).toThrow(new RangeError('the schema has no field Contact.nope'));
    expect(() => sim.dropField('Nope.id')).toThrow(new RangeError('the schema served has no type Nope'));
    expect(() => sim.dropField('Status.AVAILABLE')).toThrow(/no object type Status/);
    expect(() => sim.dropField('Contact')).toThrow(/expected a field as Type.field/);
    expect(() => sim.dropField('DefaultResponse.status')).toThrow(/would leave DefaultResponse without fields/);
    expect(sim.droppedFields).toEqual([]);
    expect(sim.sdl()).toBe(typeDefs('offset'));
  });

  test('setSchema serves other variants from the next request, same world; an unknown name changes nothing', async () => {
    const flat = await data<{ getChargepoints: { chargepoints: { id: string; location: { city: string } }[] } }>(
      sim,
      '{ getChargepoints { chargepoints { id location { city } } } }',
    );
    sim.dropField('Contact.fax');
    sim.setSchema('location-nested,no-introspection');
    expect(sim.schemaVariants).toEqual(['location-nested', 'no-introspection']);
    expect(sim.droppedFields).toEqual([]); // setSchema clears them
    const nested = await data<{ getChargepoints: { chargepoints: { id: string; location: { address: { city: string } } }[] } }>(
      sim,
      '{ getChargepoints { chargepoints { id location { address { city } } } } }',
    );
    expect(nested.getChargepoints.chargepoints.map((cp) => [cp.id, cp.location.address.city])).toEqual(
      flat.getChargepoints.chargepoints.map((cp) => [cp.id, cp.location.city]),
    );
    expect((await gql(sim, '{ __schema { queryType { name } } }')).body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    expect(() => sim.setSchema(['location-nested', 'bogus'])).toThrow(RangeError);
    expect(sim.schemaVariants).toEqual(['location-nested', 'no-introspection']);

    sim.setSchema([]);
    expect(sim.schemaVariants).toEqual([]);
    expect(sim.sdl()).toBe(typeDefs('offset'));
    expect(await data(sim, '{ __schema { queryType { name } } }')).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  test('a variant field can be dropped (Address.city under location-nested)', async () => {
    sim.setSchema('location-nested');
    sim.dropField('Address.city');
    const answer = await gql(sim, '{ getContacts(limit: 1) { location { address { city } } } }');
    expect(answer.body.errors?.[0]?.message).toBe('Cannot query field "city" on type "Address".');
    expect(() => sim.dropField('Location.street')).toThrow(/no field Location.street/);
    sim.setSchema('');
  });
});

describe('no-introspection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ chargepoints: 5, contacts: 3, schema: ['no-introspection'], dialect: 'paged' });
  });
  afterAll(() => sim.close());

  test('__schema and __type are refused with a validation error, HTTP 200, no data', async () => {
    for (const [query, field] of [
      ['{ __schema { types { name } } }', '__schema'],
      ['{ __type(name: "Location") { fields { name } } }', '__type'],
      ['query IntrospectionQuery { getChargepoints { count } __schema { queryType { name } } }', '__schema'],
    ] as const) {
      const answer = await gql(sim, query);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toBeUndefined();
      // graphql-js's rule names every field of an introspection type, the root one first.
      const messages = answer.body.errors?.map((e) => e.message) ?? [];
      expect(messages[0]).toBe(`GraphQL introspection has been disabled, but the requested query contained the field "${field}".`);
      for (const m of messages) expect(m).toMatch(/^GraphQL introspection has been disabled, but the requested query contained the field "\w+"\.$/);
    }
  });

  test('__typename and every other query are still answered', async () => {
    expect(await data(sim, '{ __typename }')).toEqual({ __typename: 'Query' });
    const d = await data<{ getChargepoints: { total: number; chargepoints: { __typename: string; uuid: string }[] } }>(
      sim,
      '{ getChargepoints(count: 2) { total chargepoints { __typename uuid } } }',
    );
    expect(d.getChargepoints.total).toBe(5);
    expect(d.getChargepoints.chargepoints.map((c) => c.uuid)).toEqual(sim.world.chargepointIds().slice(0, 2));
  });

  test('validation errors name the field, the type, the argument', async () => {
    const cases: [string, string[]][] = [
      ['{ getChargepoints { chargepoints { id } } }', ['Cannot query field "id" on type "Chargepoint".']],
      ['{ getContacts { id location { foo } } }', ['Cannot query field "foo" on type "Location".']],
      ['{ getChargepoints(offset: 0) { count } }', ['Unknown argument "offset" on field "Query.getChargepoints".']],
      ['{ getChargepoints { chargepoints { connectors { status } } } }', ['Field "status" of type "ConnectorStatus" must have a selection of subfields. Did you mean "status { ... }"?']],
      ['query q($c: ID!) { getCards(contactId: $c) { tagId } }', ['Variable "$c" of type "ID!" used in position expecting type "String!".']],
    ];
    for (const [query, messages] of cases) {
      const answer = await gql(sim, query, { c: 'x' });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.map((e) => e.message)).toEqual(messages);
    }
  });
});
