/**
 * A notebook output's packed document as columns (`jupyter_scope/document/columns.py`,
 * whose docstring describes the form), decoded to the document `to_dict` gives, key
 * order included: each step as Python's `decode` does it.
 */

import type { IReportDocument } from './types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
/** `[tag, ...]`: `raw`, `int`, `tab`, `seq`, `ref` or `path` (see columns.py). */
type Column = [string, ...Json[]];

interface IGroup {
  n: number;
  keys: string[][];
  /** Each row's index into `keys`; empty when every row has `keys[0]`. */
  shape: number[];
  columns: Record<string, Column>;
}

interface IEdges {
  raw?: JsonObject[];
  keys: string[];
  contains: boolean;
  degree: number[];
  target: number[];
  kind: Column;
}

export interface IColumns {
  columns: number;
  kinds: [string, number][];
  nodes: Record<string, IGroup>;
  edges: IEdges;
  shown?: { rows: number[]; nodes: Record<string, IGroup> };
  rest: JsonObject & { graph: JsonObject; display?: JsonObject };
}

const FORMAT = 1;
const EDGE_FIELDS = ['source', 'target', 'kind'];

/** The document of a packed output's columns; throws on columns that are not Python's. */
export function decodeColumns(payload: IColumns): IReportDocument {
  if (payload.columns !== FORMAT) {
    throw new Error(`columns format ${String(payload.columns)}, not ${FORMAT}`);
  }
  const rest = payload.rest;
  const kinds = payload.kinds.flatMap(([kind, count]) => Array<string>(count).fill(kind));
  const columns = new Columns(payload.nodes);
  const nodes = take(columns, Object.keys(payload.nodes), kinds);
  const graph = { ...rest.graph, nodes, edges: decodeEdges(payload.edges, nodes) };
  const doc: JsonObject = { ...rest, graph };
  if (payload.shown) {
    const entries = new Columns(payload.shown.nodes, columns);
    const rows = sums(payload.shown.rows);
    const values = take(
      entries,
      Object.keys(payload.shown.nodes),
      rows.map(row => kinds[row])
    );
    const byId: JsonObject = {};
    rows.forEach((row, i) => {
      byId[nodes[row].id as string] = values[i];
    });
    doc.display = { ...rest.display, nodes: byId };
  }
  return doc as unknown as IReportDocument;
}

/** The rows of each group, in the order `kinds` names their groups. */
function take(columns: Columns, groups: string[], kinds: string[]): JsonObject[] {
  const next = new Map(groups.map(kind => [kind, { rows: columns.rows(kind), at: 0 }]));
  const out = kinds.map(kind => {
    const group = next.get(kind);
    if (!group || group.at >= group.rows.length) {
      throw new Error(`fewer ${kind} rows than nodes`);
    }
    return group.rows[group.at++];
  });
  for (const [kind, group] of next) {
    if (group.at !== group.rows.length) {
      throw new Error(`more ${kind} rows than nodes`);
    }
  }
  return out;
}

function decodeEdges(encoded: IEdges, nodes: JsonObject[]): JsonObject[] {
  if (encoded.raw) {
    return encoded.raw;
  }
  const n = nodes.length;
  const { degree, target } = encoded;
  const kinds = values(encoded.kind, target.length) as string[];
  if (degree.length !== n || degree.reduce((a, b) => a + b, 0) !== target.length) {
    throw new Error('edge columns of other lengths than the nodes');
  }
  let explicit: [number, number, string][] = [];
  let k = 0;
  degree.forEach((count, source) => {
    let last = source;
    for (let j = 0; j < count; j++, k++) {
      last += target[k];
      explicit.push([source, last, kinds[k]]);
    }
  });
  if (encoded.contains) {
    explicit = bySource(explicit, n, parents(nodes));
  }
  const keys = encoded.keys;
  if (keys.length !== 3 || !EDGE_FIELDS.every(field => keys.includes(field))) {
    throw new Error(`edge fields ${JSON.stringify(keys)}`);
  }
  return explicit.map(([s, t, kind]) => {
    if (!(t >= 0 && t < n)) {
      throw new Error('edge to no node');
    }
    const fields: JsonObject = { source: nodes[s].id, target: nodes[t].id, kind };
    const edge: JsonObject = {};
    for (const key of keys) {
      edge[key] = fields[key];
    }
    return edge;
  });
}

/** Each node's scope as the names say (columns.py's `parents`). */
function parents(nodes: JsonObject[]): (number | undefined)[] {
  const scopes = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (node.kind === 'scope' && typeof node.name === 'string' && !scopes.has(node.name)) {
      scopes.set(node.name, i);
    }
  });
  return nodes.map(node => {
    let path: Json | undefined;
    if (node.kind !== 'scope') {
      path = node.scope;
    } else if (typeof node.name === 'string' && node.name !== '') {
      const cut = node.name.lastIndexOf('/');
      path = cut < 0 ? '' : node.name.slice(0, cut);
    }
    return typeof path === 'string' ? scopes.get(path) : undefined;
  });
}

