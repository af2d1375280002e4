/** The rows a tree shows, in order. */

import type { Entry, IRow } from './entries';
import type { ReportTree } from './report';

/** The rows to show, in order, in columns: an op stands as its index in the tree's `ops`
 * (`OpEntry.row`) until read, since a search can list 20,000 ops and a view draws 30. */
export class Rows {
  constructor(
    private readonly _tree: ReportTree,
    /** The entry of each row; `null` for an op's. */
    private readonly _entries: (Entry | null)[],
    /** The op's row in `ops`, for an op's row; -1 for the others. */
    private readonly _ops: number[],
    private readonly _depths: number[]
  ) {}

  get length(): number {
    return this._depths.length;
  }

  at(i: number): IRow | undefined {
    if (i < 0 || i >= this.length) {
      return undefined;
    }
    return { entry: this._entries[i] ?? this._tree.op(this._ops[i]), depth: this._depths[i] };
  }

  /** The row showing `entry`, or -1. */
  indexOf(entry: Entry): number {
    return entry.kind === 'op' ? this._ops.indexOf(entry.row) : this._entries.indexOf(entry);
  }
}
