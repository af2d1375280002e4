/** The small pieces rows and details are made of: badges, device chips, facts, the device
 * mix. Every text, count and colour here comes from the document's `display` section. */

import { h } from './dom';
import type { ReportTree } from './report';
import type { ITrans } from './trans';
import {
  type IBadge,
  nodeBadges,
  nodeMark,
  type IOpNode,
  type IScopeNode,
  type IVariableNode
} from './types';

export function badge({ text, kind, title }: IBadge): HTMLElement {
  return h('span', { class: `jp-Scope-badge jp-Scope-badge-${kind}`, title }, text);
}

/** A chip for one device, coloured like every other chip of that device in the report. */
export function deviceChip(tree: ReportTree, name: string, title?: string): HTMLElement {
  const chip = h('span', { class: 'jp-Scope-device', title: title ?? name }, tree.short(name));
  const colour = tree.colour(name);
  if (colour) {
    chip.style.setProperty('--jp-Scope-device-colour', colour);
  }
  return chip;
}

/** Requested and placed device of a variable or op: one chip, or `asked → placed` where
 * it fell back. */
export function placement(
  tree: ReportTree,
  node: IVariableNode | IOpNode,
  trans: ITrans
): HTMLElement | null {
  const { device: placed, device_requested: requested } = node;
  if (requested && placed && tree.shown(node.id).fallback) {
    return h(
      'span',
      {
        class: 'jp-Scope-fallback',
        title: trans.__('asked for %1, placed on %2', requested, placed)
      },
      deviceChip(tree, requested),
      ' → ',
      deviceChip(tree, placed)
    );
  }
  const where = placed || requested;
  if (!where) {
    return null;
  }
  return deviceChip(
    tree,
    where,
    placed ? trans.__('placed on %1', placed) : trans.__('asked for %1', requested)
  );
}

/** A match's, then created, reused ×N or existing, an optimizer slot's: each whole, so
 * that a narrow row drops the last ones rather than cut one. */
export function variableBadges(tree: ReportTree, v: IVariableNode): HTMLElement {
  return h(
    'span',
    { class: 'jp-Scope-badges' },
    ...nodeBadges(tree.document.display, v.id).map(badge)
  );
}

/** Shape, dtype, params, bytes, initializer, and how many ops of its own it has: each
 * fact whole, so that a narrow row drops the last ones rather than cut a number. */
export function facts(tree: ReportTree, node: IVariableNode | IScopeNode): HTMLElement {
  const text = tree.shown(node.id).facts ?? '';
  return h(
    'span',
    { class: 'jp-Scope-facts', title: text },
    // Each after the first carries its separator, so that the text reads as Python wrote it.
    ...text
      .split(FACT_SEPARATOR)
      .filter(Boolean)
      .map((fact, i) => h('span', { class: 'jp-Scope-fact' }, i ? FACT_SEPARATOR + fact : fact))
  );
}

/** What Python's `facts` lines join their facts with. */
const FACT_SEPARATOR = ' · ';

/** `VS`, `NS` or `VS+NS`: how the scope was opened. */
export function scopeMark(tree: ReportTree, s: IScopeNode): HTMLElement | null {
  const mark = nodeMark(tree.document.display, s.id);
  return mark ? badge(mark) : null;
}

/** A scope's device mix: a small stacked bar (shown when anything is placed) and a chip
 * per placed device, each in that device's colour. */
export function scopeDevices(tree: ReportTree, s: IScopeNode, trans: ITrans): HTMLElement[] {
  const mix = tree.deviceMix(s);
  if (!mix.length) {
    return [];
  }
  const total = mix.reduce((sum, share) => sum + share.count, 0);
  const title = mixText(mix, trans);
  const bar = h('span', {
    class: 'jp-Scope-mix',
    title,
    role: 'img',
    'aria-label': trans.__('devices: %1', title)
  });
  for (const share of mix) {
    const part = h('span', { class: 'jp-Scope-mixPart', 'data-device': share.device });
    part.style.width = `${(100 * share.count) / total}%`;
    part.style.background = share.colour;
    bar.append(part);
  }
  const chips = mix
    .filter(share => share.device)
    .map(share => {
      const chip = h(
        'span',
        {
          class: 'jp-Scope-device',
          title: trans.__('%1: %2 of %3', share.device, share.count, total)
        },
        share.device
      );
      chip.style.setProperty('--jp-Scope-device-colour', share.colour);
      return chip;
    });
  return [bar, ...chips];
}

/** How many names a list shows before folding the rest behind a count. */
export const SHOWN_NAMES = 5;

/** A scope's placements by device: `CPU:0: 3 · not placed: 1`. */
export function mixText(mix: { device: string; count: number }[], trans: ITrans): string {
  return mix.map(share => `${share.device || trans.__('not placed')}: ${share.count}`).join(' · ');
}

/** `a, b, c`; past `SHOWN_NAMES`, the first few and the rest folded behind `more`'s words
 * for their count (`and 3 more ops`); nothing for no names. */
export function folded(names: string[], more: (count: number) => string): HTMLElement | null {
  if (!names.length) {
    return null;
  }
  const text = (list: string[]): string => list.join(', ');
  if (names.length <= SHOWN_NAMES) {
    return h('span', { class: 'jp-Scope-names' }, text(names));
  }
  return h(
    'details',
    { class: 'jp-Scope-names' },
    h('summary', {}, `${text(names.slice(0, SHOWN_NAMES))} ${more(names.length - SHOWN_NAMES)}`),
    text(names.slice(SHOWN_NAMES))
  );
}
