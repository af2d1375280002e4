/**
 * The tree view: summary header, diagnostics, search, device filter, a virtual list of
 * rows and the details pane. It serves the widget, the lab output renderer, the Scopes
 * panel and the standalone HTML page. Only the rows in sight have DOM nodes, so a report of 100,000
 * ops costs what its visible rows cost.
 */

import { renderDetails, sites, type SiteHandler } from './details';
import { append, h } from './dom';
import {
  type Entry,
  isExpandable,
  nameTest,
  type NodeEntry,
  type OpEntry,
  ReportTree,
  type Row
} from './model';
import { badge, facts, placement, scopeDevices, scopeMark, variableBadges } from './parts';
import type { Diagnostic, ShownDocument } from './types';

/** Height of one row in px; `.jp-Scope-row` in tree.css has the same. */
export const ROW_HEIGHT = 24;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 12;
/** At first, scopes that hold variables open, up to this many; beyond, one level. */
const OPEN_AT_FIRST = 60;

export interface TreeViewOptions {
  /** Called with the node's full name when the user selects a scope, variable or op. */
  onSelect?: (name: string, entry: NodeEntry) => void;
  /** When given, sites in the details pane are links that call it. */
  onSite?: SiteHandler;
}

export class TreeView {
  readonly node: HTMLElement;

