/**
 * The tree view: the header (summary, diagnostics), the toolbar, a virtual list of rows
 * and the details pane, and the state they share: what is open, selected, searched for
 * and filtered. It serves the widget, the lab output renderer, the Scopes panel and the
 * standalone HTML page.
 */

import { renderDetails, type SiteHandler } from './details';
import { h } from './dom';
import { renderDiagnostic, renderSummary } from './header';
import { VirtualList } from './list';
import { type Entry, isExpandable, isOpsOnly, type NodeEntry, type TreeDocument } from './entries';
import { type Kept, nameTest } from './filter';
import { ReportTree } from './report';
import type { Rows } from './rows';
import { renderRow } from './row';
import { Toolbar } from './toolbar';

/** At first, scopes that hold variables open, up to this many; beyond, one level. */
const OPEN_AT_FIRST = 60;

export interface ITreeViewOptions {
  /** Called with the node's full name when the user selects a scope, variable or op. */
  onSelect?: (name: string, entry: NodeEntry) => void;
  /** When given, sites in the details pane are links that call it. */
  onSite?: SiteHandler;
}

export class TreeView {
  readonly node: HTMLElement;

  constructor(private readonly _options: ITreeViewOptions = {}) {
    this._list.node.addEventListener('click', event => this._onClick(event));
    this._list.node.addEventListener('keydown', event => this._onKey(event));
    this.node = h(
      'div',
      { class: 'jp-Scope-root' },
      h('div', { class: 'jp-Scope-header' }, this._summary, this._toolbar.node),
      this._diagnostics,
      h('div', { class: 'jp-Scope-body' }, this._list.node, this._details)
    );
  }

  get tree(): ReportTree | null {
    return this._tree;
  }

  /** Full name of the selected scope, variable or op; `null` for none or an op group. */
  get selectedName(): string | null {
    const entry = this._selected;
    return entry && entry.kind !== 'group' ? entry.node.name : null;
  }

