import { readFileSync } from 'node:fs';
import type { ReportDocument } from '../src/tree/types';

function dataFile(name: string): ReportDocument {
  const url = new URL(`../../tests/data/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ReportDocument;
}

/** `tests/data/sample_report.json`, the report of the sharing-variables tutorial. */
export function sampleReport(): ReportDocument {
  return dataFile('sample_report.json');
}

/** `tests/data/mirrored_report.json`: two variables under MirroredStrategy on two logical
 * CPUs, each with its two per-replica parts. */
export function mirroredReport(): ReportDocument {
  return dataFile('mirrored_report.json');
}