  constructor(private readonly _options: TreeViewOptions = {}) {
    this._search = h('input', {
      class: 'jp-Scope-search',
      type: 'search',
      placeholder: 'Search names…',
      'aria-label': 'Search names'
    }) as HTMLInputElement;
    this._search.addEventListener('input', () => this._setQuery(this._search.value));
    this._deviceSelect.addEventListener('change', () => this._setDevice(this._deviceSelect.value));
    this._byDevice.addEventListener('click', () =>
      this.colourByDevice(this._byDevice.getAttribute('aria-pressed') !== 'true')
    );
    const expand = h('button', { class: 'jp-Scope-button', type: 'button' }, 'Expand all');
    expand.addEventListener('click', () => this.expandAll());
    const collapse = h('button', { class: 'jp-Scope-button', type: 'button' }, 'Collapse all');
    collapse.addEventListener('click', () => this.collapseAll());
    this._canvas = h('div', { class: 'jp-Scope-canvas' });
    this._list = h(
      'div',
      { class: 'jp-Scope-tree', role: 'tree', tabindex: '0', 'aria-label': 'Scope tree' },
      this._canvas
    );
    this._list.addEventListener('scroll', () => this._schedule());
    this._list.addEventListener('click', event => this._onClick(event));
    this._list.addEventListener('keydown', event => this._onKey(event));
    this.node = h(
      'div',
      { class: 'jp-Scope-root' },
      h(
        'div',
        { class: 'jp-Scope-header' },
        this._summary,
        h(
          'div',
          { class: 'jp-Scope-toolbar' },
          this._search,
          this._deviceSelect,
          this._count,
          this._byDevice,
          expand,
          collapse
        )
      ),
      this._diagnostics,
      h('div', { class: 'jp-Scope-body' }, this._list, this._details)
    );
    this._resize = new ResizeObserver(() => this._schedule());
    this._resize.observe(this._list);
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
  setDocument(document: ShownDocument, { another = false } = {}): void {
    const first = this._tree === null || another;
    this._tree = new ReportTree(document);
    if (first) {
      this._selected = null;
      const withVariables = this._tree.scopeKeys(s => s.node.n_variables > 0);
      this._expanded = new Set(
        withVariables.length <= OPEN_AT_FIRST
          ? withVariables
          : this._tree.root.scopes.map(s => s.key)
      );
    }
    const selected = this._selected && this._tree.get(this._selected.key);
    this._selected = selected ?? null;
    this._renderHeader();
    this._renderDevices();
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
    this._search.value = query;
    this._setQuery(query);
  }

  /** Keep only what is on this device (short name, e.g. `GPU:0`); `''` shows all. */
  showDevice(name: string): void {
    this._deviceSelect.value = name;
    this._setDevice(this._deviceSelect.value);
  }

  /** Tint each row with the colour of the one device it is on. */
  colourByDevice(on: boolean): void {
    this._byDevice.setAttribute('aria-pressed', String(on));
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
    this._collapsedInSearch = new Set(this._shown ? [...this._shown].map(e => e.key) : []);
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
    for (const entry of entries) {
      for (const above of this._tree.ancestors(entry)) {
        this._expanded.add(above.key);
        this._collapsedInSearch.delete(above.key);
      }
    }
    this._layout();
    const index = this._rows.findIndex(row => row.entry === entries[0]);
    if (index >= 0) {
      const top = index * ROW_HEIGHT;
      const height = this._list.clientHeight;
      if (top < this._list.scrollTop || top + ROW_HEIGHT > this._list.scrollTop + height) {
        this._list.scrollTop = Math.max(0, top - height / 3);
      }
      this._draw();
    }
  }

  /** A message instead of a tree, for a document that cannot be shown. */
  showProblem(message: string): void {
    this._tree = null;
    this._summary.replaceChildren(h('div', { class: 'jp-Scope-raised' }, message));
    this._diagnostics.replaceChildren();
    this._canvas.replaceChildren();
  }

  dispose(): void {
    this._resize.disconnect();
    cancelAnimationFrame(this._frame);
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
    this._shown = this._tree.filter(nameTest(this._query, this._pattern), this._device);
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
    this._rows = this._tree.rows(this._isOpen, this._shown);
    this._canvas.style.height = `${this._rows.length * ROW_HEIGHT}px`;
    const searching = this._searching() || this._pattern !== null;
    this._count.textContent = searching ? `${this._rows.length} shown` : '';
    if (!this._rows.length) {
      const hint = this._device ? `Nothing matches on ${this._device}.` : 'No names match.';
      this._canvas.replaceChildren(
        h('div', { class: 'jp-Scope-hint' }, searching ? hint : 'Nothing recorded.')
      );
      return;
    }
    this._draw();
  }

  private _schedule(): void {
    cancelAnimationFrame(this._frame);
    this._frame = requestAnimationFrame(() => this._draw());
  }

  /** Draw the rows in sight (plus a margin); nothing else has DOM nodes. */
  private _draw(): void {
    const height = this._list.clientHeight;
    // Not displayed (yet): the resize observer draws once it is.
    if (!this._tree || !this._rows.length || !height) {
      return;
    }
    const first = Math.max(0, Math.floor(this._list.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      this._rows.length,
      Math.ceil((this._list.scrollTop + height) / ROW_HEIGHT) + OVERSCAN
    );
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      fragment.append(this._row(this._rows[i], i));
    }
    this._canvas.replaceChildren(fragment);
  }

  private _row(row: Row, index: number): HTMLElement {
    const { entry, depth } = row;
    const tree = this._tree!;
    const expandable = isExpandable(entry);
    const open = expandable && this._isOpen(entry);
    const el = h('div', {
      class: `jp-Scope-row jp-Scope-${entry.kind}${entry === this._selected ? ' jp-mod-selected' : ''}`,
      role: 'treeitem',
      'data-index': String(index),
      'data-name': entry.kind === 'group' ? undefined : entry.node.name,
      'aria-level': String(depth + 1),
      'aria-expanded': expandable ? String(open) : undefined,
      'aria-selected': String(entry === this._selected)
    });
    el.style.top = `${index * ROW_HEIGHT}px`;
    el.style.paddingLeft = `${4 + depth * 16}px`;
    const colour = tree.entryColour(entry);
    if (colour) {
      el.style.setProperty('--jp-Scope-row-colour', colour);
    }
    append(
      el,
      h('span', { class: 'jp-Scope-caret' }, expandable ? (open ? '▾' : '▸') : ''),
      h(
        'span',
        { class: 'jp-Scope-name', title: entry.kind === 'group' ? entry.type : entry.node.name },
        entry.label || '(root)'
      )
    );
    switch (entry.kind) {
      case 'scope': {
        const links = entry.node.links ?? [];
        append(
          el,
          scopeMark(tree, entry.node),
          facts(tree, entry.node),
          ...scopeDevices(tree, entry.node),
          links.length
            ? h(
                'span',
                { class: 'jp-Scope-links', title: 'the same scope name opened again' },
                `↔ ${links.join(', ')}`
              )
            : null
        );
        break;
      }
      case 'variable':
        append(
          el,
          ...variableBadges(tree, entry.node),
          facts(tree, entry.node),
          placement(tree, entry.node)
        );
        break;
      case 'group': {
        const devices = new Map<string, OpEntry>();
        for (const op of entry.ops) {
          const where = op.node.device || op.node.device_requested;
          if (where && !devices.has(where)) {
            devices.set(where, op);
          }
        }
        append(
          el,
          badge({ text: 'ops', kind: 'ops', title: 'ops grouped by type' }),
          ...[...devices.values()].map(op => placement(tree, op.node))
        );
        break;
      }
      case 'op':
        append(
          el,
          h(
            'span',
            { class: 'jp-Scope-facts' },
            entry.inputs.length ? `← ${entry.inputs.join(', ')}` : ''
          ),
          placement(tree, entry.node)
        );
        break;
    }
    return el;
  }

  private _onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.jp-Scope-row');
    if (!rowEl) {
      return;
    }
    const row = this._rows[Number(rowEl.dataset.index)];
    if (!row) {
      return;
    }
    if (target.closest('.jp-Scope-caret') || row.entry.kind === 'group') {
      this._toggle(row.entry);
    }
    this._choose(row.entry, true);
  }

