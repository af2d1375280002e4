/**
 * The dataflow of one scope, without any DOM: what the flow pane draws (`view.ts`), read
 * from the tree's index of the document (`ReportTree`) and its `input` and `reads` edges.
 *
 * - Its child scopes are boxes, closed unless their key is in `open`; an open box holds
 *   its own ops and boxes. An op named as a scope (a `tf.function` call and the body the
 *   document nests under it, `MatMul` and its `MatMul/ReadVariableOp`) stands in that
 *   scope's box.
 * - Its ops are nodes; edges join the nodes that hold the producing and the consuming op
 *   (`pairs`: the op rows behind each edge), labelled with the producer's output shape.
 * - A variable is one node: its own ops (`w`, `w/Read/…`, `w/Initializer/…`) are it, and
 *   each op that reads it is an edge from it, wherever the variable lives; what a
 *   variable's own ops take in (its initial value) is not drawn, nor its readers outside.
 * - A tensor made outside and consumed inside is an `in` port, one per producing op; one
 *   made inside and consumed outside an `out` port.
 */

import type { IScopeEntry, IVariableEntry } from '../tree/entries';
import { relativeName as relative } from '../tree/format';
import type { ReportTree } from '../tree/report';
import { type IBadge, nodeBadges } from '../tree/types';

export type FlowKind = 'op' | 'scope' | 'variable' | 'port';

export interface IFlowNode {
  /** `o:<row>`, `s:<scope key>`, `v:<variable key>`, `in:<row>` or `out:<row>`. */
  id: string;
  kind: FlowKind;
  /** The full name of what it stands for (a port: its producer). */
  name: string;
  /** The name below the flow's scope; a port's, its producer's full name. */
  label: string;
  /** An op's type, a box's op count (and call type), a variable's or a port's shape. */
  detail: string;
  /** The tree entry a click selects (a port: its producer op). */
  key: string;
  /** The open box that holds it (`s:<key>`); `null` at the top. */
  parent: string | null;
  /** A box drawn open. */
  open: boolean;
  side?: 'in' | 'out';
  /** A variable's created / reused ×N badges, as the tree shows them. */
  badges: IBadge[];
}

export interface IFlowEdge {
  id: string;
  source: string;
  target: string;
  /** `reads`: a variable read by an op with no input edge from it (a function's capture). */
  kind: 'input' | 'reads';
  /** The producers' output shapes, e.g. `[?,4]`. */
  label: string;
  /** The ops joined, `[producer row, consumer row]` (for `reads`, the variable's rows are
   * none: `[-1, consumer row]`). */
  pairs: [number, number][];
}

export interface IFlowGraph {
  scope: IScopeEntry;
  nodes: IFlowNode[];
  edges: IFlowEdge[];
}

/** `[5, 5, null]` → `[5,5,?]`; an unknown rank is `[?…]` (Python's `human.shape`). */
export function shapeText(dims: (number | null)[] | null): string {
  return dims === null ? '[?…]' : `[${dims.map(d => (d === null ? '?' : d)).join(',')}]`;
}

/** What an edge from op `row` carries: its one output's shape, or `×N` outputs (the
 * document does not say which one an edge takes). */
export function outputText(tree: ReportTree, row: number): string {
  const outputs = tree.ops.node(row).outputs;
  if (!outputs?.length) {
    return '';
  }
  return outputs.length === 1 ? shapeText(outputs[0].shape) : `×${outputs.length}`;
}

export function scopeFlow(
  tree: ReportTree,
  scope: IScopeEntry,
  open: ReadonlySet<string> = new Set()
): IFlowGraph {
  let facts = known.get(scope);
  if (!facts) {
    facts = new ScopeOps(tree, scope);
    known.set(scope, facts);
  }
  return new FlowBuilder(tree, scope, open, facts).build();
}

/** What a scope's flow reads of the tree whatever boxes are open: its ops, where each
 * sits, what each outputs. Kept per scope (a box opening makes the flow again, `view.ts`,
 * and the lookups by name are most of making it). */
