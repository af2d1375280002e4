/** The small pieces rows and details are made of: badges, device chips, totals. */

import { h } from './dom';
import { count, device, plural, shape, size } from './format';
import type { ReportTree } from './model';
import type { ScopeNode, VariableNode } from './types';

export function badge(text: string, kind: string, title?: string): HTMLElement {
  return h('span', { class: `jp-Scope-badge jp-Scope-badge-${kind}`, title }, text);
}

/** A chip for one device, coloured like every other chip of that device in the report. */
export function deviceChip(tree: ReportTree, name: string, title?: string): HTMLElement {
  const chip = h('span', { class: 'jp-Scope-device', title: title ?? name }, device(name));
  const colour = tree.colour(name);
  if (colour) {
    chip.style.setProperty('--jp-Scope-device-colour', colour);
  }
  return chip;
}

/** Requested and placed device of a variable or op: one chip, or `asked → placed`. */
export function placement(
  tree: ReportTree,
  node: { device: string | null; device_requested: string | null }
): HTMLElement | null {
  const { device: placed, device_requested: requested } = node;
  if (requested && placed && device(requested) !== device(placed)) {
    const chip = h(
      'span',
      {
        class: 'jp-Scope-fallback',
        title: `asked for ${requested}, placed on ${placed}`
      },
      deviceChip(tree, requested),
      ' → ',
      deviceChip(tree, placed)
    );
    return chip;
  }
  const where = placed || requested;
  if (!where) {
    return null;
  }
  return deviceChip(tree, where, placed ? `placed on ${placed}` : `asked for ${requested}`);
}

export function variableBadges(v: VariableNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (v.created) {
    out.push(badge('created', 'created', 'created during the recording'));
  }
  if (v.reuse_count > 0) {
    out.push(
      badge(`reused ×${v.reuse_count}`, 'reused', `get_variable returned it ${v.reuse_count}×`)
    );
  }
  if (!v.created && v.reuse_count === 0) {
    out.push(badge('existing', 'existing', 'existed before the recording'));
  }
  return out;
}

/** Shape, dtype, params, bytes, initializer, and how many ops of its own it has. */
export function variableFacts(v: VariableNode, ownOps = 0): string {
  const facts = [shape(v.shape), v.dtype, `${count(v.params)} params`, size(v.bytes)];
  if (v.initializer) {
    facts.push(v.initializer);
  }
  if (ownOps) {
    facts.push(plural(ownOps, 'op'));
  }
  return facts.join(' · ');
}

/** `VS`, `NS` or `VS+NS`: how the scope was opened. */
export function scopeMark(s: ScopeNode): HTMLElement | null {
  const marks = [s.variable_scope && 'VS', s.name_scope && 'NS'].filter(Boolean);
  if (!marks.length) {
    return null;
  }
  const words = [s.variable_scope && 'variable scope', s.name_scope && 'name scope'];
  return badge(marks.join('+'), 'mark', words.filter(Boolean).join(' and '));
}

export function scopeFacts(s: ScopeNode): string {
  return [
    `${s.n_variables} vars`,
    `${count(s.params)} params`,
    size(s.bytes),
    `${s.n_ops} ops`
  ].join(' · ');
}

/** A scope's device mix: a small stacked bar (shown when anything is placed) and a chip
 * per placed device, each in that device's colour. */
export function scopeDevices(tree: ReportTree, s: ScopeNode): HTMLElement[] {
  const mix = tree.deviceMix(s);
  if (!mix.some(share => share.device)) {
    return [];
  }
  const total = mix.reduce((sum, share) => sum + share.count, 0);
  const title = mix.map(share => `${share.device || 'not placed'}: ${share.count}`).join(' · ');
  const bar = h('span', {
    class: 'jp-Scope-mix',
    title,
    role: 'img',
    'aria-label': `devices: ${title}`
  });
  for (const share of mix) {
    const part = h('span', { class: 'jp-Scope-mixPart', 'data-device': share.device });
    part.style.width = `${(100 * share.count) / total}%`;
    part.style.background = share.colour;
    bar.append(part);
  }
  const chips = mix
    .filter(share => share.device)
    .map(share => deviceChip(tree, share.device, `${share.device}: ${share.count} of ${total}`));
  return [bar, ...chips];
}
