/**
 * A scope's dataflow (`graph.ts`) laid out by the Eclipse Layout Kernel's layered
 * algorithm (made for dataflow diagrams), one box at a time, bottom up, and read back as
 * positions in one frame. No DOM: sizes come from the text's length in the pane's
 * monospace font.
 *
 * - Each level (the scope's box, and each open box in it) is its own flat ELK graph: its
 *   nodes, an open box below it as one fixed-size node whose ports ELK may not move, and
 *   for each tensor crossing its border a small node held in its first layer (entering)
 *   or its last (leaving). The scope's own ports are such nodes, drawn on its border.
 * - An edge crossing box borders is laid out as one segment per level it passes
 *   through, which meet at the boxes' ports, and drawn joined, from its producer to its
 *   consumer.
 * - A level's layout depends only on its ELK input (its own nodes, and the sizes and
 *   ports of the open boxes in it), so `run` (the pane's `LayoutCache`) answers a box
 *   unchanged since the last layout without ELK: opening a box lays out that box and
 *   the levels above it, not its siblings' contents.
 * - A box opened in a level of more than 150 nodes (`IInPlace`, `view.ts`) is opened in
 *   place: that level and the ones above it are not laid out again but made from the
 *   layout drawn before, the rest moved aside for the grown box (`inplace.ts`); ELK lays
 *   out only what the box holds. Closing it again finds ELK's layout in the cache.
 * - Edge labels are placed here, not by ELK (its label dummies cost ~40 % of a large
 *   layout): beside a vertical run of the edge, the last one (above its arrow) first,
 *   clear of nodes and of the labels placed before (found in grid buckets); one label for
 *   the edges of a tensor's fan-out, where they leave the producer; none where no place
 *   is clear (the edge's tooltip holds its shapes). A box opened in place keeps the
 *   labels of the edges moved aside where they were beside them.
 */

import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import type { IFlowEdge, IFlowGraph, IFlowNode } from './graph';
import { inPlace } from './inplace';

/** Width of one character of the pane's 11 px monospace text, and line height. */
export const CHAR = 6.7;
export const LINE = 14;
/** The level of the flow's own scope, whose border holds the ports. */
export const SCOPE = 'scope';

const PAD = 8;
/** Room above an open box's contents for its title. */
const TITLE = LINE + 10;
/** Room above and below the scope's box for its ports' labels. */
const MARGIN = LINE + 6;
/** A port's square; a border crossing's node and port. */
const PORT = 8;
const CROSS = 2;
/** A level of more nodes than this is laid out with less search for fewer crossings. */
const LARGE = 150;
/** Ports' labels are cut to this many characters (the full name is the tooltip). */
export const PORT_CHARS = 28;