const known = new WeakMap<IScopeEntry, ScopeOps>();

class ScopeOps {
  constructor(
    readonly tree: ReportTree,
    scope: IScopeEntry
  ) {
    this._collect(scope);
    // The op that runs a body nested under its name (a `tf.function` call) is the box's.
    for (const op of tree.find(scope.node.name)) {
      if (op.kind === 'op' && !this.inside.has(op.row)) {
        this.rows.push(op.row);
        this.inside.add(op.row);
      }
    }
  }

  /** The rows of the ops below the scope (and its call's), as a list and a set. */
  readonly rows: number[] = [];
  readonly inside = new Set<number>();
  /** The variables below the scope, by key. */
  readonly variables = new Map<string, IVariableEntry>();
  /** Each row's variable (`variableOf`), box (`home`) and output's text, once asked. */
  readonly owners = new Map<number, IVariableEntry | null>();
  readonly homes = new Map<number, IScopeEntry>();
  readonly outputs = new Map<number, string>();

  /** The variables read inside through a `reads` edge, and the rows that read each. */
  readers(): Map<IVariableEntry, Set<number>> {
    if (!this._readers) {
      const byId = new Map<string, number>();
      for (const row of this.rows) {
        byId.set(this.tree.ops.id(row), row);
      }
      this._readers = new Map();
      for (const edge of this.tree.document.graph.edges) {
        const row = edge.kind === 'reads' ? byId.get(edge.target) : undefined;
        const variable = row === undefined ? undefined : this.tree.get(edge.source);
        if (row !== undefined && variable?.kind === 'variable') {
          const rows = this._readers.get(variable) ?? new Set();
          this._readers.set(variable, rows.add(row));
        }
      }
    }
    return this._readers;
  }

  private _readers: Map<IVariableEntry, Set<number>> | null = null;

  /** The rows of the ops below `scope`, and where each variable sits. */
  private _collect(scope: IScopeEntry): void {
    for (const group of scope.groups) {
      for (const row of group.opRows) {
        this.rows.push(row);
        this.inside.add(row);
      }
    }
    for (const child of scope.scopes) {
      this._collect(child);
    }
    for (const variable of scope.variables) {
      this.variables.set(variable.key, variable);
      if (variable.ops) {
        this._collect(variable.ops);
      }
    }
  }
}

class FlowBuilder {
  constructor(
    private readonly _tree: ReportTree,
    private readonly _scope: IScopeEntry,
    private readonly _open: ReadonlySet<string>,
    private readonly _facts: ScopeOps
  ) {}

  build(): IFlowGraph {
    const inside = this._facts.rows;
    for (const row of inside) {
      this._rep(row);
    }
    const { ops } = this._tree;
    for (const consumer of inside) {
      const to = this._rep(consumer);
      if (to.startsWith('v:')) {
        continue; // a variable's own ops: its initial value is not drawn
      }
      for (const producer of ops.sources(consumer)) {
        const from = this._facts.inside.has(producer) ? this._rep(producer) : this._outer(producer);
        this._edge(from, to, producer, consumer);
      }
    }
    for (const producer of inside) {
      const from = this._rep(producer);
      if (from.startsWith('v:')) {
        continue; // read outside: not an edge crossing everything
      }
      for (const consumer of ops.targets(producer)) {
        if (!this._facts.inside.has(consumer)) {
          this._edge(from, this._port('out', producer, from), producer, consumer);
        }
      }
    }
    this._readsEdges();
    this._placeVariables();
    return {
      scope: this._scope,
      nodes: [...this._nodes.values()],
      edges: [...this._edges.values()]
    };
  }

