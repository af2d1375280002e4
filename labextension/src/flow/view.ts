/**
 * The flow pane: the dataflow of the tree's selected scope (`graph.ts`), laid out by ELK
 * off the main thread (`elk.ts`, `layout.ts`) and drawn as SVG. It is a second view of
 * the tree model's selection: a click selects the node in the tree and the details pane,
 * and a selection in the tree shows the flow around it. Every node is focusable; Enter
 * opens or closes a box, Space selects.
 */

import type { IScopeEntry } from '../tree/entries';
import { h } from '../tree/dom';
import type { ITreeChange, TreeModel } from '../tree/model';
import type { ReportTree } from '../tree/report';
import type { ITrans } from '../tree/trans';
import { LayoutCache } from './cache';
import { layout as runElk } from './elk';
import { type IFlowGraph, type IFlowNode, scopeFlow } from './graph';
import {
  CHAR,
  cut,
  type IInPlace,
  type ILayout,
  type IPlaced,
  LINE,
  layoutFlow,
  portText
} from './layout';

/** A flow level of more nodes than this (a box's or the scope's) is moved aside for a box
 * opening in it rather than laid out again: ELK takes most of a second on 1,000 nodes
 * and tens of ms on this many (`benchmarks/README.md`). */
const IN_PLACE = 150;
/** A layout taking longer than this (ms) says so. */
const SLOW = 150;

const SVG = 'http://www.w3.org/2000/svg';
/** Room around the drawing. */
const MARGIN = 4;

function s(tag: string, attrs: Record<string, string | number> = {}): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    el.setAttribute(key, String(value));
  }
  return el;
}

function text(x: number, y: number, value: string, cls: string): SVGElement {
  const el = s('text', { x, y, class: cls });
  el.textContent = value;
  return el;
}

/** What shows on hover: an SVG element's `<title>`. */
function tooltip(value: string): SVGElement {
  const el = s('title');
  el.textContent = value;
  return el;
}

/** How long the last drawing took, in ms (the benchmarks read it off the pane). */
export interface IFlowTiming {
  model: number;
  layout: number;
  paint: number;
}

export class FlowView {
  readonly node: HTMLElement;

  constructor(
    private readonly _model: TreeModel,
    private readonly _trans: ITrans
  ) {
    // The SVG keeps one size, its drawing overflowing it, and the element around it takes
    // the drawing's size for the scroll bars: Chromium lays out every element of an SVG
    // whose own size or viewBox changed (~30 ms on `gradients`' 10,000 elements, each
    // time a box opens), but not one that only grew past its box.
    this._svg = s('svg', {
      class: 'jp-Scope-flowSvg',
      role: 'group',
      width: 1,
      height: 1,
      viewBox: `${-MARGIN} ${-MARGIN} 1 1`
    }) as SVGSVGElement;
    this._sizer = h('div', { class: 'jp-Scope-flowSizer' }, this._svg);
    this._status = h('div', { class: 'jp-Scope-flowStatus', 'aria-live': 'polite' });
    this._title = h('div', { class: 'jp-Scope-flowTitle' });
    const openAll = h(
      'button',
      { class: 'jp-Scope-button', type: 'button' },
      _trans.__('Open all')
    );
    const closeAll = h(
      'button',
      { class: 'jp-Scope-button', type: 'button' },
      _trans.__('Close all')
    );
    openAll.addEventListener('click', () => void this.openAll(true));
    closeAll.addEventListener('click', () => void this.openAll(false));
    this.node = h(
      'div',
      { class: 'jp-Scope-flow', 'aria-label': _trans.__('Dataflow') },
      h('div', { class: 'jp-Scope-flowBar' }, this._title, openAll, closeAll),
      this._status,
      h('div', { class: 'jp-Scope-flowCanvas' }, this._sizer)
    );
    const defs = s('defs');
    const marker = s('marker', {
      id: 'jp-Scope-flowArrow',
      viewBox: '0 0 8 8',
      refX: 8,
      refY: 4,
      markerWidth: 6,
      markerHeight: 6,
      orient: 'auto-start-reverse'
    });
    marker.append(s('path', { d: 'M0,0 L8,4 L0,8 z', class: 'jp-Scope-flowArrowHead' }));
    defs.append(marker);
    this._layers = [s('g'), s('g'), s('g'), s('g')];
    this._svg.append(defs, ...this._layers);
    this._svg.addEventListener('click', event => this._onClick(event));
    this._svg.addEventListener('dblclick', event => this._onToggle(event));
    this._svg.addEventListener('keydown', event => this._onKey(event));
    _model.changed.connect(this._onChange, this);
    this.follow();
  }

