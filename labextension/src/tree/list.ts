/**
 * A virtual list of rows: only the rows in sight (and a margin) have DOM nodes, so a
 * report of 100,000 ops costs what its visible rows cost. It draws what `draw` returns for
 * an index, when displayed, scrolled or resized.
 */

import { h } from './dom';
import { ROW_HEIGHT } from './row';

/** Rows drawn above and below the visible ones. */
const OVERSCAN = 12;
/** The height assumed before the list can be measured (not laid out yet, or in a cell
 * JupyterLab keeps out of view): as tall as the box may grow, so its first rows show. */
const UNMEASURED_HEIGHT = 600;

export class VirtualList {
  readonly node: HTMLElement;

  constructor(
    private readonly _draw: (index: number) => HTMLElement,
    label: string
  ) {
    this.node = h(
      'div',
      { class: 'jp-Scope-tree', role: 'tree', tabindex: '0', 'aria-label': label },
      this._canvas
    );
    this.node.addEventListener('scroll', () => this.schedule());
    this._resize.observe(this.node);
  }

  /** How many rows there are; draws them. */
  setLength(length: number): void {
    this._length = length;
    this._canvas.style.height = `${length * ROW_HEIGHT}px`;
    this.draw();
  }

  /** A message instead of rows. */
  showHint(text: string): void {
    this._length = 0;
    this._canvas.style.height = '0px';
    this._canvas.replaceChildren(h('div', { class: 'jp-Scope-hint' }, text));
  }

  /** The row index of a drawn row's element (or an element inside one). */
  indexOf(target: HTMLElement): number | null {
    const row = target.closest<HTMLElement>('.jp-Scope-row');
    return row ? Number(row.dataset.index) : null;
  }

  /** Scroll so that row `index` is in sight, a third down from the top if it was not. */
  scrollTo(index: number): void {
    const top = index * ROW_HEIGHT;
    const height = this.node.clientHeight;
    if (top < this.node.scrollTop || top + ROW_HEIGHT > this.node.scrollTop + height) {
      this.node.scrollTop = Math.max(0, top - height / 3);
    }
    this.draw();
  }

  /** Draw again in the next frame, if the list is in view then. */
  schedule(): void {
    cancelAnimationFrame(this._frame);
    // Out of view (hidden, or in a cell JupyterLab keeps out of sight, as while the theme
    // changes) the list measures 0 and reads `scrollTop` 0: drawn then, it showed the top
    // rows at a scroll position the browser gives back later, without a scroll event.
    this._frame = requestAnimationFrame(() => {
      if (this.node.clientHeight) {
        this.draw();
      }
    });
  }

  /** Draw the rows in sight (the resize observer draws again once the list is measured). */
  draw(): void {
    if (!this._length) {
      return;
    }
    const height = this.node.clientHeight || UNMEASURED_HEIGHT;
    const first = Math.max(0, Math.floor(this.node.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      this._length,
      Math.ceil((this.node.scrollTop + height) / ROW_HEIGHT) + OVERSCAN
    );
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      fragment.append(this._draw(i));
    }
    this._canvas.replaceChildren(fragment);
  }

  dispose(): void {
    this._resize.disconnect();
    cancelAnimationFrame(this._frame);
  }

  private readonly _canvas = h('div', { class: 'jp-Scope-canvas' });
  private readonly _resize = new ResizeObserver(() => this.schedule());
  private _length = 0;
  private _frame = 0;
}
