import { describe, expect, it } from 'vitest';
import { type ITreeChange, TreeModel } from '../src/tree/model';
import { golden } from './fixtures';

/** The rows as a person reads them: indented by depth, `+` closed, `-` open, `*` selected. */
function drawn(model: TreeModel): string[] {
  const rows = model.rows!;
  return Array.from({ length: rows.length }, (_, i) => {
    const { entry, depth } = rows.at(i)!;
    const caret = model.isExpandable(entry) ? (model.isOpen(entry) ? ' -' : ' +') : '';
    return `${'  '.repeat(depth)}${entry.label}${caret}${entry === model.selected ? ' *' : ''}`;
  });
}

/** A model showing `name`, and the changes it emits from then on. */
function shown(name: string): { model: TreeModel; changes: ITreeChange[] } {
  const model = new TreeModel();
  model.setDocument(golden(name));
  const changes: ITreeChange[] = [];
  model.changed.connect((_, change) => changes.push(change));
  return { model, changes };
}

const SAMPLE = [
  'image_filters -',
  '  conv1 -',
  '    weights',
  '    biases',
  '  conv2 -',
  '    weights',
  '    biases'
];

/** The sample with conv1 closed and selected. */
const CONV1_CLOSED = ['image_filters -', '  conv1 + *', '  conv2 -', '    weights', '    biases'];

