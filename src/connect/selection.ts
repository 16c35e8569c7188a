// Selection trees: what one operation asks for, built either from the live schema (introspection)
// or from the reference alone and then corrected by the server's validation errors. A tree prints
// to a document with one field per line, so a validation error's line number leads back to the
// field it names.
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
} from 'graphql';
import { LOCATION_CANDIDATES, REFERENCE_TYPES, type RefField } from './reference.js';

export interface SelNode {
  /** Field name as sent. */
  name: string;
  /** The reference type this field holds (Chargepoint, Location, ...), if it is an object. */
  ref?: string | undefined;
  /** Sub-selection; undefined for a leaf. */
  children?: SelNode[] | undefined;
  /** The documented field it answers, for essential checks and costs. */
  spec?: RefField | undefined;
  /** The type it sits on, as the reference (or the server) names it, for messages: "Contact". */
  parent: string;
}

/** A field the server does not offer. */
export interface Missing {
  /** e.g. "Contact.fax". */
  field: string;
  /** What it costs, e.g. "contacts.fax stays empty". */
  cost: string;
}

export interface BuildNotes {
  missing: Missing[];
  /** Problems that make the operation unusable. */
  fatal: string[];
  /** Where this server reads a loose part of the reference one way, e.g. "Connector.type is a String (a leaf) on this API". */
  info: string[];
}

type Composite = GraphQLObjectType | GraphQLInterfaceType;

function isComposite(t: GraphQLNamedType | undefined): t is Composite {
  return isObjectType(t) || isInterfaceType(t);
}

/** Fields that can be selected without arguments. */
function selectable(field: GraphQLField<unknown, unknown>): boolean {
  return !field.name.startsWith('__') && field.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined);
}

export function missingText(parent: string, spec: RefField): string {
  return spec.names.length > 1 ? `${parent} has neither ${spec.names.join(' nor ')}` : `${parent}.${spec.names[0]} is not offered`;
}

/** A type the reference does not define (Location): its leaves, and the leaves of its objects one level down. */
export function discover(type: Composite, parent: string, levels = 1): SelNode[] {
  const out: SelNode[] = [];
  for (const field of Object.values(type.getFields())) {
    if (!selectable(field)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) out.push({ name: field.name, parent });
    else if (levels > 0 && isComposite(named)) {
      const children = discover(named, `${parent}.${field.name}`, levels - 1);
      if (children.length > 0) out.push({ name: field.name, parent, children });
    }
  }
  return out;
}

/**
 * The reference's fields of `ref` that `type` offers, recursively. Missing fields go to `notes`;
 * an undefined reference type is discovered from the server.
 */
export function fromSchema(type: Composite, ref: string, notes: BuildNotes): SelNode[] {
  const spec = REFERENCE_TYPES[ref];
  if (!spec) return discover(type, ref);
  const fields = type.getFields();
  const out: SelNode[] = [];
  for (const f of spec) {
    const name = f.names.find((n) => fields[n] !== undefined && selectable(fields[n]));
    if (name === undefined) {
      const text = missingText(ref, f);
      if (f.dialectOnly) continue;
      if (f.essential) notes.fatal.push(text);
      else notes.missing.push({ field: `${ref}.${f.names[0]}`, cost: f.cost ?? 'nothing connect-sync stores' });
      continue;
    }
    const named = getNamedType(fields[name]!.type);
    if (isLeafType(named)) {
      if (f.of) notes.info.push(`${ref}.${name} is a ${named.name} (a leaf) on this API`);
      out.push({ name, parent: ref, spec: f });
    } else if (isComposite(named)) {
      const children = f.of ? fromSchema(named, f.of, notes) : discover(named, `${ref}.${name}`, 0);
      out.push({ name, parent: ref, ref: f.of, spec: f, children: children.length > 0 ? children : [{ name: '__typename', parent: f.of ?? name }] });
    } else {
      // A union: nothing documented can be selected from it without knowing its members.
      const text = `${ref}.${name} is a union (${named.name}) on the API`;
      if (f.essential) notes.fatal.push(text);
      else notes.missing.push({ field: `${ref}.${name}`, cost: f.cost ?? 'nothing connect-sync stores' });
    }
  }
  return out;
}

/** Without a schema: every documented field (all alternatives), and the usual names for undefined types. */
export function fromReference(ref: string): SelNode[] {
  const spec = REFERENCE_TYPES[ref];
  if (!spec) return LOCATION_CANDIDATES.map((name) => ({ name, parent: ref }));
  const out: SelNode[] = [];
  for (const f of spec) {
    for (const name of f.names) {
      out.push(f.of ? { name, parent: ref, ref: f.of, spec: f, children: fromReference(f.of) } : { name, parent: ref, spec: f });
    }
  }
  return out;
}

/** Children for a field the server says is an object although it was asked as a leaf. */
export function candidatesFor(node: SelNode): SelNode[] {
  if (node.ref && REFERENCE_TYPES[node.ref]) return fromReference(node.ref);
  const parent = `${node.parent}.${node.name}`;
  // Inside an undefined type (an address or coordinates object of a Location): the usual names.
  if (node.parent === 'Location' || !REFERENCE_TYPES[node.parent]) {
    return LOCATION_CANDIDATES.filter((n) => n !== 'address' && n !== 'coordinates').map((name) => ({ name, parent }));
  }
  return [{ name: '__typename', parent }];
}

// ---- printing --------------------------------------------------------------------------------

export interface Printed {
  text: string;
  /** 1-based line number → the node printed on it. */
  lines: Map<number, SelNode>;
}

/** Prints `head` (e.g. "query x($a: Int) {" + root field line) and the tree, one field per line. */
export function printDocument(header: string, rootLine: string, root: SelNode[]): Printed {
  const out: string[] = [header, rootLine];
  const lines = new Map<number, SelNode>();
  const walk = (nodes: SelNode[], indent: string) => {
    for (const n of nodes) {
      if (n.children) {
        out.push(`${indent}${n.name} {`);
        lines.set(out.length, n);
        walk(n.children, `${indent}  `);
        out.push(`${indent}}`);
      } else {
        out.push(`${indent}${n.name}`);
        lines.set(out.length, n);
      }
    }
  };
  walk(root, '    ');
  out.push('  }', '}');
  return { text: out.join('\n'), lines };
}

/** Nodes named `name` whose parent type is `parent` (or any parent when none matches). */
export function findNodes(root: SelNode[], name: string, parent: string): SelNode[] {
  const all: SelNode[] = [];
  const walk = (nodes: SelNode[]) => {
    for (const n of nodes) {
      if (n.name === name) all.push(n);
      if (n.children) walk(n.children);
    }
  };
  walk(root);
  const exact = all.filter((n) => n.parent === parent || n.parent.endsWith(`.${parent}`));
  return exact.length > 0 ? exact : all;
}

/** Siblings of `node` (the list it sits in). */
export function siblingsOf(root: SelNode[], node: SelNode): SelNode[] | undefined {
  if (root.includes(node)) return root;
  for (const n of root) {
    const found = n.children ? siblingsOf(n.children, node) : undefined;
    if (found) return found;
  }
  return undefined;
}

