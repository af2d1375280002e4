/** The header of a report: its summary line, heading, the exception the block raised, and
 * the diagnostics (each a button that reveals the nodes it concerns). */

import { sites, type SiteHandler } from './details';
import { h } from './dom';
import type { ReportTree } from './model';
import type { Diagnostic } from './types';

export function renderSummary(tree: ReportTree): HTMLElement[] {
  const { meta, display } = tree.document;
  const out = [
    h('div', { class: 'jp-Scope-summaryLine' }, display.summary.line),
    h('div', { class: 'jp-Scope-meta' }, display.heading)
  ];
  if (meta.error) {
    const raised = `raised ${meta.error.type}: ${meta.error.message}`;
    out.push(h('div', { class: 'jp-Scope-raised' }, raised));
  }
  return out;
}

/** A diagnostic; `onShow` gets it when clicked (or Enter) anywhere but on a site link. */
export function renderDiagnostic(
  d: Diagnostic,
  onSite: SiteHandler | null,
  onShow: (d: Diagnostic) => void
): HTMLElement {
  const item = h(
    'div',
    {
      class: `jp-Scope-diagnostic jp-mod-${d.level}`,
      role: 'button',
      tabindex: '0',
      title: 'Show the nodes it concerns'
    },
    h('span', { class: 'jp-Scope-level' }, d.level),
    h('span', { class: 'jp-Scope-code' }, d.code),
    h('span', { class: 'jp-Scope-message' }, d.message),
    d.sites.length ? sites(d.sites, onSite) : null
  );
  const show = (event: Event): void => {
    if (!(event.target as HTMLElement).closest('.jp-Scope-site')) {
      onShow(d);
    }
  };
  item.addEventListener('click', show);
  item.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
      show(event);
    }
  });
  return item;
}
