// The lean executor must answer exactly like graphql-js: compared side by side on one schema.
import { buildSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { describe, expect, test } from 'vitest';
import { fastExecute, KEPT_SELECTIONS } from '../../src/simulator/fast-execute.js';
import { FaultInjector } from '../../src/simulator/faults.js';
import { GraphQLError, execute, parse, type ExecutionResult } from '../../src/simulator/graphql.js';
import { DIALECTS, SCHEMA_PRESETS, SCHEMA_PRESET_NAMES, SCHEMA_VARIANT_NAMES, type Dialect, type SchemaVariant } from '../../src/simulator/index.js';
import { ServedSchema } from '../../src/simulator/served-schema.js';
import { SimStats } from '../../src/simulator/stats.js';
import { World } from '../../src/simulator/world.js';
import { argsOf, queryOf, selectAll } from './variant-helpers.js';

let counter = 0;
const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `name-${id}`,
  tags: ['a', null, 'c'],
  lazy: (args: unknown, ctx: { suffix?: string }) => `lazy-${id}${ctx?.suffix ?? ''}`,
  boom: () => {
    throw new GraphQLError(`boom ${id}`, { extensions: { code: 'BOOM' } });
  },
  mustBoom: () => {
    throw new Error(`must boom ${id}`);
  },
  child: null,
  ...extra,
});

const schema = createSchema<{ suffix?: string }>({
  typeDefs: /* GraphQL */ `
    scalar DateTime
    enum Color { RED GREEN }
    type Query {
      item(id: ID!): Item
      items(n: Int = 3): [Item]!
      strict: Item!
      strictList: [Item!]!
      looseList: [Item!]
      fails: String
      failsStrict: String!
      num: Int
      when: DateTime
      color(bad: Boolean = false): Color
      nested: Outer
      notAList: [String]
    }
    type Mutation { bump(by: Int!): Int! }
    type Item { id: ID! name: String tags: [String] lazy: String boom: String mustBoom: String! child: Item }
    type Outer { inner: Inner! list: [Inner!] }
    type Inner { v: Int! w: String }
  `,
  resolvers: {
    Query: {
      item: (_: unknown, { id }: { id: string }) => item(id, { child: item(`${id}-child`) }),
      items: (_: unknown, { n }: { n: number }) => Array.from({ length: n }, (_x, i) => (i === 1 ? null : item(String(i)))),
      strict: () => item('s'),
      strictList: () => [item('1'), item('2', { id: null }), item('3')],
      looseList: () => [item('1'), item('2', { id: null })],
      fails: () => {
        throw new Error('root fails');
      },
      failsStrict: () => {
        throw new GraphQLError('root fails strictly');
      },
      num: () => 42,
      when: () => '2026-01-01T00:00:00.000Z',
      color: (_: unknown, { bad }: { bad: boolean }) => (bad ? 'BLUE' : 'GREEN'),
      nested: () => ({ inner: { v: 1, w: 'x' }, list: [{ v: 2 }, { v: null, w: 'y' }] }),
      notAList: () => 'nope',
    },
    Mutation: { bump: (_: unknown, { by }: { by: number }) => (counter += by) },
  },
});

function run(source: string, variableValues?: Record<string, unknown>, operationName?: string) {
  const document = parse(source);
  const args = { schema, document, variableValues, operationName, contextValue: { suffix: '!' } };
  const json = (r: unknown) => JSON.parse(JSON.stringify(r)) as ExecutionResult;
  counter = 0;
  const expected = json(execute(args));
  counter = 0;
  const actual = json(fastExecute(args));
  return { expected, actual };
}

test('the comparison sees errors, paths and bubbling', () => {
  const { actual } = run('{ items { id boom } strictList { id } }');
  expect(actual.data).toBeNull();
  expect(actual.errors?.map((e) => e.path)).toEqual([
    ['items', 0, 'boom'],
    ['items', 2, 'boom'],
    ['strictList', 1, 'id'],
  ]);
  expect(actual.errors?.[2]?.message).toBe('Cannot return null for non-nullable field Item.id.');
});

