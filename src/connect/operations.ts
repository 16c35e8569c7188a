// One operation's document, generated per server: the reference's fields ∩ the server's fields,
// variables typed as the server declares its arguments. Built from the introspected schema, or,
// where introspection is refused, from the reference alone and corrected by the server's
// validation errors (learn()).
import { getNamedType, isInterfaceType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';
import type { GraphQLErrorSummary } from './errors.js';
import { CHARGEPOINT_PAGING, REFERENCE_OPERATIONS, type ArgKind, type OperationName, type RefArg } from './reference.js';
import {
  candidatesFor,
  findNodes,
  fromReference,
  fromSchema,
  missingText,
  printDocument,
  siblingsOf,
  type BuildNotes,
  type Missing,
  type SelNode,
} from './selection.js';

export type Pagination = 'offset' | 'paged';

/** What the transport sends. */
export interface Operation {
  readonly name: OperationName;
  readonly kind: 'query' | 'mutation';
  readonly source: string;
  readonly idempotent: boolean;
  /** For list operations: where the records sit in `data`. */
  readonly listPath?: readonly string[];
  /** Argument name → type, as the server declares it (or the reference, until the server says otherwise). */
  readonly args: ReadonlyMap<string, string>;
  /** Line of the document → the field printed there, to read validation errors of this very document. */
  readonly lines: ReadonlyMap<number, SelNode>;
}

interface DraftArg {
  type: string;
  kind: ArgKind;
}

/** An operation being built or learnt. */
export interface Draft {
  readonly name: OperationName;
  pagination: Pagination | undefined;
  args: Map<string, DraftArg>;
  root: SelNode[];
  notes: BuildNotes;
  operation: Operation | undefined;
}

const OPTIONAL_ARG_COST: Readonly<Record<string, string>> = {
  'getCards.active': 'none (cards are listed whole anyway)',
  'getChargingSessions.active': '`sync sessions --active` pages every session of each contact and keeps the active ones',
  'getChargingSessions.tagId': 'none (not used by the jobs)',
  'getChargepoint.evse': 'none (chargepoints are looked up by id)',
  'getPrice.tagId': 'prices per card cannot be asked',
  'updateCard.name': 'updateCard cannot change the name',
  'updateCard.active': 'updateCard cannot change whether a card is active',
};

function refArgs(name: OperationName, pagination: Pagination | undefined): readonly RefArg[] {
  if (name !== 'getChargepoints') return REFERENCE_OPERATIONS[name].args;
  return CHARGEPOINT_PAGING[pagination ?? 'offset'];
}

/** Where a list operation's records sit in `data`; for a single-record operation, the root field. */
export function listPathOf(name: OperationName): readonly string[] {
  return [name, ...(REFERENCE_OPERATIONS[name].list ?? [])];
}

function newDraft(name: OperationName, pagination: Pagination | undefined): Draft {
  return { name, pagination, args: new Map(), root: [], notes: { missing: [], fatal: [], info: [] }, operation: undefined };
}

/** The paging style getChargepoints takes on this server, or undefined when it takes neither. */
export function paginationOf(argNames: readonly string[]): Pagination | undefined {
  if (argNames.includes('offset') || argNames.includes('limit')) return 'offset';
  if (argNames.includes('page') || argNames.includes('count')) return 'paged';
  return undefined;
}

/** Builds an operation from the introspected schema. Problems go to draft.notes. */
export function draftFromSchema(schema: GraphQLSchema, name: OperationName): Draft {
  const ref = REFERENCE_OPERATIONS[name];
  const rootType = ref.kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  const rootName = ref.kind === 'query' ? 'Query' : 'Mutation';
  const field = rootType?.getFields()[name];
  const draft = newDraft(name, undefined);
  if (!rootType || !field) {
    draft.notes.fatal.push(`${rootName}.${name} is not offered`);
    return finish(draft);
  }
  const serverArgs = field.args.map((a) => a.name);
  if (name === 'getChargepoints') {
    draft.pagination = paginationOf(serverArgs);
    if (!draft.pagination) {
      draft.notes.fatal.push(`${rootName}.getChargepoints takes neither offset/limit nor count/page (it takes ${serverArgs.join(', ') || 'no arguments'})`);
      return finish(draft);
    }
  }
  const wanted = refArgs(name, draft.pagination);
  for (const a of wanted) {
    const arg = field.args.find((x) => x.name === a.name);
    if (arg) draft.args.set(a.name, { type: String(arg.type), kind: a.kind });
    else if (a.kind === 'optional') draft.notes.missing.push({ field: `${rootName}.${name}(${a.name})`, cost: OPTIONAL_ARG_COST[`${name}.${a.name}`] ?? 'none' });
    else draft.notes.fatal.push(`${rootName}.${name} takes no argument ${a.name} (it takes ${serverArgs.join(', ') || 'no arguments'})`);
  }
  for (const arg of field.args) {
    if (isNonNullType(arg.type) && arg.defaultValue === undefined && !wanted.some((a) => a.name === arg.name)) {
      draft.notes.fatal.push(`${rootName}.${name} requires an argument ${arg.name}: ${String(arg.type)} that the reference does not document`);
    }
  }
  const result = getNamedType(field.type);
  if (!isObjectType(result) && !isInterfaceType(result)) {
    draft.notes.fatal.push(`${rootName}.${name} returns ${String(field.type)}, not an object`);
    return finish(draft);
  }
  draft.root = fromSchema(result, ref.result, draft.notes);
  return finish(draft);
}

/** Without a schema: the reference's documented fields and arguments as the reference types them. */
export function draftFromReference(name: OperationName, pagination: Pagination = 'offset'): Draft {
  const draft = newDraft(name, name === 'getChargepoints' ? pagination : undefined);
  for (const a of refArgs(name, draft.pagination)) draft.args.set(a.name, { type: a.type, kind: a.kind });
  draft.root = fromReference(REFERENCE_OPERATIONS[name].result);
  return finish(draft);
}

// ---- printing ----------------------------------------------------------------------------------

function finish(draft: Draft): Draft {
  if (draft.notes.fatal.length > 0) {
    draft.operation = undefined;
    return draft;
  }
  const ref = REFERENCE_OPERATIONS[draft.name];
  const args = [...draft.args];
  const vars = args.map(([n, a]) => `$${n}: ${a.type}`).join(', ');
  const header = `${ref.kind} ${draft.name}${vars ? `(${vars})` : ''} {`;
  const rootLine = `  ${draft.name}${args.length ? `(${args.map(([n]) => `${n}: $${n}`).join(', ')})` : ''} {`;
  const printed = printDocument(header, rootLine, draft.root.length > 0 ? draft.root : [{ name: '__typename', parent: ref.result }]);
  draft.operation = Object.freeze({
    name: draft.name,
    kind: ref.kind,
    source: printed.text,
    idempotent: ref.idempotent,
    ...(ref.list ? { listPath: listPathOf(draft.name) } : {}),
    args: new Map(args.map(([n, a]) => [n, a.type])),
    lines: printed.lines,
  });
  return draft;
}

// ---- learning from validation errors -------------------------------------------------------------

const CANNOT_QUERY = /^Cannot query field "([^"]+)" on type "([^"]+)"/;
const NO_SUBFIELDS = /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields/;
const NEEDS_SUBFIELDS = /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields/;
const VARIABLE_TYPE = /^Variable "\$([^"]+)" of type "([^"]+)" used in position expecting type "([^"]+)"/;
const UNKNOWN_ARG = /^Unknown argument "([^"]+)" on field "([^"]+)"/;
const REQUIRED_ARG = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required/;

function nodeAt(draft: Draft, sent: ReadonlyMap<number, SelNode>, e: GraphQLErrorSummary, name: string, parent: string): SelNode[] {
  const line = e.locations?.[0]?.line;
  const byLine = line !== undefined ? sent.get(line) : undefined;
  if (byLine && byLine.name === name) return [byLine];
  return findNodes(draft.root, name, parent);
}

/**
 * Applies the server's validation errors to a draft learnt without a schema. Returns true when
 * something changed (the operation should be sent again); problems that cannot be learnt around
 * become fatal notes.
 */
export function learn(draft: Draft, errors: readonly GraphQLErrorSummary[], sent: ReadonlyMap<number, SelNode> = draft.operation?.lines ?? new Map()): boolean {
  let changed = false;
  const ref = REFERENCE_OPERATIONS[draft.name];
  for (const e of errors) {
    let m: RegExpExecArray | null;
    if ((m = CANNOT_QUERY.exec(e.message))) {
      const [, name, type] = m as unknown as [string, string, string];
      for (const node of nodeAt(draft, sent, e, name, type)) {
        const siblings = siblingsOf(draft.root, node);
        if (!siblings) continue;
        siblings.splice(siblings.indexOf(node), 1);
        changed = true;
        const spec = node.spec;
        if (!spec) continue;
        const alternativeLeft = spec.names.some((n) => n !== node.name && siblings.some((s) => s.name === n && s.spec === spec));
        if (alternativeLeft || spec.dialectOnly) continue;
        if (spec.essential) draft.notes.fatal.push(missingText(node.parent, spec));
        else draft.notes.missing.push({ field: `${node.parent}.${spec.names[0]}`, cost: spec.cost ?? 'nothing connect-sync stores' });
      }
    } else if ((m = NO_SUBFIELDS.exec(e.message))) {
      const [, name, type] = m as unknown as [string, string, string];
      for (const node of nodeAt(draft, sent, e, name, '')) {
        if (!node.children) continue;
        node.children = undefined;
        draft.notes.info.push(`${node.parent}.${name} is a ${type} (a leaf) on this API`);
        changed = true;
      }
    } else if ((m = NEEDS_SUBFIELDS.exec(e.message))) {
      const [, name] = m as unknown as [string, string];
      for (const node of nodeAt(draft, sent, e, name, '')) {
        if (node.children) continue;
        node.children = candidatesFor(node);
        changed = true;
      }
    } else if ((m = VARIABLE_TYPE.exec(e.message))) {
      const [, variable, , expected] = m as unknown as [string, string, string, string];
      const arg = draft.args.get(variable);
      if (arg && arg.type !== expected) {
        arg.type = expected;
        changed = true;
      }
    } else if ((m = UNKNOWN_ARG.exec(e.message))) {
      const [, argName] = m as unknown as [string, string];
      const arg = draft.args.get(argName);
      if (!arg) continue;
      if (draft.name === 'getChargepoints' && draft.pagination === 'offset' && arg.kind === 'paging') {
        // The other dialect (the reference's curl example): count/page.
        draft.pagination = 'paged';
        draft.args = new Map(CHARGEPOINT_PAGING.paged.map((a) => [a.name, { type: a.type, kind: a.kind }]));
        changed = true;
      } else if (arg.kind === 'optional') {
        draft.args.delete(argName);
        draft.notes.missing.push({ field: `${ref.kind === 'query' ? 'Query' : 'Mutation'}.${draft.name}(${argName})`, cost: OPTIONAL_ARG_COST[`${draft.name}.${argName}`] ?? 'none' });
        changed = true;
      } else {
        draft.notes.fatal.push(`${draft.name} takes no argument ${argName}`);
      }
    } else if ((m = REQUIRED_ARG.exec(e.message))) {
      const [, , argName, type] = m as unknown as [string, string, string, string];
      if (!draft.args.has(argName)) draft.notes.fatal.push(`${draft.name} requires an argument ${argName}: ${type} that the reference does not document`);
    }
  }
  // Objects left with nothing selected keep a valid document.
  const fill = (nodes: SelNode[]) => {
    for (const n of nodes) {
      if (!n.children) continue;
      if (n.children.length === 0) n.children.push({ name: '__typename', parent: n.ref ?? n.name });
      else fill(n.children);
    }
  };
  fill(draft.root);
  finish(draft);
  return changed && draft.notes.fatal.length === 0;
}

export type { Missing };
