import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { LayoutCache } from '../src/flow/cache';
import { type IFlowGraph, scopeFlow } from '../src/flow/graph';
import {
  type ILayout,
  type IPlaced,
  type IPlacedEdge,
  layoutFlow,
  type RunLayout
} from '../src/flow/layout';
import type { IScopeEntry } from '../src/tree/entries';
import { ReportTree } from '../src/tree/report';
import { allOpen, flowGolden, scopeNamed } from './fixtures';

/** A real recorded graph (tests/test_flow.py), laid out by the real ELK, in this process;
 * and TF's own `op.inputs` pairs per scope. */
const golden = flowGolden();

const elk = new ELK();
/** ELK in this process writes its answer into its input: it lays out a copy. */
const run: RunLayout = graph => elk.layout(structuredClone(graph));

/** A cache that records the ids of the levels ELK was asked to lay out. */
function counted(): { cache: LayoutCache; runs: string[] } {
  const runs: string[] = [];
  const cache = new LayoutCache(graph => {
    runs.push(graph.id);
    return run(graph);
  });
  return { cache, runs };
}

describe('the flow pane’s layout cache', () => {
  const tree = new ReportTree(golden.document);
  const model = scopeNamed(tree, 'model');

  it('opening then closing a box lays out the box and the level above it, then nothing', async () => {
    const { cache, runs } = counted();
    const layout = (open: Set<string>): Promise<ILayout> =>
      layoutFlow(scopeFlow(tree, tree.root, open), g => cache.layout(g));
    const first = await layout(new Set());
    expect(runs).toEqual(['scope']);
    const opened = await layout(new Set([model.key]));
    expect(runs).toEqual(['scope', `s:${model.key}`, 'scope']);
    const again = await layout(new Set());
    expect(runs).toHaveLength(3);
    expect(again).toEqual(first);
    expect(opened.nodes.size).toBeGreaterThan(first.nodes.size);
    // What the cache relies on: ELK gives an equal input the same places (as drawn).
    // (Its answers carry ELK's own object ids, `$H`, which differ.)
    const drawn = ({ levels: _, ...rest }: ILayout): Omit<ILayout, 'levels'> => rest;
    expect(drawn(await layoutFlow(scopeFlow(tree, tree.root), run))).toEqual(drawn(first));
  });

  it('keeps the last few levels, and does not keep a failed one', async () => {
    let runs = 0;
    let fail = true;
    const cache = new LayoutCache(graph => {
      runs += 1;
      return fail ? Promise.reject(new Error('no worker')) : run(graph);
    }, 1);
    const flow = scopeFlow(tree, tree.root);
    const lay = (f: IFlowGraph): Promise<ILayout> => layoutFlow(f, g => cache.layout(g));
    await expect(lay(flow)).rejects.toThrow('no worker');
    fail = false;
    expect((await lay(flow)).nodes.size).toBe(flow.nodes.length);
    await lay(scopeFlow(tree, model));
    await lay(flow); // dropped by the one after it
    expect(runs).toBe(4);
  });

  it('reuses an open box’s layout unchanged when its sibling opens', async () => {
    const { cache, runs } = counted();
    const [enc, layer, dec] = ['model/enc', 'model/enc/layer', 'model/dec'].map(name =>
      scopeNamed(tree, name)
    );
    const layout = (open: string[]): Promise<ILayout> =>
      layoutFlow(scopeFlow(tree, model, new Set(open)), g => cache.layout(g));
    const one = await layout([enc.key, layer.key]);
    runs.length = 0;
    const two = await layout([enc.key, layer.key, dec.key]);
    // The sibling and the levels above it; not the box already open, nor the one in it.
    expect(runs).toEqual([`s:${dec.key}`, 'scope']);
    const below = scopeFlow(tree, model, new Set([enc.key, layer.key]))
      .nodes.filter(n => n.parent === `s:${enc.key}` || n.parent === `s:${layer.key}`)
      .map(n => n.id);
    const inside = (at: ILayout): [string, number, number][] => {
      const frame = at.nodes.get(`s:${enc.key}`)!;
      return below.map(id => [id, at.nodes.get(id)!.x - frame.x, at.nodes.get(id)!.y - frame.y]);
    };
    expect(below.length).toBeGreaterThan(2);
    expect(inside(two)).toEqual(inside(one));
    expect(two.nodes.get(`s:${enc.key}`)!.width).toBe(one.nodes.get(`s:${enc.key}`)!.width);
  });
});