  /** The timing of the last drawing. */
  timing: IFlowTiming | null = null;

  dispose(): void {
    this._model.changed.disconnect(this._onChange, this);
    this.node.remove();
  }

  /** Show the flow around the model's selection: the scope selected, or the one holding
   * the selected variable or op; a variable or op the flow already draws (or anything
   * selected in the flow) is only brought into sight. */
  follow(): void {
    const tree = this._model.tree;
    if (!tree) {
      this._show(null, null);
      return;
    }
    const selected = this._model.selected;
    if (tree !== this._tree || !this._scope) {
      this._tree = tree;
      this._scope = null;
    }
    // What the flow selected it draws; a scope selected in the tree is shown inside.
    const drawn = selected && selected.kind !== 'group' && this._drawn.has(selected.key);
    if (drawn && (this._selecting || selected.kind !== 'scope')) {
      this._mark(selected.key);
      return;
    }
    let scope: IScopeEntry = tree.root;
    if (selected?.kind === 'scope') {
      scope = selected.owner ? selected.owner.parent : selected;
    } else if (selected?.kind === 'variable') {
      scope = selected.parent;
    } else if (selected) {
      scope = (selected.kind === 'op' ? selected.parent : selected).parent;
    }
    this._show(tree, scope);
  }

  /** Open or close a child box in place. */
  toggle(key: string): Promise<void> {
    if (!this._open.delete(key)) {
      this._open.add(key);
      this._opening = key;
    }
    this._focusAfter = key;
    return this._draw();
  }

  /** Open every box below the scope shown, or close them all. */
  openAll(open: boolean): Promise<void> {
    this._open.clear();
    if (open && this._scope) {
      const visit = (scope: IScopeEntry): void => {
        for (const child of scope.scopes) {
          this._open.add(child.key);
          visit(child);
        }
      };
      visit(this._scope);
    }
    return this._draw();
  }

  private _onChange(_: TreeModel, change: ITreeChange): void {
    if (change.document || change.selection) {
      this.follow();
    }
    if (change.rows) {
      this._dim();
    }
  }

  private _show(tree: ReportTree | null, scope: IScopeEntry | null): void {
    if (scope === this._scope && tree === this._tree && scope !== null) {
      this._mark(this._model.selected?.key ?? null);
      return;
    }
    this._tree = tree;
    this._scope = scope;
    this._open.clear();
    void this._draw();
  }

  /** Make the flow, lay it out, draw it; a later call wins over one still laying out. */
  private async _draw(): Promise<void> {
    const tree = this._tree;
    const scope = this._scope;
    const generation = ++this._generation;
    if (!tree || !scope) {
      for (const layer of this._layers) {
        layer.replaceChildren();
      }
      this._nodeEls.clear();
      this._edgeEls.clear();
      this._shown = null;
      this._drawn.clear();
      this._nodeOf.clear();
      return;
    }
    const trans = this._trans;
    const title = scope.node.name
      ? trans.__('Dataflow of %1', scope.node.name)
      : trans.__('Dataflow of the root scope');
    // The page changed only where it changes, and the status told only of a layout that
    // takes a while: a change makes Chromium draw a frame (~10 ms on `gradients`' flow),
    // which holds the main thread when ELK's answer for a box comes back.
    if (this._title.textContent !== title) {
      this._title.textContent = title;
    }
    const slow = window.setTimeout(() => {
      this._status.textContent = trans.__('Laying out…');
    }, SLOW);
    const t0 = performance.now();
    const flow = scopeFlow(tree, scope, this._open);
    const t1 = performance.now();
    // A box opened in the flow drawn: the rest of it moves aside (`inplace.ts`).
    const shown = this._shown;
    const opened = this._opening;
    this._opening = null;
    const open: IInPlace | undefined =
      opened && shown?.scope === scope && shown.tree === tree
        ? {
            opened: `s:${opened}`,
            last: shown.layout,
            above: IN_PLACE
          }
        : undefined;
    let result: ILayout;
    try {
      result = await layoutFlow(flow, graph => this._layouts.layout(graph), open);
    } catch (error) {
      if (generation === this._generation) {
        this._status.textContent = trans.__('The layout failed: %1', String(error));
      }
      return;
    } finally {
      window.clearTimeout(slow);
    }
    if (generation !== this._generation) {
      return;
    }
    const t2 = performance.now();
    const same = shown?.scope === scope && shown.tree === tree;
    this._shown = { tree, scope, layout: result };
    this._paint(flow, result, same);
    const status = flow.nodes.length ? '' : trans.__('Nothing ran in this scope.');
    if (this._status.textContent !== status) {
      this._status.textContent = status;
    }
    const selected = this._model.selected;
    this._mark(selected?.key ?? null);
    this._dim();
    const focus = this._focusAfter && this._nodeOf.get(this._focusAfter);
    if (focus) {
      focus.focus({ preventScroll: true });
    }
    this._focusAfter = null;
    const t3 = performance.now();
    this.timing = { model: t1 - t0, layout: t2 - t1, paint: t3 - t2 };
    this.node.dataset.timing = JSON.stringify(this.timing);
    this.node.dataset.drawn = String(generation);
  }

