/** Jumps from a report to its notebook: to the cell, and to a line of a cell. */

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ISite } from './tree/types';

/** Scroll to the cell with this model id and make it the active cell. */
export async function showCell(panel: NotebookPanel, cellId: string): Promise<boolean> {
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
  if (index < 0) {
    return false;
  }
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
  return true;
}

/** The execution count a site's file names: `In [3]` → 3. */
export function siteCell(site: ISite): number | null {
  const match = /^In \[(\d+)\]/.exec(site.file);
  return match ? Number(match[1]) : null;
}

/** Go to the cell a site names (by execution count) and put the cursor on its line. */
export async function showSite(panel: NotebookPanel, site: ISite): Promise<boolean> {
  const count = siteCell(site);
  const notebook = panel.content;
  const cell = notebook.widgets.find(
    c =>
      c.model.type === 'code' &&
      (c.model as { executionCount?: number | null }).executionCount === count
  );
  if (count === null || !cell) {
    return false;
  }
  if (!(await showCell(panel, cell.model.id))) {
    return false;
  }
  if (site.line !== null && cell.editor) {
    const line = Math.max(0, site.line - 1);
    // At the call, past the indentation.
    const text = cell.model.sharedModel.getSource().split('\n')[line] ?? '';
    const position = { line, column: text.length - text.trimStart().length };
    notebook.mode = 'edit';
    cell.editor.setCursorPosition(position);
    cell.editor.revealPosition(position);
    cell.editor.focus();
  }
  return true;
}
