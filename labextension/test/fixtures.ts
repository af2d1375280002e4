import { readFileSync } from 'node:fs';
import type { ICompactDocument } from '../src/tree/compact';
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