describe('the border of an open box', () => {
  const tree = new ReportTree(golden.document);

  it('is crossed once by edges from several producers into one node inside it', async () => {
    const enc = scopeNamed(tree, 'model/enc');
    const flow = scopeFlow(tree, scopeNamed(tree, 'model'), new Set([enc.key]));
    const graphs: ElkNode[] = [];
    const at = await layoutFlow(flow, graph => {
      graphs.push(graph);
      return run(graph);
    });
    const [box] = graphs.filter(g => g.id === `s:${enc.key}`);
    const crossings = box.children!.filter(c => c.id.startsWith(`${box.id}|in|`));
    expect(crossings).toHaveLength(1);
    // The variable and the port x, each drawn to the box inside (enc/layer).
    const layer = `s:${scopeNamed(tree, 'model/enc/layer').key}`;
    const into = at.edges.filter(e => e.edge.target === layer);
    expect(into.map(e => flow.nodes.find(n => n.id === e.edge.source)!.kind).sort()).toEqual([
      'port',
      'variable'
    ]);
    for (const { points } of into) {
      expect(onBorder(points[points.length - 1], at.nodes.get(layer)!)).toBe(true);
    }
  });
});

/** Whether point `p` lies on the border of `box` (within a few pixels). */
function onBorder(p: { x: number; y: number }, box: IPlaced): boolean {
  const near = 3;
  const inX = p.x >= box.x - near && p.x <= box.x + box.width + near;
  const inY = p.y >= box.y - near && p.y <= box.y + box.height + near;
  const edgeX = Math.abs(p.x - box.x) <= near || Math.abs(p.x - box.x - box.width) <= near;
  const edgeY = Math.abs(p.y - box.y) <= near || Math.abs(p.y - box.y - box.height) <= near;
  return inX && inY && (edgeX || edgeY);
}

describe('the flow’s layout', () => {
  const tree = new ReportTree(golden.document);

  it.each([
    ['closed', new Set<string>()],
    ['open', new Set([scopeNamed(tree, 'model/enc').key])]
  ])(
    'runs top down with its boxes %s: each tensor’s producer above its consumer',
    async (_, open) => {
      const flow = scopeFlow(tree, scopeNamed(tree, 'model'), open);
      const at = await layoutFlow(flow, run);
      const ends = flow.edges.filter(e => e.kind === 'input');
      expect(ends.length).toBeGreaterThan(2);
      for (const edge of ends) {
        const [source, target] = [at.nodes.get(edge.source)!, at.nodes.get(edge.target)!];
        expect(source.y + source.height, edge.id).toBeLessThanOrEqual(target.y);
      }
    }
  );

  it.each(Object.keys(golden.pairs))(
    'draws scope "%s" with its boxes closed: labels clear of each other and of nodes',
    async name => {
      const flow = scopeFlow(tree, scopeNamed(tree, name), new Set());
      checkDrawn(tree, flow, await layoutFlow(flow, run), null);
    }
  );

  it('labels a tensor’s fan-out once, where its edges leave the producer', async () => {
    const scope = scopeNamed(tree, '');
    const flow = scopeFlow(tree, scope, allOpen(scope));
    const at = await layoutFlow(flow, run);
    const bySource = new Map<string, IPlacedEdge[]>();
    for (const e of at.edges.filter(e => e.edge.label)) {
      const key = `${e.edge.source} ${e.edge.label}`;
      bySource.set(key, [...(bySource.get(key) ?? []), e]);
    }
    const fanOuts = [...bySource.values()].filter(g => g.length > 1);
    expect(fanOuts.length).toBeGreaterThan(0);
    for (const group of fanOuts) {
      const [drawn] = group.flatMap(e => (e.label ? [e.label] : []));
      const producer = at.nodes.get(group[0].edge.source)!;
      expect(drawn.y, group[0].edge.id).toBeCloseTo(producer.y + producer.height + 4);
    }
  });

  it.each(Object.keys(golden.pairs))(
    'joins the segments of edges crossing open boxes into TF’s op.inputs of scope "%s"',
    async name => {
      const scope = scopeNamed(tree, name);
      const flow = scopeFlow(tree, scope, allOpen(scope));
      checkDrawn(tree, flow, await layoutFlow(flow, run), golden.pairs[name]);
    }
  );
});

