/**
 * The "Scopes" sidebar panel: the reports of the active notebook, newest first, a search
 * across them, the selected report's tree, jumps to cells and export buttons. It follows
 * the notebook only while it is visible; hidden, it listens to nothing.
 */

import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import { download } from './export';
import type { ExportFormats } from './formats';
import { showCell, showSite } from './jump';
import type { ReportsModel } from './model';
import type { INotebookReport, ISearchHit } from './tokens';
import { h } from './tree/dom';
import { nodeBadges, nodeSites, type ShownDocument } from './tree/types';
import { TreeView } from './tree/view';

export const scopesIcon = new LabIcon({
  name: 'jupyter-scope:scopes',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<rect x="2" y="3" width="8" height="5" rx="1"/><rect x="8" y="10" width="8" height="5" rx="1"/>' +
    '<rect x="14" y="17" width="8" height="5" rx="1"/><rect x="5" y="8" width="2" height="10"/>' +
    '<rect x="5" y="11.5" width="3" height="2"/><rect x="11" y="15" width="2" height="5"/>' +
    '<rect x="11" y="18.5" width="3" height="2"/></g></svg>'
});

export class ScopePanel extends Widget {
  constructor(
    private readonly _model: ReportsModel,
    private readonly _tracker: INotebookTracker,
    private readonly _formats: ExportFormats,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Scope-panel');
    this.title.icon = scopesIcon;
    this.title.caption = _trans.__('Scopes');
    this._search = h('input', {
      class: 'jp-Scope-search jp-Scope-panelSearch',
      type: 'search',
      placeholder: _trans.__('Search all reports…'),
      'aria-label': _trans.__('Search all reports')
    }) as HTMLInputElement;
    this._search.addEventListener('input', () => this._renderList());
    this._tree = new TreeView({
      trans: _trans,
      onSite: site => {
        if (this._notebookPanel) {
          void showSite(this._notebookPanel, site);
        }
      }
    });
    this._renderExports();
    this.node.append(
      h(
        'div',
        { class: 'jp-Scope-panelHeader' },
        h('h2', {}, _trans.__('Scopes')),
        this._notebookName
      ),
      this._search,
      this._list,
      this._exports,
      this._tree.node
    );
    _model.changed.connect(this._renderList, this);
    _formats.changed.connect(this._renderExports, this);
    _tracker.currentChanged.connect(this._follow, this);
  }

  /** The report the user picked; until they pick one, or while it is gone (its cell runs
   * again), the newest. */
  get selected(): INotebookReport | null {
    const reports = this._model.reports;
    return reports.find(r => r.key === this._selectedKey) ?? reports[0] ?? null;
  }

  /** Download the selected report, as the server's Python writes it; false when no
   * report is selected. */
  exportSelected(format: string): boolean {
    const report = this.selected;
    if (report) {
      download(report.document, format).catch(reason =>
        console.error('jupyter-scope export:', reason)
      );
    }
    return report !== null;
  }

  protected onAfterShow(): void {
    this._follow();
  }

  protected onAfterHide(): void {
    this._model.setNotebook(null);
  }

  /** Follow the active notebook, if visible. */
  private _follow(): void {
    if (!this.isVisible) {
      return;
    }
    const panel = this._tracker.currentWidget;
    this._notebookPanel = panel;
    this._notebookName.textContent = panel ? panel.title.label : this._trans.__('No notebook');
    if (!panel) {
      this._model.setNotebook(null);
      return;
    }
    void panel.context.ready.then(() => {
      if (this._notebookPanel === panel && this.isVisible) {
        this._model.setNotebook(panel.model);
      }
    });
  }

  private _renderList(): void {
    // Hidden (also briefly while the theme changes), the panel does no work: the model has
    // let go of the notebook, and showing the panel again reads it afresh.
    if (!this.isVisible) {
      return;
    }
    const reports = this._model.reports;
    const selected = this.selected;
    const query = this._search.value;
    if (query.trim()) {
      const hits = this._model.search(query);
      this._list.replaceChildren(
        ...hits.map(hit => this._hitItem(hit)),
        ...(hits.length
          ? []
          : [h('div', { class: 'jp-Scope-hint' }, this._trans.__('No names match.'))])
      );
    } else {
      this._list.replaceChildren(
        ...reports.map(report => this._reportItem(report, report === selected)),
        ...(reports.length
          ? []
          : [
              h(
                'div',
                { class: 'jp-Scope-hint' },
                this._trans.__('No scope reports in this notebook yet: run a %%scopes cell.')
              )
            ])
      );
    }
    this._exports.hidden = !selected;
    this._showSelected();
  }

