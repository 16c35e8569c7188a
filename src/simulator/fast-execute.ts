// A lean synchronous executor for the simulator's plain-object results, plugged into yoga in place
// of graphql-js's execute. graphql-js spends most of a 100-chargepoint page on per-field
// bookkeeping (a resolve-info object, argument coercion and development-mode type checks for every
// field); here nested fields are plain property reads. Semantics follow graphql-js: aliases,
// fragments, @skip/@include, function-valued properties called like the default resolver, errors
// located at their path, null propagated to the nearest nullable parent. Anything else
// (introspection, subscriptions, invalid variables, abstract types) goes to graphql-js unchanged,
// before any resolver has run. Resolvers must be synchronous: the simulator's are.
import {
  GraphQLEnumType,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSkipDirective,
  Kind,
  execute,
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  locatedError,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from './graphql.js';

interface Path {
  readonly prev: Path | undefined;
  readonly key: string | number;
  readonly typename: string | undefined;
}

type Fields = Map<string, FieldNode[]>;

interface Exec {
  args: ExecutionArgs;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  /** Set when a @skip/@include was evaluated: the collected fields then depend on variables. */
  sawDirective: boolean;
  /** Set when the result holds kept JSON (RawJson): it then carries its own stringify. */
  raw: boolean;
}

/** Thrown to carry a null up to the nearest nullable field; its error is already recorded. */
const BUBBLE = Symbol('null-bubble');

class Unsupported extends Error {}

const subfieldCache = new WeakMap<SelectionSetNode, Map<GraphQLObjectType, Fields>>();

/**
 * A rendered object may name the world record it was rendered from (`view[SERVED_FROM] = record`):
 * the executor then keeps the object's completed JSON on the record, per selection, and serves it
 * again as long as the record keeps it (world.ts drops it whenever the record changes). A poll
 * over a mostly unchanged network then costs a string lookup per record instead of completing and
 * serialising every field again. Only selections of plain fields are kept (no arguments, no
 * directives, no fragments: their answer depends on the record alone), and only answers without
 * errors.
 */
export const SERVED_FROM = Symbol('served from');

/** Where a record keeps its completed JSON: selection → JSON text. */
export interface ServedCache {
  served: Map<object, string> | null;
}

/** Selections a record keeps its JSON for at most (a client's poll and lookup documents, a few clients). */
export const KEPT_SELECTIONS = 4;

/** Completed JSON text standing in for an object in the result (see stringifyResult). */
class RawJson {
  constructor(readonly json: string) {}
  /** Plain JSON.stringify (and so any other reader of the result) sees the object itself. */
  toJSON(): unknown {
    return JSON.parse(this.json) as unknown;
  }
}

const plainSelection = new WeakMap<SelectionSetNode, boolean>();

/** A selection of plain fields only, at every depth: its answer depends on the record alone. */
function isPlain(set: SelectionSetNode): boolean {
  let plain = plainSelection.get(set);
  if (plain === undefined) {
    plain = set.selections.every(
      (sel) =>
        sel.kind === Kind.FIELD &&
        (sel.arguments?.length ?? 0) === 0 &&
        (sel.directives?.length ?? 0) === 0 &&
        (sel.selectionSet === undefined || isPlain(sel.selectionSet)),
    );
    plainSelection.set(set, plain);
  }
  return plain;
}

/**
 * JSON.stringify for a result that may hold RawJson: the kept text is written as it is; plain
 * objects and arrays are walked (only the few levels above the records), anything else goes to
 * JSON.stringify with its usual rules.
 */
function stringifyResult(value: unknown): string {
  if (value instanceof RawJson) return value.json;
  if (Array.isArray(value)) {
    return `[${value.map((v: unknown) => (v === undefined || typeof v === 'function' ? 'null' : stringifyResult(v))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(k)}:${stringifyResult(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function pathToArray(path: Path | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p = path; p !== undefined; p = p.prev) out.push(p.key);
  return out.reverse();
}

function included(x: Exec, node: FieldNode | { directives?: FieldNode['directives'] }): boolean {
  if (node.directives === undefined || node.directives.length === 0) return true;
  x.sawDirective = true;
  const n = node as FieldNode;
  if (getDirectiveValues(GraphQLSkipDirective, n, x.variables)?.['if'] === true) return false;
  if (getDirectiveValues(GraphQLIncludeDirective, n, x.variables)?.['if'] === false) return false;
  return true;
}

function collect(x: Exec, type: GraphQLObjectType, set: SelectionSetNode, fields: Fields, visited: Set<string>): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (!included(x, sel)) continue;
      const key = sel.alias?.value ?? sel.name.value;
      const list = fields.get(key);
      if (list) list.push(sel);
      else fields.set(key, [sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (!included(x, sel)) continue;
      if (sel.typeCondition && sel.typeCondition.name.value !== type.name) continue;
      collect(x, type, sel.selectionSet, fields, visited);
    } else {
      const name = sel.name.value;
      if (visited.has(name) || !included(x, sel)) continue;
      visited.add(name);
      const fragment = x.fragments[name];
      if (fragment === undefined || fragment.typeCondition.name.value !== type.name) continue;
      collect(x, type, fragment.selectionSet, fields, visited);
    }
  }
}

function subfields(x: Exec, type: GraphQLObjectType, nodes: FieldNode[]): Fields {
  const only = nodes.length === 1 ? nodes[0]?.selectionSet : undefined;
  if (only !== undefined) {
    const cached = subfieldCache.get(only)?.get(type);
    if (cached !== undefined) return cached;
  }
  const fields: Fields = new Map();
  const visited = new Set<string>();
  const saw = x.sawDirective;
  x.sawDirective = false;
  for (const node of nodes) if (node.selectionSet) collect(x, type, node.selectionSet, fields, visited);
  if (only !== undefined && !x.sawDirective) {
    let byType = subfieldCache.get(only);
    if (byType === undefined) subfieldCache.set(only, (byType = new Map()));
    byType.set(type, fields);
  }
  x.sawDirective ||= saw;
  return fields;
}

function info(x: Exec, def: GraphQLField<unknown, unknown>, parent: GraphQLObjectType, nodes: FieldNode[], path: Path): GraphQLResolveInfo {
  return {
    fieldName: def.name,
    fieldNodes: nodes,
    returnType: def.type,
    parentType: parent,
    path,
    schema: x.args.schema,
    fragments: x.fragments,
    rootValue: x.args.rootValue,
    operation: x.operation,
    variableValues: x.variables,
  };
}

function fieldError(x: Exec, error: unknown, type: GraphQLOutputType, nodes: FieldNode[], path: Path): null {
  if (error !== BUBBLE) x.errors.push(locatedError(error, nodes, pathToArray(path)));
  if (type instanceof GraphQLNonNull) throw BUBBLE;
  return null;
}

function complete(
  x: Exec,
  type: GraphQLOutputType,
  nodes: FieldNode[],
  value: unknown,
  path: Path,
  where: string,
): unknown {
  if (value instanceof Error) throw value;
  if (type instanceof GraphQLNonNull) {
    const done = complete(x, type.ofType, nodes, value, path, where);
    if (done === null) throw new Error(`Cannot return null for non-nullable field ${where}.`);
    return done;
  }
  if (value === null || value === undefined) return null;
  if (type instanceof GraphQLList) {
    if (!Array.isArray(value)) throw new GraphQLError(`Expected Iterable, but did not find one for field "${where}".`);
    const itemType = type.ofType;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const itemPath: Path = { prev: path, key: i, typename: undefined };
      try {
        out[i] = complete(x, itemType, nodes, value[i], itemPath, where);
      } catch (error) {
        out[i] = fieldError(x, error, itemType, nodes, itemPath);
      }
    }
    return out;
  }
  if (type instanceof GraphQLScalarType || type instanceof GraphQLEnumType) {
    const serialized: unknown = type.serialize(value);
    if (serialized === null || serialized === undefined) {
      throw new Error(`Expected \`${type.name}.serialize(${String(value)})\` to return non-nullable value, returned: ${String(serialized)}`);
    }
    return serialized;
  }
  if (type instanceof GraphQLObjectType) {
    const fields = subfields(x, type, nodes);
    const cache = (value as { [SERVED_FROM]?: ServedCache })[SERVED_FROM];
    const only = nodes.length === 1 ? nodes[0]!.selectionSet : undefined;
    if (cache === undefined || only === undefined || !isPlain(only)) return fieldsOf(x, type, value, fields, path);
    const kept = cache.served?.get(fields);
    x.raw = true;
    if (kept !== undefined) return new RawJson(kept);
    const errors = x.errors.length;
    const out = fieldsOf(x, type, value, fields, path);
    if (x.errors.length !== errors) return out;
    const json = JSON.stringify(out);
    // A few selections per record at most: clients that send ever new documents (a new parse, a
    // new selection) must not grow a frozen world's memory without bound.
    if (cache.served === null || cache.served.size >= KEPT_SELECTIONS) cache.served = new Map();
    cache.served.set(fields, json);
    return new RawJson(json);
  }
  throw new Unsupported(`abstract type ${String(type)}`);
}