export interface IPlaced {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface IPlacedEdge {
  edge: IFlowEdge;
  points: { x: number; y: number }[];
  label: (IPlaced & { text: string }) | null;
}

export interface ILayout {
  /** The scope's box, every node's place (ids of `graph.ts`), all in one frame. */
  scope: IPlaced;
  nodes: Map<string, IPlaced>;
  edges: IPlacedEdge[];
  width: number;
  height: number;
  /** Each level's layout, by its id (the next layout may start from them, `IInPlace`). */
  levels: Map<string, ElkNode>;
}

/** A box opened in place: the large levels that changed with it (those around it, which
 * grew, and those its edges now enter from inside it) are made from their last layout
 * (`inplace.ts`). ELK's answer for their new input is not looked up first: the cache
 * (`cache.ts`) holds one only where the level did not fit its last layout before, and
 * `run` finds it then; keying it by a large level's input (267 kB of JSON on `gradients`)
 * costs 1-14 ms. */
export interface IInPlace {
  /** The box opened, `s:<key>`. */
  opened: string;
  /** The layout drawn before, with the box closed (its levels, and its labels, drawn
   * alike where their edges were only moved aside). */
  last: ILayout;
  /** Levels of no more nodes than this are laid out by ELK all the same. */
  above: number;
}

/** Lays out one ELK graph (ELK itself, or the pane's cache of it). */
export type RunLayout = (graph: ElkNode) => Promise<ElkNode>;

export function cut(text: string, n: number): string {
  return text.length > n ? '…' + text.slice(text.length - n + 1) : text;
}

/** A port's label as the pane draws it, beside its square. */
export function portText(node: IFlowNode): string {
  return `${cut(node.label, PORT_CHARS)} ${node.detail}`;
}

type Point = { x: number; y: number };

/** A level: the scope's box or an open box, with what ELK lays out in it. */
interface ILevel {
  id: string;
  nodes: IFlowNode[];
  /** Its border crossings, by the id of the node that stands for each inside. */
  crossings: Map<string, 'in' | 'out'>;
  /** Its segments' ids, by `from\nto` (each once: edges from one producer share the
   * segments up to where they part). */
  segments: Map<string, string>;
}

export async function layoutFlow(
  flow: IFlowGraph,
  run: RunLayout,
  open?: IInPlace
): Promise<ILayout> {
  const byId = new Map(flow.nodes.map(n => [n.id, n]));
  const levels = new Map<string, ILevel>();
  const level = (id: string): ILevel => {
    let found = levels.get(id);
    if (!found) {
      found = { id, nodes: [], crossings: new Map(), segments: new Map() };
      levels.set(id, found);
    }
    return found;
  };
  level(SCOPE);
  for (const node of flow.nodes) {
    level(node.kind === 'port' ? SCOPE : (node.parent ?? SCOPE)).nodes.push(node);
    if (node.open) {
      level(node.id);
    }
  }
  /** The levels around a node, innermost first, up to the scope's (asked for each end of
   * each edge: made once a node). */
  const arounds = new Map<string, string[]>();
  const around = (id: string): string[] => {
    let out = arounds.get(id);
    if (!out) {
      const parent = byId.get(id)?.parent;
      out = parent ? [parent, ...around(parent)] : [SCOPE];
      arounds.set(id, out);
    }
    return out;
  };
  /** A node's id before the box opened: the box's, for what is inside it. */
  const was = (id: string): string => (open && around(id).includes(open.opened) ? open.opened : id);
  /** The crossings' ids before the box opened, and its own crossings' boxes. */
  const formerly = new Map<string, string>();
  const inner = (box: string, side: 'in' | 'out', key: string): string => {
    const id = `${box}|${side}|${key}`;
    level(box).crossings.set(id, side);
    const old = key.startsWith('>') ? `>${was(key.slice(1))}` : was(key);
    formerly.set(id, box === open?.opened ? box : `${box}|${side}|${old}`);
    return id;
  };
  /** What an id of a level's ELK graph was in the layout before (`inplace.ts`). */
  const former = (id: string): string => {
    const crossing = id.endsWith('|p') ? formerly.get(id.slice(0, -2)) : undefined;
    if (crossing !== undefined) {
      // The opened box's ports were its node.
      return crossing === open?.opened ? crossing : `${crossing}|p`;
    }
    const old = formerly.get(id);
    return old === open?.opened ? id : (old ?? was(id));
  };
  /** The port on box `box`'s node, in the level above it, of a crossing node `id`; the
   * port of a node standing for one of the scope's ports. */
  const port = (id: string): string => `${id}|p`;
  const end = (id: string): string => (byId.get(id)?.kind === 'port' ? port(id) : id);
  const segment = (at: string, from: string, to: string): [string, string] => {
    const key = `${from}\n${to}`;
    const segments = level(at).segments;
    let id = segments.get(key);
    if (id === undefined) {
      id = `e${segments.size}`;
      segments.set(key, id);
    }
    return [at, id];
  };
  // Each edge's route: up from its producer through the borders of the boxes around it,
  // to the innermost level holding both ends, then down into the boxes around its
  // consumer (each with the node inside that it enters: the next box, or the consumer).
  const routes = flow.edges.map(edge => {
    const up = around(edge.source);
    const down = around(edge.target);
    const common = up.find(l => down.includes(l)) ?? SCOPE;
    const boxes = down.slice(0, down.indexOf(common)).reverse();
    const into = boxes.map((_, i) => boxes[i + 1] ?? edge.target);
    return { edge, outs: up.slice(0, up.indexOf(common)), common, boxes, into };
  });
  // A tensor entering a box crosses its border once for all its consumers inside; where
  // fewer nodes inside are entered than producers enter (many variables read by one
  // closed box), once per node entered instead.
  const entering = new Map<string, { sources: Set<string>; into: Set<string> }>();
  for (const { edge, boxes, into } of routes) {
    boxes.forEach((box, i) => {
      const seen = entering.get(box) ?? { sources: new Set(), into: new Set() };
      entering.set(box, seen);
      seen.sources.add(edge.source);
      seen.into.add(into[i]);
    });
  }
  const byInto = new Set(
    [...entering].filter(([, seen]) => seen.into.size < seen.sources.size).map(([box]) => box)
  );
  const paths = new Map<IFlowEdge, [string, string][]>();
  for (const { edge, outs, common, boxes, into } of routes) {
    const path: [string, string][] = [];
    let from = end(edge.source);
    for (const box of outs) {
      const out = inner(box, 'out', edge.source);
      path.push(segment(box, from, out));
      from = port(out);
    }
    const ins = boxes.map((box, i) =>
      inner(box, 'in', byInto.has(box) ? `>${into[i]}` : edge.source)
    );
    path.push(segment(common, from, ins.length ? port(ins[0]) : end(edge.target)));
    ins.forEach((id, i) => {
      path.push(segment(boxes[i], id, i + 1 < ins.length ? port(ins[i + 1]) : end(edge.target)));
    });
    paths.set(edge, path);
  }

  const laidOut = new Map<string, ElkNode>();
  const lay = async (l: ILevel): Promise<ElkNode> => {
    await Promise.all(l.nodes.filter(n => n.open).map(n => lay(levels.get(n.id)!)));
    const graph = elkLevel(l, laidOut);
    const last = open?.last.levels.get(l.id);
    const moved =
      open && last && (graph.children?.length ?? 0) > open.above
        ? inPlace(graph, last, former)
        : null;
    const result = moved || (await run(graph));
    laidOut.set(l.id, result);
    return result;
  };
  const top = await lay(levels.get(SCOPE)!);
  const kept = open ? keptLabels(open.last) : new Map<string, IKeptLabel>();
  return placeAll(flow, levels, laidOut, paths, top, kept);
}

/** A level's ELK graph; the open boxes in it are laid out (`laidOut`). */
function elkLevel(l: ILevel, laidOut: Map<string, ElkNode>): ElkNode {
  const count = l.nodes.length + l.crossings.size;
  const children: ElkNode[] = l.nodes.map(node => {
    if (node.kind === 'port') {
      // On the scope's border: held in its first or last layer, as wide as its label.
      const south = node.side === 'in';
      return {
        id: node.id,
        width: PORT + 3 + Math.ceil(portText(node).length * CHAR),
        height: PORT,
        layoutOptions: {
          'elk.layered.layering.layerConstraint': south ? 'FIRST' : 'LAST',
          'elk.portConstraints': 'FIXED_POS'
        },
        ports: [
          {
            id: `${node.id}|p`,
            width: CROSS,
            height: CROSS,
            x: PORT / 2 - CROSS / 2,
            y: south ? PORT : -CROSS,
            layoutOptions: { 'elk.port.side': south ? 'SOUTH' : 'NORTH' }
          }
        ]
      };
    }
    const box = node.open ? laidOut.get(node.id) : undefined;
    if (!box) {
      return { id: node.id, ...size(node) };
    }
    const ports: ElkPort[] = [];
    for (const child of box.children ?? []) {
      const side = child.id.startsWith(`${node.id}|in|`)
        ? 'in'
        : child.id.startsWith(`${node.id}|out|`)
          ? 'out'
          : null;
      if (side) {
        ports.push({
          id: `${child.id}|p`,
          width: CROSS,
          height: CROSS,
          x: child.x ?? 0,
          y: side === 'in' ? -CROSS : (box.height ?? 0),
          layoutOptions: { 'elk.port.side': side === 'in' ? 'NORTH' : 'SOUTH' }
        });
      }
    }
    const fixed: ElkNode = {
      id: node.id,
      width: box.width ?? 0,
      height: box.height ?? 0,
      ports,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' }
    };
    return fixed;
  });
  for (const [id, side] of l.crossings) {
    children.push({
      id,
      width: CROSS,
      height: CROSS,
      layoutOptions: { 'elk.layered.layering.layerConstraint': side === 'in' ? 'FIRST' : 'LAST' }
    });
  }
  const edges: ElkExtendedEdge[] = [];
  for (const [key, id] of l.segments) {
    const [from, to] = key.split('\n');
    edges.push({ id, sources: [from], targets: [to] });
  }
  return {
    id: l.id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      // Fewer sweeps than ELK's default (7): a few times faster on a level of thousands
      // of nodes (benchmarks/flow_scale.py), for a few more crossings.
      'elk.layered.thoroughness': count > LARGE ? '1' : '4',
      'elk.spacing.nodeNode': '16',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.padding': `[top=${TITLE},left=${PAD},bottom=${PAD},right=${PAD}]`
    },
    children,
    edges
  };
}

