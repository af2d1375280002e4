import { readFileSync } from 'node:fs';
import type { ReportDocument } from '../src/tree/types';

/** `tests/data/sample_report.json`, the report of the sharing-variables tutorial. */
export function sampleReport(): ReportDocument {
  const url = new URL('../../tests/data/sample_report.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ReportDocument;
}
