/** One row of the tree: caret, name, and what the entry shows (badges, facts, chips). */

import { append, h } from './dom';
import type { Entry } from './entries';
import type { IShareOf } from './model';
import type { ReportTree } from './report';
import { badge, facts, placement, scopeDevices, scopeMark, variableBadges } from './parts';
import type { ITrans } from './trans';

/** Height of one row in px; `.jp-Scope-row` in tree.css has the same. */
export const ROW_HEIGHT = 24;
/** Indent of each level in px: a caret's width and a little. */
const INDENT = 14;

export interface IRowState {
  index: number;
  depth: number;
  expandable: boolean;
  open: boolean;
  selected: boolean;
  /** Sorted by a number: the row's share of the report's total, drawn as a bar. */
  share?: IShareOf | null;
}

export function renderRow(
  tree: ReportTree,
  entry: Entry,
  state: IRowState,
  trans: ITrans
): HTMLElement {
  const { expandable } = state;
  const open = expandable && state.open;
  const el = h('div', {
    class: `jp-Scope-row jp-Scope-${entry.kind}${state.selected ? ' jp-mod-selected' : ''}`,
    role: 'treeitem',
    'data-index': String(state.index),
    'data-name': entry.kind === 'group' ? undefined : entry.node.name,
    'aria-level': String(state.depth + 1),
    'aria-expanded': expandable ? String(open) : undefined,
    'aria-selected': String(state.selected)
  });
  el.style.top = `${state.index * ROW_HEIGHT}px`;
  el.style.paddingLeft = `${4 + state.depth * INDENT}px`;
  const colour = tree.entryColour(entry);
  if (colour) {
    el.style.setProperty('--jp-Scope-row-colour', colour);
  }
  // A match's tree: the row's match state, coloured as Python chose.
  const shown = entry.kind === 'group' ? undefined : tree.shown(entry.node.id);
  if (shown?.never_ran) {
    el.classList.add('jp-mod-neverRan');
  }
  const stateColour = shown?.colour;
  if (stateColour) {
    el.classList.add('jp-mod-state');
    el.style.setProperty('--jp-Scope-state-colour', stateColour);
  }
  append(
    el,
    h('span', { class: 'jp-Scope-caret' }, expandable ? (open ? '▾' : '▸') : ''),
    nameCell(
      entry.label || trans.__('(root)'),
      entry.kind === 'group' ? entry.type : entry.node.name
    ),
    state.share ? shareBar(state.share, trans) : null,
    ...shows(tree, entry, trans)
  );
  return el;
}

/** A bar as long as the row's share of the whole, as tfprof's scope view orders by one
 * column and TensorBoard's profiler draws each one's share. */
function shareBar({ fraction, label }: IShareOf, trans: ITrans): HTMLElement {
  const percent = Math.round(fraction * 1000) / 10;
  const text = trans.__('%1% of the report’s %2', percent, label);
  const bar = h('span', { class: 'jp-Scope-share', role: 'img', title: text, 'aria-label': text });
  const fill = h('span', { class: 'jp-Scope-shareFill' });
  fill.style.width = `${Math.min(100, Math.max(0, fraction * 100))}%`;
  bar.append(fill);
  return bar;
}

/** How many characters of a name's end stay when the name is cut: siblings differ there
 * (`Mixed_6a`, `Mixed_6b`; `weights`, `biases`). */
export const NAME_END = 10;

/** A name cut in the middle when the row is narrow: its start gives way (an ellipsis),
 * its last `NAME_END` characters never do. */
function nameCell(label: string, title: string): HTMLElement {
  // A short start is not worth cutting: the ellipsis would be as wide.
  const cut = label.length > NAME_END + 3 ? label.length - NAME_END : 0;
  return h(
    'span',
    { class: 'jp-Scope-name', title },
    cut ? h('span', { class: 'jp-Scope-nameStart' }, label.slice(0, cut)) : null,
    h('span', { class: 'jp-Scope-nameEnd' }, label.slice(cut))
  );
}

function shows(tree: ReportTree, entry: Entry, trans: ITrans): (Node | null)[] {
  switch (entry.kind) {
    case 'scope':
      // Its aliases (`links`) are in the details pane.
      return [
        scopeMark(tree, entry.node),
        facts(tree, entry.node),
        ...scopeDevices(tree, entry.node, trans)
      ];
    case 'variable':
      return [
        variableBadges(tree, entry.node),
        facts(tree, entry.node),
        placement(tree, entry.node, trans)
      ];
    case 'group': {
      // One chip per device the group's ops are on.
      const devices = new Map<string, number>();
      for (const row of entry.opRows) {
        const where = tree.ops.place(row);
        if (where && !devices.has(where)) {
          devices.set(where, row);
        }
      }
      return [
        badge({ text: trans.__('ops'), kind: 'ops', title: trans.__('ops grouped by type') }),
        ...[...devices.values()].map(row => placement(tree, tree.op(row).node, trans))
      ];
    }
    case 'op':
      return [
        h(
          'span',
          { class: 'jp-Scope-facts' },
          entry.inputs.length ? `← ${entry.inputs.join(', ')}` : ''
        ),
        placement(tree, entry.node, trans)
      ];
  }
}
