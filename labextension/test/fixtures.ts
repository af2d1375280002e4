import { readFileSync } from 'node:fs';
import type { ICompactDocument } from '../src/tree/compact';
import type { IScopeEntry, TreeDocument } from '../src/tree/entries';
import type { ReportTree } from '../src/tree/report';
import type { IExportFormat } from '../src/tokens';
import type { ShownDocument } from '../src/tree/types';

/** A golden document: as Python writes it, display section included (tests/test_golden.py). */
export function golden(name: string): ShownDocument {
  const url = new URL(`../../tests/data/golden/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ShownDocument;
}

/** Python's compact form (`notebook/compact.py`) of each golden document, by name. */
export function compactGoldens(): Record<string, ShownDocument & ICompactDocument> {
  const url = new URL('../../tests/data/golden/compact.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** The report of the sharing-variables tutorial. */
export function sampleReport(): ShownDocument {
  return golden('sample');
}

/** Two variables under MirroredStrategy on two logical CPUs, each with its two parts. */
export function mirroredReport(): ShownDocument {
  return golden('mirrored');
}

/** The cases of the two forms both languages write (`format.ts`, Python's `fmt.site` and
 * `relative_name`). */
export function goldenFormats(): {
  site: { site: { file: string; line: number | null; kind: 'create' | 'reuse' }; text: string }[];
  relative_name: { name: string; parent: string; text: string }[];
} {
  const url = new URL('../../tests/data/golden/formats.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** The export formats as the server lists them (`GET /jupyter-scope/formats`). */
export function goldenExportFormats(): IExportFormat[] {
  const url = new URL('../../tests/data/golden/export_formats.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** A real graph with a reused variable and a tf.function, recorded, and TF's own
 * `op.inputs` pairs per scope (tests/test_flow.py). */
export function flowGolden(): {
  document: TreeDocument;
  compact: TreeDocument;
  pairs: Record<string, [string, string, string][]>;
} {
  const url = new URL('../../tests/data/golden/flow.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** The scope of this full name in `tree` (`''`: the root). */
export function scopeNamed(tree: ReportTree, name: string): IScopeEntry {
  const scope = name === '' ? tree.root : tree.find(name).find(e => e.kind === 'scope');
  if (!scope) {
    throw new Error(`no scope named ${name}`);
  }
  return scope as IScopeEntry;
}

/** Every box below `scope` opened. */
export function allOpen(scope: IScopeEntry): Set<string> {
  const keys = new Set<string>();
  const visit = (s: IScopeEntry): void => {
    for (const child of s.scopes) {
      keys.add(child.key);
      visit(child);
    }
  };
  visit(scope);
  return keys;
}