describe('TreeModel', () => {
  it('opens the scopes that hold variables at first, ops hidden, nothing selected', () => {
    const model = new TreeModel();
    const changes: ITreeChange[] = [];
    model.changed.connect((_, change) => changes.push(change));
    model.setDocument(golden('sample'));
    expect(drawn(model)).toEqual(SAMPLE);
    expect([model.ops, model.selected, model.narrowed]).toEqual([false, null, false]);
    expect(changes).toEqual([
      { document: true, rows: true, selection: true, colour: false, reveal: null }
    ]);
  });

  it('moves the selection down, up, home and end, and brings it into sight', () => {
    const { model, changes } = shown('sample');
    model.selectPrevious();
    expect(model.selectedName).toBe('image_filters');
    model.selectNext();
    model.selectNext();
    expect(drawn(model)[2]).toBe('    weights *');
    expect(model.selectedName).toBe('image_filters/conv1/weights');
    model.selectNext();
    model.selectPrevious();
    expect(model.selectedName).toBe('image_filters/conv1/weights');
    model.selectLast();
    expect(model.selectedName).toBe('image_filters/conv2/biases');
    model.selectNext();
    expect(model.selectedName).toBe('image_filters/conv2/biases');
    model.selectFirst();
    expect(model.selectedName).toBe('image_filters');
    // Each key: one change, of the selection, with the row to scroll to (kept at the ends).
    expect(changes.map(c => [c.document, c.rows, c.selection])).toEqual(
      Array(8).fill([false, false, true])
    );
    expect(changes.map(c => c.reveal?.key)).toEqual([
      'scope:image_filters',
      'scope:image_filters/conv1',
      'var:g0:image_filters/conv1/weights',
      'var:g0:image_filters/conv1/biases',
      'var:g0:image_filters/conv1/weights',
      'var:g0:image_filters/conv2/biases',
      'var:g0:image_filters/conv2/biases',
      'scope:image_filters'
    ]);
  });

  it('starts from the first row when nothing is selected', () => {
    const down = shown('sample').model;
    down.selectNext();
    expect(down.selectedName).toBe('image_filters');
    const end = shown('sample').model;
    end.selectLast();
    expect(end.selectedName).toBe('image_filters/conv2/biases');
  });

  it('closes with ←, then goes to the parent; opens with →', () => {
    const { model } = shown('sample');
    model.selectName('image_filters/conv1');
    model.collapseSelected();
    expect(drawn(model)).toEqual(CONV1_CLOSED);
    model.collapseSelected();
    expect(model.selectedName).toBe('image_filters');
    // Open already: → does nothing.
    model.expandSelected();
    expect(drawn(model)).toHaveLength(5);
    model.selectNext();
    model.expandSelected();
    expect(drawn(model)).toEqual([
      'image_filters -',
      '  conv1 - *',
      '    weights',
      '    biases',
      '  conv2 -',
      '    weights',
      '    biases'
    ]);
    // A variable without its ops cannot open: ← goes to its scope, → and Enter do nothing.
    model.selectName('image_filters/conv2/biases');
    model.expandSelected();
    model.toggleSelected();
    expect(drawn(model)).toHaveLength(7);
    model.collapseSelected();
    expect(model.selectedName).toBe('image_filters/conv2');
    model.toggleSelected();
    expect(drawn(model).slice(4)).toEqual(['  conv2 + *']);
    model.toggleSelected();
    expect(drawn(model).slice(4)).toEqual(['  conv2 - *', '    weights', '    biases']);
  });

  it('shows op groups and ops with the ops switch; a group has no name to select', () => {
    const { model } = shown('sample');
    model.setOps(true);
    expect(drawn(model).slice(0, 8)).toEqual([
      ...SAMPLE.slice(0, 4),
      '    Conv2D ×1 +',
      '    AddV2 ×1 +',
      '    Relu ×1 +',
      '  conv2 -'
    ]);
    expect(drawn(model).at(-1)).toBe('image_filters_1 +');
    model.selectName('image_filters/conv1/biases');
    model.selectNext();
    expect(model.selected?.kind).toBe('group');
    expect(model.selectedName).toBeNull();
    model.expandSelected();
    model.selectNext();
    expect(drawn(model).slice(4, 7)).toEqual([
      '    Conv2D ×1 -',
      '      Conv2D *',
      '    AddV2 ×1 +'
    ]);
    expect(model.selectedName).toBe('image_filters/conv1/Conv2D');
    // ← on an op: its group.
    model.collapseSelected();
    expect(model.selected?.label).toBe('Conv2D ×1');
  });

  it('opens everything that matches a search, and keeps its own open and closed apart', () => {
    const { model } = shown('sample');
    model.selectName('image_filters/conv2');
    model.collapseSelected();
    model.setQuery('WEIGHTS');
    expect(model.narrowed).toBe(true);
    expect(drawn(model)).toEqual([
      'image_filters -',
      '  conv1 -',
      '    weights',
      '  conv2 - *',
      '    weights'
    ]);
    model.toggleSelected();
    expect(drawn(model).slice(3)).toEqual(['  conv2 + *']);
    model.collapseAll();
    expect(drawn(model)).toEqual(['image_filters +']);
    model.setQuery('');
    // What was closed before the search is closed again; "collapse all" closed the rest.
    expect(drawn(model)).toEqual(['image_filters +']);
    model.expandAll();
    expect(drawn(model)).toEqual([...SAMPLE.slice(0, 4), '  conv2 - *', ...SAMPLE.slice(5)]);
    model.setQuery('nothing');
    expect(model.rows!.length).toBe(0);
    model.selectNext();
    expect(model.selectedName).toBe('image_filters/conv2');
  });

  it('reveals a name the search, the ops switch or a closed scope hides', () => {
    const { model, changes } = shown('sample');
    model.selectName('image_filters/conv1');
    model.collapseSelected();
    model.setQuery('conv2');
    changes.length = 0;
    expect(model.selectName('image_filters/conv1/add')).toBe(true);
    expect([model.query, model.ops]).toEqual(['', true]);
    expect(drawn(model).slice(0, 8)).toEqual([
      ...SAMPLE.slice(0, 4),
      '    Conv2D ×1 +',
      '    AddV2 ×1 -',
      '      add *',
      '    Relu ×1 +'
    ]);
    expect(changes).toEqual([
      { document: false, rows: true, selection: true, colour: false, reveal: model.selected }
    ]);
    expect(model.selectName('image_filters/nothing')).toBe(false);
    expect(model.selectedName).toBe('image_filters/conv1/add');
  });

  it('reveals a variable out of a search, leaving the ops switch alone', () => {
    const { model } = shown('sample');
    model.setQuery('conv2');
    model.selectName('image_filters/conv1/biases');
    expect([model.query, model.ops, model.narrowed]).toEqual(['', false, false]);
    expect(drawn(model)).toEqual([...SAMPLE.slice(0, 3), '    biases *', ...SAMPLE.slice(4)]);
  });

  it('filters by device, and forgets a device the report does not have', () => {
    const { model } = shown('placed');
    model.setDevice('GPU:0');
    expect(model.device).toBe('GPU:0');
    expect(drawn(model)).toEqual([
      'image_filters -',
      '  conv1 -',
      '    weights',
      '    biases',
      '  conv2 -',
      '    weights'
    ]);
    model.setDevice('TPU:0');
    expect([model.device, model.narrowed]).toEqual(['', false]);
    expect(drawn(model)).toHaveLength(7);
  });

  it('keeps what is open and selected across an update, found by name', () => {
    const { model } = shown('sample');
    model.selectName('image_filters/conv1/weights');
    model.collapseSelected();
    model.collapseSelected();
    // The same report, numbered apart (`scope:2`, not `scope:image_filters/conv1`).
    model.setDocument(golden('numbered'));
    expect(model.selected?.key).toBe('scope:2');
    expect(drawn(model)).toEqual(CONV1_CLOSED);
    model.setDocument(golden('numbered'), { another: true });
    expect(drawn(model)).toEqual(SAMPLE);
    expect(model.selected).toBeNull();
  });

  it('shows the ops at first when there are no variables', () => {
    const doc = golden('sample');
    doc.display.summary.variables = 0;
    const model = new TreeModel();
    model.setDocument(doc);
    expect(model.ops).toBe(true);
  });

  it('shows a problem instead of a tree', () => {
    const { model, changes } = shown('sample');
    model.selectFirst();
    model.showProblem('not a report');
    expect([model.tree, model.rows, model.selected, model.problem]).toEqual([
      null,
      null,
      null,
      'not a report'
    ]);
    expect(changes.at(-1)).toMatchObject({ document: true, rows: false });
    model.selectNext();
    expect(model.selected).toBeNull();
  });
});
