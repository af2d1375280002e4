/**
 * The tree view: the header (summary, diagnostics), the toolbar, a virtual list of rows
 * and the details pane. It draws its model (`model.ts`: what is open, selected, searched
 * for and filtered) and hands it the user's clicks and keys. It serves the widget, the lab
 * output renderer, the Scopes panel and the standalone HTML page.
 */

import { FlowView } from '../flow/view';
import { renderDetails, type SiteHandler } from './details';
import { h } from './dom';
import type { Entry, NodeEntry } from './entries';
import { DEVICE_GROUP } from './filter';
import { renderDiagnostic, renderLegend, renderSummary, renderTime } from './header';
import { VirtualList } from './list';
import { type ITreeChange, TreeModel } from './model';
import { renderRow } from './row';
import { Toolbar } from './toolbar';
import { type ITrans, untranslated } from './trans';
import type { ISite } from './types';

/** The event a tree in a notebook output sends up the page when a cell site is clicked
 * (`detail`: the site): the lab extension, which knows the notebook, jumps to it. The
 * widget's own code cannot reach the lab. */
export const SITE_EVENT = 'jp-scope-site';

/** Send a site up the page from `node`, for whoever can show it. */
export function dispatchSite(node: HTMLElement, site: ISite): void {
  node.dispatchEvent(new CustomEvent<ISite>(SITE_EVENT, { detail: site, bubbles: true }));
}

export interface ITreeViewOptions {
  /** Called with the node's full name when the user selects a scope, variable or op. */
  onSelect?: (name: string, entry: NodeEntry) => void;
  /** When given, sites in the details pane are links that call it. */
  onSite?: SiteHandler;
  /** The labels' translator: JupyterLab's, in the lab. */
  trans?: ITrans;
}

/** What each key does to the model; a tree's keys as WAI-ARIA's tree pattern has them. */
const KEYS: Record<string, (model: TreeModel) => void> = {
  ArrowDown: model => model.selectNext(),
  ArrowUp: model => model.selectPrevious(),
  Home: model => model.selectFirst(),
  End: model => model.selectLast(),
  ArrowRight: model => model.expandSelected(),
  ArrowLeft: model => model.collapseSelected(),
  Enter: model => model.toggleSelected(),
  ' ': model => model.toggleSelected()
};

export class TreeView {
  readonly node: HTMLElement;
  /** What the view shows: hosts show reports, filter and select through it. */
  readonly model = new TreeModel();

  constructor(private readonly _options: ITreeViewOptions = {}) {
    const trans = (this._trans = _options.trans ?? untranslated);
    this._toolbar = new Toolbar(
      {
        onQuery: query => this.model.setQuery(query),
        onDevice: name => this.model.setDevice(name),
        onSort: key => this.model.setSort(key),
        onFilter: key => this.model.toggleFilter(key),
        onColourByDevice: on => this.model.setColourByDevice(on),
        onShowOps: on => this.model.setOps(on),
        onExpandAll: () => this.model.expandAll(),
        onCollapseAll: () => this.model.collapseAll()
      },
      trans
    );
    this._list = new VirtualList(index => this._drawRow(index), trans.__('Scope tree'));
    this.model.changed.connect(this._onChange, this);
    this._list.node.addEventListener('click', event => this._onClick(event));
    this._list.node.addEventListener('keydown', event => this._onKey(event));
    this._flowSwitch = h(
      'button',
      {
        class: 'jp-Scope-button jp-Scope-flowSwitch',
        type: 'button',
        'aria-pressed': 'false',
        title: trans.__('Show the dataflow of the selected scope beside the tree')
      },
      trans.__('Dataflow')
    );
    this._flowSwitch.addEventListener('click', () => this.showFlow(!this.flow));
    this.node = h(
      'div',
      { class: 'jp-Scope-root' },
      h(
        'div',
        { class: 'jp-Scope-header' },
        this._summary,
        this._legend,
        this._toolbar.node,
        this._flowSwitch
      ),
      this._diagnostics,
      h('div', { class: 'jp-Scope-body' }, this._list.node, this._details)
    );
  }

  /** The dataflow pane, while it is shown: a second view of the model's selection. */
  flow: FlowView | null = null;

  showFlow(on: boolean): void {
    if (on && !this.flow) {
      this.flow = new FlowView(this.model, this._trans);
      this._list.node.after(this.flow.node);
    } else if (!on && this.flow) {
      this.flow.dispose();
      this.flow = null;
    }
    this._flowSwitch.setAttribute('aria-pressed', String(on));
    this.node.classList.toggle('jp-mod-flow', on);
  }

  dispose(): void {
    this.flow?.dispose();
    this.model.changed.disconnect(this._onChange, this);
    this._list.dispose();
    this.node.remove();
  }