describe('a box opened in place', () => {
  const tree = new ReportTree(golden.document);

  it.each(Object.keys(golden.pairs))(
    'moves the rest of scope "%s" aside, without ELK, and draws it right',
    async name => {
      const scope = scopeNamed(tree, name);
      const { cache, runs } = counted();
      const open = new Set<string>();
      let at = await layoutFlow(scopeFlow(tree, scope, open), g => cache.layout(g));
      // Each box opened in turn, outer ones first, each from the layout before it.
      const boxes: IScopeEntry[] = [...scope.scopes];
      let inPlace = 0;
      let moved = 0;
      for (const box of boxes) {
        boxes.push(...box.scopes);
        runs.length = 0;
        open.add(box.key);
        const flow = scopeFlow(tree, scope, open);
        const before = at;
        at = await layoutFlow(flow, g => cache.layout(g), {
          opened: `s:${box.key}`,
          last: before,
          above: 0
        });
        // ELK laid out the box's contents only (a box not drawn before, its parent
        // holding nothing else, is not opened from the pane).
        if (before.nodes.has(`s:${box.key}`)) {
          expect(runs).toEqual([`s:${box.key}`]);
          inPlace += 1;
        }
        // What did not grow kept its place, or moved right or down.
        for (const [id, was] of before.nodes) {
          const now = at.nodes.get(id);
          if (now) {
            expect(now.x, id).toBeGreaterThanOrEqual(was.x);
            expect(now.y, id).toBeGreaterThanOrEqual(was.y);
          }
        }
        // A label whose edge was only moved (all its points alike) moved with it.
        const was = new Map(before.edges.map(e => [e.edge.id, e]));
        for (const { edge, points, label } of at.edges) {
          const old = was.get(edge.id);
          const [dx, dy] = old
            ? [points[0].x - old.points[0].x, points[0].y - old.points[0].y]
            : [0, 0];
          if (
            old?.label &&
            old.points.length === points.length &&
            old.points.every((p, i) => p.x + dx === points[i].x && p.y + dy === points[i].y)
          ) {
            moved += 1;
            expect([label?.x, label?.y], edge.id).toEqual([old.label.x + dx, old.label.y + dy]);
          }
        }
        checkDrawn(tree, flow, at, open.size === allOpen(scope).size ? golden.pairs[name] : null);
      }
      expect(moved).toBeGreaterThan(0);
      expect(boxes.length).toBe(allOpen(scope).size);
      expect(inPlace).toBeGreaterThan(0);
    }
  );
});

/** A flow drawn right: TF's op.inputs (`pairs`, all boxes open), each edge one
 * orthogonal line from its producer's node to its consumer's, its label beside it and
 * clear of the others, no node over another (but in its box). */