describe('fastExecute answers like graphql-js', () => {
  const cases: [string, string, Record<string, unknown>?, string?][] = [
    ['plain fields, lists, nulls in lists', '{ items { id name tags } num when }'],
    ['aliases and __typename', '{ a: item(id: "1") { __typename x: id name } b: item(id: "2") { id } __typename }'],
    ['variables and defaults', 'query q($id: ID!, $n: Int) { item(id: $id) { id } items(n: $n) { id } }', { id: '7', n: 5 }],
    ['default argument value', '{ items { id } }'],
    [
      'fragments, inline fragments, merged fields',
      'query { item(id: "1") { ...F ... on Item { name child { id } } child { name } } } fragment F on Item { id tags child { lazy } }',
    ],
    ['@skip and @include', 'query q($s: Boolean!, $i: Boolean!) { item(id: "1") { id @skip(if: $s) name @include(if: $i) tags @skip(if: false) } }', { s: true, i: false }],
    ['@skip and @include other way', 'query q($s: Boolean!, $i: Boolean!) { item(id: "1") { id @skip(if: $s) name @include(if: $i) } }', { s: false, i: true }],
    ['function-valued fields get args and context', '{ item(id: "1") { lazy child { lazy } } }'],
    ['error in a nullable field', '{ item(id: "1") { id boom name } }'],
    ['error in a non-null field bubbles to the parent', '{ item(id: "1") { id mustBoom } num }'],
    ['error in a list item bubbles to the item', '{ items { id boom } }'],
    ['null in [Item!]! bubbles to the root', '{ strictList { id } num }'],
    ['null in [Item!] nulls the list', '{ looseList { id name } num }'],
    ['root errors', '{ fails num }'],
    ['root non-null error nulls data', '{ failsStrict num }'],
    ['non-null inside objects and lists', '{ nested { inner { v w } list { v w } } }'],
    ['enum values and a bad one', 'query { good: color bad: color(bad: true) }'],
    ['not a list', '{ notAList }'],
    ['mutation', 'mutation { a: bump(by: 2) b: bump(by: 3) }'],
    ['named operation among several', 'query A { num } query B { when }', undefined, 'B'],
    ['introspection falls back to graphql-js', '{ __schema { queryType { name } } __type(name: "Item") { fields { name } } }'],
    ['invalid variables fall back to graphql-js', 'query q($id: ID!) { item(id: $id) { id } }', {}],
  ];
  test.each(cases)('%s', (_name, source, variables, operationName) => {
    const { expected, actual } = run(source, variables, operationName);
    expect(actual).toEqual(expected);
    expect(actual.data !== undefined || actual.errors !== undefined).toBe(true);
  });
});

// Every schema variant, with the simulator's own resolvers and faults that touch the served values
// (nulls, statuses outside the enums, an injected error): graphql-js and the lean executor answer
// alike. Each side has its own fault streams from the same seed, so both see the same faults.
describe('fastExecute answers like graphql-js under every schema variant', () => {
  const world = new World({ seed: 3, chargepoints: 40, contacts: 6, startTime: new Date('2026-01-01T00:00:00Z') });
  const faults = { unknownStatusRate: 0.2, nullRate: 0.05 };
  const served = (dialect: Dialect, variants: readonly SchemaVariant[]) => {
    const stats = new SimStats();
    return new ServedSchema(dialect, world, new FaultInjector(11, faults, stats), stats, variants);
  };
  const contactId = world.contactIds().find((id) => world.sessionsOf(id).length > 0)!;
  const { id: sessionId, cardId: tagId } = world.sessionsOf(contactId)[0]!;
  const cpId = world.chargepointIds()[2]!;

  const sets: [string, Dialect, readonly SchemaVariant[]][] = [];
  for (const dialect of DIALECTS) {
    for (const v of SCHEMA_VARIANT_NAMES) sets.push([v, dialect, [v]]);
    for (const p of SCHEMA_PRESET_NAMES) sets.push([`preset ${p}`, dialect, SCHEMA_PRESETS[p]]);
  }

  test.each(sets)('%s (%s)', (_name, dialect, variants) => {
    const a = served(dialect, variants);
    const b = served(dialect, variants);
    const schema = buildSchema(a.sdl());
    const paged = dialect === 'paged';
    let enumErrors = 0;
    const operations: [string, Record<string, unknown>][] = [
      [queryOf(schema, 'getChargepoints', paged ? ['count', 'page'] : ['offset', 'limit']), paged ? { count: 15, page: 1 } : { offset: 5, limit: 15 }],
      [queryOf(schema, 'getChargepoints', paged ? ['count', 'page'] : ['offset', 'limit']), {}], // argument defaults (paging-defaults)
      [queryOf(schema, 'getContacts', ['offset', 'limit']), { limit: 4 }],
      [queryOf(schema, 'getCards', ['contactId', 'active', 'offset', 'limit']), { contactId }],
      [queryOf(schema, 'getChargingSessions', ['contactId', 'tagId', 'active']), { contactId, tagId }],
      [queryOf(schema, 'getChargepoint', ['id']), { id: cpId }],
      [queryOf(schema, 'getCard', ['tagId']), { tagId }],
      [queryOf(schema, 'getContact', ['id']), { id: contactId }],
      [queryOf(schema, 'getChargingSession', ['id']), { id: sessionId }],
      [queryOf(schema, 'getPrice', ['chargepoint', 'tagId']), { chargepoint: cpId, tagId }],
      [`mutation m${argsOf(schema, 'updateCard', ['tagId', 'active'], 'Mutation').vars} { updateCard(tagId: $tagId, active: $active) { ${selectAll(schema, 'Card')} } }`, { tagId, active: true }],
    ];
    for (const [source, variableValues] of operations) {
      for (const graphqlError of [false, true]) {
        const document = parse(source);
        const json = (r: unknown) => JSON.parse(JSON.stringify(r)) as ExecutionResult;
        const expected = json(execute({ schema: a.schema(), document, variableValues, contextValue: { sim: { graphqlError } } }));
        const actual = json(fastExecute({ schema: b.schema(), document, variableValues, contextValue: { sim: { graphqlError } } }));
        expect(actual, source).toEqual(expected);
        expect(expected.data, JSON.stringify(expected.errors)).toBeTruthy();
        const messages = (expected.errors ?? []).map((e) => e.message);
        if (graphqlError && !source.startsWith('mutation')) expect(messages.some((m) => m.includes('(simulated)')), source).toBe(true);
        enumErrors += messages.filter((m) => m.startsWith('Enum ')).length;
      }
    }
    // Statuses outside an enum are field errors (status-enum, connector-status-scalar), never otherwise.
    const enumStatus = variants.some((v) => v === 'status-enum' || (v === 'connector-status-scalar' && !variants.includes('status-string')));
    expect(enumErrors > 0).toBe(enumStatus);
  });
});