  /** A button per export format the server lists. */
  private _renderExports(): void {
    const buttons = this._formats.list.map(format => {
      const button = h(
        'button',
        { class: 'jp-Scope-button', type: 'button', 'data-format': format.name },
        format.label
      );
      button.addEventListener('click', () => this.exportSelected(format.name));
      return button;
    });
    this._exports.replaceChildren(h('span', {}, this._trans.__('Export')), ...buttons);
  }

  private _showSelected(): void {
    const report = this.selected;
    this._tree.node.hidden = !report;
    if (report && report.document !== this._shownDocument) {
      this._tree.model.setDocument(report.document, { another: report.key !== this._shownKey });
      this._shownKey = report.key;
      this._shownDocument = report.document;
    }
  }

  /** A report's one-line card: cell, name, counts, errors and warnings, time. */
  private _reportItem(report: INotebookReport, selected: boolean): HTMLElement {
    const card = report.document.display.card;
    const cell = report.executionCount === null ? 'In [ ]' : `In [${report.executionCount}]`;
    const item = h(
      'button',
      {
        class: `jp-Scope-report${selected ? ' jp-mod-selected' : ''}`,
        type: 'button',
        'aria-pressed': String(selected),
        'data-key': report.key,
        title: `${cell}${report.name ? ` ${report.name}` : ''}: ${card.counts}, ${card.time}`
      },
      h('span', { class: 'jp-Scope-reportCell' }, cell),
      report.name ? h('span', { class: 'jp-Scope-reportName' }, report.name) : null,
      h('span', { class: 'jp-Scope-reportCounts' }, card.counts),
      card.errors ? h('span', { class: 'jp-Scope-badge jp-Scope-badge-error' }, card.errors) : null,
      card.warnings
        ? h('span', { class: 'jp-Scope-badge jp-Scope-badge-warning' }, card.warnings)
        : null,
      h('span', { class: 'jp-Scope-reportTime' }, card.time)
    );
    item.addEventListener('click', () => {
      this._selectedKey = report.key;
      this._renderList();
      void this._showCell(report);
    });
    return item;
  }

  private _hitItem(hit: ISearchHit): HTMLElement {
    const v = hit.variable;
    const { display } = hit.report.document;
    const use = v
      ? nodeBadges(display, v.id)
          .map(b => b.text)
          .join(', ')
      : hit.kind;
    const where = v ? nodeSites(display, v.id).map(s => s.text) : [];
    const cell =
      hit.report.executionCount === null ? 'In [ ]' : `In [${hit.report.executionCount}]`;
    const item = h(
      'button',
      { class: 'jp-Scope-report jp-Scope-hit', type: 'button' },
      h('span', { class: 'jp-Scope-hitName' }, hit.name),
      h(
        'span',
        { class: 'jp-Scope-reportCounts' },
        [cell, use, ...where].filter(Boolean).join(' · ')
      )
    );
    item.addEventListener('click', () => {
      this._selectedKey = hit.report.key;
      this._showSelected();
      this._tree.model.selectName(hit.name);
      void this._showCell(hit.report);
    });
    return item;
  }

  private async _showCell(report: INotebookReport): Promise<void> {
    if (this._notebookPanel) {
      await showCell(this._notebookPanel, report.cellId);
    }
  }

  private readonly _search: HTMLInputElement;
  private readonly _notebookName = h('span', { class: 'jp-Scope-notebookName' });
  private readonly _list = h('div', { class: 'jp-Scope-reportList', role: 'list' });
  private readonly _exports = h('div', { class: 'jp-Scope-exports' });
  private readonly _tree: TreeView;
  private _notebookPanel: NotebookPanel | null = null;
  private _selectedKey: string | null = null;
  private _shownKey: string | null = null;
  private _shownDocument: ShownDocument | null = null;
}
