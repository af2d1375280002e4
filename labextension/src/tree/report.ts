/**
 * The tree index of a report, without any DOM: scopes → child scopes, variables and op
 * groups (ops grouped per scope by type; entries in `entries.ts`), and name and device
 * filtering with ancestors kept (`filter.ts`), laid out as rows (`rows.ts`). Every number, label and colour comes computed in the document's `display`
 * section; the view (`view.ts`) only reads this. Ops are rows of an `OpTable`, from the
 * widget's compact report or a plain document alike; an op's entry is made when it is
 * shown, searched for or found.
 */

import { isCompact } from './compact';
import {
  children,
  type Entry,
  type IOpEntry,
  type IOpGroupEntry,
  type IScopeEntry,
  isExpandable,
  type IVariableEntry,
  LazyOpEntry,
  type NodeEntry,
  scopeEntry,
  type TreeDocument
} from './entries';
import { type INameTest, Kept, passes, type Pick } from './filter';
import { relativeName } from './format';
import { OpTable } from './ops';
import { Rows } from './rows';
import type {
  IDeviceShare,
  INodeDisplay,
  IScopeNode,
  ISort,
  ISummary,
  IVariableNode
} from './types';

export class ReportTree {
  readonly root: IScopeEntry;
  /** The ops, as columns; `op(row)` makes an op's entry. */
  readonly ops: OpTable;

  constructor(readonly document: TreeDocument) {
    this.ops = isCompact(document)
      ? OpTable.fromCompact(document.ops)
      : OpTable.fromDocument(document.graph);
    // Filled, not grown: entries are made out of row order, and an array written at far
    // indexes first becomes a dictionary.
    this._opEntries = new Array<IOpEntry | undefined>(this.ops.length).fill(undefined);
    const nodes = new Map<string, IScopeNode | IVariableNode>();
    for (const node of document.graph.nodes) {
      if (node.kind !== 'op') {
        nodes.set(node.id, node);
      }
    }
    const rootNode = document.graph.nodes.find(
      (n): n is IScopeNode => n.kind === 'scope' && n.name === ''
    );
    if (!rootNode) {
      throw new Error('not a jupyter-scope report: it has no root scope');
    }
    this.root = scopeEntry(rootNode, null);
    this._add(this.root);
    // The ops' `contains` edges are the table's `parent` column.
    const contains = document.graph.edges.filter(
      edge => edge.kind === 'contains' && nodes.has(edge.target)
    );
    this._link(contains, nodes);
  }

  get summary(): ISummary {
    return this.document.display.summary;
  }

  /** What `id`'s node shows beyond its fields: facts, badges, device mix… */
  shown(id: string): INodeDisplay {
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
    const found = this._byName.get(name) ?? [];
    const ops = (this._opsByName ??= this._indexOps(row => this.ops.names[row])).get(name);
    if (!ops) {
      return found;
    }
    const scopes = found.findIndex(e => e.kind === 'scope');
    const at = scopes < 0 ? found.length : scopes;
    return [...found.slice(0, at), ...ops.map(row => this.op(row)), ...found.slice(at)];
  }

  /**
   * The entry of this tree that stands for `entry` of `other`, a tree of the same report
   * made before (a re-run): the node of the same kind and full name (of eager variables
   * sharing a name, the one at the same place among them); an op group by its scope and
   * type. Keys cannot say: reports number their nodes.
   */
  counterpart(entry: Entry, other: ReportTree): Entry | undefined {
    if (entry.kind === 'group') {
      const scope = this.counterpart(entry.parent, other);
      return scope?.kind === 'scope' ? scope.groups.find(g => g.type === entry.type) : undefined;
    }
    const same = (tree: ReportTree): NodeEntry[] =>
      tree.find(entry.node.name).filter(e => e.kind === entry.kind);
    const at = same(other).indexOf(entry);
    return at < 0 ? undefined : same(this)[at];
  }

  get(key: string): Entry | undefined {
    const entry = this._byKey.get(key);
    if (entry) {
      return entry;
    }
    const rows = (this._opsById ??= this._indexOps(row => this.ops.id(row))).get(key);
    return rows ? this.op(rows[0]) : undefined;
  }

  /** The entry of the op in row `row` of `ops`, made when first asked for. */
  op(row: number): IOpEntry {
    return (this._opEntries[row] ??= new LazyOpEntry(this.ops, this._groupOf[row], row));
  }

