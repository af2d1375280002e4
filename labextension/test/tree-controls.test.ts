import { describe, expect, it } from 'vitest';
import { DEVICE_GROUP, Pick } from '../src/tree/filter';
import { TreeModel } from '../src/tree/model';
import { isNumeric, ReportTree, sortValue } from '../src/tree/report';
import type { IVariableNode } from '../src/tree/types';
import { golden } from './fixtures';

const GOLDENS = [
  'sample',
  'mirrored',
  'placed',
  'own_ops',
  'calls',
  'numbered',
  'trained',
  'matched'
];

/** The rows' labels, indented by depth, everything open. */
function drawn(model: TreeModel): string[] {
  const rows = model.rows!;
  return Array.from({ length: rows.length }, (_, i) => {
    const { entry, depth } = rows.at(i)!;
    return `${'  '.repeat(depth)}${entry.label}`;
  });
}

function shown(name: string): TreeModel {
  const model = new TreeModel();
  model.setDocument(golden(name));
  model.expandAll();
  return model;
}

describe('the display filters', () => {
  it.each(GOLDENS)('pass as many variables and ops as Python counts (%s)', name => {
    const doc = golden(name);
    const tree = new ReportTree(doc);
    for (const f of doc.display.filters ?? []) {
      if (f.group === DEVICE_GROUP) {
        continue;
      }
      const pick = new Pick([f], { named: tree.named });
      const variables = doc.graph.nodes.filter(
        (n): n is IVariableNode => n.kind === 'variable' && pick.variable(n)
      );
      const ops = doc.graph.nodes.filter(n => n.kind === 'op' && pick.op(n.name));
      expect(variables.length + ops.length, `${name}: ${f.key}`).toBe(f.count);
    }
  });

  it('count the devices as the device choice keeps them', () => {
    const doc = golden('placed');
    const tree = new ReportTree(doc);
    const devices = (doc.display.filters ?? []).filter(f => f.group === DEVICE_GROUP);
    expect(devices.map(f => f.key)).toEqual(tree.devices);
    for (const f of devices) {
      const on = doc.graph.nodes.filter(n => n.kind !== 'scope' && tree.onDevice(n, f.key));
      expect(on.length, f.key).toBe(f.count);
    }
  });

  it('narrow within a group by either, across groups by both, with the search', () => {
    const model = shown('trained');
    model.toggleFilter('optimizer');
    expect(drawn(model)).toEqual([
      'image_filters',
      '  conv1',
      '    weights',
      '      Adam',
      '      Adam_1'
    ]);
    model.toggleFilter('non_trainable');
    expect(drawn(model)[0]).toBe('global_step');
    model.toggleFilter('created'); // another group: created and (optimizer or non-trainable)
    expect(drawn(model).length).toBe(6);
    model.toggleFilter('reused');
    model.toggleFilter('created'); // reused and (optimizer or non-trainable): none
    expect(drawn(model)).toEqual([]);
    model.toggleFilter('reused');
    model.setQuery('adam_1');
    expect(drawn(model).at(-1)).toBe('      Adam_1');
    expect(drawn(model)).not.toContain('      Adam');
  });

  it('keep what a diagnostic names', () => {
    const model = shown('sample');
    model.toggleFilter('diagnostics');
    expect(drawn(model)).toEqual(['image_filters', '  conv1', '    weights']);
  });

  it('group the expected misses of a match apart from the real ones', () => {
    const model = shown('matched');
    model.toggleFilter('expected');
    expect(drawn(model)).toEqual([
      'global_step',
      'image_filters',
      '  conv1',
      '    weights',
      '      Adam',
      '      Adam_1'
    ]);
    model.toggleFilter('expected');
    model.toggleFilter('mismatch');
    expect(drawn(model)).toEqual(['image_filters', '  conv2', '    weights']);
  });

  it('stay on when the same report is shown again, and go when it does not offer them', () => {
    const model = shown('trained');
    model.toggleFilter('optimizer');
    model.setDocument(golden('trained'));
    expect([...model.filters]).toEqual(['optimizer']);
    model.setDocument(golden('sample'), { another: true });
    expect([...model.filters]).toEqual(['optimizer']); // the sample offers it too: 0 pass
    expect(drawn(model)).toEqual([]);
  });
});

describe('sorting', () => {
  it('orders each scope by a size, largest first, variables and scopes together', () => {
    const model = shown('trained');
    model.setSort('params');
    expect(drawn(model).slice(0, 4)).toEqual([
      'image_filters',
      '  conv1',
      '    weights',
      '      Adam'
    ]);
    expect(drawn(model).at(-1)).toBe('global_step'); // 1 param
    model.setSort('name');
    expect(drawn(model)[0]).toBe('global_step');
    model.setSort('order');
    expect(drawn(model)[0]).toBe('global_step');
  });

  it('values a row as it shows it: the model’s params, without the optimizer’s', () => {
    const doc = golden('trained');
    const tree = new ReportTree(doc);
    const params = doc.display.sorts!.find(s => s.key === 'params')!;
    expect(isNumeric(params)).toBe(true);
    expect(isNumeric(doc.display.sorts!.find(s => s.key === 'name')!)).toBe(false);
    const conv1 = tree.find('image_filters/conv1')[0];
    if (conv1.kind !== 'scope') {
      throw new Error('not a scope');
    }
    // conv1 holds the weights (25,600), the biases (32) and the weights' two Adam slots.
    expect(conv1.node.params).toBe(3 * 25600 + 32);
    expect(sortValue(conv1, params)).toBe(25600 + 32);
    expect(sortValue(tree.root, params)).toBe(2 * (25600 + 32) + 1);
  });

  it('offers what Python lists, and keeps the choice for the next document', () => {
    const model = shown('trained');
    expect(model.tree!.document.display.sorts!.map(s => s.key)).toContain('params');
    model.setSort('bytes');
    model.setDocument(golden('trained'));
    expect(model.sort).toBe('bytes');
  });
});

describe('optimizer slots', () => {
  it('sit in the variable they serve, never as a sibling scope of its name', () => {
    const model = shown('trained');
    const rows = drawn(model);
    expect(rows).toContain('      Adam');
    expect(rows.filter(r => r.trim() === 'weights').length).toBe(2); // conv1's and conv2's
    const conv1 = rows.indexOf('  conv1');
    expect(rows.slice(conv1 + 1, conv1 + 4)).toEqual(['    weights', '      Adam', '      Adam_1']);
  });
});