/** A closed node's size: its two lines of text. */
function size(node: IFlowNode): { width: number; height: number } {
  const badges = node.badges.reduce((n, b) => n + b.text.length + 2, 0);
  const chars = Math.max(node.label.length, node.detail.length + badges);
  return { width: Math.ceil(chars * CHAR) + 2 * PAD, height: 2 * LINE + 8 };
}

/** The levels' layouts in one frame: each box's contents moved to where the level above
 * put the box, each edge's segments joined, its label placed. */
function placeAll(
  flow: IFlowGraph,
  levels: Map<string, ILevel>,
  laidOut: Map<string, ElkNode>,
  paths: Map<IFlowEdge, [string, string][]>,
  top: ElkNode,
  kept: Map<string, IKeptLabel>
): ILayout {
  const byId = new Map(flow.nodes.map(n => [n.id, n]));
  const scope: IPlaced = { x: 0, y: MARGIN, width: top.width ?? 0, height: top.height ?? 0 };
  const nodes = new Map<string, IPlaced>();
  const routes = new Map<string, Point[]>();
  const visit = (l: ILevel, result: ElkNode, dx: number, dy: number): void => {
    for (const child of result.children ?? []) {
      const place = {
        x: dx + (child.x ?? 0),
        y: dy + (child.y ?? 0),
        width: child.width ?? 0,
        height: child.height ?? 0
      };
      const node = byId.get(child.id);
      if (node?.kind === 'port') {
        // Its square on the scope's border, its edges run to it.
        const y = node.side === 'in' ? scope.y : scope.y + scope.height;
        nodes.set(child.id, { x: place.x, y: y - PORT / 2, width: PORT, height: PORT });
      } else if (node) {
        nodes.set(child.id, place);
        if (node.open) {
          visit(levels.get(node.id)!, laidOut.get(node.id)!, place.x, place.y);
        }
      }
    }
    const at = (p: Point): Point => ({ x: dx + p.x, y: dy + p.y });
    for (const e of result.edges ?? []) {
      const section = e.sections?.[0];
      if (section) {
        const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
        routes.set(`${l.id}\n${e.id}`, points.map(at));
      }
    }
  };
  visit(levels.get(SCOPE)!, top, scope.x, scope.y);
  const edges: IPlacedEdge[] = [];
  for (const edge of flow.edges) {
    const points: Point[] = [];
    for (const [at, id] of paths.get(edge) ?? []) {
      for (const p of routes.get(`${at}\n${id}`) ?? []) {
        const last = points[points.length - 1];
        if (!last || last.x !== p.x || last.y !== p.y) {
          points.push(p);
        }
      }
    }
    if (points.length < 2) {
      continue;
    }
    // From a port's square, to one.
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (source?.kind === 'port') {
      const square = nodes.get(source.id)!;
      points.unshift({ x: points[0].x, y: square.y + square.height });
    }
    if (target?.kind === 'port') {
      points.push({ x: points[points.length - 1].x, y: nodes.get(target.id)!.y });
    }
    edges.push({ edge, points, label: null });
  }
  placeLabels(edges, nodes, flow, kept);
  return {
    scope,
    nodes,
    edges,
    width: scope.width,
    height: scope.height + 2 * MARGIN,
    levels: laidOut
  };
}

