/** The header of a report: its summary line, heading, the exception the block raised,
 * what each tf.function trace reads, and the diagnostics merged by code (each a box that
 * reveals the nodes it concerns). */

import { siteLines, type SiteHandler } from './details';
import { h } from './dom';
import type { ReportTree } from './report';
import { deviceChip, folded } from './parts';
import type { ITrans } from './trans';
import type { IDiagnosticGroup } from './types';

/** Where the time goes (a profiled report): the scopes whose own ops took the most
 * measured time, each a button that reveals it, with a bar of its share. */
export function renderTime(
  tree: ReportTree,
  onShow: (names: string[]) => void,
  trans: ITrans
): HTMLElement | null {
  const timed = tree.document.display.time;
  if (!timed?.length) {
    return null;
  }
  return h(
    'div',
    { class: 'jp-Scope-time' },
    h('span', { class: 'jp-Scope-legendTitle' }, trans.__('Where the time goes:')),
    ...timed.map(entry => {
      const item = h(
        'button',
        { class: 'jp-Scope-timeItem', type: 'button', title: trans.__('Show %1', entry.name) },
        h('span', { class: 'jp-Scope-share' }, h('span', { class: 'jp-Scope-shareFill' })),
        entry.text
      );
      const fill = item.querySelector<HTMLElement>('.jp-Scope-shareFill')!;
      fill.style.width = `${Math.min(100, entry.share * 100)}%`;
      item.addEventListener('click', () => onShow([entry.name]));
      return item;
    })
  );
}

export function renderSummary(tree: ReportTree, trans: ITrans): HTMLElement[] {
  const { meta, display } = tree.document;
  const out = [
    h('div', { class: 'jp-Scope-summaryLine' }, display.summary.line),
    h('div', { class: 'jp-Scope-meta' }, display.heading)
  ];
  if (meta.error) {
    const raised = trans.__('raised %1: %2', meta.error.type, meta.error.message);
    out.push(h('div', { class: 'jp-Scope-raised' }, raised));
  }
  for (const fn of display.functions) {
    out.push(
      h(
        'div',
        { class: 'jp-Scope-function' },
        h('span', {}, trans.__('tf.function %1 reads ', fn.name)),
        folded(fn.reads, n => trans._n('and %1 more variable', 'and %1 more variables', n))
      )
    );
  }
  return out;
}

/** What each device colour stands for, as the chips and the device mix bars use them:
 * nothing when no node is placed or asked for a device. */
export function renderLegend(tree: ReportTree, trans: ITrans): HTMLElement[] {
  const { devices, colours } = tree.document.display;
  const running = Object.keys(devices).filter(name => devices[name].colour);
  if (!running.length) {
    return [];
  }
  // One chip per short name, as the device mix counts them.
  const byShort = new Map(running.map(name => [devices[name].short, name]));
  const chips = [...byShort.values()].map(name => deviceChip(tree, name));
  const unplaced = Object.values(tree.document.display.nodes).some(n =>
    n.mix?.some(share => share.device === '')
  );
  if (unplaced) {
    const chip = h('span', { class: 'jp-Scope-device' }, trans.__('not placed'));
    chip.style.setProperty('--jp-Scope-device-colour', colours['']);
    chips.push(chip);
  }
  return [h('span', { class: 'jp-Scope-legendTitle' }, trans.__('Devices:')), ...chips];
}

/** One code's diagnostics: level, code, how many, the advice once, and each occurrence
 * (folded when there are several). `onShow` gets the node names to reveal when the box
 * or an occurrence is clicked (or Enter), anywhere but on a site link. */
export function renderDiagnostic(
  group: IDiagnosticGroup,
  onSite: SiteHandler | null,
  onShow: (nodes: string[]) => void,
  trans: ITrans
): HTMLElement {
  const title = trans.__('Show the nodes it concerns');
  const occurrence = (item: IDiagnosticGroup['items'][number]): HTMLElement =>
    clickable(
      h(
        'div',
        { class: 'jp-Scope-occurrence' },
        h('span', { class: 'jp-Scope-message' }, item.message),
        item.sites.length ? siteLines(item.sites, onSite) : null
      ),
      title,
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
    title,
    () => onShow(group.items.flatMap(item => item.nodes))
  );
  const items = group.items.map(occurrence);
  return h(
    'div',
    { class: `jp-Scope-diagnostic jp-mod-${group.level}` },
    head,
    group.count > 1
      ? h('details', {}, h('summary', {}, trans.__('%1 occurrences', group.count)), ...items)
      : items[0]
  );
}

function clickable(el: HTMLElement, title: string, onClick: () => void): HTMLElement {
  el.setAttribute('role', 'button');
  el.setAttribute('tabindex', '0');
  el.title = title;
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
