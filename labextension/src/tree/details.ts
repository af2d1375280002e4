/** The details pane: every field of the selected node, its sites, readers and inputs. */

import { h } from './dom';
import { site as siteText } from './format';
import type { Entry, ReportTree } from './model';
import { placement } from './parts';
import type { Site } from './types';

export type SiteHandler = (site: Site) => void;

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
  const rows: [string, Node | string][] = [];
  if (entry.kind === 'group') {
    pane.append(heading('op group', `${entry.parent.node.name}/${entry.type}`));
    rows.push(['type', entry.type], ['ops', String(entry.ops.length)]);
    rows.push(['scope', entry.parent.node.name || '(root)']);
  } else {
    const node = entry.node;
    pane.append(heading(node.kind, node.name || '(root)'));
    for (const [key, value] of Object.entries(node)) {
      if (key === 'kind' || key === 'name' || key === 'sites') {
        continue;
      }
      rows.push([key, fieldValue(value)]);
    }
    if (node.kind !== 'scope') {
      const where = placement(tree, node);
      if (where) {
        rows.push(['placement', where]);
      }
    }
    if (entry.kind === 'op') {
      rows.push(['inputs', list(entry.inputs)]);
    }
    if (entry.kind === 'variable') {
      rows.push(['read by', list(tree.readers(entry))]);
      rows.push(['sites', sites(node.kind === 'variable' ? node.sites : [], onSite)]);
    }
  }
  for (const [key, value] of rows) {
    pane.append(
      h(
        'div',
        { class: 'jp-Scope-field' },
        h('span', { class: 'jp-Scope-fieldName' }, key),
        h('span', { class: 'jp-Scope-fieldValue' }, value)
      )
    );
  }
  return pane;
}

function heading(kind: string, name: string): HTMLElement {
  return h(
    'div',
    { class: 'jp-Scope-detailsHeading' },
    h('span', { class: 'jp-Scope-detailsKind' }, kind),
    h('span', { class: 'jp-Scope-detailsName' }, name)
  );
}

function fieldValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function list(names: string[]): HTMLElement | string {
  if (!names.length) {
    return '—';
  }
  return h('ul', { class: 'jp-Scope-list' }, ...names.map(name => h('li', {}, name)));
}

/** The sites, as links that jump to the cell line when the host can do that. */
export function sites(items: Site[], onSite: SiteHandler | null): HTMLElement | string {
  if (!items.length) {
    return '—';
  }
  return h(
    'ul',
    { class: 'jp-Scope-list' },
    ...items.map(s => {
      const text = `${s.kind} at ${siteText(s)}`;
      if (!onSite) {
        return h('li', {}, text);
      }
      const link = h('button', { class: 'jp-Scope-site', type: 'button' }, text);
      link.addEventListener('click', () => onSite(s));
      return h('li', {}, link);
    })
  );
}
