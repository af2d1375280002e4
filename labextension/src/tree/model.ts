/**
 * The tree index of a report, without any DOM: scopes → child scopes, variables and op
 * groups (ops grouped per scope by type), and name and device filtering with ancestors
 * kept. Every number, label and colour comes computed in the document's `display`
 * section; the view (`view.ts`) only reads this.
 */

import { relativeName } from './format';
import type {
  DeviceShare,
  GraphNode,
  NodeDisplay,
  OpNode,
  ScopeNode,
  ShownDocument,
  Summary,
  VariableNode
} from './types';

export interface ScopeEntry {
  kind: 'scope';
  key: string;
  label: string;
  node: ScopeNode;
  parent: ScopeEntry | null;
  scopes: ScopeEntry[];
  variables: VariableEntry[];
  groups: OpGroupEntry[];
  /** The variable whose own ops this scope holds; it then has no row of its own. */
  owner: VariableEntry | null;
}

export interface VariableEntry {
  kind: 'variable';
  key: string;
  label: string;
  node: VariableNode;
  parent: ScopeEntry;
  /**
   * The scope of the same name that holds only the variable's own ops (`w/Initializer/…`,
   * `w/Assign`): shown inside the variable, not as a sibling of the same name.
   */
  ops: ScopeEntry | null;
}

export interface OpGroupEntry {
  kind: 'group';
  key: string;
  /** The op type, e.g. `Conv2D`; the label is `Conv2D ×3`. */
  type: string;
  label: string;
  parent: ScopeEntry;
  ops: OpEntry[];
}

export interface OpEntry {
  kind: 'op';
  key: string;
  label: string;
  node: OpNode;
  parent: OpGroupEntry;
  /** Names of the ops whose outputs this op consumes. */
  inputs: string[];
}

export type Entry = ScopeEntry | VariableEntry | OpGroupEntry | OpEntry;

/** A node of the report graph: what can be selected and named in `widget.selected`. */
export type NodeEntry = ScopeEntry | VariableEntry | OpEntry;

export interface Row {
  entry: Entry;
  depth: number;
}

/** Whether a name passes the search box (`query`, a case-insensitive substring) and the
 * `--filter` regex (`pattern`, searched as Python's `re.search`). */
export type NameTest = (name: string) => boolean;

export function nameTest(query: string, pattern: RegExp | null = null): NameTest | null {
  const needle = query.trim().toLowerCase();
  if (!needle && !pattern) {
    return null;
  }
  return name =>
    (!needle || name.toLowerCase().includes(needle)) && (!pattern || pattern.test(name));
}

/**
 * What a row holds: variables first, then scopes, then op groups. Without `ops`, ops stay
 * out of sight: op groups, scopes that hold only ops (TF's `MatMul`, `strided_slice`…)
 * and a variable's own ops.
 */
export function children(entry: Entry, ops = true): Entry[] {
  switch (entry.kind) {
    case 'scope': {
      const scopes = ops ? entry.scopes : entry.scopes.filter(s => s.node.n_variables > 0);
      return [...entry.variables, ...scopes, ...(ops ? entry.groups : [])];
    }
    case 'group':
      return entry.ops;
    case 'variable':
      return ops && entry.ops ? [...entry.ops.scopes, ...entry.ops.groups] : [];
    default:
      return [];
  }
}

