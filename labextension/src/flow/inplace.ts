/**
 * Opening a box in place: a level's new layout made from its last one without ELK
 * (`layout.ts` uses it for large levels, where ELK takes most of a second).
 *
 * The boxes and nodes of the level that changed size (the box opened, or the open box
 * holding it, and a port whose label changed with it) keep their corner; the rest of the
 * level moves aside by a piecewise translation: for a child at (x, y) grown by (dw, dh),
 * every point with x ≥ its old right side moves right by dw and every point with y ≥ its
 * old bottom moves down by dh. Orthogonal runs stay orthogonal (the two ends of a
 * horizontal run share y, so move alike), nothing lands in the grown child (what was
 * right of or below it still is), and two nodes apart stay apart (the map keeps each
 * axis' order). An edge's ends follow their node or port, with a short jog beside it
 * where the run next to it no longer lines up.
 *
 * `null` where the last layout does not fit (a node or a segment it did not have, an end
 * on another side of the box than its new port): the level is laid out by ELK instead.
 */

import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';

type Point = { x: number; y: number };

/** How far from its node a jog runs. */
const JOG = 6;

/**
 * `graph`: the level's ELK input now; `last`: the layout drawn before; `former`: the id
 * a node, port or crossing of `graph` had in `last` (the box opened for what was inside
 * it, the box's node for its ports).
 */
export function inPlace(
  graph: ElkNode,
  last: ElkNode,
  former: (id: string) => string
): ElkNode | null {
  const before = new Map((last.children ?? []).map(c => [c.id, c]));
  const olds: ElkNode[] = [];
  /** Each child grown: its old sides right and bottom (where the ones before it moved
   * them), and by how much. */
  const grown: { right: number; bottom: number; dw: number; dh: number }[] = [];
  const map = (p: Point, n = grown.length): Point => {
    let { x, y } = p;
    for (let i = 0; i < n; i++) {
      const g = grown[i];
      x += x >= g.right ? g.dw : 0;
      y += y >= g.bottom ? g.dh : 0;
    }
    return { x, y };
  };
  for (const child of graph.children ?? []) {
    const old = before.get(former(child.id));
    if (!old) {
      return null;
    }
    olds.push(old);
    const dw = (child.width ?? 0) - (old.width ?? 0);
    const dh = (child.height ?? 0) - (old.height ?? 0);
    if (dw > 0 || dh > 0) {
      const corner = map({ x: old.x ?? 0, y: old.y ?? 0 });
      grown.push({
        right: corner.x + (old.width ?? 0),
        bottom: corner.y + (old.height ?? 0),
        dw: Math.max(dw, 0),
        dh: Math.max(dh, 0)
      });
    }
  }
  // Each child as ELK places it (not a copy of its input: spreading a thousand objects
  // of several shapes was a tenth of opening a box in `gradients`).
  const children: ElkNode[] = (graph.children ?? []).map((child, i) => {
    const at = map({ x: olds[i].x ?? 0, y: olds[i].y ?? 0 });
    const { id, width, height } = child;
    return { id, width, height, x: at.x, y: at.y, ports: child.ports ?? olds[i].ports };
  });
  const placed = new Map(children.map((c, i) => [c.id, { node: c, old: olds[i] }]));
  const portOf = new Map<string, { node: ElkNode; port: ElkPort }>();
  for (const node of children) {
    for (const port of node.ports ?? []) {
      portOf.set(port.id, { node, port });
    }
  }
  const routes = new Map<string, Point[]>();
  for (const e of last.edges ?? []) {
    const s = e.sections?.[0];
    if (s) {
      routes.set(`${e.sources[0]}\n${e.targets[0]}`, [
        s.startPoint,
        ...(s.bendPoints ?? []),
        s.endPoint
      ]);
    }
  }
  const edges: ElkExtendedEdge[] = [];
  for (const edge of graph.edges ?? []) {
    const [from, to] = [edge.sources[0], edge.targets[0]];
    const old = routes.get(`${former(from)}\n${former(to)}`);
    if (!old || old.length < 2) {
      return null;
    }
    const start = end(from, old[0], 'out');
    const stop = end(to, old[old.length - 1], 'in');
    if (!start || !stop) {
      return null;
    }
    const points = joined(
      old,
      start,
      stop,
      old.slice(1, -1).map(p => map(p))
    );
    edges.push({
      id: edge.id,
      sources: edge.sources,
      targets: edge.targets,
      sections: [
        {
          id: `${edge.id}_s0`,
          startPoint: points[0],
          endPoint: points[points.length - 1],
          bendPoints: points.slice(1, -1)
        }
      ]
    });
  }
  const size = map({ x: last.width ?? 0, y: last.height ?? 0 });
  return { id: graph.id, width: size.x, height: size.y, children, edges };

  /** Where an edge now leaves (`out`) or enters (`in`) node or port `id`, whose end was
   * at `was`; `null` for an end on a side its new port is not on. */
  function end(id: string, was: Point, way: 'in' | 'out'): Point | null {
    const onPort = portOf.get(id);
    if (onPort) {
      const { node, port } = onPort;
      const north = port.layoutOptions?.['elk.port.side'] === 'NORTH';
      const at = {
        x: (node.x ?? 0) + (port.x ?? 0) + (port.width ?? 0) / 2,
        y: (node.y ?? 0) + (port.y ?? 0) + (north ? 0 : (port.height ?? 0))
      };
      const old = placed.get(node.id)!.old;
      if (!old.ports?.length) {
        // A box just opened: its ends were on its border, the side its port is on.
        const side = north ? (old.y ?? 0) : (old.y ?? 0) + (old.height ?? 0);
        if (Math.abs(was.y - side) > 1 || (way === 'in') !== north) {
          return null;
        }
      }
      return at;
    }
    const found = placed.get(id);
    if (!found) {
      return null;
    }
    return {
      x: was.x + (found.node.x ?? 0) - (found.old.x ?? 0),
      y: was.y + (found.node.y ?? 0) - (found.old.y ?? 0)
    };
  }
}

