import { describe, expect, it } from 'vitest';
import { expandCompact, type CompactDocument } from '../src/tree/compact';
import { device } from '../src/tree/format';
import {
  nameTest,
  PALETTE,
  ReportTree,
  summaryLine,
  UNPLACED_COLOUR,
  type Entry
} from '../src/tree/model';
import type { GraphNode, ReportDocument, ScopeNode } from '../src/tree/types';
import { mirroredReport, sampleReport } from './fixtures';

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
    // `w/Initializer/random_normal` and `w/Assign`, as TF names the ops it makes for `w`.
    const doc = sampleReport();
    const w = 'image_filters/conv1/weights';
    const scope = (name: string, n_ops: number): ScopeNode => ({
      id: `scope:${name}`,
      kind: 'scope',
      name,
      variable_scope: false,
      name_scope: true,
      n_variables: 0,
      n_ops,
      params: 0,
      bytes: 0,
      devices: { '': n_ops },
      links: []
    });
    doc.graph.nodes.push(scope(w, 2), scope(`${w}/Initializer`, 1));
    doc.graph.nodes.push(op(`${w}/Assign`, 'AssignVariableOp', w));
    doc.graph.nodes.push(op(`${w}/Initializer/random_normal`, 'Add', `${w}/Initializer`));
    for (const [source, target] of [
      ['scope:image_filters/conv1', `scope:${w}`],
      [`scope:${w}`, `scope:${w}/Initializer`],
      [`scope:${w}`, `op:g0:${w}/Assign`],
      [`scope:${w}/Initializer`, `op:g0:${w}/Initializer/random_normal`]
    ]) {
      doc.graph.edges.push({ source, target, kind: 'contains' });
    }
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

  it('counts the summary as ScopeReport.summary() does', () => {
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
    expect(tree.summaryLine()).toBe(
      '4 variables (4 created, 4 reused), 51.3K params (205.1 kB), 6 ops, 1 error, 0 warnings'
    );
    expect(
      summaryLine({
        variables: 44,
        created: 22,
        reused: 22,
        params: 138_357_544,
        bytes: 553_430_176,
        ops: 512,
        devices: 1,
        errors: 0,
        warnings: 0
      })
    ).toBe(
      '44 variables (22 created, 22 reused), 138.4M params (553.4 MB), 512 ops on 1 device, 0 warnings'
    );
  });

  it('counts a distributed variable once, not once per replica', () => {
    // The figures ScopeReport.summary() gives for the same file (tests/test_placement.py).
    expect(new ReportTree(mirroredReport()).summary).toMatchObject({
      variables: 2,
      created: 2,
      params: 7,
      bytes: 28,
      ops: 18,
      devices: 2
    });
  });

  it('gives each device one colour across the report', () => {
    const doc = sampleReport();
    const set = (n: GraphNode, requested: string | null, placed: string | null): void => {
      if (n.kind !== 'scope') {
        n.device_requested = requested;
        n.device = placed;
      }
    };
    const [w1, b1, w2, b2, conv] = doc.graph.nodes.slice(5);
    set(w1, '/device:GPU:0', '/job:localhost/replica:0/task:0/device:CPU:0');
    set(b1, null, '/job:localhost/replica:0/task:0/device:GPU:1');
    set(w2, '/gpu:1', null);
    set(b2, null, '/job:localhost/replica:0/task:0/device:CPU:0');
    set(conv, '/cpu:0', null);
    const t = new ReportTree(doc);
    expect([...t.deviceColours]).toEqual([
      ['CPU:0', PALETTE[0]],
      ['GPU:1', PALETTE[1]]
    ]);
    expect(t.colour('/job:localhost/replica:0/task:0/device:GPU:1')).toBe(t.colour('/gpu:1'));
    expect(t.summary.devices).toBe(4);
  });

  it('filters by device, placed before requested, with the ancestors, and with the name search', () => {
    const t = new ReportTree(placedReport());
    expect(t.devices).toEqual(['CPU:0', 'GPU:0']);
    const on = (device: string, query = ''): string[] =>
      t.rows(() => true, t.filter(nameTest(query), device)).map(r => r.entry.label);
    // conv1/weights asked for GPU:0 but was placed on CPU:0; conv2/weights is only asked for.
    expect(on('GPU:0')).toEqual([
      'image_filters',
      'conv1',
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
    expect(on('GPU:0', 'weights')).toEqual(['image_filters', 'conv2', 'weights']);
    // A scope whose name matches keeps only what is on the device; an empty one goes.
    expect(on('CPU:0', 'image_filters_1')).toEqual([]);
    expect(on('TPU:0')).toEqual([]);
    expect(t.filter(null, '')).toBeNull();
  });

  it('gives each scope its device mix, counted per device, coloured as the chips', () => {
    const t = new ReportTree(placedReport());
    const scope = (name: string) => {
      const s = t.find(name)[0];
      if (s.kind !== 'scope') {
        throw new Error('not a scope');
      }
      return s;
    };
    const [cpu, gpu] = [t.colour('CPU:0')!, t.colour('GPU:0')!];
    expect(new Set([cpu, gpu, UNPLACED_COLOUR]).size).toBe(3);
    // Two spellings of one device add up; what is not placed comes last, in grey.
    expect(t.deviceMix(scope('image_filters').node)).toEqual([
      { device: 'CPU:0', count: 5, colour: cpu },
      { device: 'GPU:0', count: 2, colour: gpu },
      { device: '', count: 3, colour: UNPLACED_COLOUR }
    ]);
    expect(t.deviceMix(scope('image_filters/conv1').node)).toEqual([
      { device: 'CPU:0', count: 3, colour: cpu },
      { device: 'GPU:0', count: 2, colour: gpu }
    ]);
    expect(t.deviceMix(scope('image_filters_1').node)).toEqual([]);
    // One device, one colour: in every scope, chip and row.
    const [weights] = t.find('image_filters/conv1/weights');
    expect(t.entryColour(weights)).toBe(cpu);
    expect(t.entryColour(scope('image_filters/conv1'))).toBeUndefined();
    expect(t.entryColour(scope('image_filters/conv2'))).toBeUndefined();
    const conv1 = scope('image_filters/conv1');
    expect(t.entryColour(conv1.groups[0])).toBe(gpu);
    // Adding a device that sorts first moves the palette, but within one report a device
    // keeps its colour everywhere.
    const doc = placedReport();
    (doc.graph.nodes[14] as { device: string }).device =
      '/job:localhost/replica:0/task:0/device:A:0';
    expect(new ReportTree(doc).colour('A:0')).toBe(PALETTE[0]);
  });

  it('shortens devices as devices.short does in Python', () => {
    expect(device('/job:localhost/replica:0/task:0/device:GPU:1')).toBe('GPU:1');
    expect(device('/gpu:0')).toBe('GPU:0');
    expect(device('/device:CPU:*')).toBe('CPU:*');
    expect(device('/job:ps/task:1')).toBe('/job:ps/task:1');
    expect(device('/job:ps/replica:0/task:1/device:CPU:0')).toBe('/job:ps/task:1/CPU:0');
    expect(device(null)).toBe('');
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
  it('gives back the plain document', () => {
    const doc: ReportDocument = sampleReport();
    const compact: CompactDocument = {
      ...doc,
      graph: {
        ...doc.graph,
        nodes: doc.graph.nodes.filter(n => n.kind !== 'op'),
        edges: doc.graph.edges.filter(e =>
          e.kind === 'contains' ? !e.target.startsWith('op:') : e.kind !== 'input'
        )
      },
      ops: {
        strings: [
          null,
          'scope:image_filters/conv1',
          'image_filters/conv1',
          'Conv2D',
          'g0',
          'AddV2',
          'Relu',
          'scope:image_filters/conv2',
          'image_filters/conv2'
        ],
        parent: [1, 1, 1, 7, 7, 7],
        scope: [2, 2, 2, 8, 8, 8],
        type: [3, 5, 6, 3, 5, 6],
        device_requested: [0, 0, 0, 0, 0, 0],
        device: [0, 0, 0, 0, 0, 0],
        graph: [4, 4, 4, 4, 4, 4],
        name: ['Conv2D', 'add', 'Relu', 'Conv2D', 'add', 'Relu'],
        ids: {},
        inputs: [0, 1]
      }
    };
    const plain = expandCompact(compact);
    expect(plain.graph.nodes).toHaveLength(doc.graph.nodes.length);
    expect(new Set(plain.graph.nodes.map(n => JSON.stringify(n)))).toEqual(
      new Set(doc.graph.nodes.map(n => JSON.stringify(n)))
    );
    const edges = (d: ReportDocument): Set<string> =>
      new Set(d.graph.edges.map(e => `${e.source} ${e.target} ${e.kind}`));
    expect(edges(plain)).toEqual(edges(doc));
    expect('ops' in plain).toBe(false);
  });
});

/** The sample report with placements: conv1 on CPU:0 and GPU:0, conv2 partly placed. */
function placedReport(): ReportDocument {
  const doc = sampleReport();
  const cpu = '/job:localhost/replica:0/task:0/device:CPU:0';
  const gpu = '/job:localhost/replica:0/task:0/device:GPU:0';
  const where: Record<string, [string | null, string | null]> = {
    'image_filters/conv1/weights': ['/device:GPU:0', cpu],
    'image_filters/conv1/biases': [null, gpu],
    'image_filters/conv1/Conv2D': ['/gpu:0', '/device:GPU:0'],
    'image_filters/conv1/add': [null, cpu],
    'image_filters/conv1/Relu': [null, '/cpu:0'],
    'image_filters/conv2/weights': ['/gpu:0', null],
    'image_filters/conv2/biases': [null, cpu]
  };
  for (const node of doc.graph.nodes) {
    if (node.kind !== 'scope' && node.name in where) {
      [node.device_requested, node.device] = where[node.name];
    }
  }
  // As build.py counts them: placed devices only, '' for not placed yet.
  const devices: Record<string, Record<string, number>> = {
    '': { [cpu]: 4, '/cpu:0': 1, [gpu]: 1, '/device:GPU:0': 1, '': 3 },
    image_filters: { [cpu]: 4, '/cpu:0': 1, [gpu]: 1, '/device:GPU:0': 1, '': 3 },
    'image_filters/conv1': { [cpu]: 2, '/cpu:0': 1, [gpu]: 1, '/device:GPU:0': 1 },
    'image_filters/conv2': { [cpu]: 2, '': 3 }
  };
  for (const node of doc.graph.nodes) {
    if (node.kind === 'scope' && node.name in devices) {
      node.devices = devices[node.name];
    }
  }
  return doc;
}

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