  /** The node that stands for inside op `row`. */
  private _rep(row: number): string {
    let id = this._reps.get(row);
    if (id !== undefined) {
      return id;
    }
    const variable = this._variableOf(row);
    if (variable) {
      id = this._variable(variable);
    } else {
      const name = this._tree.ops.names[row];
      const home = this._home(row);
      const box = this._closedBox(home);
      if (box) {
        id = this._box(box);
      } else {
        const entry = this._tree.op(row);
        id = `o:${row}`;
        this._nodes.set(id, {
          id,
          kind: 'op',
          name,
          label: relative(name, this._scope.node.name),
          detail: entry.node.type,
          key: entry.key,
          parent: home === this._scope ? null : this._box(home),
          open: false,
          badges: []
        });
      }
    }
    this._reps.set(row, id);
    return id;
  }

  /** The scope whose box holds op `row`: its group's, or the scope it is named as (an op
   * named as a scope stands in that scope's box). */
  private _home(row: number): IScopeEntry {
    let home = this._facts.homes.get(row);
    if (!home) {
      const name = this._tree.ops.names[row];
      const named = this._tree.find(name).find(e => e.kind === 'scope') as IScopeEntry | undefined;
      home = named && this._below(named) ? named : this._tree.op(row).parent.parent;
      this._facts.homes.set(row, home);
    }
    return home;
  }

  /** What op `row` outputs (`outputText`). */
  private _output(row: number): string {
    let text = this._facts.outputs.get(row);
    if (text === undefined) {
      text = outputText(this._tree, row);
      this._facts.outputs.set(row, text);
    }
    return text;
  }

  /** The node of an op outside: its variable, or an `in` port. */
  private _outer(row: number): string {
    const variable = this._variableOf(row);
    return variable ? this._variable(variable) : this._port('in', row, null);
  }

  /** Whether `scope` is the flow's scope or below it. */
  private _below(scope: IScopeEntry): boolean {
    for (let s: IScopeEntry | null = scope; s; s = s.parent) {
      if (s === this._scope) {
        return true;
      }
    }
    return false;
  }

  /** The outermost closed box on the way from the flow's scope down to `scope`; none when
   * every box on it is open. */
  private _closedBox(scope: IScopeEntry): IScopeEntry | null {
    let closed: IScopeEntry | null = null;
    for (let s: IScopeEntry | null = scope; s && s !== this._scope; s = s.parent) {
      if (!this._open.has(s.key)) {
        closed = s;
      }
    }
    return closed;
  }

  /** The node of a box, with the open boxes around it. */
  private _box(scope: IScopeEntry): string {
    const id = `s:${scope.key}`;
    if (!this._nodes.has(id)) {
      const up = scope.parent;
      const call = this._tree.find(scope.node.name).find(e => e.kind === 'op');
      this._nodes.set(id, {
        id,
        kind: 'scope',
        name: scope.node.name,
        label: relative(scope.node.name, this._scope.node.name),
        detail: call ? call.node.type : `${scope.node.n_ops} ops`,
        key: scope.key,
        parent: up && up !== this._scope ? this._box(up) : null,
        open: this._open.has(scope.key),
        badges: []
      });
    }
    return id;
  }

  /** The variable whose own op `row` is: named as it, or below the scope of its ops. */
  private _variableOf(row: number): IVariableEntry | null {
    let found = this._facts.owners.get(row);
    if (found === undefined) {
      const name = this._tree.ops.names[row];
      found =
        (this._tree.find(name).find(e => e.kind === 'variable') as IVariableEntry | undefined) ??
        null;
      for (
        let s: IScopeEntry | null = this._tree.op(row).parent.parent;
        s && !found;
        s = s.parent
      ) {
        found = s.owner;
      }
      this._facts.owners.set(row, found);
    }
    return found;
  }

  private _variable(variable: IVariableEntry): string {
    const id = `v:${variable.key}`;
    if (!this._nodes.has(id)) {
      const { node } = variable;
      const home = this._facts.variables.has(variable.key) ? variable.parent : null;
      const visible = home && !this._closedBox(home) && home !== this._scope;
      this._nodes.set(id, {
        id,
        kind: 'variable',
        name: node.name,
        label: relative(node.name, this._scope.node.name),
        detail: `${shapeText(node.shape)} ${node.dtype}`,
        key: variable.key,
        parent: visible ? this._box(home) : null,
        open: false,
        badges: nodeBadges(this._tree.document.display, variable.key)
      });
    }
    return id;
  }

