/** The jupyter-scope lab extension: wiring only. */

import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { exportCommand } from './commands';
import { ExportFormats } from './formats';
import { showSite } from './jump';
import { ReportsModel } from './model';
import { ScopePanel, scopesIcon } from './panel';
import { RENDERER_RANK, rendererFactory } from './renderer';
import { CommandIDs, IScopeReports } from './tokens';
import type { ISite } from './tree/types';
import { SITE_EVENT } from './tree/view';

export { CommandIDs, IScopeReports } from './tokens';

const plugin: JupyterFrontEndPlugin<IScopeReports> = {
  id: 'jupyter-scope:plugin',
  description: 'The Scopes sidebar panel and the renderer of scope reports.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ICommandPalette, ILayoutRestorer, ITranslator],
  provides: IScopeReports,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): IScopeReports => {
    const trans = (translator ?? nullTranslator).load('jupyter_scope');
    rendermime.addFactory(rendererFactory(null, trans), RENDERER_RANK);
    tracker.widgetAdded.connect((_, notebook) => {
      const own = notebook.content.rendermime;
      own.addFactory(rendererFactory(own, trans), RENDERER_RANK);
    });

    // A cell site clicked in a report's tree: go to that cell and line of the notebook
    // the tree is in (a widget cannot reach the lab itself).
    document.addEventListener(SITE_EVENT, event => {
      const target = event.target as Node;
      const notebook = tracker.find(panel => panel.node.contains(target));
      const site = (event as CustomEvent<ISite>).detail;
      if (notebook) {
        void showSite(notebook, site);
      }
    });

    const model = new ReportsModel();
    const formats = new ExportFormats();
    const panel = new ScopePanel(model, tracker, formats, trans);
    panel.id = 'jp-scope-panel';
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, 'jupyter-scope');

    app.commands.addCommand(CommandIDs.showPanel, {
      label: trans.__('Scopes: show panel'),
      icon: scopesIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.exportReport, exportCommand(formats, panel, trans));
    const category = trans.__('Scopes');
    palette?.addItem({ command: CommandIDs.showPanel, category });
    formats.changed.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.exportReport);
      for (const format of formats.list) {
        palette?.addItem({
          command: CommandIDs.exportReport,
          category,
          args: { format: format.name }
        });
      }
    });
    void formats.load();
    return model;
  }
};

export default plugin;