  /** Draw the layout, updating the drawing there is: a node drawn before with the same
   * text and size is moved (a `transform`), an edge gets its new points, and only what is
   * new is built. A box opened in place in a large level so changes a few hundred
   * elements of ten thousand instead of building them all again (and Chromium styles and
   * lays out only those). */
  private _paint(flow: IFlowGraph, at: ILayout, same: boolean): void {
    this._sizer.style.width = `${at.width + 2 * MARGIN}px`;
    this._sizer.style.height = `${at.height + 2 * MARGIN}px`;
    if (!same) {
      this._nodeEls.clear();
      this._edgeEls.clear();
      for (const layer of this._layers) {
        layer.replaceChildren();
      }
    }
    const [content, opens, edges, rest] = this._layers;
    const scope = at.scope;
    content.replaceChildren(
      s('rect', { ...box(scope), rx: 4, class: 'jp-Scope-flowScope' }),
      text(
        scope.x + 6,
        scope.y + LINE,
        cut(flow.scope.node.name || '/', 80),
        'jp-Scope-flowBoxTitle'
      )
    );
    this._drawn.clear();
    this._nodeOf.clear();
    const nodeEls = new Map<string, IDrawnNode>();
    const openOrder: SVGElement[] = [];
    // Open boxes first, so that what they hold is drawn over them.
    for (const node of flow.nodes) {
      const place = at.nodes.get(node.id);
      if (!place) {
        continue;
      }
      const sig = signature(node, place);
      let drawn = this._nodeEls.get(node.id);
      if (drawn?.sig === sig) {
        const dx = place.x - drawn.x;
        const dy = place.y - drawn.y;
        if (dx !== drawn.dx || dy !== drawn.dy) {
          drawn.g.setAttribute('transform', `translate(${dx},${dy})`);
          drawn.dx = dx;
          drawn.dy = dy;
        }
      } else {
        // Redrawn in its own element: a box opened or closed (by a click or Enter) keeps
        // the focus, which removing it would lose, making Chromium lay the page out.
        const g = this._drawNode(node, place, drawn?.g);
        drawn = { g, sig, x: place.x, y: place.y, dx: 0, dy: 0 };
        if (!node.open && g.parentNode !== rest) {
          move(rest, g, null);
        }
      }
      this._nodeEls.delete(node.id);
      nodeEls.set(node.id, drawn);
      if (node.open) {
        openOrder.push(drawn.g);
      }
      if (node.kind !== 'port') {
        this._drawn.add(node.key);
        this._nodeOf.set(node.key, drawn.g as unknown as HTMLElement);
      }
    }
    for (const gone of this._nodeEls.values()) {
      gone.g.remove();
    }
    this._nodeEls = nodeEls;
    // Open boxes under the edges, an outer box under those it holds (a few elements).
    openOrder.forEach((g, i) => {
      const at = opens.children[i] ?? null;
      if (at !== g) {
        move(opens, g, at);
      }
    });
    const edgeEls = new Map<string, IDrawnEdge>();
    for (const { edge, points, label } of at.edges) {
      const sig = `${edge.kind} ${edge.source} ${edge.target} ${edge.pairs.length}`;
      const d = points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
      // An edge whose shapes are not drawn beside it (its tensor's fan-out shares one
      // label, or there was no room) has them as its tooltip.
      const labelAt = label ? `${label.x},${label.y},${label.text}` : `title ${edge.label}`;
      let drawn = this._edgeEls.get(edge.id);
      if (drawn?.sig !== sig) {
        drawn?.g.remove();
        const g = s('g', { class: `jp-Scope-flowEdge jp-mod-${edge.kind}` });
        g.dataset.source = edge.source;
        g.dataset.target = edge.target;
        g.dataset.pairs = String(edge.pairs.length);
        const path = s('path', { d, 'marker-end': 'url(#jp-Scope-flowArrow)' });
        g.append(path);
        drawn = { g, path, label: null, sig, d, labelAt: '' };
        edges.append(g);
      } else if (drawn.d !== d) {
        drawn.path.setAttribute('d', d);
        drawn.d = d;
      }
      if (drawn.labelAt !== labelAt) {
        drawn.label?.remove();
        drawn.label = label
          ? text(label.x, label.y + LINE - 3, label.text, 'jp-Scope-flowLabel')
          : edge.label
            ? tooltip(edge.label)
            : null;
        if (drawn.label) {
          drawn.g.append(drawn.label);
        }
        drawn.labelAt = labelAt;
      }
      this._edgeEls.delete(edge.id);
      edgeEls.set(edge.id, drawn);
    }
    for (const gone of this._edgeEls.values()) {
      gone.g.remove();
    }
    this._edgeEls = edgeEls;
  }

