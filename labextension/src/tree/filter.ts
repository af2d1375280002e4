/** Name, device and the display's filters: what a name must pass, what a variable or op
 * must pass, and what a filter keeps. */

import type { Entry } from './entries';
import type { IFilter, IVariableNode } from './types';

/** What a name must pass: the search box (`needle`, a lower-case substring) and the
 * `--filter` regex (`pattern`, searched as Python's `re.search`). */
export interface INameTest {
  needle: string;
  pattern: RegExp | null;
}

export function nameTest(query: string, pattern: RegExp | null = null): INameTest | null {
  const needle = query.trim().toLowerCase();
  return needle || pattern ? { needle, pattern } : null;
}

export function passes({ needle, pattern }: INameTest, name: string): boolean {
  return (!needle || name.toLowerCase().includes(needle)) && (!pattern || pattern.test(name));
}

/** What a filter keeps: entries, and ops by row (1 for kept), so that a search of
 * 100,000 ops makes entries only for the ops it shows. */
export class Kept {
  readonly entries = new Set<Entry>();

  constructor(readonly ops: Uint8Array) {}

  has(entry: Entry): boolean {
    return entry.kind === 'op' ? this.ops[entry.row] === 1 : this.entries.has(entry);
  }
}

/** What a filter tests: a variable, or an op by its name. */
export interface IFilterContext {
  /** The names the report's diagnostics name. */
  named: Set<string>;
}

type VariableTest = (v: IVariableNode) => boolean;

/** Whose params a variable holds, as `model/roles.py`'s `role`. */
function role(v: IVariableNode): 'trainable' | 'non_trainable' | 'optimizer' {
  if (v.optimizer || v.slot_of) {
    return 'optimizer';
  }
  return v.trainable ? 'trainable' : 'non_trainable';
}

/** The match filter a variable's state falls under, as `present/controls.py`'s
 * `match_filter`. */
function matchFilter(v: IVariableNode): string | null {
  const state = v.match?.state;
  switch (state) {
    case undefined:
      return null;
    case 'matched':
    case 'renamed':
      return 'matched';
    case 'shape':
    case 'dtype':
      return 'mismatch';
    default:
      return state === 'missing' && v.match?.expected ? 'expected' : state;
  }
}

/** Each filter's test of a variable, by the key the display section's `filters` name
 * (`present/controls.py`, which counts what passes). */
const VARIABLE_TESTS: Record<string, VariableTest> = {
  created: v => v.created === true,
  reused: v => (v.reuse_count ?? 0) > 0,
  trainable: v => role(v) === 'trainable',
  non_trainable: v => role(v) === 'non_trainable',
  optimizer: v => role(v) === 'optimizer',
  matched: v => matchFilter(v) === 'matched',
  missing: v => matchFilter(v) === 'missing',
  expected: v => matchFilter(v) === 'expected',
  unexpected: v => matchFilter(v) === 'unexpected',
  mismatch: v => matchFilter(v) === 'mismatch'
};

/**
 * The active filters as one test: a variable or op passes when, for each group of active
 * filters, it passes one of them. Only "with diagnostics" can keep an op.
 */
export class Pick {
  constructor(
    filters: IFilter[],
    private readonly _context: IFilterContext
  ) {
    const groups = new Map<string, string[]>();
    for (const { key, group } of filters) {
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    this._groups = [...groups.values()];
    this.opsCanPass = this._groups.every(keys => keys.includes(DIAGNOSTICS));
  }

  /** Whether any op can pass: every active group holds "with diagnostics". */
  readonly opsCanPass: boolean;

  variable(v: IVariableNode): boolean {
    if (v.component_of) {
      return false; // a replica's part: its variable's row stands for it
    }
    return this._groups.every(keys =>
      keys.some(key =>
        key === DIAGNOSTICS ? this._context.named.has(v.name) : VARIABLE_TESTS[key]?.(v)
      )
    );
  }

  op(name: string): boolean {
    return this.opsCanPass && this._context.named.has(name);
  }

  private readonly _groups: string[][];
}

export const DIAGNOSTICS = 'diagnostics';
/** The group of the filters by device: the device choice, not toggles. */
export const DEVICE_GROUP = 'device';
