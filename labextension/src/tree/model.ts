/**
 * The state of a tree view, without any DOM: the report, what is open, selected, searched
 * for, filtered and how children are sorted, the ops switch and the tint by device, and
 * the operations on them
 * (the keyboard's among them). Each operation emits `changed` once, saying what it
 * touched, so that the view (`view.ts`) redraws only that, as JupyterLab's table of
 * contents keeps its state in a model that signals and its view only renders.
 */

import { type ISignal, Signal } from '@lumino/signaling';
import { type Entry, isExpandable, isOpsOnly, type TreeDocument } from './entries';
import { DEVICE_GROUP, type Kept, nameTest, Pick } from './filter';
import { isNumeric, ORDER_BUILT, ReportTree, sortValue } from './report';
import type { Rows } from './rows';
import type { ISort } from './types';

/** At first, scopes that hold variables open, up to this many; beyond, one level. */
const OPEN_AT_FIRST = 60;

/** What an operation touched. */
export interface ITreeChange {
  /** Another report or a problem: the summary, diagnostics and the toolbar's choices. */
  document: boolean;
  /** The rows, or what the toolbar shows of them: what is open, searched for, filtered
   * and the ops switch. */
  rows: boolean;
  /** The selected entry. */
  selection: boolean;
  /** Whether rows are tinted by device. */
  colour: boolean;
  /** The entry to scroll into sight, if any: one just revealed or moved to. */
  reveal: Entry | null;
}

/** A row's part of the whole report in the sort's column (FLOPs, params…). */
export interface IShareOf {
  fraction: number;
  label: string;
}

export class TreeModel {
  get changed(): ISignal<this, ITreeChange> {
    return this._changed;
  }

  /** The report's tree; `null` before the first report and after a problem. */
  get tree(): ReportTree | null {
    return this._tree;
  }

  /** Why no tree is shown, when a document could not be; `null` otherwise. */
  get problem(): string | null {
    return this._problem;
  }

  get rows(): Rows | null {
    return this._rows;
  }

  get selected(): Entry | null {
    return this._selected;
  }

  /** Full name of the selected scope, variable or op; `null` for none or an op group. */
  get selectedName(): string | null {
    const entry = this._selected;
    return entry && entry.kind !== 'group' ? entry.node.name : null;
  }

  /** The search box's text. */
  get query(): string {
    return this._query;
  }

  /** The device filter: a short device name, `''` for all. */
  get device(): string {
    return this._device;
  }

  /** Whether ops are shown (op groups, scopes of ops only, each variable's own ops). */
  get ops(): boolean {
    return this._ops;
  }

  get colourByDevice(): boolean {
    return this._colourByDevice;
  }

  /** The sort key of the display's `sorts` that orders each scope's children. */
  get sort(): string {
    return this._sort;
  }

  /** The display's sort in use; `null` when none is chosen (as built). */
  get sortBy(): ISort | null {
    return this._tree?.document.display.sorts?.find(s => s.key === this._sort) ?? null;
  }

  /** Sorted by a number: a scope's or variable's share of the report's total in it. */
  shareOf(entry: Entry): IShareOf | null {
    const sort = this.sortBy;
    const tree = this._tree;
    if (!tree || !isNumeric(sort) || (entry.kind !== 'scope' && entry.kind !== 'variable')) {
      return null;
    }
    const whole = sortValue(tree.root, sort);
    const part = sortValue(entry, sort);
    return whole && part !== null ? { fraction: part / whole, label: sort.label } : null;
  }

  /** The keys of the display's `filters` that are on. */
  get filters(): ReadonlySet<string> {
    return this._filters;
  }

  /** What the search and filters keep (`null`: everything): the flow pane dims the rest. */
  get shown(): Kept | null {
    return this._shown;
  }

  /** Whether a search, device filter, display filter or `--filter` narrows the rows. */
  get narrowed(): boolean {
    return this._searching() || this._pattern !== null;
  }

  isOpen(entry: Entry): boolean {
    if (this._searching()) {
      return !this._collapsedInSearch.has(entry.key);
    }
    return this._expanded.has(entry.key);
  }

  isExpandable(entry: Entry): boolean {
    return isExpandable(entry, this._ops);
  }

