import { describe, expect, it } from 'vitest';
import { relativeName, site } from '../src/tree/format';
import { isExpandable, type Entry, type IRow } from '../src/tree/entries';
import { nameTest } from '../src/tree/filter';
import { ReportTree } from '../src/tree/report';
import type { Rows } from '../src/tree/rows';
import {
  type GraphNode,
  nodeBadges,
  nodeMark,
  nodeSites,
  type IScopeNode
} from '../src/tree/types';
import { compactGoldens, golden, goldenFormats, mirroredReport, sampleReport } from './fixtures';

const labels = (entries: Entry[]): string[] => entries.map(e => e.label);
const listed = (rows: Rows): IRow[] => Array.from({ length: rows.length }, (_, i) => rows.at(i)!);

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
    expect(tree.opsOf(conv1.groups[1])[0].inputs).toEqual(['image_filters/conv1/Conv2D']);
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
    const t = new ReportTree(doc);
    const conv1 = t.find('image_filters/conv1')[0];
    if (conv1.kind !== 'scope') {
      throw new Error('not a scope');
    }
    expect(conv1.groups[0].label).toBe('Conv2D ×3');
    expect(labels(t.opsOf(conv1.groups[0]))).toEqual(['Conv2D', 'Conv2D_1', 'Conv2D_2']);
  });

  it('shows only open entries as rows, ops collapsed', () => {
    const open = new Set(['scope:image_filters', 'scope:image_filters/conv1']);
    const rows = listed(tree.rows(e => open.has(e.key)));
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
    const rows = listed(tree.rows(() => true, kept));
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
    const rows = listed(tree.rows(() => true, kept)).map(r => r.entry.label);
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
    const rows = listed(tree.rows(e => open.has(e.key))).map(r => `${r.depth}:${r.entry.label}`);
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
    const found = listed(tree.rows(() => true, kept)).map(r => r.entry.label);
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
      '4 variables (4 created, 4 reused), 51.3K params (205.1 kB: 51.3K trainable, ' +
        '0 non-trainable), 6 ops, 1 error, 0 warnings'
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
      listed(t.rows(() => true, t.filter(nameTest(query), device, ops), ops)).map(
        r => r.entry.label
      );
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
      listed(tree.rows(() => true, null, ops)).map(r => r.entry.label);
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
    const found = listed(tree.rows(() => true, tree.filter(nameTest('conv1/'), '', false), false));
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
    // The mix Python counted, in the chips' colours; what is not placed yet in its own.
    expect(t.deviceMix(scope('image_filters').node)).toEqual([
      { device: 'CPU:0', count: 5, colour: t.colour(cpu) },
      { device: 'GPU:0', count: 2, colour: t.colour(gpu) },
      { device: '', count: 3, colour: doc.display.colours[''] }
    ]);
    expect(doc.display.colours['']).toBe('#bab0ac');
    expect(t.deviceMix(scope('image_filters_1').node)).toEqual([]);
    // One device, one colour: in every scope, chip and row.
    const [weights] = t.find('image_filters/conv1/weights');
    expect(t.entryColour(weights)).toBe(t.colour(cpu));
    expect(t.entryColour(scope('image_filters/conv1'))).toBeUndefined();
    expect(t.entryColour(scope('image_filters/conv2'))).toBeUndefined();
    expect(t.entryColour(scope('image_filters/conv1').groups[0])).toBe(t.colour(gpu));
  });

  it("reads marks, badges and call lines from the display's tables", () => {
    // Python's own texts (tests/test_golden.py `calls`): each written once in the tables.
    const { display } = golden('calls');
    const id = (name: string): string => new ReportTree(golden('calls')).find(name)[0].key;
    const weights = id('image_filters/conv1/weights');
    expect(nodeBadges(display, weights).map(b => [b.kind, b.text])).toEqual([
      ['created', 'created'],
      ['reused', 'reused ×20']
    ]);
    expect(nodeSites(display, weights).map(line => line.text)).toEqual([
      'create at In [9]:28 ← In [5]:4 ← In [5]:9',
      'reuse ×20 at In [9]:28 ← In [5]:4 ← In [5]:9 ×19, In [5]:6 ×1'
    ]);
    expect(nodeSites(display, weights)[1].site).toEqual({
      file: 'In [9]',
      line: 28,
      kind: 'reuse'
    });
    expect(nodeMark(display, id('image_filters'))).toEqual({
      text: 'VS+NS',
      kind: 'mark',
      title: 'variable scope and name scope'
    });
    expect(nodeMark(display, id('image_filters_1'))?.text).toBe('NS');
    expect(nodeMark(display, id(''))).toBeUndefined();
    const created = display.badges.filter(b => b.text === 'created');
    expect(created).toHaveLength(1); // four variables, one badge
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
      ...(doc.graph.nodes[2] as IScopeNode),
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

describe('ReportTree of a compact document', () => {
  /** Everything the view reads of a tree: every row with everything open, what each
   * shows and finds, and the rows of a few searches and device filters. */
  const drawn = (t: ReportTree): unknown[] => {
    const rows = listed(t.rows(() => true, null, true));
    const out: unknown[] = rows.map(({ entry: e, depth }) => [
      depth,
      e.key,
      e.label,
      t.entryColour(e) ?? null,
      t.ancestors(e).map(a => a.key),
      e.kind === 'group' ? null : t.find(e.node.name).map(f => f.key),
      e.kind === 'op' ? [JSON.stringify(e.node, Object.keys(e.node).sort()), e.inputs] : null,
      e.kind === 'variable' ? t.readers(e.node.id) : null,
      t.get(e.key) === e
    ]);
    for (const [query, device] of [
      ['conv1', ''],
      ['ADD', ''],
      ['', 'CPU:0'],
      ['relu', 'GPU:0'],
      ['nothing', '']
    ]) {
      for (const ops of [true, false]) {
        const kept = t.filter(nameTest(query), device, ops);
        out.push(listed(t.rows(() => true, kept, ops)).map(r => r.entry.key));
      }
    }
    return out;
  };

  it('is the tree of the plain document, for every golden document', () => {
    const compact = compactGoldens();
    expect(Object.keys(compact)).toContain('numbered');
    for (const [name, doc] of Object.entries(compact)) {
      expect(drawn(new ReportTree(doc)), name).toEqual(drawn(new ReportTree(golden(name))));
    }
  });

  it('numbers op ids by row, keeps long ids and the fields beyond the columns', () => {
    const { numbered, sample } = compactGoldens();
    const t = new ReportTree(numbered);
    const add = t.get('op:1');
    expect(add?.kind === 'op' && add.node).toMatchObject({
      name: 'image_filters/conv1/add',
      tf_name: 'add',
      scope: 'image_filters/conv1',
      graph: 'g0'
    });
    expect(add?.kind === 'op' && add.inputs).toEqual(['image_filters/conv1/Conv2D']);
    expect(t.find('image_filters/conv1/Relu')[0].node).toMatchObject({ colocated: true });
    expect(new ReportTree(sample).get('op:g0:image_filters/conv2/add')?.label).toBe('add');
    expect(t.get('op:6')).toBeUndefined();
  });

  it('draws the same tree from the ids reports wrote before (names in them)', () => {
    // `sample` has ids such as `scope:image_filters/conv1`, `numbered` the same report's
    // `scope:2`; every op field but `tf_name` and `colocated` (set in one) is the same.
    const before = new ReportTree(golden('sample'));
    const now = new ReportTree(golden('numbered'));
    expect(now.root.key).toBe('scope:0');
    const shown = (t: ReportTree): unknown[] =>
      listed(t.rows(() => true, null, true)).map(({ entry: e, depth }) => [
        depth,
        e.kind,
        e.label,
        t.ancestors(e).map(a => a.label),
        t.entryColour(e) ?? null,
        e.kind === 'group' ? e.opRows : [e.node.name, e.kind === 'op' ? [] : t.shown(e.node.id)],
        e.kind === 'variable' ? t.readers(e.node.id) : null
      ]);
    expect(shown(now)).toEqual(shown(before));
  });

  it('finds each entry of an earlier tree of the same report again, whatever its key', () => {
    const before = new ReportTree(golden('sample'));
    const now = new ReportTree(golden('numbered'));
    const entries = listed(before.rows(() => true, null, true)).map(r => r.entry);
    expect(entries.map(e => e.kind)).toContain('group');
    for (const entry of entries) {
      const found = now.counterpart(entry, before)!;
      expect(found.key).not.toBe(entry.key);
      expect([found.kind, found.label, now.ancestors(found).map(a => a.label)]).toEqual([
        entry.kind,
        entry.label,
        before.ancestors(entry).map(a => a.label)
      ]);
    }
    // What the later tree does not have: the scope of a variable's own ops.
    const ownOps = new ReportTree(golden('own_ops'));
    const w = ownOps.find('image_filters/conv1/weights').find(e => e.kind === 'scope')!;
    expect(now.counterpart(w, ownOps)).toBeUndefined();
  });

  it('tells eager variables of one name apart by their place among them', () => {
    // A second `weights` in conv1, as two eager `tf.Variable(name=...)` calls make.
    const doc = sampleReport();
    const first = doc.graph.nodes.find(n => n.id === 'var:g0:image_filters/conv1/weights')!;
    const second = { ...first, id: 'var:eager:image_filters/conv1/weights#2', graph: 'eager' };
    doc.graph.nodes.push(second as GraphNode);
    doc.graph.edges.push({
      source: 'scope:image_filters/conv1',
      target: second.id,
      kind: 'contains'
    });
    const ids = new Map(doc.graph.nodes.map((n, i) => [n.id, `${n.kind}:${i}`]));
    const again = structuredClone(doc);
    again.graph.nodes.forEach(n => (n.id = ids.get(n.id)!));
    again.graph.edges.forEach(
      e => ([e.source, e.target] = [ids.get(e.source)!, ids.get(e.target)!])
    );
    const before = new ReportTree(doc);
    const now = new ReportTree(again);
    const weights = before.find(first.name);
    expect(weights.map(e => e.kind === 'variable' && e.node.graph)).toEqual(['g0', 'eager']);
    expect(weights.map(e => now.counterpart(e, before)?.key)).toEqual(
      weights.map(e => ids.get(e.key))
    );
  });
});

describe('ReportTree search', () => {
  /** The sample with more ops in conv1: names of mixed case, one with letters whose lower
   * case is longer (`İ`: the offsets into the lower-case names must not slip). */
  const dotted = 'İ'.repeat(6) + 'nit';
  const tree = (): ReportTree => {
    const doc = sampleReport();
    for (const name of [dotted, 'MatMul', 'matmul_1', 'Conv2D_grad']) {
      doc.graph.nodes.push(op(`image_filters/conv1/${name}`, 'Op', 'image_filters/conv1'));
      doc.graph.edges.push({
        source: 'scope:image_filters/conv1',
        target: `op:g0:image_filters/conv1/${name}`,
        kind: 'contains'
      });
    }
    return new ReportTree(doc);
  };
  const opsFound = (t: ReportTree, query: string, pattern: RegExp | null = null): string[] =>
    listed(t.rows(() => true, t.filter(nameTest(query, pattern))))
      .filter(r => r.entry.kind === 'op')
      .map(r => r.entry.label);

  it('matches every op whose name holds the text, whatever its case, each once', () => {
    const t = tree();
    expect(opsFound(t, 'matmul')).toEqual(['MatMul', 'matmul_1']);
    expect(opsFound(t, 'conv1/conv2d')).toEqual(['Conv2D', 'Conv2D_grad']);
    expect(opsFound(t, 'nit')).toEqual([dotted]);
    expect(opsFound(t, 'relu')).toEqual(['Relu', 'Relu']);
    // Not across two names.
    expect(opsFound(t, 'relu\nimage')).toEqual([]);
    expect(opsFound(t, 'grad')).toEqual(['Conv2D_grad']);
  });

  it('applies the --filter regex to ops with or without a search', () => {
    const t = tree();
    expect(opsFound(t, '', /_1$/)).toEqual(['matmul_1']);
    expect(opsFound(t, 'conv1', /Mat/)).toEqual(['MatMul']);
  });

  it('keeps out of sight what only ops lead to, without ops', () => {
    // The replica parts on CPU:1 sit in their variable's own ops scope (`w/replica_1`).
    const t = new ReportTree(mirroredReport());
    const shown = (query: string, device: string, ops: boolean): string[] =>
      listed(t.rows(() => true, t.filter(nameTest(query), device, ops), ops)).map(
        r => r.entry.label
      );
    expect(shown('', 'CPU:1', false)).toEqual([]);
    expect(shown('replica', '', false)).toEqual([]);
    expect(shown('', 'CPU:1', true)).toEqual(['w', 'b']);
    expect(t.filter(nameTest('replica'), '', false)?.has(t.find('w/replica_1')[0])).toBe(false);
  });

  it('makes the same entry for an op however it is reached', () => {
    const t = tree();
    const [found] = t.find('image_filters/conv1/MatMul');
    if (found.kind !== 'op') {
      throw new Error('not an op');
    }
    const rows = t.rows(() => true, t.filter(nameTest('matmul')));
    const at = rows.indexOf(found);
    expect(rows.at(at)?.entry).toBe(found);
    expect(rows.indexOf(found.parent)).toBe(at - 1);
    expect(rows.at(rows.length)).toBeUndefined();
    expect(t.get(found.key)).toBe(found);
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
