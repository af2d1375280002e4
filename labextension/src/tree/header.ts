/** The header of a report: its summary line, heading, the exception the block raised,
 * what each tf.function trace reads, and the diagnostics merged by code (each a box that
 * reveals the nodes it concerns). */

import { siteLines, type SiteHandler } from './details';
import { h } from './dom';
import type { ReportTree } from './report';
import { folded } from './parts';
import type { IDiagnosticGroup } from './types';

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
  for (const fn of display.functions) {
    out.push(
      h(
        'div',
        { class: 'jp-Scope-function' },
        h('span', {}, `tf.function ${fn.name} reads `),
        folded(fn.reads, 'variables')
      )
    );
  }
  return out;
}

/** One code's diagnostics: level, code, how many, the advice once, and each occurrence
 * (folded when there are several). `onShow` gets the node names to reveal when the box
 * or an occurrence is clicked (or Enter), anywhere but on a site link. */
export function renderDiagnostic(
  group: IDiagnosticGroup,
  onSite: SiteHandler | null,
  onShow: (nodes: string[]) => void
): HTMLElement {
  const occurrence = (item: IDiagnosticGroup['items'][number]): HTMLElement =>
    clickable(
      h(
        'div',
        { class: 'jp-Scope-occurrence' },
        h('span', { class: 'jp-Scope-message' }, item.message),
        item.sites.length ? siteLines(item.sites, onSite) : null
      ),
      () => onShow(item.nodes)
    );
  const head = clickable(
    h(
      'div',
      { class: 'jp-Scope-diagnosticHead' },
      h('span', { class: 'jp-Scope-level' }, group.level),
      h('span', { class: 'jp-Scope-code' }, group.code),
      group.count > 1 ? h('span', { class: 'jp-Scope-times' }, `×${group.count}`) : null,
      group.advice ? h('span', { class: 'jp-Scope-advice' }, group.advice) : null
    ),
    () => onShow(group.items.flatMap(item => item.nodes))
  );
  const items = group.items.map(occurrence);
  return h(
    'div',
    { class: `jp-Scope-diagnostic jp-mod-${group.level}` },
    head,
    group.count > 1
      ? h('details', {}, h('summary', {}, `${group.count} occurrences`), ...items)
      : items[0]
  );
}

function clickable(el: HTMLElement, onClick: () => void): HTMLElement {
  el.setAttribute('role', 'button');
  el.setAttribute('tabindex', '0');
  el.title = 'Show the nodes it concerns';
  const run = (event: Event): void => {
    if (!(event.target as HTMLElement).closest('.jp-Scope-site')) {
      event.stopPropagation();
      onClick();
    }
  };
  el.addEventListener('click', run);
  el.addEventListener('keydown', event => event.key === 'Enter' && run(event));
  return el;
}
