/** Name and device filters: what a name must pass, and what a filter keeps. */

import type { Entry } from './entries';

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