  private _onKey(event: KeyboardEvent): void {
    const index = this._selected ? this._rows.findIndex(r => r.entry === this._selected) : -1;
    const entry = this._rows[index]?.entry;
    const move = (to: number): void => {
      const row = this._rows[Math.max(0, Math.min(this._rows.length - 1, to))];
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
        if (entry && isExpandable(entry) && this._isOpen(entry) === (event.key === 'ArrowLeft')) {
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
        if (entry && isExpandable(entry)) {
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
    this._draw();
    this._renderDetails();
    if (notify && entry.kind !== 'group') {
      this._options.onSelect?.(entry.node.name, entry);
    }
  }

  private _renderHeader(): void {
    const tree = this._tree!;
    const { meta, diagnostics, display } = tree.document;
    this._summary.replaceChildren();
    append(
      this._summary,
      h('div', { class: 'jp-Scope-summaryLine' }, display.summary.line),
      h('div', { class: 'jp-Scope-meta' }, display.heading),
      meta.error
        ? h('div', { class: 'jp-Scope-raised' }, `raised ${meta.error.type}: ${meta.error.message}`)
        : null
    );
    this._diagnostics.replaceChildren(...diagnostics.map(d => this._diagnostic(d)));
  }

  /** The device filter's choices: the report's devices; hidden when it has none. */
  private _renderDevices(): void {
    const devices = this._tree!.devices;
    const keep = devices.includes(this._device) ? this._device : '';
    this._deviceSelect.replaceChildren(
      h('option', { value: '' }, 'All devices'),
      ...devices.map(name => h('option', { value: name }, name))
    );
    this._deviceSelect.value = keep;
    this._device = keep;
    this._deviceSelect.hidden = devices.length === 0;
    this._byDevice.hidden = devices.length === 0;
  }

  private _diagnostic(d: Diagnostic): HTMLElement {
    const item = h(
      'div',
      {
        class: `jp-Scope-diagnostic jp-mod-${d.level}`,
        role: 'button',
        tabindex: '0',
        title: 'Show the nodes it concerns'
      },
      h('span', { class: 'jp-Scope-level' }, d.level),
      h('span', { class: 'jp-Scope-code' }, d.code),
      h('span', { class: 'jp-Scope-message' }, d.message),
      d.sites.length ? sites(d.sites, this._options.onSite ?? null) : null
    );
    const show = (event: Event): void => {
      if ((event.target as HTMLElement).closest('.jp-Scope-site')) {
        return;
      }
      const entries = d.nodes.flatMap(name => this._tree?.find(name) ?? []);
      this.reveal(entries);
      if (entries.length) {
        this._choose(entries[0], true);
      }
    };
    item.addEventListener('click', show);
    item.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        show(event);
      }
    });
    return item;
  }

  private _renderDetails(): void {
    if (this._tree) {
      this._details.replaceChildren(
        renderDetails(this._tree, this._selected, this._options.onSite ?? null)
      );
    }
  }

  private _tree: ReportTree | null = null;
  private _rows: Row[] = [];
  private _shown: Set<Entry> | null = null;
  private _expanded = new Set<string>();
  private _collapsedInSearch = new Set<string>();
  private _selected: Entry | null = null;
  private _query = '';
  /** The device filter: a short device name, `''` for all. */
  private _device = '';
  private _pattern: RegExp | null = null;
  private _frame = 0;
  private readonly _search: HTMLInputElement;
  private readonly _count = h('span', { class: 'jp-Scope-count' });
  private readonly _deviceSelect = h('select', {
    class: 'jp-Scope-select',
    'aria-label': 'Show only what is on a device',
    title: 'Show only what is on a device'
  }) as HTMLSelectElement;
  private readonly _byDevice = h(
    'button',
    {
      class: 'jp-Scope-button',
      type: 'button',
      'aria-pressed': 'false',
      title: 'Tint rows by their device'
    },
    'Colour by device'
  );
  private readonly _summary = h('div', { class: 'jp-Scope-summary' });
  private readonly _diagnostics = h('div', { class: 'jp-Scope-diagnostics' });
  private readonly _details = h('div', { class: 'jp-Scope-detailsPane' });
  private readonly _canvas: HTMLElement;
  private readonly _list: HTMLElement;
  private readonly _resize: ResizeObserver;
}
