/**
 * Layouts already made, by their ELK input: one per level of a flow (the scope's box,
 * each open box, `layout.ts`), so that opening a box lays out that box and the levels
 * above it while its siblings' contents are answered from here, and closing a box again,
 * or coming back to a scope's flow, draws without ELK (its layered layout is most of the
 * pane's time, `benchmarks/README.md`). ELK is deterministic, so an equal input has the
 * same layout. The last few are kept, the least recently used dropped.
 */

import type { ElkNode } from 'elkjs/lib/elk-api';

export class LayoutCache {
  constructor(
    private readonly _run: (graph: ElkNode) => Promise<ElkNode>,
    private readonly _size = 64
  ) {}

  layout(graph: ElkNode): Promise<ElkNode> {
    const key = JSON.stringify(graph);
    let found = this._layouts.get(key);
    if (found) {
      this._layouts.delete(key);
    } else {
      const made = this._run(graph);
      // A failed layout is not kept: the next request tries again.
      made.catch(() => this._layouts.get(key) === made && this._layouts.delete(key));
      found = made;
    }
    this._layouts.set(key, found);
    for (const oldest of this._layouts.keys()) {
      if (this._layouts.size <= this._size) {
        break;
      }
      this._layouts.delete(oldest);
    }
    return found;
  }

  private readonly _layouts = new Map<string, Promise<ElkNode>>();
}
