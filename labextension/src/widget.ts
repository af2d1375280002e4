/**
 * The anywidget front end of `jupyter_scope.display.widget.ScopeWidget`, bundled into
 * `jupyter_scope/static/tree.js`: one tree per view, `selected` synced both ways.
 */

import type { TreeDocument } from './tree/entries';
import { dispatchSite, TreeView } from './tree/view';

interface IWidgetModel {
  // Python sends the current schema, with its display section, in compact form.
  get(name: 'report'): TreeDocument;
  get(name: 'selected' | 'filter'): string;
  set(name: 'selected', value: string): void;
  save_changes(): void;
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

function render({ model, el }: { model: IWidgetModel; el: HTMLElement }): () => void {
  const view: TreeView = new TreeView({
    onSelect: name => {
      model.set('selected', name);
      model.save_changes();
    },
    // In JupyterLab and Notebook 7, the lab extension takes the site to its cell.
    onSite: site => dispatchSite(view.node, site)
  });
  view.node.classList.add('jp-Scope-widget');
  el.append(view.node);
  const showReport = (): void => {
    view.model.setDocument(model.get('report'));
  };
  const showFilter = (): void => view.model.setFilter(model.get('filter'));
  const showSelected = (): void => {
    const name = model.get('selected');
    if (name && name !== view.model.selectedName) {
      view.model.selectName(name);
    }
  };
  showReport();
  showFilter();
  showSelected();
  model.on('change:report', showReport);
  model.on('change:filter', showFilter);
  model.on('change:selected', showSelected);
  return () => {
    model.off('change:report', showReport);
    model.off('change:filter', showFilter);
    model.off('change:selected', showSelected);
    view.dispose();
  };
}

export default { render };
