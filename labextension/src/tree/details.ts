/** The details pane, for people: the sites first (call lines a click jumps to), then what
 * the node is in words, its placement, and long lists folded behind their counts. */

import { h } from './dom';
import type { Entry } from './entries';
import type { ReportTree } from './report';
import { site } from './format';
import { folded, mixText, placement } from './parts';
import type { ITrans } from './trans';
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
  onSite: SiteHandler | null,
  trans: ITrans
): HTMLElement {
  const pane = h('div', { class: 'jp-Scope-details', 'aria-live': 'polite' });
  if (!entry) {
    pane.append(
      h('div', { class: 'jp-Scope-hint' }, trans.__('Select a node to see its details.'))
    );
    return pane;
  }
  const root = trans.__('(root)');
  let fields: Field[];
  switch (entry.kind) {
    case 'group':
      pane.append(heading(trans.__('op group'), `${entry.parent.node.name}/${entry.type}`));
      fields = [
        [
          trans.__('ops'),
          folded(
            tree.opsOf(entry).map(op => op.label),
            n => trans._n('and %1 more op', 'and %1 more ops', n)
          )
        ],
        [trans.__('in scope'), entry.parent.node.name || root]
      ];
      break;
    case 'variable':
      pane.append(heading(trans.__('variable'), entry.node.name));
      fields = variableFields(tree, entry.node, onSite, trans);
      break;
    case 'scope':
      pane.append(heading(trans.__('scope'), entry.node.name || root));
      fields = scopeFields(tree, entry.node, trans);
      break;
    case 'op':
      pane.append(heading(trans.__('op'), entry.node.name));
      fields = opFields(tree, entry.node, entry.inputs, trans);
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

function variableFields(
  tree: ReportTree,
  v: IVariableNode,
  onSite: SiteHandler | null,
  trans: ITrans
): Field[] {
  const shown = tree.shown(v.id);
  const served = v.slot_of ? tree.get(v.slot_of) : undefined;
  const trainable = v.trainable === null ? null : v.trainable ? trans.__('yes') : trans.__('no');
  return [
    [trans.__('created and reused'), siteLines(nodeSites(tree.document.display, v.id), onSite)],
    [trans.__('is'), shown.facts ?? null],
    [
      trans.__('use'),
      nodeBadges(tree.document.display, v.id)
        .map(b => b.text)
        .join(', ')
    ],
    [trans.__('made by'), v.api],
    [trans.__('trainable'), trainable],
    [trans.__('placement'), placement(tree, v, trans)],
    [trans.__('optimizer slot of'), served?.kind === 'variable' ? served.node.name : null],
    [
      trans.__('per replica'),
      v.components ? trans._n('%1 part', '%1 parts', v.components.length) : null
    ],
    [trans.__('TF names it'), v.tf_name ?? null],
    [
      trans.__('read by'),
      folded(tree.readers(v.id), n => trans._n('and %1 more op', 'and %1 more ops', n))
    ]
  ];
}

function scopeFields(tree: ReportTree, s: IScopeNode, trans: ITrans): Field[] {
  const shown = tree.shown(s.id);
  return [
    [trans.__('holds'), shown.facts ?? null],
    [trans.__('opened as'), nodeMark(tree.document.display, s.id)?.title ?? null],
    [trans.__('devices'), mixText(shown.mix ?? [], trans)],
    [trans.__('also opened as'), (s.links ?? []).join(', ')]
  ];
}

function opFields(tree: ReportTree, op: IOpNode, inputs: string[], trans: ITrans): Field[] {
  const graph = tree.document.meta.graphs.find(g => g.key === op.graph);
  return [
    [trans.__('type'), op.type],
    [trans.__('outputs'), tree.shown(op.id).facts ?? null],
    [trans.__('placement'), placement(tree, op, trans)],
    [trans.__('in tf.function'), graph?.kind === 'function' ? (graph.name ?? null) : null],
    [trans.__('TF names it'), op.tf_name ?? null],
    [
      trans.__('inputs'),
      folded(inputs, n => trans._n('and %1 more input', 'and %1 more inputs', n))
    ]
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

/** Call lines; a line in a notebook cell (`In [3]:4`) is a link that jumps to that cell
 * and line when the host can do that. A file's line names the file and line (its full
 * path on hover). */
export function siteLines(lines: ISiteLine[], onSite: SiteHandler | null): HTMLElement | null {
  if (!lines.length) {
    return null;
  }
  return h(
    'ul',
    { class: 'jp-Scope-list' },
    ...lines.map(line => {
      if (!onSite || !IN_CELL.test(line.site.file)) {
        return h('li', { title: line.site.file }, line.text);
      }
      const link = h(
        'button',
        { class: 'jp-Scope-site', type: 'button', title: site(line.site) },
        line.text
      );
      link.addEventListener('click', () => onSite(line.site));
      return h('li', {}, link);
    })
  );
}

/** A site in a notebook cell: its file is the cell's `In [3]`. */
const IN_CELL = /^In \[\d+\]/;