// A chargepoint's completed JSON is kept on its record and served again until the record changes.
describe('kept JSON per chargepoint', () => {
  const served = (world: World, faults: Record<string, number> = {}) => {
    const stats = new SimStats();
    return new ServedSchema('offset', world, new FaultInjector(11, faults, stats), stats, []);
  };
  type Stringified = ExecutionResult & { stringify?: (r: unknown) => string };
  const text = (r: Stringified) => (r.stringify ?? JSON.stringify)(r);

  test('answers like graphql-js when kept, when served again and after a change', () => {
    const world = new World({ seed: 5, chargepoints: 30, contacts: 2, startTime: new Date('2026-01-01T00:00:00Z') });
    const s = served(world);
    const schema = buildSchema(s.sdl());
    const document = parse(queryOf(schema, 'getChargepoints', ['offset', 'limit']));
    const variableValues = { offset: 0, limit: 10 };
    const fresh = () => JSON.stringify(execute({ schema: s.schema(), document, variableValues, contextValue: {} }));
    const fast = () => fastExecute({ schema: s.schema(), document, variableValues, contextValue: {} }) as Stringified;

    const first = fast();
    expect(first.stringify).toBeTypeOf('function');
    expect(text(first)).toBe(fresh());
    const ids = world.chargepointIds().slice(0, 10);
    for (const id of ids) expect(world.chargepointRec(id)!.served?.size).toBe(1);
    expect(world.chargepointRec(world.chargepointIds()[10]!)!.served).toBeNull(); // not on the page
    expect(text(fast())).toBe(fresh()); // from what was kept
    // Plain JSON.stringify of the result (any other reader) sees the same answer.
    expect(JSON.stringify(fast())).toBe(fresh());

    // A status change drops what its chargepoint kept; the next answer shows it.
    const connector = world.chargepointRec(ids[3]!)!.connectors[0]!;
    const before = text(fast());
    world.setConnectorStatus(connector.id, connector.status === 'AVAILABLE' ? 'OCCUPIED' : 'AVAILABLE', new Date('2026-01-01T00:00:30Z'));
    expect(world.chargepointRec(ids[3]!)!.served).toBeNull();
    const after = text(fast());
    expect(after).toBe(fresh());
    expect(after).not.toBe(before);
  });

  test('a record keeps a few selections at most, whatever clients send', () => {
    const world = new World({ seed: 5, chargepoints: 3, contacts: 1, startTime: new Date('2026-01-01T00:00:00Z') });
    const s = served(world);
    const fields = ['id', 'name', 'publicName', 'createdAt', 'updatedAt', 'connectorsTotal'];
    for (let i = 1; i <= 2 * KEPT_SELECTIONS + 1; i++) {
      // Each document a new parse, as from a client that builds its query anew every time.
      const document = parse(`{ getChargepoints(offset: 0, limit: 3) { chargepoints { ${fields.slice(0, 1 + (i % fields.length)).join(' ')} } } }`);
      fastExecute({ schema: s.schema(), document, contextValue: {} });
      expect(world.chargepointRec(world.chargepointIds()[0]!)!.served!.size).toBeLessThanOrEqual(KEPT_SELECTIONS);
    }
  });

  test('nothing is kept for selections with arguments or directives, or under per-record faults', () => {
    const world = new World({ seed: 5, chargepoints: 12, contacts: 2, startTime: new Date('2026-01-01T00:00:00Z') });
    const plain = served(world);
    const schema = buildSchema(plain.sdl());
    const withDirective = parse(`query q($c: Boolean!) { getChargepoints(offset: 0, limit: 5) { chargepoints { id name @include(if: $c) } } }`);
    fastExecute({ schema: plain.schema(), document: withDirective, variableValues: { c: true }, contextValue: {} });
    const faulty = served(world, { unknownStatusRate: 0.5 });
    const document = parse(queryOf(schema, 'getChargepoints', ['offset', 'limit']));
    const r = fastExecute({ schema: faulty.schema(), document, variableValues: { offset: 0, limit: 5 }, contextValue: {} }) as Stringified;
    expect(r.stringify).toBeUndefined();
    for (const id of world.chargepointIds().slice(0, 5)) expect(world.chargepointRec(id)!.served).toBeNull();
  });
});
