/**
 * What the browser asks of the server's Python, with no kernel (`jupyter_scope/server.py`):
 * a report's file in any export format, written by the same writers as `report.export()`,
 * so every path gives the same bytes; and the display section of a document saved before
 * schema 1.2, which the tree needs and only Python computes.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { isPacked, type PackedDocument, unpack } from './tree/compact';
import { isShown, type ReportDocument, type ShownDocument } from './tree/types';

export type ExportFormat = 'json' | 'html' | 'graphml' | 'dot' | 'md' | 'csv';

export const EXPORT_FORMATS: Record<ExportFormat, string> = {
  json: 'JSON',
  html: 'HTML',
  graphml: 'GraphML',
  dot: 'DOT',
  md: 'Markdown',
  csv: 'CSV'
};

/** A file as the server renders it. */
export interface ExportedFile {
  name: string;
  mime: string;
  text: string;
}

async function post(path: string, doc: ReportDocument): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'jupyter-scope', path);
  const init = { method: 'POST', body: JSON.stringify(doc) };
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, await response.text());
  }
  return response;
}

export async function exportFile(doc: ReportDocument, format: ExportFormat): Promise<ExportedFile> {
  return (await (await post(`export/${format}`, doc)).json()) as ExportedFile;
}

/** The document with its display section: as it is, or upgraded by the server. */
export async function shown(doc: ReportDocument): Promise<ShownDocument> {
  if (isShown(doc)) {
    return doc;
  }
  return (await (await post('document', doc)).json()) as ShownDocument;
}

/** A notebook output's document, shown: unpacked if it was saved packed, and upgraded
 * (by the server) if it was saved before schema 1.2. */
export async function shownOutput(data: ReportDocument | PackedDocument): Promise<ShownDocument> {
  return shown(isPacked(data) ? await unpack(data) : data);
}

/** Hand the server's file to the browser as a download. */
export async function download(doc: ReportDocument, format: ExportFormat): Promise<void> {
  const file = await exportFile(doc, format);
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
