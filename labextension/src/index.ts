/** The jupyter-scope lab extension: wiring only. */

import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { EXPORT_FORMATS, type ExportFormat } from './export';
import { ReportsModel } from './model';
import { ScopePanel, scopesIcon } from './panel';
import { RENDERER_RANK, rendererFactory } from './renderer';
import { CommandIDs, IScopeReports } from './tokens';

export { CommandIDs, IScopeReports } from './tokens';

const plugin: JupyterFrontEndPlugin<IScopeReports> = {
  id: 'jupyter-scope:plugin',
  description: 'The Scopes sidebar panel and the renderer of scope reports.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ICommandPalette, ILayoutRestorer],
  provides: IScopeReports,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): IScopeReports => {
    rendermime.addFactory(rendererFactory(null), RENDERER_RANK);
    tracker.widgetAdded.connect((_, notebook) => {
      const own = notebook.content.rendermime;
      own.addFactory(rendererFactory(own), RENDERER_RANK);
    });

    const model = new ReportsModel();
    const panel = new ScopePanel(model, tracker);
    panel.id = 'jp-scope-panel';
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, 'jupyter-scope');

    app.commands.addCommand(CommandIDs.showPanel, {
      label: 'Scopes: show panel',
      icon: scopesIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.exportReport, {
      label: args => `Scopes: export report (${EXPORT_FORMATS[format(args)]})`,
      isEnabled: () => panel.selected !== null,
      execute: args => panel.exportSelected(format(args))
    });
    palette?.addItem({ command: CommandIDs.showPanel, category: 'Scopes' });
    for (const f of Object.keys(EXPORT_FORMATS)) {
      palette?.addItem({
        command: CommandIDs.exportReport,
        category: 'Scopes',
        args: { format: f }
      });
    }
    return model;
  }
};

function format(args: { format?: unknown }): ExportFormat {
  return args.format === 'json' || args.format === 'graphml' ? args.format : 'html';
}

export default plugin;
