/** The details pane, for people: the sites first (call lines a click jumps to), then what
 * the node is in words, its placement, and long lists folded behind their counts. */

import { h } from './dom';
import type { Entry } from './entries';
import type { ReportTree } from './report';
import { folded, placement } from './parts';
import {
  nodeBadges,
  nodeMark,
  nodeSites,
  type IOpNode,
  type IScopeNode,
  type ISite,
  type ISiteLine,
  type IVariableNode
} from './types';

export type SiteHandler = (site: ISite) => void;

type Field = [string, Node | string | null];

export function renderDetails(
  tree: ReportTree,
  entry: Entry | null,
  onSite: SiteHandler | null
): HTMLElement {
  const pane = h('div', { class: 'jp-Scope-details', 'aria-live': 'polite' });
  if (!entry) {
    pane.append(h('div', { class: 'jp-Scope-hint' }, 'Select a node to see its details.'));
    return pane;
  }
  let fields: Field[];
  switch (entry.kind) {
    case 'group':
      pane.append(heading('op group', `${entry.parent.node.name}/${entry.type}`));
      fields = [
        [
          'ops',
          folded(
            tree.opsOf(entry).map(op => op.label),
            'ops'
          )
        ],
        ['in scope', entry.parent.node.name || '(root)']
      ];
      break;
    case 'variable':
      pane.append(heading('variable', entry.node.name));
      fields = variableFields(tree, entry.node, onSite);
      break;
    case 'scope':
      pane.append(heading('scope', entry.node.name || '(root)'));
      fields = scopeFields(tree, entry.node);
      break;
    case 'op':
      pane.append(heading('op', entry.node.name));
      fields = opFields(tree, entry.node, entry.inputs);
      break;
  }
  for (const [label, value] of fields) {
    if (value !== null && value !== '') {
      pane.append(
        h(
          'div',
          { class: 'jp-Scope-field' },
          h('span', { class: 'jp-Scope-fieldName' }, label),
          h('span', { class: 'jp-Scope-fieldValue' }, value)
        )
      );
    }
  }
  return pane;
}

function variableFields(tree: ReportTree, v: IVariableNode, onSite: SiteHandler | null): Field[] {
  const shown = tree.shown(v.id);
  const served = v.slot_of ? tree.get(v.slot_of) : undefined;
  return [
    ['created and reused', siteLines(nodeSites(tree.document.display, v.id), onSite)],
    ['is', shown.facts ?? null],
    [
      'use',
      nodeBadges(tree.document.display, v.id)
        .map(b => b.text)
        .join(', ')
    ],
    ['made by', v.api],
    ['trainable', v.trainable === null ? null : v.trainable ? 'yes' : 'no'],
    ['placement', placement(tree, v)],
    ['optimizer slot of', served?.kind === 'variable' ? served.node.name : null],
    ['per replica', v.components ? `${v.components.length} parts` : null],
    ['TF names it', v.tf_name ?? null],
    ['read by', folded(tree.readers(v.id), 'ops')]
  ];
}

function scopeFields(tree: ReportTree, s: IScopeNode): Field[] {
  const shown = tree.shown(s.id);
  const mix = (shown.mix ?? []).map(share => `${share.device || 'not placed'}: ${share.count}`);
  return [
    ['holds', shown.facts ?? null],
    ['opened as', nodeMark(tree.document.display, s.id)?.title ?? null],
    ['devices', mix.join(' · ')],
    ['also opened as', (s.links ?? []).join(', ')]
  ];
}

function opFields(tree: ReportTree, op: IOpNode, inputs: string[]): Field[] {
  const graph = tree.document.meta.graphs.find(g => g.key === op.graph);
  return [
    ['type', op.type],
    ['placement', placement(tree, op)],
    ['in tf.function', graph?.kind === 'function' ? (graph.name ?? null) : null],
    ['TF names it', op.tf_name ?? null],
    ['inputs', folded(inputs, 'inputs')]
  ];
}

function heading(kind: string, name: string): HTMLElement {
  return h(
    'div',
    { class: 'jp-Scope-detailsHeading' },
    h('span', { class: 'jp-Scope-detailsKind' }, kind),
    h('span', { class: 'jp-Scope-detailsName' }, name)
  );
}

/** Call lines, as links that jump to the cell line when the host can do that. */
export function siteLines(lines: ISiteLine[], onSite: SiteHandler | null): HTMLElement | null {
  if (!lines.length) {
    return null;
  }
  return h(
    'ul',
    { class: 'jp-Scope-list' },
    ...lines.map(line => {
      if (!onSite) {
        return h('li', {}, line.text);
      }
      const link = h('button', { class: 'jp-Scope-site', type: 'button' }, line.text);
      link.addEventListener('click', () => onSite(line.site));
      return h('li', {}, link);
    })
  );
}
