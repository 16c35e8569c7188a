// The end-of-list probe of the fan-out lists (paginate.ts): the operation's own document with the
// same list asked a second time under an alias, one record at another offset, reading only
// `__typename` (which every GraphQL object type has). Aliases, variables and __typename are core
// GraphQL, so any server that answers the operation answers its probe; one that does not (a
// validation error) simply gets the plain document again (client.ts).
import { Kind, parse, print, type FieldNode, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import type { Operation } from './operations.js';

export const PROBE_ALIAS = 'connectSyncProbe';
const OFFSET_VAR = 'connectSyncProbeOffset';
const LIMIT_VAR = 'connectSyncProbeLimit';

export interface ProbeOperation {
  op: Operation & { readonly optionalRoots: readonly string[] };
  /** The probe's variables for a page at `offset` probing `probeAt` records further. */
  variables(offset: number, probeAt: number): Record<string, number>;
}

/**
 * The probing variant of a list operation whose list field takes `offset` and `limit` as
 * variables, or null when its document does not have that shape.
 */
export function probeOperation(op: Operation): ProbeOperation | null {
  const doc = parse(op.source);
  const def = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const field = def?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === op.name);
  if (!def || !field) return null;
  const variableOf = (arg: string) => {
    const value = field.arguments?.find((a) => a.name.value === arg)?.value;
    return value?.kind === Kind.VARIABLE ? def.variableDefinitions?.find((v) => v.variable.name.value === value.name.value) : undefined;
  };
  const offset = variableOf('offset');
  const limit = variableOf('limit');
  if (!offset || !limit) return null;
  const renamed = (v: VariableDefinitionNode, name: string): VariableDefinitionNode => ({
    ...v,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
    defaultValue: undefined,
  });
  const probe: FieldNode = {
    ...field,
    alias: { kind: Kind.NAME, value: PROBE_ALIAS },
    arguments: field.arguments?.map((a) =>
      a.name.value === 'offset' || a.name.value === 'limit'
        ? { ...a, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: a.name.value === 'offset' ? OFFSET_VAR : LIMIT_VAR } } }
        : a,
    ),
    selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] },
  };
  const probing: OperationDefinitionNode = {
    ...def,
    variableDefinitions: [...(def.variableDefinitions ?? []), renamed(offset, OFFSET_VAR), renamed(limit, LIMIT_VAR)],
    selectionSet: { ...def.selectionSet, selections: [...def.selectionSet.selections, probe] },
  };
  const source = print({ ...doc, definitions: doc.definitions.map((d) => (d === def ? probing : d)) });
  return {
    // An error on the probe leaves it unanswered (the transport reads only the page's own errors).
    op: { ...op, source, lines: new Map(), optionalRoots: [PROBE_ALIAS] },
    variables: (pageOffset, probeAt) => ({ [OFFSET_VAR]: pageOffset + probeAt, [LIMIT_VAR]: 1 }),
  };
}

/** The probe's answer in a response: whether it found a record; undefined when it did not answer. */
export function probeFound(data: Record<string, unknown>): boolean | undefined {
  const list = data[PROBE_ALIAS];
  return Array.isArray(list) ? list.length > 0 : undefined;
}