  private _onChange(model: TreeModel, change: ITreeChange): void {
    if (change.document) {
      this._renderDocument();
    }
    if (change.rows) {
      this._renderRows();
    } else if (change.selection) {
      this._list.draw();
    }
    const tree = model.tree;
    if (change.selection) {
      // Narrow, the pane shows only for a selection (tree.css).
      this._details.classList.toggle('jp-mod-empty', !model.selected);
    }
    if (change.selection && tree) {
      this._details.replaceChildren(
        renderDetails(tree, model.selected, this._options.onSite ?? null, this._trans)
      );
    }
    const index = change.reveal ? (model.rows?.indexOf(change.reveal) ?? -1) : -1;
    if (index >= 0) {
      this._list.scrollTo(index);
    }
    if (change.colour) {
      this._toolbar.colourByDevice = model.colourByDevice;
      this.node.classList.toggle('jp-mod-byDevice', model.colourByDevice);
    }
  }

  /** The summary, diagnostics and the toolbar's choices; a problem instead of a tree. */
  private _renderDocument(): void {
    const tree = this.model.tree;
    if (!tree) {
      this._summary.replaceChildren(
        h('div', { class: 'jp-Scope-raised' }, this.model.problem ?? '')
      );
      this._diagnostics.replaceChildren();
      this._list.showHint('');
      return;
    }
    this._summary.replaceChildren(
      ...renderSummary(tree, this._trans),
      ...[renderTime(tree, this._showNodes, this._trans)].filter(e => e !== null)
    );
    const onSite = this._options.onSite ?? null;
    this._diagnostics.replaceChildren(
      ...tree.document.display.diagnostics.map(d =>
        renderDiagnostic(d, onSite, this._showNodes, this._trans)
      )
    );
    const { display } = tree.document;
    const filters = display.filters ?? [];
    this._toolbar.setOps(tree.summary.ops);
    this._toolbar.setDevices(
      tree.devices,
      this.model.device,
      new Map(filters.filter(f => f.group === DEVICE_GROUP).map(f => [f.key, f.count]))
    );
    this._toolbar.setSorts(display.sorts ?? [], this.model.sort);
    this._toolbar.setFilters(
      filters.filter(f => f.group !== DEVICE_GROUP),
      this.model.filters
    );
    this._legend.replaceChildren(...renderLegend(tree, this._trans));
  }

  /** The rows, and what the toolbar says of them. */
  private _renderRows(): void {
    const { tree, rows, device } = this.model;
    this._toolbar.query = this.model.query;
    this._toolbar.device = device;
    this._toolbar.ops = this.model.ops;
    this._toolbar.sort = this.model.sort;
    this._toolbar.filters = this.model.filters;
    if (!tree || !rows) {
      return;
    }
    const trans = this._trans;
    const narrowed = this.model.narrowed;
    this._toolbar.count = narrowed ? trans.__('%1 shown', rows.length) : '';
    if (rows.length) {
      this._list.setLength(rows.length);
    } else if (narrowed) {
      this._list.showHint(
        device ? trans.__('Nothing matches on %1.', device) : trans.__('No names match.')
      );
    } else {
      this._list.showHint(trans.__('Nothing recorded.'));
    }
  }

  private _drawRow = (index: number): HTMLElement => {
    const { tree, rows, selected } = this.model;
    const { entry, depth } = rows!.at(index)!;
    const expandable = this.model.isExpandable(entry);
    return renderRow(
      tree!,
      entry,
      {
        index,
        depth,
        expandable,
        open: expandable && this.model.isOpen(entry),
        selected: entry === selected,
        share: this.model.shareOf(entry)
      },
      this._trans
    );
  };

  private _onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const row = this.model.rows?.at(this._list.indexOf(target) ?? -1);
    if (!row) {
      return;
    }
    if (target.closest('.jp-Scope-caret') || row.entry.kind === 'group') {
      this.model.toggle(row.entry);
    }
    this.model.select(row.entry);
    this._notify(row.entry);
  }

  private _onKey(event: KeyboardEvent): void {
    const act = KEYS[event.key];
    if (!act) {
      return;
    }
    event.preventDefault();
    const before = this.model.selected;
    act(this.model);
    const after = this.model.selected;
    if (after && after !== before) {
      this._notify(after);
    }
  }

  /** A diagnostic clicked: reveal and select the nodes it concerns. */
  private _showNodes = (names: string[]): void => {
    const entries = names.flatMap(name => this.model.tree?.find(name) ?? []);
    this.model.show(entries);
    if (entries.length) {
      this._notify(entries[0]);
    }
  };

  /** Tell the host what the user selected. */
  private _notify(entry: Entry): void {
    if (entry.kind !== 'group') {
      this._options.onSelect?.(entry.node.name, entry);
    }
  }

  private readonly _trans: ITrans;
  private readonly _toolbar: Toolbar;
  private readonly _list: VirtualList;
  private readonly _summary = h('div', { class: 'jp-Scope-summary' });
  private readonly _diagnostics = h('div', { class: 'jp-Scope-diagnostics' });
  private readonly _legend = h('div', { class: 'jp-Scope-legend' });
  private readonly _details = h('div', { class: 'jp-Scope-detailsPane jp-mod-empty' });
  private readonly _flowSwitch: HTMLElement;
}
