/** The public tokens, command ids and interfaces of the jupyter-scope lab extension: types
 * only, no implementation. */

import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { ShownDocument, ISummary, IVariableNode } from './tree/types';

export namespace CommandIDs {
  /** Open the Scopes sidebar panel. */
  export const showPanel = 'jupyter-scope:show-panel';
  /** Export the report selected in the panel; `args.format` names one of the server's
   * export formats (`IExportFormat.name`). */
  export const exportReport = 'jupyter-scope:export-report';
}

/** An export format, as the server lists it from Python's registry
 * (`jupyter_scope/export/formats.py`, `GET /jupyter-scope/formats`). */
export interface IExportFormat {
  /** What the export URL and `args.format` say, e.g. `md`. */
  name: string;
  /** What a button or the palette shows, e.g. `Markdown`. */
  label: string;
  /** The suffix of its files, e.g. `.md`. */
  suffix: string;
  mime: string;
  /** Whether it can list one entry per op. */
  ops: boolean;
}

/** A report found in a notebook's outputs. */
export interface INotebookReport {
  /** Unique in the notebook: `<cell id>/<output index>`. */
  key: string;
  cellId: string;
  cellIndex: number;
  executionCount: number | null;
  /** The name the report was stored under (`%%scopes NAME`), if any. */
  name: string | null;
  document: ShownDocument;
  summary: ISummary;
}

/** A node of a report whose name matches a search across reports. */
export interface ISearchHit {
  report: INotebookReport;
  kind: 'scope' | 'variable' | 'op';
  name: string;
  /** For variables: created, reused ×N; the sites say where. */
  variable: IVariableNode | null;
}

/** The scope reports of the active notebook, as the Scopes panel lists them. */
export interface IScopeReports {
  /** Newest first. */
  readonly reports: readonly INotebookReport[];
  readonly changed: ISignal<IScopeReports, void>;
  search(query: string): ISearchHit[];
}

export const IScopeReports = new Token<IScopeReports>(
  'jupyter-scope:IScopeReports',
  'The scope reports found in the outputs of the active notebook.'
);