/** Grid cells of the labels' collision index: about a label's size. */
const CELL_W = 96;
const CELL_H = 2 * LINE;
/** Candidate places tried per vertical run and per edge, before the label is dropped. */
const PER_RUN = 24;
const PER_EDGE = 96;

/** Boxes in grid buckets: whether a box is clear of all those added is a look at the few
 * cells it covers, so placing a large flow's labels stays linear. */
class Occupied {
  add(box: IPlaced): void {
    this._cells(box, key => {
      const cell = this._grid.get(key);
      if (cell) {
        cell.push(box);
      } else {
        this._grid.set(key, [box]);
      }
    });
  }

  free(box: IPlaced): boolean {
    let clear = true;
    this._cells(box, key => {
      for (const other of this._grid.get(key) ?? []) {
        if (
          box.x < other.x + other.width &&
          other.x < box.x + box.width &&
          box.y < other.y + other.height &&
          other.y < box.y + box.height
        ) {
          clear = false;
        }
      }
    });
    return clear;
  }

  private _cells(box: IPlaced, visit: (key: number) => void): void {
    const [x0, x1] = [Math.floor(box.x / CELL_W), Math.floor((box.x + box.width) / CELL_W)];
    const [y0, y1] = [Math.floor(box.y / CELL_H), Math.floor((box.y + box.height) / CELL_H)];
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        visit(cx * 1_000_003 + cy);
      }
    }
  }

  private readonly _grid = new Map<number, IPlaced[]>();
}