  /** A node's element: `g` emptied and drawn again, or a new one. */
  private _drawNode(
    node: IFlowNode,
    at: { x: number; y: number; width: number; height: number },
    g: SVGElement = s('g', { tabindex: 0, role: 'button' })
  ): SVGElement {
    g.replaceChildren();
    g.removeAttribute('transform');
    g.setAttribute(
      'class',
      `jp-Scope-flowNode jp-mod-${node.kind}${node.open ? ' jp-mod-open' : ''}`
    );
    g.dataset.id = node.id;
    g.dataset.key = node.key;
    g.dataset.name = node.name;
    if (node.open) {
      g.dataset.open = 'true';
    } else {
      delete g.dataset.open;
    }
    g.append(
      tooltip(
        node.kind === 'port' ? `${node.label} ${node.detail}` : `${node.label} · ${node.detail}`
      )
    );
    if (node.kind === 'port') {
      g.setAttribute(
        'aria-label',
        `${node.side === 'in' ? 'in' : 'out'}: ${node.label} ${node.detail}`
      );
      g.append(s('rect', { ...box(at), class: 'jp-Scope-flowPort' }));
      const below = node.side === 'in' ? at.y - 4 : at.y + at.height + LINE;
      g.append(text(at.x + at.width + 3, below, portText(node), 'jp-Scope-flowPortLabel'));
      return g;
    }
    g.setAttribute(
      'aria-label',
      node.kind === 'scope'
        ? this._trans.__('%1, %2 (Enter opens or closes)', node.label, node.detail)
        : `${node.label}, ${node.detail}`
    );
    g.append(
      s('rect', { ...box(at), rx: node.kind === 'variable' ? 12 : 3, class: 'jp-Scope-flowShape' })
    );
    const chars = Math.max(4, Math.floor((at.width - 12) / CHAR));
    g.append(text(at.x + 6, at.y + LINE + 1, cut(node.label, chars), 'jp-Scope-flowName'));
    let detail = node.detail;
    for (const b of node.badges) {
      detail += ` ${b.text}`;
    }
    if (!node.open) {
      g.append(text(at.x + 6, at.y + 2 * LINE + 2, detail, 'jp-Scope-flowDetail'));
    }
    return g;
  }

  /** Dim what the tree's search and filters leave out (ops only while the tree shows
   * ops: without them its filter keeps none). */
  private _dim(): void {
    const kept = this._model.shown;
    for (const [key, g] of this._nodeOf) {
      const entry = kept ? this._tree?.get(key) : undefined;
      const out = !!entry && (entry.kind !== 'op' || this._model.ops) && !kept!.has(entry);
      g.classList.toggle('jp-mod-dimmed', out);
    }
  }

