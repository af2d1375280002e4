/** The public tokens, command ids and interfaces of the jupyter-scope lab extension. */

import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { NotebookReport, SearchHit } from './model';

export namespace CommandIDs {
  /** Open the Scopes sidebar panel. */
  export const showPanel = 'jupyter-scope:show-panel';
  /** Export the report selected in the panel; `args.format` is `json`, `html` or `graphml`. */
  export const exportReport = 'jupyter-scope:export-report';
}

/** The scope reports of the active notebook, as the Scopes panel lists them. */
export interface IScopeReports {
  /** Newest first. */
  readonly reports: readonly NotebookReport[];
  readonly changed: ISignal<IScopeReports, void>;
  search(query: string): SearchHit[];
}

export const IScopeReports = new Token<IScopeReports>(
  'jupyter-scope:IScopeReports',
  'The scope reports found in the outputs of the active notebook.'
);