/** An edge's vertical runs, last (nearest its arrow) first: [x, top, bottom]. */
function verticalRuns(points: Point[]): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let i = points.length - 2; i >= 0; i--) {
    const [a, b] = [points[i], points[i + 1]];
    if (Math.abs(a.x - b.x) < 1.5 && a.y !== b.y) {
      runs.push([(a.x + b.x) / 2, Math.min(a.y, b.y), Math.max(a.y, b.y)]);
    }
  }
  return runs;
}

/** Each label beside a vertical run of its edge (right of it, else left), clear of the
 * nodes and of the labels placed before: first as low as it goes on the last run, above
 * the arrow, then up that run and the runs before it. The edges from one producer with
 * the same shapes (a tensor's fan-out) share one label, beside the run that leaves the
 * producer; a label with no clear place is not drawn (the edge's tooltip has it). Where a
 * box opened in place, the labels of the layout before (`kept`) are put back beside their
 * edges first, the others placed around them. */
function placeLabels(
  edges: IPlacedEdge[],
  nodes: Map<string, IPlaced>,
  flow: IFlowGraph,
  kept: Map<string, IKeptLabel>
): void {
  const taken = new Occupied();
  for (const node of flow.nodes) {
    if (!node.open) {
      taken.add(nodes.get(node.id)!);
    }
  }
  const groups = labelGroups(edges);
  const left: IPlacedEdge[][] = [];
  for (const [key, group] of groups) {
    const found = keep(group, kept.get(key));
    if (found && taken.free(found[1])) {
      taken.add(found[1]);
      found[0].label = { text: group[0].edge.label, ...found[1] };
    } else {
      left.push(group);
    }
  }
  for (const group of left) {
    const text = group[0].edge.label;
    const width = text.length * CHAR;
    // A fan-out: its label where its edges leave the producer, outermost first.
    const runs =
      group.length === 1
        ? verticalRuns(group[0].points).map(run => [group[0], run, 'up'] as const)
        : group
            .map(e => [e, verticalRuns(e.points).reverse()[0]] as const)
            .filter(([, run]) => run)
            .sort(([, a], [, b]) => b[0] - a[0])
            .map(([e, run]) => [e, run, 'down'] as const);
    let tries = 0;
    const place = (): [IPlacedEdge, IPlaced] | null => {
      for (const [placed, [line, top, bottom], way] of runs) {
        // Its middle beside the run; a run shorter than a line, the label centred on it.
        const [first, step] = way === 'up' ? [bottom - LINE - 4, -LINE] : [top + 4, LINE];
        const ys: number[] = [];
        for (
          let y = first;
          ys.length < PER_RUN && Math.abs(y + LINE / 2 - (top + bottom) / 2) <= (bottom - top) / 2;
          y += step
        ) {
          ys.push(y);
        }
        for (const y of ys.length ? ys : [(top + bottom - LINE) / 2]) {
          if (tries >= PER_EDGE) {
            return null;
          }
          for (const x of [line + 3, line - 3 - width]) {
            tries++;
            const box = { x, y, width, height: LINE };
            if (taken.free(box)) {
              return [placed, box];
            }
          }
        }
      }
      return null;
    };
    const found = place();
    if (found) {
      taken.add(found[1]);
      found[0].label = { text, ...found[1] };
    }
  }
}

