/** One row of the tree: caret, name, and what the entry shows (badges, facts, chips). */

import { append, h } from './dom';
import type { Entry } from './entries';
import type { ReportTree } from './report';
import { badge, facts, placement, scopeDevices, scopeMark, variableBadges } from './parts';
import type { ITrans } from './trans';

/** Height of one row in px; `.jp-Scope-row` in tree.css has the same. */
export const ROW_HEIGHT = 24;

export interface IRowState {
  index: number;
  depth: number;
  expandable: boolean;
  open: boolean;
  selected: boolean;
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
  el.style.paddingLeft = `${4 + state.depth * 16}px`;
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
    h(
      'span',
      { class: 'jp-Scope-name', title: entry.kind === 'group' ? entry.type : entry.node.name },
      entry.label || trans.__('(root)')
    ),
    ...shows(tree, entry, trans)
  );
  return el;
}

function shows(tree: ReportTree, entry: Entry, trans: ITrans): (Node | null)[] {
  switch (entry.kind) {
    case 'scope': {
      const links = entry.node.links ?? [];
      return [
        scopeMark(tree, entry.node),
        facts(tree, entry.node),
        ...scopeDevices(tree, entry.node, trans),
        links.length
          ? h(
              'span',
              { class: 'jp-Scope-links', title: trans.__('the same scope name opened again') },
              `↔ ${links.join(', ')}`
            )
          : null
      ];
    }
    case 'variable':
      return [
        ...variableBadges(tree, entry.node),
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
