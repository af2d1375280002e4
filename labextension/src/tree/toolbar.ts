/** The tree's toolbar: name search, device filter, how many rows are shown, the ops
 * switch, colour by device, expand and collapse all. It holds the controls; the tree's
 * model holds the state. */

import { h } from './dom';
import type { ITrans } from './trans';

export interface IToolbarActions {
  onQuery(query: string): void;
  onDevice(name: string): void;
  onColourByDevice(on: boolean): void;
  onShowOps(on: boolean): void;
  onExpandAll(): void;
  onCollapseAll(): void;
}

export class Toolbar {
  readonly node: HTMLElement;

  constructor(
    actions: IToolbarActions,
    private readonly _trans: ITrans
  ) {
    this._search = h('input', {
      class: 'jp-Scope-search',
      type: 'search',
      placeholder: _trans.__('Search names…'),
      'aria-label': _trans.__('Search names')
    }) as HTMLInputElement;
    const onDevice = _trans.__('Show only what is on a device');
    this._devices = h('select', {
      class: 'jp-Scope-select',
      'aria-label': onDevice,
      title: onDevice
    }) as HTMLSelectElement;
    this._ops = h('button', {
      class: 'jp-Scope-button jp-Scope-opsSwitch',
      type: 'button',
      'aria-pressed': 'false',
      title: _trans.__("Show the ops: op groups, scopes of ops only, and each variable's own ops")
    });
    this._byDevice = h(
      'button',
      {
        class: 'jp-Scope-button',
        type: 'button',
        'aria-pressed': 'false',
        title: _trans.__('Tint rows by their device')
      },
      _trans.__('Colour by device')
    );
    this._search.addEventListener('input', () => actions.onQuery(this._search.value));
    this._devices.addEventListener('change', () => actions.onDevice(this._devices.value));
    this._byDevice.addEventListener('click', () =>
      actions.onColourByDevice(!pressed(this._byDevice))
    );
    this._ops.addEventListener('click', () => actions.onShowOps(!pressed(this._ops)));
    const expand = button(_trans.__('Expand all'));
    expand.addEventListener('click', () => actions.onExpandAll());
    const collapse = button(_trans.__('Collapse all'));
    collapse.addEventListener('click', () => actions.onCollapseAll());
    this.node = h(
      'div',
      { class: 'jp-Scope-toolbar' },
      this._search,
      this._devices,
      this._count,
      this._ops,
      this._byDevice,
      expand,
      collapse
    );
  }

  set query(query: string) {
    // Not while typing: setting a value, even the same, can move the caret.
    if (this._search.value !== query) {
      this._search.value = query;
    }
  }

  set device(name: string) {
    this._devices.value = name;
  }

  /** The device filter's choices (short names); hidden when there are none. */
  setDevices(names: string[], keep: string): void {
    this._devices.replaceChildren(
      h('option', { value: '' }, this._trans.__('All devices')),
      ...names.map(name => h('option', { value: name }, name))
    );
    this._devices.value = keep;
    this._devices.hidden = names.length === 0;
    this._byDevice.hidden = names.length === 0;
  }

  /** The ops switch, labelled with how many ops the report has; hidden when none. */
  setOps(count: number): void {
    this._ops.textContent = this._trans.__('Ops (%1)', count);
    this._ops.hidden = count === 0;
  }

  set ops(on: boolean) {
    this._ops.setAttribute('aria-pressed', String(on));
  }

  set colourByDevice(on: boolean) {
    this._byDevice.setAttribute('aria-pressed', String(on));
  }

  set count(text: string) {
    this._count.textContent = text;
  }

  private readonly _search: HTMLInputElement;
  private readonly _devices: HTMLSelectElement;
  private readonly _count = h('span', { class: 'jp-Scope-count' });
  private readonly _ops: HTMLElement;
  private readonly _byDevice: HTMLElement;
}

function pressed(button: HTMLElement): boolean {
  return button.getAttribute('aria-pressed') === 'true';
}

function button(text: string): HTMLElement {
  return h('button', { class: 'jp-Scope-button', type: 'button' }, text);
}