/** The edges of each tensor's label: one producer, the same shapes (a fan-out shares one
 * label), by `source\nshapes`. */
function labelGroups(edges: IPlacedEdge[]): Map<string, IPlacedEdge[]> {
  const groups = new Map<string, IPlacedEdge[]>();
  for (const placed of edges) {
    if (placed.edge.label) {
      const key = `${placed.edge.source}\n${placed.edge.label}`;
      const group = groups.get(key);
      if (group) {
        group.push(placed);
      } else {
        groups.set(key, [placed]);
      }
    }
  }
  return groups;
}

/** Where a label was drawn: beside which edge, the x of its vertical run there, on which
 * side, how far above the run's lower end; and the edges it stood for. */
interface IKeptLabel {
  edges: string;
  edge: string;
  x: number;
  right: boolean;
  above: number;
}

/** The labels of a layout, by their group, as `keep` finds them again on a layout whose
 * edges were moved aside (a box opened in place): placing them anew is most of joining
 * the levels' layouts, and each would be put somewhere else. */
function keptLabels(layout: ILayout): Map<string, IKeptLabel> {
  const kept = new Map<string, IKeptLabel>();
  for (const [key, group] of labelGroups(layout.edges)) {
    const holder = group.find(e => e.label);
    const label = holder?.label;
    if (!holder || !label) {
      continue;
    }
    const middle = label.y + label.height / 2;
    const runs = verticalRuns(holder.points);
    const run = runs.findIndex(
      ([x, top, bottom]) =>
        (near(label.x, x + 3) || near(label.x + label.width + 3, x)) &&
        middle >= top &&
        middle <= bottom
    );
    if (run >= 0) {
      kept.set(key, {
        edges: group.map(e => e.edge.id).join('\n'),
        edge: holder.edge.id,
        x: runs[run][0],
        right: label.x > runs[run][0],
        above: runs[run][2] - label.y
      });
    }
  }
  return kept;
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.01;
}

/** A group's label where it was (`kept`), if its edges are the same: beside the vertical
 * run of its edge nearest the one it was beside (a run moved aside, or stretched where it
 * crosses the box's row or column; not a jog made beside a moved end, which is too short
 * for it), as far above the run's lower end. Whether it is clear of the others is for the
 * caller. */
function keep(group: IPlacedEdge[], kept: IKeptLabel | undefined): [IPlacedEdge, IPlaced] | null {
  const holder = kept && group.find(e => e.edge.id === kept.edge);
  if (!holder || group.map(e => e.edge.id).join('\n') !== kept.edges) {
    return null;
  }
  const width = holder.edge.label.length * CHAR;
  let best: IPlaced | null = null;
  for (const [x, top, bottom] of verticalRuns(holder.points)) {
    const y = bottom - kept.above;
    const fits = y + LINE / 2 >= top && y + LINE / 2 <= bottom;
    if (fits && (!best || Math.abs(x - kept.x) < Math.abs(best.x - kept.x))) {
      best = { x, y, width, height: LINE };
    }
  }
  return best && [holder, { ...best, x: kept.right ? best.x + 3 : best.x - 3 - width }];
}