  /** The entries of a group's ops. */
  opsOf(group: IOpGroupEntry): IOpEntry[] {
    return group.opRows.map(row => this.op(row));
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
  scopeKeys(test: (scope: IScopeEntry) => boolean = () => true): string[] {
    const keys: string[] = [];
    const visit = (scope: IScopeEntry): void => {
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
   * The entries kept by `test`, `onDevice` and `pick`: the variables and ops on that
   * device (short name, run on or asked for) that the display's active filters pick, whose
   * name passes or that are inside a scope whose name passes, and their ancestors; with
   * neither a device nor filters, also the scopes whose name passes. Without `ops`, ops
   * and scopes of ops only are left out. `null` when there is no test, device or filter
   * (everything is kept).
   */
  filter(test: INameTest | null, onDevice = '', ops = true, pick: Pick | null = null): Kept | null {
    if (!test && !onDevice && !pick) {
      return null;
    }
    const kept = new Kept(new Uint8Array(this.ops.length));
    kept.entries.add(this.root);
    const keeps = (node: IVariableNode, all: boolean): boolean =>
      (all || !test || passes(test, node.name)) &&
      (!onDevice || this.onDevice(node, onDevice)) &&
      (!pick || pick.variable(node));
    const named = ops && test ? this._opsPassing(test) : null;
    const placed = ops && onDevice ? this._opsOnDevice(onDevice) : null;
    const picked = ops && pick ? this._opsPicked(pick) : null;
    const visit = (scope: IScopeEntry, keepAll: boolean): boolean => {
      const all = keepAll || (!!test && scope.node.name !== '' && passes(test, scope.node.name));
      let any = all && !onDevice && !pick;
      for (const child of scope.scopes) {
        if (ops || child.node.n_variables > 0) {
          any = visit(child, all) || any;
        }
      }
      for (const variable of scope.variables) {
        if (!ops && scope.owner && variable.node.component_of) {
          continue; // a replica's part, shown with its variable's ops (`children`)
        }
        // Its own scope: its slots, and with `ops` its ops.
        const opsKept = variable.ops !== null && visit(variable.ops, all);
        if (keeps(variable.node, all) || opsKept) {
          kept.entries.add(variable);
          any = true;
        }
      }
      for (const group of ops ? scope.groups : []) {
        let anyOp = false;
        for (const row of group.opRows) {
          if (
            (all || !named || named[row]) &&
            (!placed || placed(row)) &&
            (!picked || picked[row])
          ) {
            kept.ops[row] = 1;
            anyOp = true;
          }
        }
        if (anyOp) {
          kept.entries.add(group);
          any = true;
        }
      }
      if (any) {
        kept.entries.add(scope);
      }
      return any;
    };
    visit(this.root, false);
    return kept;
  }

  /** The rows to show, depth first: children of open entries, when `shown`, in the order
   * of `sort` (one of the display's `sorts`; as built when none); ops only with `ops`. */
  rows(
    isOpen: (entry: Entry) => boolean,
    shown: Kept | null = null,
    ops = true,
    sort: ISort | null = null
  ): Rows {
    const entries: (Entry | null)[] = [];
    const opRows: number[] = [];
    const depths: number[] = [];
    const visit = (entry: Entry, depth: number): void => {
      if (entry.kind === 'group') {
        for (const row of entry.opRows) {
          if (!shown || shown.ops[row]) {
            entries.push(null);
            opRows.push(row);
            depths.push(depth);
          }
        }
        return;
      }
      for (const child of this.childrenOf(entry, ops, sort)) {
        if (shown && !shown.has(child)) {
          continue;
        }
        entries.push(child);
        opRows.push(-1);
        depths.push(depth);
        if (isExpandable(child, ops) && isOpen(child)) {
          visit(child, depth + 1);
        }
      }
    };
    visit(this.root, 0);
    return new Rows(this, entries, opRows, depths);
  }

  /**
   * What a row holds (`children`), a scope's variables and child scopes together in the
   * order of `sort`: by name, or by a numeric field, largest first, what has none last;
   * its op groups after them, by type or by size. Each order is made once per scope.
   */
  childrenOf(entry: Entry, ops: boolean, sort: ISort | null): Entry[] {
    if (!sort || sort.key === ORDER_BUILT || entry.kind !== 'scope') {
      return children(entry, ops);
    }
    let cache = this._sorted.get(sort.key);
    if (!cache) {
      cache = new Map();
      this._sorted.set(sort.key, cache);
    }
    let ordered = cache.get(entry);
    if (!ordered) {
      ordered = sortEntries(entry, sort);
      cache.set(entry, ordered);
    }
    return ops
      ? ordered
      : ordered.filter(
          e => e.kind === 'variable' || (e.kind === 'scope' && e.node.n_variables > 0)
        );
  }

  /** The names the report's diagnostics name: what "with diagnostics" keeps. */
  get named(): Set<string> {
    return (this._named ??= new Set(this.document.diagnostics.flatMap(d => d.nodes)));
  }

  /** Names of the ops that read `variable` (its `reads` edges). */
  readers(variableId: string): string[] {
    const out: string[] = [];
    for (const edge of this.document.graph.edges) {
      if (edge.kind === 'reads' && edge.source === variableId) {
        out.push(this.get(edge.target)?.label ?? edge.target);
      }
    }
    return out;
  }

  colour(deviceName: string | null | undefined): string | undefined {
    return (deviceName && this.document.display.devices[deviceName]?.colour) || undefined;
  }

  /** A scope's placements by device, in colour order, what is not placed last. */
  deviceMix(scope: IScopeNode): IDeviceShare[] {
    const { colours } = this.document.display;
    return (this.shown(scope.id).mix ?? []).map(share => ({
      ...share,
      colour: colours[share.device]
    }));
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
        names = entry.opRows.map(row => this.ops.place(row));
        break;
      default:
        names = [entry.node.device || entry.node.device_requested || ''];
    }
    const one = new Set(names.map(name => this.short(name)));
    return one.size === 1 ? this.colour(names[0]) : undefined;
  }

  /** 1 for each op whose name passes `test`. */
  private _opsPassing({ needle, pattern }: INameTest): Uint8Array {
    const named = needle ? this.ops.containing(needle) : new Uint8Array(this.ops.length).fill(1);
    for (let row = 0; pattern && row < named.length; row++) {
      if (named[row] && !pattern.test(this.ops.names[row])) {
        named[row] = 0;
      }
    }
    return named;
  }

  /** 1 for each op the active filters pick. */
  private _opsPicked(pick: Pick): Uint8Array {
    const picked = new Uint8Array(this.ops.length);
    for (let row = 0; pick.opsCanPass && row < picked.length; row++) {
      picked[row] = pick.op(this.ops.names[row]) ? 1 : 0;
    }
    return picked;
  }

  /** `onDevice` for ops by row: decided once per device string, not once per op. */
  private _opsOnDevice(name: string): (row: number) => boolean {
    const { strings, device, device_requested: requested } = this.ops;
    const on = strings.map(s => this.short(s) === name);
    return row => (!!strings[device[row]] && on[device[row]]) || on[requested[row]];
  }

  /** Ops by a key (name or id) → their rows; only the ops the tree holds. */
  private _indexOps(key: (row: number) => string): Map<string, number[]> {
    const index = new Map<string, number[]>();
    for (let row = 0; row < this.ops.length; row++) {
      if (this._groupOf[row]) {
        const k = key(row);
        const same = index.get(k);
        if (same) {
          same.push(row);
        } else {
          index.set(k, [row]);
        }
      }
    }
    return index;
  }

  private _link(
    contains: { source: string; target: string }[],
    nodes: Map<string, IScopeNode | IVariableNode>
  ): void {
    // Every scope entry first, so that the edges may come in any order.
    for (const node of nodes.values()) {
      if (node.kind === 'scope' && node !== this.root.node) {
        this._add(scopeEntry(node, null));
      }
    }
    for (const { source, target } of contains) {
      const parent = this._byKey.get(source);
      const child = this._byKey.get(target);
      if (parent?.kind === 'scope' && child?.kind === 'scope') {
        child.parent = parent;
        child.label = relativeName(child.node.name, parent.node.name);
        parent.scopes.push(child);
      }
    }
    for (const { source, target } of contains) {
      const parent = this._byKey.get(source);
      const node = nodes.get(target);
      if (parent?.kind === 'scope' && node?.kind === 'variable') {
        const entry: IVariableEntry = {
          kind: 'variable',
          key: node.id,
          label: relativeName(node.name, parent.node.name),
          node,
          parent,
          ops: null
        };
        parent.variables.push(entry);
        this._add(entry);
      }
    }
    this._group();
    for (const entry of this._byKey.values()) {
      if (entry.kind === 'scope') {
        this._foldOwnOps(entry);
      }
    }
  }

  /** Group each scope's ops by type, in the order of the rows. */
  private _group(): void {
    const { strings, parent: parents, type: types } = this.ops;
    const scopes = strings.map(id => {
      const entry = id === null ? undefined : this._byKey.get(id);
      return entry?.kind === 'scope' ? entry : undefined;
    });
    // By parent, then by type (both indexes into `strings`).
    const groups: Map<number, IOpGroupEntry>[] = [];
    for (let row = 0; row < this.ops.length; row++) {
      const parent = scopes[parents[row]];
      if (!parent) {
        continue;
      }
      const byType = (groups[parents[row]] ??= new Map());
      let group = byType.get(types[row]);
      if (!group) {
        const type = strings[types[row]] as string;
        const key = `${parent.key}\u0000${type}`;
        group = { kind: 'group', key, type, label: '', parent, opRows: [] };
        byType.set(types[row], group);
        parent.groups.push(group);
        this._byKey.set(key, group);
      }
      group.opRows.push(row);
      this._groupOf[row] = group;
    }
    for (const byType of groups) {
      for (const group of byType?.values() ?? []) {
        group.label = `${group.type} ×${group.opRows.length}`;
      }
    }
  }

  /** Move each scope that holds a variable's own ops (`w/Initializer`) into the variable. */
  private _foldOwnOps(scope: IScopeEntry): void {
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

  private _add(entry: IScopeEntry | IVariableEntry): void {
    this._byKey.set(entry.key, entry);
    const same = this._byName.get(entry.node.name);
    if (same) {
      // A variable `a/w` and the name scope `a/w` of its initializer ops: the variable
      // first (`find` puts ops between).
      const at = same.findIndex(e => FIND_ORDER[e.kind] > FIND_ORDER[entry.kind]);
      same.splice(at < 0 ? same.length : at, 0, entry);
    } else {
      this._byName.set(entry.node.name, [entry]);
    }
  }

  /** Scopes, variables and op groups by key; ops are found through `_opsById`. */
  private readonly _byKey = new Map<string, Entry>();
  /** Scopes and variables by name; ops are found through `_opsByName`. */
  private readonly _byName = new Map<string, (IScopeEntry | IVariableEntry)[]>();
  /** The group of each op the tree holds, by row (none for an op no scope contains). */
  private readonly _groupOf: IOpGroupEntry[] = [];
  private readonly _opEntries: (IOpEntry | undefined)[];
  /** Made on first use: a first paint needs neither. */
  private _opsByName: Map<string, number[]> | null = null;
  private _opsById: Map<string, number[]> | null = null;
  private _named: Set<string> | null = null;
  /** By sort key: each scope's children in that order. */
  private readonly _sorted = new Map<string, Map<IScopeEntry, Entry[]>>();
}

/** The sort key of the tree's own order: as built. */
export const ORDER_BUILT = 'order';

/** A scope's or variable's value for a numeric sort (`null`: it has none), as its row
 * shows it: `params` less `params_optimizer`; a variable's ops are its own ops'. */
export function sortValue(e: IScopeEntry | IVariableEntry, { key, less }: ISort): number | null {
  const fields = e.node as unknown as Record<string, unknown>;
  const v = fields[key];
  if (typeof v === 'number') {
    const without = less ? fields[less] : undefined;
    return typeof without === 'number' ? v - without : v;
  }
  return key === 'n_ops' && e.kind === 'variable' && e.ops ? e.ops.node.n_ops : null;
}

/** Whether a sort orders by a number (not as built, nor by name). */
export function isNumeric(sort: ISort | null): sort is ISort {
  return sort !== null && sort.key !== ORDER_BUILT && sort.key !== 'name';
}

/** A scope's variables and child scopes in the order of `sort`, then its op groups. */
function sortEntries(scope: IScopeEntry, sort: ISort): Entry[] {
  const { key } = sort;
  const named = [...scope.variables, ...scope.scopes];
  const groups = [...scope.groups];
  if (key === 'name') {
    const collator = new Intl.Collator(undefined, { numeric: true });
    named.sort((a, b) => collator.compare(a.label, b.label));
    groups.sort((a, b) => collator.compare(a.type, b.type));
  } else {
    const value = (e: IScopeEntry | IVariableEntry): number => sortValue(e, sort) ?? -1;
    // Stable: ties keep the order built.
    named.sort((a, b) => value(b) - value(a));
    if (key === 'n_ops') {
      groups.sort((a, b) => b.opRows.length - a.opRows.length);
    }
  }
  return [...named, ...groups];
}

const FIND_ORDER = { variable: 0, scope: 1 } as const;
const NOTHING: INodeDisplay = {};
