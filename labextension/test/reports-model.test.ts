import { gzipSync } from 'node:zlib';
import { Signal } from '@lumino/signaling';
import { describe, expect, it, vi } from 'vitest';
import { ReportsModel, type NotebookModelLike } from '../src/model';
import { REPORT_MIME_TYPE, type IReportDocument, type ShownDocument } from '../src/tree/types';
import { sampleReport } from './fixtures';

/** Just enough of JupyterLab's notebook model: cells with output areas and signals. */
class FakeOutputs {
  readonly changed = new Signal<this, void>(this);
  readonly stateChanged = new Signal<this, void>(this);
  items: { data: Record<string, unknown> }[] = [];
  get length(): number {
    return this.items.length;
  }
  get(i: number): { data: Record<string, unknown> } {
    return this.items[i];
  }
  add(data: Record<string, unknown>): void {
    this.items.push({ data });
    this.changed.emit();
  }
}

class FakeCell {
  readonly stateChanged = new Signal<this, { name: string }>(this);
  readonly outputs = new FakeOutputs();
  constructor(
    readonly id: string,
    public executionCount: number | null,
    readonly type = 'code'
  ) {}
}

class FakeCells {
  readonly changed = new Signal<this, void>(this);
  items: FakeCell[] = [];
  get length(): number {
    return this.items.length;
  }
  get(i: number): FakeCell {
    return this.items[i];
  }
}

function notebook(...cells: FakeCell[]): { model: NotebookModelLike; cells: FakeCells } {
  const list = new FakeCells();
  list.items = cells;
  return { model: { cells: list } as unknown as NotebookModelLike, cells: list };
}

function report(name: string | null, count: number): IReportDocument {
  const doc = sampleReport();
  doc.meta = { ...doc.meta, name, cell: { execution_count: count, id: null } };
  return doc;
}

describe('ReportsModel', () => {
  it('lists the reports in the outputs, newest first', () => {
    const a = new FakeCell('a', 3);
    a.outputs.items = [
      { data: { 'text/plain': 'x' } },
      { data: { [REPORT_MIME_TYPE]: report('first', 3) } }
    ];
    const md = new FakeCell('m', null, 'markdown');
    const b = new FakeCell('b', 7);
    b.outputs.items = [{ data: { [REPORT_MIME_TYPE]: report(null, 7) } }];
    const model = new ReportsModel();
    model.setNotebook(notebook(a, md, b).model);
    expect(model.reports.map(r => [r.key, r.cellIndex, r.executionCount, r.name])).toEqual([
      ['b/0', 2, 7, null],
      ['a/1', 0, 3, 'first']
    ]);
    expect(model.reports[0].summary).toMatchObject({ created: 4, reused: 4, ops: 6, errors: 1 });
  });

  it('updates live when an output arrives, and re-sorts on the execution count', () => {
    const a = new FakeCell('a', 1);
    a.outputs.items = [{ data: { [REPORT_MIME_TYPE]: report(null, 1) } }];
    const b = new FakeCell('b', null);
    const model = new ReportsModel();
    let emitted = 0;
    model.changed.connect(() => emitted++);
    model.setNotebook(notebook(a, b).model);
    b.outputs.add({ [REPORT_MIME_TYPE]: report('live', 2) });
    expect(model.reports.map(r => r.key)).toEqual(['a/0', 'b/0']);
    b.executionCount = 2;
    b.stateChanged.emit({ name: 'executionCount' });
    expect(model.reports.map(r => r.key)).toEqual(['b/0', 'a/0']);
    expect(emitted).toBe(3);
  });

  it('reads a packed report (a saved notebook output) once it is unpacked', async () => {
    const doc = report('saved', 4);
    const data = gzipSync(JSON.stringify(doc)).toString('base64');
    const packed = { schema: doc.schema, encoding: 'gzip+base64', data };
    const a = new FakeCell('a', 4);
    a.outputs.items = [{ data: { [REPORT_MIME_TYPE]: packed } }];
    const model = new ReportsModel();
    model.setNotebook(notebook(a).model);
    expect(model.reports).toEqual([]);
    await vi.waitFor(() => expect(model.reports).toHaveLength(1));
    expect(model.reports.map(r => [r.key, r.name])).toEqual([['a/0', 'saved']]);
    expect(model.reports[0].document).toEqual(doc);
  });

  it('asks for the display section of a document saved before schema 1.2', async () => {
    const doc = report('older', 4) as ShownDocument;
    const saved = { ...doc, schema: 'jupyter-scope.report/1.1' }; // its display of 1.1's form
    const read = vi.fn(async () => doc);
    const a = new FakeCell('a', 4);
    a.outputs.items = [{ data: { [REPORT_MIME_TYPE]: saved } }];
    const model = new ReportsModel(read);
    model.setNotebook(notebook(a).model);
    expect(model.reports).toEqual([]);
    await vi.waitFor(() => expect(model.reports).toHaveLength(1));
    expect(read).toHaveBeenCalledWith(saved);
    expect(model.reports[0].document).toBe(doc);
  });

  it('notices added cells and stops listening when detached', () => {
    const { model: nb, cells } = notebook();
    const model = new ReportsModel();
    model.setNotebook(nb);
    const c = new FakeCell('c', 5);
    cells.items.push(c);
    cells.changed.emit();
    c.outputs.add({ [REPORT_MIME_TYPE]: report(null, 5) });
    expect(model.reports).toHaveLength(1);
    model.setNotebook(null);
    expect(model.reports).toHaveLength(0);
    c.outputs.add({ [REPORT_MIME_TYPE]: report(null, 5) });
    expect(model.reports).toHaveLength(0);
  });

  /** A notebook of two cells, each with one report (cell b newer). */
  const twoReports = (): ReportsModel => {
    const a = new FakeCell('a', 1);
    a.outputs.items = [{ data: { [REPORT_MIME_TYPE]: report(null, 1) } }];
    const b = new FakeCell('b', 2);
    b.outputs.items = [{ data: { [REPORT_MIME_TYPE]: report(null, 2) } }];
    const model = new ReportsModel();
    model.setNotebook(notebook(a, b).model);
    return model;
  };

  it('searches names across every report', () => {
    const model = twoReports();
    const hits = model.search('conv1/WEIGHTS');
    expect(hits.map(h => [h.report.key, h.kind, h.name])).toEqual([
      ['b/0', 'variable', 'image_filters/conv1/weights'],
      ['a/0', 'variable', 'image_filters/conv1/weights']
    ]);
    expect(hits[0].variable?.sites.map(s => s.kind)).toEqual(['create', 'reuse']);
    expect(model.search(' ')).toEqual([]);
  });

  it('lists variables before scopes and ops, newest report first within each', () => {
    const model = twoReports();
    const hits = model.search('conv1');
    const ranks = hits.map(h => ['variable', 'scope', 'op'].indexOf(h.kind));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(ranks.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(ranks).toContain(1);
    expect(hits.slice(0, 4).map(h => h.report.key)).toEqual(['b/0', 'b/0', 'a/0', 'a/0']);
  });
});
