/** The export command: one for every format the server lists, told apart by `args.format`. */

import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ExportFormats } from './formats';

/** What exports the selected report: the Scopes panel. */
export interface IExporter {
  readonly selected: unknown;
  exportSelected(format: string): boolean;
}

/** The options of `CommandIDs.exportReport`: labelled with, and exporting, the format
 * named by `args.format`; disabled for a format the server does not list. */
export function exportCommand(
  formats: ExportFormats,
  exporter: IExporter,
  trans: TranslationBundle
): CommandRegistry.ICommandOptions {
  return {
    label: args => {
      const format = formats.get(args.format);
      return format
        ? trans.__('Scopes: export report (%1)', format.label)
        : trans.__('Scopes: export report');
    },
    isEnabled: args => exporter.selected !== null && formats.get(args.format) !== undefined,
    execute: args => {
      const format = formats.get(args.format);
      return format ? exporter.exportSelected(format.name) : false;
    }
  };
}