  private _port(side: 'in' | 'out', row: number, inner: string | null): string {
    const id = `${side}:${row}`;
    if (!this._nodes.has(id)) {
      const name = this._tree.ops.names[row];
      this._nodes.set(id, {
        id,
        kind: 'port',
        name,
        label: side === 'in' ? name : (this._nodes.get(inner ?? '')?.label ?? name),
        detail: this._output(row),
        key: this._tree.op(row).key,
        parent: null,
        open: false,
        side,
        badges: []
      });
    }
    return id;
  }

  private _edge(from: string, to: string, producer: number, consumer: number): void {
    if (from === to) {
      return; // inside one closed box or one variable
    }
    const id = `${from}>${to}`;
    let edge = this._edges.get(id);
    if (!edge) {
      edge = { id, source: from, target: to, kind: 'input', label: '', pairs: [] };
      this._edges.set(id, edge);
      this._labels.set(id, new Set());
    }
    edge.pairs.push([producer, consumer]);
    const labels = this._labels.get(id)!;
    const text = this._output(producer);
    if (text && !labels.has(text)) {
      labels.add(text);
      edge.label =
        [...labels].slice(0, MAX_LABELS).join(', ') + (labels.size > MAX_LABELS ? ', …' : '');
    }
  }

  /** Variables read inside through a `reads` edge only (a function's captured handle):
   * an edge to each op that reads it first, not to the ops after those. */
  private _readsEdges(): void {
    const { ops } = this._tree;
    for (const [variable, rows] of this._facts.readers()) {
      for (const row of rows) {
        if (ops.sources(row).some(source => rows.has(source))) {
          continue;
        }
        const to = this._rep(row);
        const from = this._variable(variable);
        const id = `${from}>${to}`;
        if (from !== to && !this._edges.has(id)) {
          const edge: IFlowEdge = {
            id,
            source: from,
            target: to,
            kind: 'reads',
            label: '',
            pairs: [[-1, row]]
          };
          this._edges.set(id, edge);
        }
      }
    }
  }

  /** A variable from elsewhere (not of this scope, nor of an open box) whose readers are
   * all in one closed box is that box's, drawn when it opens, as its ops are: the root
   * of a trained model otherwise holds every variable, each with an edge to the one box
   * that reads it. One whose readers are all in one open box is drawn in it. */
  private _placeVariables(): void {
    const readers = new Map<string, IFlowEdge[]>();
    for (const edge of this._edges.values()) {
      if (edge.source.startsWith('v:')) {
        readers.set(edge.source, [...(readers.get(edge.source) ?? []), edge]);
      }
    }
    for (const [id, edges] of readers) {
      const variable = this._nodes.get(id)!;
      if (
        variable.parent !== null ||
        this._facts.variables.get(variable.key)?.parent === this._scope
      ) {
        continue;
      }
      const target = this._nodes.get(edges[0].target)!;
      if (target.kind === 'scope' && !target.open && edges.every(e => e.target === target.id)) {
        this._nodes.delete(id);
        this._edges.delete(edges[0].id);
        continue;
      }
      // The open boxes around every reader, innermost first.
      let common: string[] | null = null;
      for (const edge of edges) {
        const around: string[] = [];
        for (let p = this._nodes.get(edge.target)!.parent; p; p = this._nodes.get(p)!.parent) {
          around.push(p);
        }
        common = common ? common.filter(box => around.includes(box)) : around;
      }
      variable.parent = common?.[0] ?? null;
    }
  }

  private readonly _reps = new Map<number, string>();
  private readonly _nodes = new Map<string, IFlowNode>();
  private readonly _edges = new Map<string, IFlowEdge>();
  private readonly _labels = new Map<string, Set<string>>();
}

/** Shapes an edge names before `…`. */
const MAX_LABELS = 2;
