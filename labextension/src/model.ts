/**
 * The scope reports of one notebook, read from its cells' outputs (live while outputs
 * change, and from saved outputs alike). No DOM, and no kernel: it only listens to the
 * notebook model's signals. A report saved packed, or before schema 1.2, is listed once
 * `shownOutput` has unpacked it or the server has given it its display section.
 */

import type { INotebookModel } from '@jupyterlab/notebook';
import { type ISignal, Signal } from '@lumino/signaling';
import { isShown, REPORT_MIME_TYPE, type IReportDocument, type ShownDocument } from './tree/types';
import type { INotebookReport, IScopeReports, ISearchHit } from './tokens';
import { shownOutput } from './export';
import { isPacked, type IPackedDocument } from './tree/compact';

/** Gives a document its display section (from the server, for an old document). */
export type Read = (data: IReportDocument | IPackedDocument) => Promise<ShownDocument>;

/** The slice of JupyterLab's notebook model this model reads (a test can fake it). */
export type NotebookModelLike = Pick<INotebookModel, 'cells'>;

/** How many hits a search across reports returns at most. */
const SEARCH_LIMIT = 200;
const KIND_ORDER: Record<ISearchHit['kind'], number> = { variable: 0, scope: 1, op: 2 };

export class ReportsModel implements IScopeReports {
  constructor(private readonly _read: Read = shownOutput) {}

  get changed(): Signal<this, void> {
    return this._changed;
  }

  get reports(): readonly INotebookReport[] {
    return this._reports;
  }

  get notebook(): NotebookModelLike | null {
    return this._notebook;
  }

  /** Follow another notebook, or none (`null`: stop listening, e.g. while hidden). */
  setNotebook(notebook: NotebookModelLike | null): void {
    if (notebook === this._notebook) {
      return;
    }
    this._disconnect();
    this._notebook = notebook;
    if (notebook) {
      notebook.cells.changed.connect(this._refresh, this);
    }
    this._refresh();
  }

  /**
   * Nodes of every report whose name contains `query` (case-insensitive): variables first
   * (where a name is created, where reused), then scopes, then ops; newest report first.
   */
  search(query: string): ISearchHit[] {
    const needle = query.trim().toLowerCase();
    const hits: ISearchHit[] = [];
    if (!needle) {
      return hits;
    }
    for (const report of this._reports) {
      for (const node of report.document.graph.nodes) {
        if (node.name && node.name.toLowerCase().includes(needle)) {
          hits.push({
            report,
            kind: node.kind,
            name: node.name,
            variable: node.kind === 'variable' ? node : null
          });
        }
      }
    }
    // A stable sort keeps the newest report first within each kind.
    return hits.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]).slice(0, SEARCH_LIMIT);
  }

  dispose(): void {
    this.setNotebook(null);
    Signal.clearData(this);
  }

  /** Re-read every cell's outputs and listen to each output area. */
  private _refresh(): void {
    this._disconnect(false);
    const found: INotebookReport[] = [];
    const cells = this._notebook?.cells;
    for (let index = 0; cells && index < cells.length; index++) {
      const cell = cells.get(index);
      if (cell.type !== 'code') {
        continue;
      }
      const code = cell as unknown as ICodeCellLike;
      code.outputs.changed.connect(this._refresh, this);
      code.outputs.stateChanged.connect(this._refresh, this);
      code.stateChanged.connect(this._onCellState, this);
      this._codeCells.push(code);
      for (let o = 0; o < code.outputs.length; o++) {
        const document = this._document(code.outputs.get(o));
        if (document) {
          found.push({
            key: `${cell.id}/${o}`,
            cellId: cell.id,
            cellIndex: index,
            executionCount: code.executionCount ?? null,
            name: document.meta.name ?? null,
            document,
            summary: document.display.summary
          });
        }
      }
    }
    found.sort(
      (a, b) => (b.executionCount ?? -1) - (a.executionCount ?? -1) || b.cellIndex - a.cellIndex
    );
    this._reports = found;
    this._changed.emit();
  }

  /** A cell's execution count arrives after its outputs: re-sort then. */
  private _onCellState(_: unknown, change: { name: string }): void {
    if (change.name === 'executionCount') {
      this._refresh();
    }
  }

  /** The report an output holds, read once per output model; an old one when upgraded. */
  private _document(output: IOutputLike): ShownDocument | null {
    if (!this._documents.has(output)) {
      const data = output.data[REPORT_MIME_TYPE] as IReportDocument | IPackedDocument | undefined;
      const plain = isPacked(data) ? undefined : data;
      const ready = plain && isShown(plain) ? plain : null;
      this._documents.set(output, ready);
      if (!ready && (isPacked(data) || plain?.graph)) {
        this._later(output, this._read(data!));
      }
    }
    return this._documents.get(output) ?? null;
  }

  /** The output's document once `document` is ready. */
  private _later(output: IOutputLike, document: Promise<ShownDocument>): void {
    document.then(
      shown => {
        this._documents.set(output, shown);
        this._refresh();
      },
      reason => console.error('jupyter-scope: cannot show a saved report:', reason)
    );
  }

  private _disconnect(cells = true): void {
    for (const cell of this._codeCells) {
      cell.outputs.changed.disconnect(this._refresh, this);
      cell.outputs.stateChanged.disconnect(this._refresh, this);
      cell.stateChanged.disconnect(this._onCellState, this);
    }
    this._codeCells = [];
    if (cells) {
      this._notebook?.cells.changed.disconnect(this._refresh, this);
    }
  }

  private _notebook: NotebookModelLike | null = null;
  private _reports: INotebookReport[] = [];
  private _codeCells: ICodeCellLike[] = [];
  // An output model's data is copied on every read; an output that changes in place
  // (update_display_data) gets a new model in the output area.
  private _documents = new WeakMap<IOutputLike, ShownDocument | null>();
  private _changed = new Signal<this, void>(this);
}

interface IOutputLike {
  readonly data: Readonly<Record<string, unknown>>;
}

interface ICodeCellLike {
  readonly executionCount: number | null;
  readonly stateChanged: ISignal<unknown, { name: string }>;
  readonly outputs: {
    readonly length: number;
    get(index: number): IOutputLike;
    readonly changed: ISignal<unknown, unknown>;
    readonly stateChanged: ISignal<unknown, unknown>;
  };
}