  /** Mark the selected node and bring it into sight. */
  private _mark(key: string | null): void {
    this._svg.querySelector('.jp-mod-selected')?.classList.remove('jp-mod-selected');
    const g = key ? this._nodeOf.get(key) : undefined;
    if (g) {
      g.classList.add('jp-mod-selected');
      g.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    }
  }

  private _target(event: Event): SVGElement | null {
    return (event.target as Element).closest?.('.jp-Scope-flowNode') as SVGElement | null;
  }

  private _onClick(event: MouseEvent): void {
    const g = this._target(event);
    if (g?.dataset.key) {
      this._select(g.dataset.key);
    }
  }

  private _onToggle(event: MouseEvent): void {
    const g = this._target(event);
    if (g?.classList.contains('jp-mod-scope') && g.dataset.key) {
      void this.toggle(g.dataset.key);
    }
  }

  private _onKey(event: KeyboardEvent): void {
    const g = this._target(event);
    if (!g?.dataset.key) {
      return;
    }
    if (event.key === 'Enter' && g.classList.contains('jp-mod-scope')) {
      event.preventDefault();
      this._select(g.dataset.key);
      void this.toggle(g.dataset.key);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this._select(g.dataset.key);
    }
  }

  /** Select in the tree (and so the details pane) what a node stands for. */
  private _select(key: string): void {
    const entry = this._tree?.get(key);
    if (entry) {
      this._selecting = true;
      try {
        this._model.show([entry]);
      } finally {
        this._selecting = false;
      }
    }
  }

  private readonly _svg: SVGSVGElement;
  private readonly _sizer: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _title: HTMLElement;
  private _tree: ReportTree | null = null;
  private _scope: IScopeEntry | null = null;
  private readonly _open = new Set<string>();
  /** Keys of the tree entries the flow draws, and their node's element. */
  private readonly _drawn = new Set<string>();
  private readonly _nodeOf = new Map<string, HTMLElement>();
  /** The scope's box, the open boxes, the edges, the other nodes: drawn in this order. */
  private readonly _layers: SVGElement[];
  /** What the last drawing drew, by the ids of `graph.ts` (`_paint` updates it). */
  private _nodeEls = new Map<string, IDrawnNode>();
  private _edgeEls = new Map<string, IDrawnEdge>();
  private _generation = 0;
  private readonly _layouts = new LayoutCache(runElk);
  private _focusAfter: string | null = null;
  /** The box being opened, and the layout drawn last (what opens in place starts from).
   * A layout made in place is kept only here, not in the cache of ELK's answers, and
   * not replaced by ELK's afterwards: that would move the whole picture about a second
   * after the box opened, while it is being read, and hold the worker from the next
   * layout. So a level where several boxes were opened in turn is drawn as they were
   * opened; closing them all returns ELK's. */
  private _opening: string | null = null;
  private _shown: {
    tree: ReportTree;
    scope: IScopeEntry;
    layout: ILayout;
  } | null = null;
  /** While the flow itself selects: the selection is one of its nodes. */
  private _selecting = false;
}

/** A node's element, where it was built and how far it has moved since. */
interface IDrawnNode {
  g: SVGElement;
  sig: string;
  x: number;
  y: number;
  dx: number;
  dy: number;
}

interface IDrawnEdge {
  g: SVGElement;
  path: SVGElement;
  label: SVGElement | null;
  sig: string;
  d: string;
  labelAt: string;
}

/** All a node's element shows but its place: equal, the element is only moved. */
function signature(node: IFlowNode, at: IPlaced): string {
  const badges = node.badges.map(b => b.text).join(' ');
  return [
    node.kind,
    node.open,
    node.side,
    node.key,
    at.width,
    at.height,
    node.label,
    node.detail,
    badges
  ].join('\u0000');
}

/** Put `g` in `parent` before `before`: moved, where the browser can (`moveBefore`),
 * with its focus kept. */
function move(parent: Element, g: Element, before: Element | null): void {
  const moving = parent as Element & { moveBefore?: (node: Node, child: Node | null) => void };
  if (moving.moveBefore && g.isConnected && parent.isConnected) {
    moving.moveBefore(g, before);
  } else {
    parent.insertBefore(g, before);
  }
}

function box(at: { x: number; y: number; width: number; height: number }): Record<string, number> {
  return { x: at.x, y: at.y, width: at.width, height: at.height };
}