  /**
   * Show a report. An update of the same report keeps what the user opened and selected
   * (where the names stay); `another: true` opens a different report as if shown first.
   */
  setDocument(document: TreeDocument, { another = false } = {}): void {
    const before = another ? null : this._tree;
    const tree = (this._tree = new ReportTree(document));
    this._problem = null;
    if (before) {
      // Found again by name: keys number the nodes, and a re-run may number them apart.
      const again = (keys: Set<string>): Set<string> => {
        const entries = [...keys].map(key => before.get(key));
        return new Set(entries.flatMap(e => (e && tree.counterpart(e, before)?.key) ?? []));
      };
      this._expanded = again(this._expanded);
      this._collapsedInSearch = again(this._collapsedInSearch);
      this._selected = (this._selected && tree.counterpart(this._selected, before)) ?? null;
    } else {
      this._selected = null;
      const withVariables = tree.scopeKeys(s => s.node.n_variables > 0);
      this._expanded = new Set(
        withVariables.length <= OPEN_AT_FIRST ? withVariables : tree.root.scopes.map(s => s.key)
      );
      // Ops stay out of sight until asked for, unless there is nothing else to show.
      this._ops = tree.summary.variables === 0;
    }
    // The view's sort and filters stay while the report offers them.
    const offered = tree.document.display;
    if (!offered.sorts?.some(s => s.key === this._sort)) {
      this._sort = ORDER_BUILT;
    }
    const filters = new Set(offered.filters?.map(f => f.key));
    this._filters = new Set([...this._filters].filter(key => filters.has(key)));
    this._device = this._choice(this._device);
    this._refilter();
    this._emit({ document: true, rows: true, selection: true });
  }

  /** A message instead of a tree, for a document that cannot be shown. */
  showProblem(message: string): void {
    this._tree = null;
    this._rows = null;
    this._shown = null;
    this._selected = null;
    this._problem = message;
    this._emit({ document: true });
  }

  /** Keep only the names that match a regular expression (`--filter`); `''` shows all. */
  setFilter(pattern: string): void {
    this._pattern = pattern ? new RegExp(pattern) : null;
    this._refilter();
    this._emit({ rows: true });
  }

  /** The search box's text: what matches starts open. */
  setQuery(query: string): void {
    this._query = query;
    this._collapsedInSearch.clear();
    this._refilter();
    this._emit({ rows: true });
  }

  /** Keep only what is on this device (short name, e.g. `GPU:0`); `''`, or a device the
   * report does not have, shows all. */
  setDevice(name: string): void {
    this._device = this._choice(name);
    this._collapsedInSearch.clear();
    this._refilter();
    this._emit({ rows: true });
  }

  /** Order each scope's children by a key of the display's `sorts`. */
  setSort(key: string): void {
    this._sort = key;
    this._layout();
    this._emit({ rows: true });
  }

  /** Turn a filter of the display's `filters` on or off. */
  toggleFilter(key: string): void {
    if (!this._filters.delete(key)) {
      this._filters.add(key);
    }
    this._collapsedInSearch.clear();
    this._refilter();
    this._emit({ rows: true });
  }

  setOps(on: boolean): void {
    this._ops = on;
    this._refilter();
    this._emit({ rows: true });
  }

  setColourByDevice(on: boolean): void {
    this._colourByDevice = on;
    this._emit({ colour: true });
  }

  expandAll(): void {
    if (!this._tree) {
      return;
    }
    this._expanded = new Set(this._tree.scopeKeys());
    this._collapsedInSearch.clear();
    this._layout();
    this._emit({ rows: true });
  }

  collapseAll(): void {
    this._expanded.clear();
    // Ops are not in `entries`, and have nothing to collapse.
    this._collapsedInSearch = new Set(this._shown ? [...this._shown.entries].map(e => e.key) : []);
    this._layout();
    this._emit({ rows: true });
  }

  /** Open a closed entry, close an open one. */
  toggle(entry: Entry): void {
    const keys = this._searching() ? this._collapsedInSearch : this._expanded;
    if (!keys.delete(entry.key)) {
      keys.add(entry.key);
    }
    this._layout();
    this._emit({ rows: true });
  }

  select(entry: Entry): void {
    this._selected = entry;
    this._emit({ selection: true });
  }

  /** Select the node with this full name, opening what hides it; false if there is none. */
  selectName(name: string): boolean {
    const entry = this._tree?.find(name)[0];
    if (entry) {
      this.show([entry]);
    }
    return entry !== undefined;
  }

  /** Reveal these entries and select the first (a diagnostic's nodes). */
  show(entries: Entry[]): void {
    if (!entries.length) {
      return;
    }
    this._reveal(entries);
    this._selected = entries[0];
    this._emit({ rows: true, selection: true, reveal: entries[0] });
  }

  /** The keyboard's ↓: the next row; the first when none is selected. */
  selectNext(): void {
    this._selectRow(this._selectedRow() + 1);
  }

