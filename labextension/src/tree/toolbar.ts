/** The tree's toolbar: name search, device filter, sort, how many rows are shown, the ops
 * switch, colour by device, expand and collapse all; below, the display's filters as
 * toggles with their counts. It holds the controls; the tree's model holds the state. */

import { h } from './dom';
import type { ITrans } from './trans';
import type { IFilter, ISort } from './types';

export interface IToolbarActions {
  onQuery(query: string): void;
  onDevice(name: string): void;
  onSort(key: string): void;
  onFilter(key: string): void;
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
    const sortBy = _trans.__('Sort each scope by');
    this._sort = h('select', {
      class: 'jp-Scope-select jp-Scope-sort',
      'aria-label': sortBy,
      title: sortBy
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
    this._filters.setAttribute('aria-label', _trans.__('Filters'));
    this._sort.addEventListener('change', () => actions.onSort(this._sort.value));
    this._filters.addEventListener('click', event => {
      const chip = (event.target as HTMLElement).closest<HTMLElement>('.jp-Scope-filter');
      if (chip?.dataset.key && !chip.hasAttribute('disabled')) {
        actions.onFilter(chip.dataset.key);
      }
    });
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
      { class: 'jp-Scope-controls' },
      h(
        'div',
        { class: 'jp-Scope-toolbar' },
        this._search,
        this._devices,
        this._sort,
        this._count,
        this._ops,
        this._byDevice,
        expand,
        collapse
      ),
      this._filters
    );
  }

  /** The sort choices (labels as the display gives them), and the one in use. */
  setSorts(sorts: ISort[], key: string): void {
    this._sort.replaceChildren(
      ...sorts.map(s => h('option', { value: s.key }, this._trans.__('by %1', s.label)))
    );
    this._sort.value = key;
    this._sort.hidden = sorts.length === 0;
  }

  set sort(key: string) {
    this._sort.value = key;
  }

  /** A toggle per filter, with its count, in groups; one that nothing passes is off. */
  setFilters(filters: IFilter[], on: ReadonlySet<string>): void {
    const chips: HTMLElement[] = [];
    let group: string | null = null;
    for (const f of filters) {
      if (f.group !== group && group !== null) {
        chips.push(h('span', { class: 'jp-Scope-filterGap', 'aria-hidden': 'true' }));
      }
      group = f.group;
      chips.push(
        h(
          'button',
          {
            class: 'jp-Scope-filter',
            type: 'button',
            'data-key': f.key,
            'data-group': f.group,
            'aria-pressed': String(on.has(f.key)),
            disabled: f.count === 0 && !on.has(f.key) ? '' : undefined,
            title: f.title
          },
          h('span', { class: 'jp-Scope-filterLabel' }, f.label),
          h('span', { class: 'jp-Scope-filterCount' }, String(f.count))
        )
      );
    }
    this._filters.replaceChildren(...chips);
    this._filters.hidden = chips.length === 0;
  }

  set filters(on: ReadonlySet<string>) {
    for (const chip of this._filters.querySelectorAll<HTMLElement>('.jp-Scope-filter')) {
      chip.setAttribute('aria-pressed', String(on.has(chip.dataset.key ?? '')));
    }
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

  /** The device filter's choices (short names, with how many variables and ops each
   * holds where the display counts them); hidden when there are none. */
  setDevices(names: string[], keep: string, counts: Map<string, number>): void {
    const label = (name: string): string => {
      const count = counts.get(name);
      return count === undefined ? name : `${name} (${count})`;
    };
    this._devices.replaceChildren(
      h('option', { value: '' }, this._trans.__('All devices')),
      ...names.map(name => h('option', { value: name }, label(name)))
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
  private readonly _sort: HTMLSelectElement;
  private readonly _filters = h('div', { class: 'jp-Scope-filters', role: 'group' });
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
