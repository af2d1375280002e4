/**
 * A scope's dataflow (`graph.ts`) as the Eclipse Layout Kernel's input, and its answer
 * read back as positions: ELK's layered algorithm, made for dataflow diagrams, lays out
 * nested boxes (open child scopes) and ports on the scope's border in one pass. No DOM:
 * sizes come from the text's length in the pane's monospace font.
 */

import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { IFlowEdge, IFlowGraph, IFlowNode } from './graph';

/** Width of one character of the pane's 11 px monospace text, and line height. */
export const CHAR = 6.7;
export const LINE = 14;
/** The id of the box of the flow's own scope, whose border holds the ports. */
export const SCOPE = 'scope';

const PAD = 8;
/** Room above an open box's contents for its title. */
const TITLE = LINE + 10;
/** A flow of more nodes than this is laid out with less search for fewer crossings. */
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
}

export function cut(text: string, n: number): string {
  return text.length > n ? '…' + text.slice(text.length - n + 1) : text;
}

/** The ELK graph of a flow: its scope as one box with its ports, nodes nested as the
 * open boxes nest them, every edge at the top (ELK places it, hierarchy included). */
export function elkGraph(flow: IFlowGraph): ElkNode {
  const elk = new Map<string, ElkNode>();
  const layered = {
    'elk.algorithm': 'layered',
    'elk.direction': 'DOWN',
    // Fewer sweeps than ELK's default (7): a few times faster on a scope of thousands
    // of ops (benchmarks/flow_scale.py), for a few more crossings.
    'elk.layered.thoroughness': flow.nodes.length > LARGE ? '1' : '4',
    'elk.spacing.nodeNode': '16',
    'elk.layered.spacing.nodeNodeBetweenLayers': '28',
    'elk.spacing.edgeLabel': '2',
    'elk.edgeLabels.inline': 'true'
  };
  const scope: ElkNode = {
    id: SCOPE,
    children: [],
    ports: [],
    layoutOptions: {
      // Laid out alone (no box open), the scope's box takes only its own options, not
      // the root's: without these its flow ran left to right, at ELK's 7 sweeps.
      ...layered,
      'elk.padding': `[top=${TITLE},left=${PAD},bottom=${PAD},right=${PAD}]`,
      'elk.portConstraints': 'FIXED_SIDE',
      'elk.portLabels.placement': 'INSIDE'
    }
  };
  for (const node of flow.nodes) {
    if (node.kind === 'port') {
      const text = cut(node.label, PORT_CHARS);
      scope.ports!.push({
        id: node.id,
        width: 8,
        height: 8,
        layoutOptions: { 'elk.port.side': node.side === 'in' ? 'NORTH' : 'SOUTH' },
        labels: [{ text, width: text.length * CHAR, height: LINE }]
      });
      continue;
    }
    elk.set(node.id, {
      id: node.id,
      ...(node.open
        ? {
            children: [],
            layoutOptions: {
              'elk.padding': `[top=${TITLE},left=${PAD},bottom=${PAD},right=${PAD}]`
            }
          }
        : size(node))
    });
  }
  for (const node of flow.nodes) {
    const shape = elk.get(node.id);
    if (shape) {
      const parent = node.parent ? elk.get(node.parent) : scope;
      (parent ?? scope).children!.push(shape);
    }
  }
  const edges: ElkExtendedEdge[] = flow.edges.map(edge => ({
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    labels: edge.label ? [{ text: edge.label, width: edge.label.length * CHAR, height: LINE }] : []
  }));
  return {
    id: 'root',
    layoutOptions: {
      ...layered,
      // Edges into open boxes are laid out with them; without one, the scope's box alone.
      'elk.hierarchyHandling': flow.nodes.some(n => n.open)
        ? 'INCLUDE_CHILDREN'
        : 'SEPARATE_CHILDREN'
    },
    children: [scope],
    edges
  };
}

/** A closed node's size: its two lines of text. */
function size(node: IFlowNode): { width: number; height: number } {
  const badges = node.badges.reduce((n, b) => n + b.text.length + 2, 0);
  const chars = Math.max(node.label.length, node.detail.length + badges);
  return { width: Math.ceil(chars * CHAR) + 2 * PAD, height: 2 * LINE + 8 };
}

/** ELK's answer, read as the pane draws it: in one frame. ELK gives a node's place in
 * its parent's frame, a port's in its node's, and an edge's in the frame of the innermost
 * box that holds both its ends. */
export function placed(flow: IFlowGraph, laidOut: ElkNode): ILayout {
  const nodes = new Map<string, IPlaced>();
  let scopeBox: IPlaced = { x: 0, y: 0, width: 0, height: 0 };
  const visit = (node: ElkNode, dx: number, dy: number): void => {
    const box = {
      x: dx + (node.x ?? 0),
      y: dy + (node.y ?? 0),
      width: node.width ?? 0,
      height: node.height ?? 0
    };
    if (node.id === SCOPE) {
      scopeBox = box;
    } else if (node.id !== 'root') {
      nodes.set(node.id, box);
    }
    for (const port of node.ports ?? []) {
      nodes.set(port.id, {
        x: box.x + (port.x ?? 0),
        y: box.y + (port.y ?? 0),
        width: port.width ?? 0,
        height: port.height ?? 0
      });
    }
    for (const child of node.children ?? []) {
      visit(child, box.x, box.y);
    }
  };
  visit(laidOut, 0, 0);
  const parent = new Map(flow.nodes.map(n => [n.id, n.parent]));
  /** The boxes around a node, innermost first, up to the scope's (`null`). */
  const around = (id: string): (string | null)[] => {
    const out: (string | null)[] = [];
    for (let p = parent.get(id) ?? null; p; p = parent.get(p) ?? null) {
      out.push(p);
    }
    return [...out, null];
  };
  const frame = (edge: IFlowEdge): IPlaced => {
    const outer = new Set(around(edge.target));
    const common = around(edge.source).find(box => outer.has(box)) ?? null;
    return (common && nodes.get(common)) || scopeBox;
  };
  const byId = new Map(flow.edges.map(e => [e.id, e]));
  const edges: IPlacedEdge[] = [];
  const collect = (node: ElkNode): void => {
    for (const e of node.edges ?? []) {
      const edge = byId.get(e.id);
      const section = e.sections?.[0];
      if (!edge || !section) {
        continue;
      }
      const { x: dx, y: dy } = frame(edge);
      const at = (p: { x: number; y: number }): { x: number; y: number } => ({
        x: dx + p.x,
        y: dy + p.y
      });
      const label = e.labels?.[0];
      edges.push({
        edge,
        points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(at),
        label: label
          ? {
              text: label.text ?? '',
              ...at({ x: label.x ?? 0, y: label.y ?? 0 }),
              width: label.width ?? 0,
              height: label.height ?? 0
            }
          : null
      });
    }
    node.children?.forEach(collect);
  };
  collect(laidOut);
  return {
    scope: scopeBox,
    nodes,
    edges,
    width: laidOut.width ?? 0,
    height: laidOut.height ?? 0
  };
}