  /** ↑: the row before; the first when none is selected. */
  selectPrevious(): void {
    this._selectRow(this._selectedRow() - 1);
  }

  /** Home. */
  selectFirst(): void {
    this._selectRow(0);
  }

  /** End. */
  selectLast(): void {
    this._selectRow((this._rows?.length ?? 0) - 1);
  }

  /** →: open the selected entry. */
  expandSelected(): void {
    const entry = this._selectedShown();
    if (entry && this.isExpandable(entry) && !this.isOpen(entry)) {
      this.toggle(entry);
    }
  }

  /** ←: close the selected entry; when it is closed or cannot open, select its parent. */
  collapseSelected(): void {
    const entry = this._selectedShown();
    if (!entry) {
      return;
    }
    if (this.isExpandable(entry) && this.isOpen(entry)) {
      this.toggle(entry);
      return;
    }
    // Shown, so its parent row is too.
    const up = this._tree?.ancestors(entry)[0];
    if (up) {
      this._selected = up;
      this._emit({ selection: true, reveal: up });
    }
  }

  /** Enter or Space: open or close the selected entry. */
  toggleSelected(): void {
    const entry = this._selectedShown();
    if (entry && this.isExpandable(entry)) {
      this.toggle(entry);
    }
  }

  /** The selected entry's row, -1 when there is none or it is not shown. */
  private _selectedRow(): number {
    return this._rows && this._selected ? this._rows.indexOf(this._selected) : -1;
  }

  /** The selected entry, when a row shows it. */
  private _selectedShown(): Entry | undefined {
    return this._rows?.at(this._selectedRow())?.entry;
  }

  /** Select row `index` (kept within the rows) and bring it into sight. */
  private _selectRow(index: number): void {
    const rows = this._rows;
    const entry = rows?.at(Math.max(0, Math.min(rows.length - 1, index)))?.entry;
    if (entry) {
      this._selected = entry;
      this._emit({ selection: true, reveal: entry });
    }
  }

  /** Open every entry above these, first making them shown: no search or device filter
   * that leaves one out, ops on when one is an op or inside a scope of ops only. */
  private _reveal(entries: Entry[]): void {
    const tree = this._tree;
    if (!tree) {
      return;
    }
    const filtered = this._shown !== null && entries.some(e => !this._shown!.has(e));
    if (filtered) {
      this._query = '';
      this._device = '';
      this._filters.clear();
      this._collapsedInSearch.clear();
    }
    const hidden = (e: Entry): boolean => isOpsOnly(e) || tree.ancestors(e).some(isOpsOnly);
    const showOps = !this._ops && entries.some(hidden);
    if (showOps) {
      this._ops = true;
    }
    if (filtered || showOps) {
      this._refilter();
    }
    for (const entry of entries) {
      for (const above of tree.ancestors(entry)) {
        this._expanded.add(above.key);
        this._collapsedInSearch.delete(above.key);
      }
    }
    this._layout();
  }

  /** `name` if the report has that device, else `''` (all). */
  private _choice(name: string): string {
    return this._tree?.devices.includes(name) ? name : '';
  }

  /** Searching or filtering: everything that matches starts open. */
  private _searching(): boolean {
    return this._query.trim() !== '' || this._device !== '' || this._filters.size > 0;
  }

  private _refilter(): void {
    const tree = this._tree;
    if (!tree) {
      return;
    }
    const on = (tree.document.display.filters ?? []).filter(
      f => f.group !== DEVICE_GROUP && this._filters.has(f.key)
    );
    const pick = on.length ? new Pick(on, { named: tree.named }) : null;
    this._shown = tree.filter(nameTest(this._query, this._pattern), this._device, this._ops, pick);
    this._layout();
  }

  private _layout(): void {
    if (this._tree) {
      this._rows = this._tree.rows(
        entry => this.isOpen(entry),
        this._shown,
        this._ops,
        this.sortBy
      );
    }
  }

  private _emit(change: Partial<ITreeChange>): void {
    this._changed.emit({
      document: false,
      rows: false,
      selection: false,
      colour: false,
      reveal: null,
      ...change
    });
  }

  private readonly _changed = new Signal<this, ITreeChange>(this);
  private _tree: ReportTree | null = null;
  private _problem: string | null = null;
  private _rows: Rows | null = null;
  private _shown: Kept | null = null;
  private _expanded = new Set<string>();
  private _collapsedInSearch = new Set<string>();
  private _selected: Entry | null = null;
  private _query = '';
  private _device = '';
  private _sort = ORDER_BUILT;
  private _filters = new Set<string>();
  private _pattern: RegExp | null = null;
  private _ops = false;
  private _colourByDevice = false;
}