function fieldsOf(x: Exec, type: GraphQLObjectType, source: unknown, fields: Fields, path: Path | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const defs = type.getFields();
  for (const [key, nodes] of fields) {
    const node = nodes[0]!;
    const name = node.name.value;
    if (name === '__typename') {
      out[key] = type.name;
      continue;
    }
    const def = defs[name];
    if (def === undefined) continue;
    const fieldPath: Path = { prev: path, key, typename: type.name };
    try {
      let value: unknown;
      if (def.resolve !== undefined) {
        value = def.resolve(source, getArgumentValues(def, node, x.variables), x.args.contextValue, info(x, def, type, nodes, fieldPath));
      } else {
        value = source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
        if (typeof value === 'function') {
          value = (value as (...a: unknown[]) => unknown).call(
            source,
            getArgumentValues(def, node, x.variables),
            x.args.contextValue,
            info(x, def, type, nodes, fieldPath),
          );
        }
      }
      if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
        throw new Error(`fast executor: ${type.name}.${name} returned a promise; resolvers must be synchronous`);
      }
      out[key] = complete(x, def.type, nodes, value, fieldPath, `${type.name}.${name}`);
    } catch (error) {
      if (error instanceof Unsupported) throw error;
      out[key] = fieldError(x, error, def.type, nodes, fieldPath);
    }
  }
  return out;
}

