/**
 * The two forms the front end writes itself, as Python does (`present/human.py`'s `site`,
 * `present/tree.py`'s `relative_name`): both sides are pinned by one golden file,
 * `tests/data/golden/formats.json`. Every other number and label comes computed in the
 * document's `display` section.
 */

import type { ISite } from './types';

/** `In [3]:4`, or the file alone when the line is unknown. */
export function site(s: ISite): string {
  return s.line === null ? s.file : `${s.file}:${s.line}`;
}

/** The last path component of `name` below `parent`: `a/b/c` under `a/b` → `c`. */
export function relativeName(name: string, parent: string): string {
  return parent && name.startsWith(parent + '/') ? name.slice(parent.length + 1) : name;
}
