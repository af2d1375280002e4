import { readFileSync } from 'node:fs';
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { LayoutCache } from '../src/flow/cache';
import { scopeFlow } from '../src/flow/graph';
import { elkGraph, placed } from '../src/flow/layout';
import type { TreeDocument } from '../src/tree/entries';
import { ReportTree } from '../src/tree/report';

/** A real recorded graph (tests/test_flow.py), laid out by the real ELK, in this process. */
const golden = JSON.parse(
  readFileSync(new URL('../../tests/data/golden/flow.json', import.meta.url), 'utf8')
) as { document: TreeDocument };

describe('the flow pane’s layout cache', () => {
  const tree = new ReportTree(golden.document);
  const elk = new ELK();
  const model = tree.find('model').find(e => e.kind === 'scope')!;

  it('opening then closing a box lays out once each, and draws the first layout again', async () => {
    const inputs: string[] = [];
    const cache = new LayoutCache(graph => {
      inputs.push(JSON.stringify(graph));
      return elk.layout(graph);
    });
    // (ELK in this process writes its answer into its input: the inputs as made.)
    const closed = JSON.stringify(elkGraph(scopeFlow(tree, tree.root)));
    const open = JSON.stringify(elkGraph(scopeFlow(tree, tree.root, new Set([model.key]))));
    const first = await cache.layout(JSON.parse(closed) as ElkNode);
    const opened = await cache.layout(JSON.parse(open) as ElkNode);
    const again = await cache.layout(elkGraph(scopeFlow(tree, tree.root)));
    expect(inputs).toEqual([closed, open]);
    expect(again).toBe(first);
    expect(opened).not.toBe(first);
    // What the cache relies on: ELK gives an equal input the same places (as drawn).
    const flow = scopeFlow(tree, tree.root);
    expect(placed(flow, await elk.layout(elkGraph(flow)))).toEqual(placed(flow, first));
  });

  it('keeps the last few layouts, and does not keep a failed one', async () => {
    let runs = 0;
    let fail = true;
    const cache = new LayoutCache(graph => {
      runs += 1;
      return fail ? Promise.reject(new Error('no worker')) : elk.layout(graph);
    }, 1);
    const a = elkGraph(scopeFlow(tree, tree.root));
    await expect(cache.layout(a)).rejects.toThrow('no worker');
    fail = false;
    const laidOut: ElkNode = await cache.layout(a);
    expect(laidOut.children?.length).toBe(1);
    await cache.layout(elkGraph(scopeFlow(tree, model)));
    await cache.layout(a); // dropped by the one after it
    expect(runs).toBe(4);
  });
});

describe('the flow’s layout', () => {
  const tree = new ReportTree(golden.document);

  it.each([
    ['closed', new Set<string>()],
    ['open', new Set([tree.find('model').find(e => e.kind === 'scope')!.key])]
  ])(
    'runs top down with its boxes %s: each tensor’s producer above its consumer',
    async (_, open) => {
      const flow = scopeFlow(tree, tree.root, open);
      const at = placed(flow, await new ELK().layout(elkGraph(flow)));
      const ends = flow.edges.filter(
        e => e.kind === 'input' && !flow.nodes.find(n => n.id === e.source)?.open
      );
      expect(ends.length).toBeGreaterThan(2);
      for (const edge of ends) {
        const [source, target] = [at.nodes.get(edge.source)!, at.nodes.get(edge.target)!];
        expect(source.y + source.height, edge.id).toBeLessThanOrEqual(target.y);
      }
    }
  );
});