export function isExpandable(entry: Entry, ops = true): boolean {
  return (
    entry.kind === 'scope' ||
    (entry.kind === 'group' && ops) ||
    (entry.kind === 'variable' && entry.ops !== null && ops)
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

export class ReportTree {
  readonly root: ScopeEntry;

  constructor(readonly document: ShownDocument) {
    const nodes = new Map<string, GraphNode>();
    for (const node of document.graph.nodes) {
      nodes.set(node.id, node);
    }
    const rootNode = document.graph.nodes.find(
      (n): n is ScopeNode => n.kind === 'scope' && n.name === ''
    );
    if (!rootNode) {
      throw new Error('not a jupyter-scope report: it has no root scope');
    }
    this.root = scopeEntry(rootNode, null);
    this._add(this.root);
    const inputs = new Map<string, string[]>();
    const contains: [string, string][] = [];
    for (const edge of document.graph.edges) {
      if (edge.kind === 'contains') {
        contains.push([edge.source, edge.target]);
      } else if (edge.kind === 'input') {
        const source = nodes.get(edge.source);
        const list = inputs.get(edge.target) ?? [];
        list.push(source ? source.name : edge.source);
        inputs.set(edge.target, list);
      }
    }
    this._link(contains, nodes, inputs);
  }

  get summary(): Summary {
    return this.document.display.summary;
  }

  /** What `id`'s node shows beyond its fields: facts, badges, device mix… */
  shown(id: string): NodeDisplay {
    return this.document.display.nodes[id] ?? NOTHING;
  }

  /** The short name of a device string (`CPU:0`); `''` for none. */
  short(name: string | null | undefined): string {
    return (name && this.document.display.devices[name]?.short) || '';
  }

  /** Where a variable or op runs (short name): its placed device, else the one asked for. */
  nodeDevice(node: { device: string | null; device_requested: string | null }): string {
    return this.short(node.device || node.device_requested);
  }

  /** Every node entry with this full name (eager variables may share one): variables,
   * then ops, then scopes. */
  find(name: string): NodeEntry[] {
    return this._byName.get(name) ?? [];
  }

  get(key: string): Entry | undefined {
    return this._byKey.get(key);
  }

  /** The entries above `entry` as shown, nearest first, excluding the root. */
  ancestors(entry: Entry): Entry[] {
    const out: Entry[] = [];
    for (let p = entry.parent; p && p !== this.root; p = p.parent) {
      out.push((p.kind === 'scope' && p.owner) || p);
    }
    return out;
  }

  /** Keys of the scopes below the root (that pass `test`), and of the variables whose ops
   * scope passes: "expand all" opens them all. */
  scopeKeys(test: (scope: ScopeEntry) => boolean = () => true): string[] {
    const keys: string[] = [];
    const visit = (scope: ScopeEntry): void => {
      for (const child of scope.scopes) {
        if (test(child)) {
          keys.push(child.key);
        }
        visit(child);
      }
      for (const variable of scope.variables) {
        if (variable.ops) {
          if (test(variable.ops)) {
            keys.push(variable.key);
          }
          visit(variable.ops);
        }
      }
    };
    visit(this.root);
    return keys;
  }

  /** The short names of the devices nodes run on or asked for, sorted: the device
   * filter's choices. */
  get devices(): string[] {
    const names = Object.values(this.document.display.devices).map(d => d.short);
    return [...new Set(names)].sort();
  }

  /** Whether a variable or op runs on, or asked for, this device (short name). */
  onDevice(
    node: { device: string | null; device_requested: string | null },
    name: string
  ): boolean {
    return this.nodeDevice(node) === name || this.short(node.device_requested) === name;
  }

  /**
   * The entries kept by `test` and `onDevice`: the variables and ops on that device (short
   * name, run on or asked for) whose name passes or that are inside a scope whose name
   * passes, and their ancestors; without a device, also the scopes whose name passes.
   * Without `ops`, ops and scopes of ops only are left out. `null` when there is neither a
   * test nor a device (everything is kept).
   */
  filter(test: NameTest | null, onDevice = '', ops = true): Set<Entry> | null {
    if (!test && !onDevice) {
      return null;
    }
    const kept = new Set<Entry>([this.root]);
    const keeps = (node: VariableNode | OpNode, all: boolean): boolean =>
      (all || !test || test(node.name)) && (!onDevice || this.onDevice(node, onDevice));
    const visit = (scope: ScopeEntry, keepAll: boolean): boolean => {
      const all = keepAll || (!!test && scope.node.name !== '' && test(scope.node.name));
      let any = all && !onDevice;
      for (const child of scope.scopes) {
        if (ops || child.node.n_variables > 0) {
          any = visit(child, all) || any;
        }
      }
      for (const variable of scope.variables) {
        const opsKept = ops && variable.ops !== null && visit(variable.ops, all);
        if (keeps(variable.node, all) || opsKept) {
          kept.add(variable);
          any = true;
        }
      }
      for (const group of ops ? scope.groups : []) {
        let anyOp = false;
        for (const op of group.ops) {
          if (keeps(op.node, all)) {
            kept.add(op);
            anyOp = true;
          }
        }
        if (anyOp) {
          kept.add(group);
          any = true;
        }
      }
      if (any) {
        kept.add(scope);
      }
      return any;
    };
    visit(this.root, false);
    return kept;
  }

  /** The rows to show, depth first: children of open entries, when `shown`; ops only
   * with `ops`. */
  rows(isOpen: (entry: Entry) => boolean, shown: Set<Entry> | null = null, ops = true): Row[] {
    const out: Row[] = [];
    const visit = (entry: Entry, depth: number): void => {
      for (const child of children(entry, ops)) {
        if (shown && !shown.has(child)) {
          continue;
        }
        out.push({ entry: child, depth });
        if (isExpandable(child, ops) && isOpen(child)) {
          visit(child, depth + 1);
        }
      }
    };
    visit(this.root, 0);
    return out;
  }

  /** Names of the ops that read `variable` (its `reads` edges). */
  readers(variableId: string): string[] {
    const out: string[] = [];
    for (const edge of this.document.graph.edges) {
      if (edge.kind === 'reads' && edge.source === variableId) {
        out.push(this._byKey.get(edge.target)?.label ?? edge.target);
      }
    }
    return out;
  }

  colour(deviceName: string | null | undefined): string | undefined {
    return (deviceName && this.document.display.devices[deviceName]?.colour) || undefined;
  }

  /** A scope's placements by device, in colour order, what is not placed last. */
  deviceMix(scope: ScopeNode): DeviceShare[] {
    return this.shown(scope.id).mix ?? [];
  }

  /** The colour of the one device everything in `entry` is on; none when that is mixed,
   * not placed or unknown. */
  entryColour(entry: Entry): string | undefined {
    let names: string[];
    switch (entry.kind) {
      case 'scope':
        names = Object.keys(entry.node.devices);
        break;
      case 'group':
        names = entry.ops.map(op => op.node.device || op.node.device_requested || '');
        break;
      default:
        names = [entry.node.device || entry.node.device_requested || ''];
    }
    const one = new Set(names.map(name => this.short(name)));
    return one.size === 1 ? this.colour(names[0]) : undefined;
  }

  private _link(
    contains: [string, string][],
    nodes: Map<string, GraphNode>,
    inputs: Map<string, string[]>
  ): void {
    // Every scope entry first, so that the edges may come in any order.
    for (const node of nodes.values()) {
      if (node.kind === 'scope' && node !== this.root.node) {
        this._add(scopeEntry(node, null));
      }
    }
    for (const [source, target] of contains) {
      const parent = this._byKey.get(source);
      const child = this._byKey.get(target);
      if (parent?.kind === 'scope' && child?.kind === 'scope') {
        child.parent = parent;
        child.label = relativeName(child.node.name, parent.node.name);
        parent.scopes.push(child);
      }
    }
    const groups = new Map<string, OpGroupEntry>();
    for (const [source, target] of contains) {
      const parent = this._byKey.get(source);
      const node = nodes.get(target);
      if (parent?.kind !== 'scope' || !node || node.kind === 'scope') {
        continue;
      }
      if (node.kind === 'variable') {
        const entry: VariableEntry = {
          kind: 'variable',
          key: node.id,
          label: relativeName(node.name, parent.node.name),
          node,
          parent,
          ops: null
        };
        parent.variables.push(entry);
        this._add(entry);
      } else {
        const groupKey = `${parent.key}\u0000${node.type}`;
        let group = groups.get(groupKey);
        if (!group) {
          group = { kind: 'group', key: groupKey, type: node.type, label: '', parent, ops: [] };
          groups.set(groupKey, group);
          parent.groups.push(group);
          this._byKey.set(groupKey, group);
        }
        const entry: OpEntry = {
          kind: 'op',
          key: node.id,
          label: relativeName(node.name, parent.node.name),
          node,
          parent: group,
          inputs: inputs.get(node.id) ?? []
        };
        group.ops.push(entry);
        this._add(entry);
      }
    }
    for (const group of groups.values()) {
      group.label = `${group.type} ×${group.ops.length}`;
    }
    for (const entry of this._byKey.values()) {
      if (entry.kind === 'scope') {
        this._foldOwnOps(entry);
      }
    }
  }

  /** Move each scope that holds a variable's own ops (`w/Initializer`) into the variable. */
  private _foldOwnOps(scope: ScopeEntry): void {
    scope.scopes = scope.scopes.filter(child => {
      const owner = this._byKey.get(this.shown(child.key).owner ?? '');
      if (owner?.kind === 'variable' && !owner.ops) {
        owner.ops = child;
        child.owner = owner;
        return false;
      }
      return true;
    });
  }

  private _add(entry: NodeEntry): void {
    this._byKey.set(entry.key, entry);
    const same = this._byName.get(entry.node.name);
    if (same) {
      // A variable `a/w`, its VarHandleOp `a/w` and the name scope `a/w` of its
      // initializer ops: the variable first, then ops, then scopes.
      const at = same.findIndex(e => FIND_ORDER[e.kind] > FIND_ORDER[entry.kind]);
      same.splice(at < 0 ? same.length : at, 0, entry);
    } else {
      this._byName.set(entry.node.name, [entry]);
    }
  }

  private readonly _byKey = new Map<string, Entry>();
  private readonly _byName = new Map<string, NodeEntry[]>();
}

const FIND_ORDER = { variable: 0, op: 1, scope: 2 } as const;
const NOTHING: NodeDisplay = {};

function scopeEntry(node: ScopeNode, parent: ScopeEntry | null): ScopeEntry {
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
