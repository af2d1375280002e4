/**
 * The export formats, as the server lists them from Python's registry: loaded once, then
 * read by the panel's buttons and the palette's entries. No DOM.
 */

import { type ISignal, Signal } from '@lumino/signaling';
import { fetchFormats } from './export';
import type { IExportFormat } from './tokens';

export class ExportFormats {
  constructor(private readonly _fetch: () => Promise<IExportFormat[]> = fetchFormats) {}

  /** Empty until `load` has the server's answer. */
  get list(): readonly IExportFormat[] {
    return this._list;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The format named `name` (a command's `args.format`), if the server lists it. */
  get(name: unknown): IExportFormat | undefined {
    return this._list.find(f => f.name === name);
  }

  /** Ask the server; without it (no server extension) there is nothing to export with. */
  async load(): Promise<void> {
    try {
      this._list = await this._fetch();
    } catch (reason) {
      console.error('jupyter-scope: cannot list the export formats:', reason);
      return;
    }
    this._changed.emit();
  }

  private _list: readonly IExportFormat[] = [];
  private readonly _changed = new Signal<this, void>(this);
}