function checkDrawn(
  tree: ReportTree,
  flow: IFlowGraph,
  at: ILayout,
  pairs: [string, string, string][] | null
): void {
  if (pairs) {
    const names = tree.ops.names;
    const drawn = at.edges
      .filter(e => e.edge.kind === 'input')
      .flatMap(e => e.edge.pairs.map(([p, c]) => [names[p], names[c]]))
      .sort();
    expect(drawn).toEqual(pairs.map(([p, c]) => [p, c]).sort());
  }
  expect(at.edges.map(e => e.edge)).toEqual(flow.edges);
  const parent = new Map(flow.nodes.map(n => [n.id, n.parent]));
  let crossing = 0;
  for (const { edge, points, label } of at.edges) {
    // One line, from the producer's node to the consumer's, in straight runs.
    expect(onBorder(points[0], at.nodes.get(edge.source)!), edge.id).toBe(true);
    expect(onBorder(points[points.length - 1], at.nodes.get(edge.target)!), edge.id).toBe(true);
    // A port's edges leave from (or arrive at) its square on the scope's border.
    for (const [id, p] of [
      [edge.source, points[0]],
      [edge.target, points[points.length - 1]]
    ] as const) {
      const square = at.nodes.get(id)!;
      if (id.startsWith('in:') || id.startsWith('out:')) {
        expect(p.x, edge.id).toBeGreaterThanOrEqual(square.x);
        expect(p.x, edge.id).toBeLessThanOrEqual(square.x + square.width);
      }
    }
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      expect(Math.min(Math.abs(a.x - b.x), Math.abs(a.y - b.y)), edge.id).toBeLessThan(1.5);
    }
    // Its shapes beside one of its vertical runs (or drawn for its tensor's fan-out).
    if (label) {
      expect(label.text).toBe(edge.label);
      const beside = points.slice(1).some((b, i) => {
        const a = points[i];
        return (
          Math.abs(a.x - b.x) < 1.5 &&
          (Math.abs(label.x - 3 - a.x) < 1.5 || Math.abs(label.x + label.width + 3 - a.x) < 1.5) &&
          label.y + label.height / 2 >= Math.min(a.y, b.y) - 0.5 &&
          label.y + label.height / 2 <= Math.max(a.y, b.y) + 0.5
        );
      });
      expect(beside, edge.id).toBe(true);
    }
    crossing += Number(parent.get(edge.source) !== parent.get(edge.target));
  }
  if (flow.nodes.some(n => n.open)) {
    expect(crossing).toBeGreaterThan(0);
  }
  // One label for each tensor's edges (one producer, the same shapes), all drawn here.
  const tensors = new Map<string, number>();
  for (const { edge, label } of at.edges) {
    if (edge.label) {
      const key = `${edge.source} ${edge.label}`;
      tensors.set(key, (tensors.get(key) ?? 0) + Number(label !== null));
    }
  }
  expect([...tensors].filter(([, n]) => n !== 1)).toEqual([]);
  // Labels do not cover each other, nor a node (an open box holds them).
  const labels = at.edges.flatMap(e => (e.label ? [e.label] : []));
  for (const [i, a] of labels.entries()) {
    for (const b of labels.slice(i + 1)) {
      expect(apart(a, b), `${a.text} / ${b.text}`).toBe(true);
    }
    for (const node of flow.nodes.filter(n => !n.open)) {
      expect(apart(a, at.nodes.get(node.id)!), `${a.text} / ${node.id}`).toBe(true);
    }
  }
  // No node over another, but over the boxes around it.
  const under = (id: string, box: string): boolean => {
    for (let p = parent.get(id); p; p = parent.get(p)) {
      if (p === box) {
        return true;
      }
    }
    return false;
  };
  const placed = [...at.nodes];
  for (const [i, [a, p]] of placed.entries()) {
    for (const [b, q] of placed.slice(i + 1)) {
      if (!under(a, b) && !under(b, a)) {
        expect(apart(p, q), `${a} / ${b}`).toBe(true);
      }
    }
  }
}

function apart(a: IPlaced, b: IPlaced): boolean {
  return (
    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
  );
}
