/**
 * The entries of a report's tree, without any DOM: scopes, variables, op groups (ops
 * grouped per scope by type) and ops, and what each shows as children.
 */

import type { ICompactOps } from './compact';
import { relativeName } from './format';
import type { OpTable } from './ops';
import type { IOpNode, IScopeNode, IVariableNode, ShownDocument } from './types';

/** A plain document, or the widget's compact one (ops as columns). */
export type TreeDocument = ShownDocument & { ops?: ICompactOps };

export interface IScopeEntry {
  kind: 'scope';
  key: string;
  label: string;
  node: IScopeNode;
  parent: IScopeEntry | null;
  scopes: IScopeEntry[];
  variables: IVariableEntry[];
  groups: IOpGroupEntry[];
  /** The variable whose own ops this scope holds; it then has no row of its own. */
  owner: IVariableEntry | null;
}

export interface IVariableEntry {
  kind: 'variable';
  key: string;
  label: string;
  node: IVariableNode;
  parent: IScopeEntry;
  /**
   * The scope of the same name that holds only the variable's own ops (`w/Initializer/…`,
   * `w/Assign`) and its optimizer slots (`w/Adam`): shown inside the variable, not as a
   * sibling of the same name.
   */
  ops: IScopeEntry | null;
}

export interface IOpGroupEntry {
  kind: 'group';
  key: string;
  /** The op type, e.g. `Conv2D`; the label is `Conv2D ×3`. */
  type: string;
  label: string;
  parent: IScopeEntry;
  /** Its ops, as rows of the tree's `ops` (`ReportTree.op` makes their entries). */
  opRows: number[];
}

export interface IOpEntry {
  kind: 'op';
  key: string;
  label: string;
  node: IOpNode;
  parent: IOpGroupEntry;
  /** Names of the ops whose outputs this op consumes. */
  inputs: string[];
  /** Its row in the tree's `ops`. */
  row: number;
}

export type Entry = IScopeEntry | IVariableEntry | IOpGroupEntry | IOpEntry;

/** A node of the report graph: what can be selected and named in `widget.selected`. */
export type NodeEntry = IScopeEntry | IVariableEntry | IOpEntry;

export interface IRow {
  entry: Entry;
  depth: number;
}

/**
 * What a row holds, but an op group's ops: variables first, then scopes, then op groups;
 * in a variable, its optimizer slots, then its own ops. Without `ops`, ops stay out of
 * sight: op groups, scopes that hold only ops (TF's `MatMul`, `strided_slice`…) and a
 * variable's own ops.
 */
export function children(entry: Entry, ops: boolean): Entry[] {
  switch (entry.kind) {
    case 'scope': {
      const scopes = ops ? entry.scopes : entry.scopes.filter(s => s.node.n_variables > 0);
      return [...entry.variables, ...scopes, ...(ops ? entry.groups : [])];
    }
    case 'variable': {
      const own = entry.ops;
      if (!own) {
        return [];
      }
      // Its slots; with `ops`, its ops. Its replicas' parts, which sit there too, are not
      // rows: its own row stands for them.
      const slots = own.variables.filter(v => !v.node.component_of);
      return ops ? [...slots, ...own.scopes, ...own.groups] : slots;
    }
    default:
      return [];
  }
}

export function isExpandable(entry: Entry, ops = true): boolean {
  return (
    entry.kind === 'scope' ||
    (entry.kind === 'group' && ops) ||
    (entry.kind === 'variable' && entry.ops !== null && (ops || children(entry, ops).length > 0))
  );
}

/** An op, an op group or a scope of ops only: what the ops switch hides. */
export function isOpsOnly(entry: Entry): boolean {
  return (
    entry.kind === 'op' ||
    entry.kind === 'group' ||
    (entry.kind === 'scope' && entry.node.n_variables === 0 && entry.parent !== null)
  );
}

/** An op's entry. A search can make thousands, and draws a few: what only a drawn row or
 * the details pane reads is read from the table when first asked for. */
export class LazyOpEntry implements IOpEntry {
  readonly kind = 'op';

  constructor(
    private readonly _ops: OpTable,
    readonly parent: IOpGroupEntry,
    readonly row: number
  ) {}

  get key(): string {
    return (this._key ??= this._ops.id(this.row));
  }

  get label(): string {
    return (this._label ??= relativeName(this._ops.names[this.row], this.parent.parent.node.name));
  }

  get node(): IOpNode {
    return (this._node ??= this._ops.node(this.row));
  }

  get inputs(): string[] {
    return (this._inputs ??= this._ops.sources(this.row).map(source => this._ops.names[source]));
  }

  private _key?: string;
  private _label?: string;
  private _node?: IOpNode;
  private _inputs?: string[];
}

export function scopeEntry(node: IScopeNode, parent: IScopeEntry | null): IScopeEntry {
  return {
    kind: 'scope',
    key: node.id,
    label: parent ? relativeName(node.name, parent.node.name) : node.name,
    node,
    parent,
    scopes: [],
    variables: [],
    groups: [],
    owner: null
  };
}
