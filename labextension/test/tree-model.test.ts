import { describe, expect, it } from 'vitest';
import { expandCompact } from '../src/tree/compact';
import { relativeName, site } from '../src/tree/format';
import { isExpandable, nameTest, ReportTree, type Entry } from '../src/tree/model';
import type { GraphNode, ReportDocument, ScopeNode } from '../src/tree/types';
import { compactGoldens, golden, goldenFormats, mirroredReport, sampleReport } from './fixtures';

const labels = (entries: Entry[]): string[] => entries.map(e => e.label);

describe('ReportTree', () => {
  const tree = new ReportTree(sampleReport());

  it('nests scopes, variables and op groups under the root', () => {
    expect(labels(tree.root.scopes)).toEqual(['image_filters', 'image_filters_1']);
    const conv1 = tree.find('image_filters/conv1')[0];
    expect(conv1.kind).toBe('scope');
    if (conv1.kind !== 'scope') {
      return;
    }
    expect(labels(conv1.variables)).toEqual(['weights', 'biases']);
    expect(labels(conv1.groups)).toEqual(['Conv2D ×1', 'AddV2 ×1', 'Relu ×1']);
    expect(conv1.groups[1].ops[0].inputs).toEqual(['image_filters/conv1/Conv2D']);
  });

  it('groups ops of one scope by type and counts them', () => {
    const doc = sampleReport();
    for (const n of [1, 2]) {
      doc.graph.nodes.push(op(`image_filters/conv1/Conv2D_${n}`, 'Conv2D', 'image_filters/conv1'));
      doc.graph.edges.push({
        source: 'scope:image_filters/conv1',
        target: `op:g0:image_filters/conv1/Conv2D_${n}`,
        kind: 'contains'
      });
    }
    const conv1 = new ReportTree(doc).find('image_filters/conv1')[0];
    if (conv1.kind !== 'scope') {
      throw new Error('not a scope');
    }
    expect(conv1.groups[0].label).toBe('Conv2D ×3');
    expect(labels(conv1.groups[0].ops)).toEqual(['Conv2D', 'Conv2D_1', 'Conv2D_2']);
  });

  it('shows only open entries as rows, ops collapsed', () => {
    const open = new Set(['scope:image_filters', 'scope:image_filters/conv1']);
    const rows = tree.rows(e => open.has(e.key));
    expect(rows.map(r => `${r.depth}:${r.entry.label}`)).toEqual([
      '0:image_filters',
      '1:conv1',
      '2:weights',
      '2:biases',
      '2:Conv2D ×1',
      '2:AddV2 ×1',
      '2:Relu ×1',
      '1:conv2',
      '0:image_filters_1'
    ]);
  });

  it('filters by name and keeps the ancestors', () => {
    const kept = tree.filter(nameTest('WEIGHTS'))!;
    const rows = tree.rows(() => true, kept);
    expect(rows.map(r => r.entry.label)).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'conv2',
      'weights'
    ]);
  });

  it('keeps everything inside a scope whose name matches, as --filter does', () => {
    const kept = tree.filter(nameTest('', /conv2$/))!;
    const rows = tree.rows(() => true, kept).map(r => r.entry.label);
    expect(rows).toEqual([
      'image_filters',
      'conv2',
      'weights',
      'biases',
      'Conv2D ×1',
      'Conv2D',
      'AddV2 ×1',
      'add',
      'Relu ×1',
      'Relu'
    ]);
    expect(nameTest('  ')).toBeNull();
  });

  it("shows a variable's own ops scope inside the variable, not beside it", () => {
    // `w/Initializer/random_normal` and `w/Assign`, as TF names the ops it makes for `w`;
    // Python names the variable that owns the `w` scope (tests/test_golden.py).
    const doc = golden('own_ops');
    const w = 'image_filters/conv1/weights';
    const tree = new ReportTree(doc);
    const conv1 = tree.find('image_filters/conv1')[0];
    if (conv1.kind !== 'scope') {
      throw new Error('not a scope');
    }
    expect(conv1.scopes).toEqual([]);
    const variable = tree.find(w)[0];
    expect(variable.kind === 'variable' && variable.ops?.node.name).toBe(w);

    const open = new Set(['scope:image_filters', 'scope:image_filters/conv1', `var:g0:${w}`]);
    const rows = tree.rows(e => open.has(e.key)).map(r => `${r.depth}:${r.entry.label}`);
    expect(rows.slice(0, 6)).toEqual([
      '0:image_filters',
      '1:conv1',
      '2:weights',
      '3:Initializer',
      '3:AssignVariableOp ×1',
      '2:biases'
    ]);
    expect(tree.scopeKeys()).toContain(`var:g0:${w}`);

    const random = tree.find(`${w}/Initializer/random_normal`)[0];
    expect(tree.ancestors(random).map(e => e.label)).toEqual([
      'Add ×1',
      'Initializer',
      'weights',
      'conv1',
      'image_filters'
    ]);
    const kept = tree.filter(nameTest('random_normal'))!;
    const found = tree.rows(() => true, kept).map(r => r.entry.label);
    expect(found).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'Initializer',
      'Add ×1',
      'random_normal'
    ]);
  });

  it('shows the summary Python computed', () => {
    expect(tree.summary).toMatchObject({
      variables: 4,
      created: 4,
      reused: 4,
      ops: 6,
      params: 51264,
      bytes: 205056,
      errors: 1,
      warnings: 0,
      devices: 0
    });
    expect(tree.summary.line).toBe(
      '4 variables (4 created, 4 reused), 51.3K params (205.1 kB), 6 ops, 1 error, 0 warnings'
    );
    // A distributed variable counts once, not once per replica.
    expect(new ReportTree(mirroredReport()).summary).toMatchObject({
      variables: 2,
      created: 2,
      params: 7,
      bytes: 28,
      ops: 18,
      devices: 2
    });
  });

  it('filters by device, run on or asked for, with the ancestors and the name search', () => {
    const t = new ReportTree(golden('placed'));
    expect(t.devices).toEqual(['CPU:0', 'GPU:0']);
    const on = (device: string, query = '', ops = true): string[] =>
      t.rows(() => true, t.filter(nameTest(query), device, ops), ops).map(r => r.entry.label);
    // conv1/weights asked for GPU:0 but was placed on CPU:0; conv2/weights is only asked for.
    expect(on('GPU:0')).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'biases',
      'Conv2D ×1',
      'Conv2D',
      'conv2',
      'weights'
    ]);
    expect(on('CPU:0')).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'AddV2 ×1',
      'add',
      'Relu ×1',
      'Relu',
      'conv2',
      'biases'
    ]);
    expect(on('GPU:0', 'conv2/w')).toEqual(['image_filters', 'conv2', 'weights']);
    expect(on('GPU:0', 'weights')).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'conv2',
      'weights'
    ]);
    // Without ops, a device's ops do not keep their scope in sight.
    expect(on('GPU:0', '', false)).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'biases',
      'conv2',
      'weights'
    ]);
    // A scope whose name matches keeps only what is on the device; an empty one goes.
    expect(on('CPU:0', 'image_filters_1')).toEqual([]);
    expect(on('TPU:0')).toEqual([]);
    expect(t.filter(null, '')).toBeNull();
  });

  it('shows variables first, and ops only when asked for', () => {
    const all = (ops: boolean): string[] =>
      tree.rows(() => true, null, ops).map(r => r.entry.label);
    // image_filters_1 holds only ops: TF's name scope of the second call.
    expect(all(false)).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'biases',
      'conv2',
      'weights',
      'biases'
    ]);
    expect(all(true)).toContain('image_filters_1');
    expect(all(true).slice(0, 5)).toEqual([
      'image_filters',
      'conv1',
      'weights',
      'biases',
      'Conv2D ×1'
    ]);
    const found = tree.rows(() => true, tree.filter(nameTest('conv1/'), '', false), false);
    expect(found.map(r => r.entry.label)).toEqual(['image_filters', 'conv1', 'weights', 'biases']);
    const withOwnOps = new ReportTree(golden('own_ops'));
    const [weights] = withOwnOps.find('image_filters/conv1/weights');
    expect(isExpandable(weights, false)).toBe(false);
    expect(isExpandable(weights, true)).toBe(true);
  });

  it('colours chips, rows and mixes with the colours Python gave each device', () => {
    const doc = golden('placed');
    const t = new ReportTree(doc);
    const scope = (name: string) => {
      const s = t.find(name)[0];
      if (s.kind !== 'scope') {
        throw new Error('not a scope');
      }
      return s;
    };
    const cpu = '/job:localhost/replica:0/task:0/device:CPU:0';
    const gpu = '/job:localhost/replica:0/task:0/device:GPU:0';
    expect(t.colour(cpu)).toBe(doc.display.devices[cpu].colour);
    expect(t.colour('/cpu:0')).toBe(t.colour(cpu));
    expect(t.short('/gpu:0')).toBe('GPU:0');
    expect(t.deviceMix(scope('image_filters').node)).toEqual(
      doc.display.nodes['scope:image_filters'].mix
    );
    expect(t.deviceMix(scope('image_filters_1').node)).toEqual([]);
    // One device, one colour: in every scope, chip and row.
    const [weights] = t.find('image_filters/conv1/weights');
    expect(t.entryColour(weights)).toBe(t.colour(cpu));
    expect(t.entryColour(scope('image_filters/conv1'))).toBeUndefined();
    expect(t.entryColour(scope('image_filters/conv2'))).toBeUndefined();
    expect(t.entryColour(scope('image_filters/conv1').groups[0])).toBe(t.colour(gpu));
  });

  it('writes sites and relative names as Python does (the golden cases)', () => {
    const cases = goldenFormats();
    for (const c of cases.site) {
      expect(site(c.site)).toBe(c.text);
    }
    for (const c of cases.relative_name) {
      expect(relativeName(c.name, c.parent)).toBe(c.text);
    }
  });

  it('finds nodes by full name and lists their ancestors', () => {
    const [weights] = tree.find('image_filters/conv2/weights');
    expect(tree.ancestors(weights).map(e => e.key)).toEqual([
      'scope:image_filters/conv2',
      'scope:image_filters'
    ]);
    expect(tree.find('nope')).toEqual([]);
    const doc = sampleReport();
    doc.graph.nodes.push(op('image_filters/conv1/weights', 'VarHandleOp', 'image_filters/conv1'));
    doc.graph.edges.push({
      source: 'scope:image_filters/conv1',
      target: 'op:g0:image_filters/conv1/weights',
      kind: 'contains'
    });
    doc.graph.nodes.push({
      ...(doc.graph.nodes[2] as ScopeNode),
      id: 'scope:image_filters/conv1/weights',
      name: 'image_filters/conv1/weights'
    });
    doc.graph.edges.push({
      source: 'scope:image_filters/conv1',
      target: 'scope:image_filters/conv1/weights',
      kind: 'contains'
    });
    expect(new ReportTree(doc).find('image_filters/conv1/weights').map(e => e.kind)).toEqual([
      'variable',
      'op',
      'scope'
    ]);
    expect(tree.scopeKeys()).toHaveLength(4);
  });

  it('refuses a document without a root scope', () => {
    const doc = sampleReport();
    doc.graph.nodes = doc.graph.nodes.filter(n => n.name !== '');
    expect(() => new ReportTree(doc)).toThrow(/no root scope/);
  });
});

describe('expandCompact', () => {
  it("gives back the plain document of Python's compact form", () => {
    const compact = compactGoldens();
    expect(Object.keys(compact)).toContain('numbered');
    for (const [name, doc] of Object.entries(compact)) {
      const plain = expandCompact(doc);
      const same = (n: GraphNode): string => JSON.stringify(n, Object.keys(n).sort());
      const nodes = (d: ReportDocument): Set<string> => new Set(d.graph.nodes.map(same));
      expect(nodes(plain), name).toEqual(nodes(golden(name)));
      const edges = (d: ReportDocument): Set<string> =>
        new Set(d.graph.edges.map(e => `${e.source} ${e.target} ${e.kind}`));
      expect(edges(plain), name).toEqual(edges(golden(name)));
      expect('ops' in plain).toBe(false);
    }
  });
});

function op(name: string, type: string, scope: string): GraphNode {
  return {
    id: `op:g0:${name}`,
    kind: 'op',
    name,
    type,
    scope,
    device_requested: null,
    device: null,
    graph: 'g0'
  };
}
