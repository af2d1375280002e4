/**
 * The anywidget front end of `jupyter_scope.notebook.widget.ScopeWidget`, bundled into
 * `jupyter_scope/static/tree.js`: one tree per view, `selected` synced both ways.
 *
 * The report is not in the model's state (a notebook saved with its widget state would
 * hold it twice): each view asks Python for it in a message. The view is marked
 * `jp-Scope-widget` once its report came; until then, and for good in a reopened notebook
 * whose saved widget state has no kernel to ask, JupyterLab shows the tree of the output's
 * own report JSON instead (`renderer.ts`).
 */

import { setWorkerScript } from './flow/elk';
import type { TreeDocument } from './tree/entries';
import { dispatchSite, TreeView } from './tree/view';

/** Python's messages (`widget.py`): the report, in compact form; ELK's worker script. */
interface IReportMessage {
  type?: string;
  report?: TreeDocument;
  source?: string;
}

interface IWidgetModel {
  get(name: 'selected' | 'filter'): string;
  set(name: 'selected', value: string): void;
  save_changes(): void;
  send(content: { type: string }): void;
  on(event: 'msg:custom', callback: (message: IReportMessage) => void): void;
  on(event: string, callback: () => void): void;
  off(event: 'msg:custom', callback: (message: IReportMessage) => void): void;
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
  el.append(view.node);
  const showFilter = (): void => view.model.setFilter(model.get('filter'));
  const showSelected = (): void => {
    const name = model.get('selected');
    if (name && name !== view.model.selectedName) {
      view.model.selectName(name);
    }
  };
  const showReport = (message: IReportMessage): void => {
    if (message.type !== 'report' || !message.report) {
      return;
    }
    view.model.setDocument(message.report);
    view.node.classList.add('jp-Scope-widget');
    showFilter();
    showSelected();
  };
  model.on('msg:custom', showReport);
  // The flow pane's layout worker: asked for once, when a flow is first laid out (this
  // module, sent with every widget, leaves it out).
  setWorkerScript(
    () =>
      new Promise(resolve => {
        const take = (message: IReportMessage): void => {
          if (message.type === 'elk' && message.source) {
            model.off('msg:custom', take);
            resolve(message.source);
          }
        };
        model.on('msg:custom', take);
        model.send({ type: 'elk?' });
      })
  );
  model.on('change:filter', showFilter);
  model.on('change:selected', showSelected);
  model.send({ type: 'report?' });
  return () => {
    model.off('msg:custom', showReport);
    model.off('change:filter', showFilter);
    model.off('change:selected', showSelected);
    view.dispose();
  };
}

export default { render };