/** A route from `start` through `middle` to `stop`, the runs at its ends jogged where
 * they no longer line up (`old`: the route before, whose runs say which way each goes). */
function joined(old: Point[], start: Point, stop: Point, middle: Point[]): Point[] {
  const n = old.length;
  const vertical = (a: Point, b: Point): boolean => Math.abs(a.x - b.x) < Math.abs(a.y - b.y);
  const points = [start];
  if (!middle.length) {
    // One run, both its ends moved: a jog halfway along it.
    elbow(points, start, stop, vertical(old[0], old[1]), 0.5);
  } else {
    elbow(points, start, middle[0], vertical(old[0], old[1]), 0);
    points.push(...middle);
    elbow(points, middle[middle.length - 1], stop, vertical(old[n - 2], old[n - 1]), 1);
  }
  points.push(stop);
  return points.filter((p, i) => !i || p.x !== points[i - 1].x || p.y !== points[i - 1].y);
}

/** Between `a` and `b` on a run that was vertical (or horizontal), the two corners of a
 * jog: at `JOG` from `a` (where = 0), from `b` (1), or halfway. */
function elbow(points: Point[], a: Point, b: Point, vertical: boolean, where: number): void {
  if (vertical ? a.x === b.x : a.y === b.y) {
    return;
  }
  const [from, to] = vertical ? [a.y, b.y] : [a.x, b.x];
  const step = Math.sign(to - from) * Math.min(JOG, Math.abs(to - from) / 2);
  const at = where === 0 ? from + step : where === 1 ? to - step : (from + to) / 2;
  points.push(
    ...(vertical
      ? [
          { x: a.x, y: at },
          { x: b.x, y: at }
        ]
      : [
          { x: at, y: a.y },
          { x: at, y: b.y }
        ])
  );
}