/** Each source's derived `contains` edges, children in node order, then its others. */
function bySource(
  explicit: [number, number, string][],
  n: number,
  parent: (number | undefined)[]
): [number, number, string][] {
  const children: number[][] = Array.from({ length: n }, () => []);
  parent.forEach((p, child) => {
    if (p !== undefined) {
      children[p].push(child);
    }
  });
  const out: [number, number, string][] = [];
  let k = 0;
  for (let source = 0; source < n; source++) {
    for (const child of children[source]) {
      out.push([source, child, 'contains']);
    }
    while (k < explicit.length && explicit[k][0] === source) {
      out.push(explicit[k++]);
    }
  }
  return out;
}

/** The rows of groups of columns; a column is decoded when first asked for. `ref`
 * columns refer to `targets`' groups. */
class Columns {
  private readonly done = new Map<string, Json[]>();
  private readonly busy = new Set<string>();
  private readonly targets: Columns;

  constructor(
    private readonly groups: Record<string, IGroup>,
    targets?: Columns
  ) {
    this.targets = targets ?? this;
  }

  rows(kind: string): JsonObject[] {
    const group = this.group(kind);
    const shape = group.shape.length ? group.shape : Array<number>(group.n).fill(0);
    if (shape.length !== group.n) {
      throw new Error(`${kind}: ${shape.length} shapes for ${group.n} rows`);
    }
    const fields = [...new Set(group.keys.flat())];
    const columns = new Map(
      fields.map(field => [field, { values: this.column(kind, field), at: 0 }])
    );
    return shape.map(s => {
      const row: JsonObject = {};
      for (const field of group.keys[s]) {
        const column = columns.get(field)!;
        row[field] = column.values[column.at++];
      }
      return row;
    });
  }

  column(kind: string, field: string): Json[] {
    const key = `${kind}\u0000${field}`;
    let values = this.done.get(key);
    if (values === undefined) {
      if (this.busy.has(key)) {
        throw new Error(`column ${kind}.${field} refers to itself`);
      }
      this.busy.add(key);
      const group = this.group(kind);
      const has = group.keys.map(keys => keys.includes(field));
      const count = group.shape.length
        ? group.shape.filter(s => has[s]).length
        : has[0]
          ? group.n
          : 0;
      const column = group.columns[field];
      if (!column) {
        throw new Error(`no column ${kind}.${field}`);
      }
      values = this.decoded(kind, column, count);
      if (values.length !== count) {
        throw new Error(`column ${kind}.${field}: ${values.length} values for ${count}`);
      }
      this.done.set(key, values);
    }
    return values;
  }

  private group(kind: string): IGroup {
    const group = this.groups[kind];
    if (!group) {
      throw new Error(`no ${kind} columns`);
    }
    return group;
  }

  private decoded(kind: string, column: Column, count: number): Json[] {
    if (column[0] === 'ref') {
      const [, group, field, rows] = column as [string, string, string, number[]];
      const target = this.targets.column(group, field);
      return sums(rows).map(i => at(target, i));
    }
    if (column[0] === 'path') {
      const [, base, refs, locals] = column as [string, string | null, number[], string[]];
      if (refs.length !== locals.length) {
        throw new Error('path column of two lengths');
      }
      if (base !== null) {
        const bases = this.column(kind, base);
        if (bases.length !== refs.length) {
          throw new Error('path column of two lengths');
        }
        return locals.map((local, i) => (refs[i] ? joined(bases[i] as string, local) : local));
      }
      const out: string[] = [];
      locals.forEach((local, i) => {
        const back = refs[i];
        if (back && !(back > 0 && back <= i)) {
          throw new Error('path refers outside its column');
        }
        out.push(back ? joined(out[i - back], local) : local);
      });
      return out;
    }
    return values(column, count);
  }
}

function values(column: Column, count: number): Json[] {
  switch (column[0]) {
    case 'raw':
      return column[1] as Json[];
    case 'int':
      return sums(column[1] as number[]);
    case 'tab': {
      const table = column[1] as Json[];
      const rows = column[2] as number[];
      const shared = table.some(value => value !== null && typeof value === 'object');
      // A row of its own, as the plain document gives each.
      return rows.map(i => (shared ? fresh(at(table, i)) : at(table, i)));
    }
    case 'seq': {
      const [, prefix, start] = column as [string, string, number];
      return Array.from({ length: count }, (_, i) => `${prefix}${start + i}`);
    }
    default:
      throw new Error(`unknown column ${JSON.stringify(column[0])}`);
  }
}

/** A copy of a list or object (columns.py's `fresh`). */
function fresh(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(fresh);
  }
  if (value !== null && typeof value === 'object') {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = fresh(item);
    }
    return copy;
  }
  return value;
}

function at(values: Json[], i: number): Json {
  if (!(i >= 0 && i < values.length)) {
    throw new Error('index outside its table');
  }
  return values[i];
}

/** A path below `base` (the root scope's name is ""). */
function joined(base: string, local: string): string {
  return base ? `${base}/${local}` : local;
}

function sums(deltas: number[]): number[] {
  let total = 0;
  return deltas.map(d => (total += d));
}