  /**
   * Show a report. An update of the same report keeps what the user opened and selected
   * (where the names stay); `another: true` opens a different report as if shown first.
   */
  setDocument(document: TreeDocument, { another = false } = {}): void {
    const before = another ? null : this._tree;
    const tree = (this._tree = new ReportTree(document));
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
      this.showOps(tree.summary.variables === 0);
    }
    this._toolbar.setOps(tree.summary.ops);
    this._summary.replaceChildren(...renderSummary(this._tree));
    const onSite = this._options.onSite ?? null;
    this._diagnostics.replaceChildren(
      ...document.display.diagnostics.map(d => renderDiagnostic(d, onSite, this._showNodes))
    );
    const devices = this._tree.devices;
    this._device = devices.includes(this._device) ? this._device : '';
    this._toolbar.setDevices(devices, this._device);
    this._refilter();
    this._renderDetails();
  }

  /** Keep only the names that match a regular expression (`--filter`); `''` shows all. */
  setFilter(pattern: string): void {
    this._pattern = pattern ? new RegExp(pattern) : null;
    this._refilter();
  }

  /** Type into the search box. */
  search(query: string): void {
    this._toolbar.query = query;
    this._setQuery(query);
  }

  /** Keep only what is on this device (short name, e.g. `GPU:0`); `''` shows all. */
  showDevice(name: string): void {
    this._setDevice(this._toolbar.setDevice(name));
  }

  /** Show ops (op groups, scopes of ops only, each variable's own ops), or hide them. */
  showOps(on: boolean): void {
    this._ops = on;
    this._toolbar.ops = on;
    this._refilter();
  }

  /** Tint each row with the colour of the one device it is on. */
  colourByDevice(on: boolean): void {
    this._toolbar.colourByDevice = on;
    this.node.classList.toggle('jp-mod-byDevice', on);
  }

  expandAll(): void {
    if (!this._tree) {
      return;
    }
    this._expanded = new Set(this._tree.scopeKeys());
    this._collapsedInSearch.clear();
    this._layout();
  }

  collapseAll(): void {
    this._expanded.clear();
    // Ops are not in `entries`, and have nothing to collapse.
    this._collapsedInSearch = new Set(this._shown ? [...this._shown.entries].map(e => e.key) : []);
    this._layout();
  }

  /** Select the node with this full name, opening what hides it; false if there is none. */
  select(name: string, notify = false): boolean {
    const entry = this._tree?.find(name)[0];
    if (!entry) {
      return false;
    }
    this.reveal([entry]);
    this._choose(entry, notify);
    return true;
  }

  /** Open every entry above these and scroll the first into view. */
  reveal(entries: Entry[]): void {
    if (!this._tree || !entries.length) {
      return;
    }
    if (this._shown && entries.some(e => !this._shown!.has(e))) {
      this.search('');
      this.showDevice('');
    }
    const hidden = (e: Entry): boolean => isOpsOnly(e) || this._tree!.ancestors(e).some(isOpsOnly);
    if (!this._ops && entries.some(hidden)) {
      this.showOps(true);
    }
    for (const entry of entries) {
      for (const above of this._tree.ancestors(entry)) {
        this._expanded.add(above.key);
        this._collapsedInSearch.delete(above.key);
      }
    }
    this._layout();
    const index = this._rows?.indexOf(entries[0]) ?? -1;
    if (index >= 0) {
      this._list.scrollTo(index);
    }
  }

  /** A message instead of a tree, for a document that cannot be shown. */
  showProblem(message: string): void {
    this._tree = null;
    this._summary.replaceChildren(h('div', { class: 'jp-Scope-raised' }, message));
    this._diagnostics.replaceChildren();
    this._list.showHint('');
  }

  dispose(): void {
    this._list.dispose();
    this.node.remove();
  }

  private _setQuery(query: string): void {
    this._query = query;
    this._collapsedInSearch.clear();
    this._refilter();
  }

  private _setDevice(name: string): void {
    this._device = name;
    this._collapsedInSearch.clear();
    this._refilter();
  }

  private _refilter(): void {
    if (!this._tree) {
      return;
    }
    this._shown = this._tree.filter(nameTest(this._query, this._pattern), this._device, this._ops);
    this._layout();
  }

  /** Searching or filtering by device: everything that matches starts open. */
  private _searching(): boolean {
    return this._query.trim() !== '' || this._device !== '';
  }

  private _isOpen = (entry: Entry): boolean => {
    if (this._searching()) {
      return !this._collapsedInSearch.has(entry.key);
    }
    return this._expanded.has(entry.key);
  };

  /** Recompute the rows and redraw. */
  private _layout(): void {
    if (!this._tree) {
      return;
    }
    this._rows = this._tree.rows(this._isOpen, this._shown, this._ops);
    const searching = this._searching() || this._pattern !== null;
    this._toolbar.count = searching ? `${this._rows.length} shown` : '';
    if (this._rows.length) {
      this._list.setLength(this._rows.length);
    } else {
      const hint = this._device ? `Nothing matches on ${this._device}.` : 'No names match.';
      this._list.showHint(searching ? hint : 'Nothing recorded.');
    }
  }

  private _drawRow = (index: number): HTMLElement => {
    const { entry, depth } = this._rows!.at(index)!;
    const expandable = isExpandable(entry, this._ops);
    return renderRow(this._tree!, entry, {
      index,
      depth,
      expandable,
      open: expandable && this._isOpen(entry),
      selected: entry === this._selected
    });
  };

  private _onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const row = this._rows?.at(this._list.indexOf(target) ?? -1);
    if (!row) {
      return;
    }
    if (target.closest('.jp-Scope-caret') || row.entry.kind === 'group') {
      this._toggle(row.entry);
    }
    this._choose(row.entry, true);
  }

  private _onKey(event: KeyboardEvent): void {
    const rows = this._rows;
    const index = rows && this._selected ? rows.indexOf(this._selected) : -1;
    const entry = rows?.at(index)?.entry;
    const move = (to: number): void => {
      const row = rows?.at(Math.max(0, Math.min(rows.length - 1, to)));
      if (row) {
        this._choose(row.entry, true);
        this.reveal([row.entry]);
      }
    };
    switch (event.key) {
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index - 1);
        break;
      case 'ArrowRight':
      case 'ArrowLeft':
        if (
          entry &&
          isExpandable(entry, this._ops) &&
          this._isOpen(entry) === (event.key === 'ArrowLeft')
        ) {
          this._toggle(entry);
        } else if (entry && event.key === 'ArrowLeft') {
          const up = this._tree?.ancestors(entry)[0];
          if (up) {
            this._choose(up, true);
            this.reveal([up]);
          }
        }
        break;
      case 'Enter':
      case ' ':
        if (entry && isExpandable(entry, this._ops)) {
          this._toggle(entry);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private _toggle(entry: Entry): void {
    if (this._searching()) {
      if (!this._collapsedInSearch.delete(entry.key)) {
        this._collapsedInSearch.add(entry.key);
      }
    } else if (!this._expanded.delete(entry.key)) {
      this._expanded.add(entry.key);
    }
    this._layout();
  }

  private _choose(entry: Entry, notify: boolean): void {
    this._selected = entry;
    this._list.draw();
    this._renderDetails();
    if (notify && entry.kind !== 'group') {
      this._options.onSelect?.(entry.node.name, entry);
    }
  }

  /** A diagnostic clicked: reveal and select the nodes it concerns. */
  private _showNodes = (names: string[]): void => {
    const entries = names.flatMap(name => this._tree?.find(name) ?? []);
    this.reveal(entries);
    if (entries.length) {
      this._choose(entries[0], true);
    }
  };

  private _renderDetails(): void {
    if (this._tree) {
      this._details.replaceChildren(
        renderDetails(this._tree, this._selected, this._options.onSite ?? null)
      );
    }
  }

  private _tree: ReportTree | null = null;
  private _rows: Rows | null = null;
  private _shown: Kept | null = null;
  private _expanded = new Set<string>();
  private _collapsedInSearch = new Set<string>();
  private _selected: Entry | null = null;
  private _query = '';
  /** The device filter: a short device name, `''` for all. */
  private _device = '';
  private _pattern: RegExp | null = null;
  private _ops = false;
  private readonly _toolbar = new Toolbar({
    onQuery: query => this._setQuery(query),
    onDevice: name => this._setDevice(name),
    onColourByDevice: on => this.colourByDevice(on),
    onShowOps: on => this.showOps(on),
    onExpandAll: () => this.expandAll(),
    onCollapseAll: () => this.collapseAll()
  });
  private readonly _list = new VirtualList(index => this._drawRow(index));
  private readonly _summary = h('div', { class: 'jp-Scope-summary' });
  private readonly _diagnostics = h('div', { class: 'jp-Scope-diagnostics' });
  private readonly _details = h('div', { class: 'jp-Scope-detailsPane' });
}
