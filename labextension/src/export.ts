/**
 * What the browser asks of the server's Python, with no kernel (`jupyter_scope/server.py`):
 * the export formats (Python's registry, `jupyter_scope/export/formats.py`: this side keeps
 * no list of its own); a report's file in any of them, written by the same writers as
 * `report.export()`, so every path gives the same bytes; and the display section of a
 * document saved before schema 1.2, which the tree needs and only Python computes.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { IExportFormat } from './tokens';
import { isPacked, type IPackedDocument, unpack } from './tree/compact';
import { isShown, type IReportDocument, type ShownDocument } from './tree/types';

/** A file as the server renders it. */
export interface IExportedFile {
  name: string;
  mime: string;
  text: string;
}

async function request(path: string, doc?: IReportDocument): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'jupyter-scope', path);
  const init = doc ? { method: 'POST', body: JSON.stringify(doc) } : { method: 'GET' };
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, await response.text());
  }
  return response;
}

/** The export formats, as the server's registry lists them. */
export async function fetchFormats(): Promise<IExportFormat[]> {
  return (await (await request('formats')).json()) as IExportFormat[];
}

export async function exportFile(doc: IReportDocument, format: string): Promise<IExportedFile> {
  return (await (await request(`export/${format}`, doc)).json()) as IExportedFile;
}

/** The document with its display section: as it is, or upgraded by the server. */
export async function shown(doc: IReportDocument): Promise<ShownDocument> {
  if (isShown(doc)) {
    return doc;
  }
  return (await (await request('document', doc)).json()) as ShownDocument;
}

/** A notebook output's document, shown: unpacked if it was saved packed, and upgraded
 * (by the server) if it was saved before schema 1.2. */
export async function shownOutput(data: IReportDocument | IPackedDocument): Promise<ShownDocument> {
  return shown(isPacked(data) ? await unpack(data) : data);
}

/** Hand the server's file to the browser as a download. */
export async function download(doc: IReportDocument, format: string): Promise<void> {
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