/** Drop-in for graphql-js `execute` (same arguments and result) for synchronous resolvers. */
export function fastExecute(args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let operation: OperationDefinitionNode | undefined;
  let operations = 0;
  for (const def of args.document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    else if (def.kind === Kind.OPERATION_DEFINITION) {
      operations++;
      if (args.operationName == null ? operation === undefined : def.name?.value === args.operationName) operation = def;
    }
  }
  if (operation === undefined || (args.operationName == null && operations > 1) || operation.operation === 'subscription') {
    return execute(args);
  }
  const rootType = operation.operation === 'query' ? args.schema.getQueryType() : args.schema.getMutationType();
  if (!(rootType instanceof GraphQLObjectType) || args.fieldResolver != null) return execute(args);

  const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 50 });
  if (coerced.errors !== undefined) return execute(args);
  const x: Exec = { args, operation, fragments, variables: coerced.coerced, errors: [], sawDirective: false, raw: false };
  const root: Fields = new Map();
  collect(x, rootType, operation.selectionSet, root, new Set());
  for (const nodes of root.values()) {
    const name = nodes[0]!.name.value;
    if (name.startsWith('__') && name !== '__typename') return execute(args); // introspection
  }

  let data: Record<string, unknown> | null;
  try {
    data = fieldsOf(x, rootType, args.rootValue, root, undefined);
  } catch (error) {
    if (error !== BUBBLE) throw error; // Unsupported after resolvers ran: a bug, not a fallback case
    data = null;
  }
  const result: ExecutionResult = x.errors.length > 0 ? { data, errors: x.errors } : { data };
  // graphql-yoga serialises a result with its own `stringify` when it has one.
  if (x.raw) Object.assign(result, { stringify: stringifyResult });
  return result;
}
