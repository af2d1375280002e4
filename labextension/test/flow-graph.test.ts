import { describe, expect, it } from 'vitest';
import { type IFlowGraph, scopeFlow } from '../src/flow/graph';
import { ReportTree } from '../src/tree/report';
import { allOpen, flowGolden, scopeNamed } from './fixtures';

const golden = flowGolden();

function drawnPairs(tree: ReportTree, flow: IFlowGraph): string[][] {
  const names = tree.ops.names;
  return flow.edges
    .filter(e => e.kind === 'input')
    .flatMap(e => e.pairs.map(([p, c]) => [names[p], names[c]]))
    .sort();
}

describe.each([
  ['plain', golden.document],
  ['compact', golden.compact]
])('the dataflow of a scope (%s document)', (_, document) => {
  const tree = new ReportTree(document);

  it.each(Object.keys(golden.pairs))('draws TF’s op.inputs of scope "%s"', name => {
    const scope = scopeNamed(tree, name);
    const flow = scopeFlow(tree, scope, allOpen(scope));
    const expected = golden.pairs[name].map(([p, c]) => [p, c]).sort();
    expect(drawnPairs(tree, flow)).toEqual(expected);
    // Each edge carries its producers' shapes, as TF gives them.
    const shape = new Map(golden.pairs[name].map(([p, c, s]) => [`${p}>${c}`, s]));
    for (const edge of flow.edges.filter(e => e.kind === 'input')) {
      const shapes = new Set(
        edge.pairs.map(([p, c]) => shape.get(`${tree.ops.names[p]}>${tree.ops.names[c]}`))
      );
      expect(edge.label.split(', ').sort()).toEqual([...shapes].sort());
    }
  });

  it('makes a scope’s flow again from what it kept of the tree as from a new tree', () => {
    // The boxes of each scope opened one more at a time, the outer ones first: each flow
    // equals the flow of the same boxes made by a tree that made no flow before.
    for (const name of Object.keys(golden.pairs)) {
      const open = new Set<string>();
      const boxes = [...scopeNamed(tree, name).scopes];
      for (const box of [undefined, ...boxes]) {
        if (box) {
          open.add(box.key);
          boxes.push(...box.scopes);
        }
        const again = scopeFlow(tree, scopeNamed(tree, name), open);
        const fresh = new ReportTree(document);
        const first = scopeFlow(fresh, scopeNamed(fresh, name), open);
        expect(again.nodes, name).toEqual(first.nodes);
        expect(again.edges, name).toEqual(first.edges);
      }
    }
  });

  it('joins the pairs of closed boxes into one edge per pair of nodes', () => {
    const flow = scopeFlow(tree, scopeNamed(tree, 'model'));
    const drawn = drawnPairs(tree, flow);
    // What is not drawn joins two ops of one box (or of one variable): the first name
    // below the scope tells which.
    const child = (name: string): string => name.split('/')[1] ?? '';
    const hidden = golden.pairs['model'].filter(
      ([p, c]) => !drawn.some(([q, d]) => q === p && d === c)
    );
    expect(hidden.length).toBeGreaterThan(0);
    for (const [p, c] of hidden) {
      expect(child(p)).toBe(child(c));
    }
    expect(drawn.length + hidden.length).toBe(golden.pairs['model'].length);
    const ids = flow.edges.map(e => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = flow.nodes.filter(n => n.kind === 'scope').map(n => n.label);
    expect(boxes.sort()).toEqual(['StatefulPartitionedCall', 'dec', 'enc']);
    const call = flow.nodes.find(n => n.label === 'StatefulPartitionedCall')!;
    expect(call.detail).toBe('StatefulPartitionedCall');
    expect(flow.nodes.every(n => n.parent === null)).toBe(true);
  });

  it('draws a reused variable once, with an edge to each of its readers', () => {
    const flow = scopeFlow(tree, scopeNamed(tree, 'model'));
    const w = flow.nodes.filter(n => n.kind === 'variable' && n.label === 'layer/w');
    expect(w).toHaveLength(1);
    expect(w[0].badges.map(b => b.kind)).toContain('reused');
    const readers = flow.edges.filter(e => e.source === w[0].id).map(e => e.target);
    expect(readers.sort()).toEqual(
      flow.nodes
        .filter(n => n.label === 'enc' || n.label === 'dec')
        .map(n => n.id)
        .sort()
    );
    // In the scope of one reader, the variable lives outside: its one reader's closed box
    // stands for it (as for the ops in it); opened, one node with an edge to its reader,
    // not a port.
    const layer = scopeNamed(tree, 'model/enc/layer');
    const enc = scopeFlow(tree, layer);
    const matMul = enc.nodes.find(n => n.label === 'MatMul')!;
    expect(matMul.kind).toBe('scope');
    expect(enc.nodes.filter(n => n.key === w[0].key)).toHaveLength(0);
    const opened = scopeFlow(tree, layer, new Set([matMul.key]));
    const [drawn] = opened.nodes.filter(n => n.key === w[0].key);
    expect(drawn.parent).toBe(matMul.id);
    const read = opened.edges.filter(e => e.source === drawn.id);
    expect(read.map(e => opened.nodes.find(n => n.id === e.target)!.label)).toEqual([
      'MatMul/ReadVariableOp'
    ]);
    for (const flow of [enc, opened]) {
      expect(flow.nodes.filter(n => n.kind === 'port').map(n => [n.side, n.label])).toEqual([
        ['in', 'x'],
        ['out', 'Relu']
      ]);
    }
  });

  it('draws a variable from elsewhere read in one closed box as that box’s', () => {
    // The root: `model` reads both variables; opened, the reused one's two readers.
    const root = scopeFlow(tree, tree.root);
    expect(root.nodes.filter(n => n.kind === 'variable')).toEqual([]);
    expect(root.edges.filter(e => e.source.startsWith('v:'))).toEqual([]);
    const model = scopeNamed(tree, 'model');
    const opened = scopeFlow(tree, tree.root, new Set([model.key]));
    const w = opened.nodes.filter(n => n.kind === 'variable' && n.label === 'model/layer/w');
    expect(w).toHaveLength(1);
    expect(w[0].parent).toBe(`s:${model.key}`);
    const readers = opened.edges.filter(e => e.source === w[0].id);
    expect(readers.map(e => opened.nodes.find(n => n.id === e.target)!.label).sort()).toEqual([
      'model/dec',
      'model/enc'
    ]);
  });

  it('draws a function body under the op that calls it, its capture read by the variable', () => {
    const scope = scopeNamed(tree, 'model/StatefulPartitionedCall');
    const flow = scopeFlow(tree, scope, allOpen(scope));
    const scale = flow.nodes.find(n => n.kind === 'variable' && n.label === 'model/scale');
    expect(scale).toBeDefined();
    // Into the call (its handle, an input) and to the op of the body that reads it first.
    const reads = flow.edges.filter(e => e.source === scale!.id);
    const targets = reads.map(e => flow.nodes.find(n => n.id === e.target)!.label);
    expect(targets.sort()).toEqual(['head/mul/ReadVariableOp', 'model/StatefulPartitionedCall']);
    const head = flow.nodes.find(n => n.label === 'head')!;
    expect(head.open).toBe(true);
    expect(flow.nodes.find(n => n.label === 'head/Sum')!.parent).toBe(head.id);
  });
});
