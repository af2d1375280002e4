/**
 * The compact forms of a report. A notebook output's packed document
 * (`jupyter_scope/document/packed.py`): its columns (`columns.ts`) gzipped, in base64. The widget's
 * compact report (`jupyter_scope/notebook/compact.py`): the document with its ops moved out
 * of the node-link lists into columns, one row per op in the document's order. Op names
 * are stored relative to their scope, repeated strings as indexes into a small table, op
 * ids only where they are not `op:<row>`, and `input` edges as row pairs; each op's
 * `contains` edge is its `parent` column. The tree reads the columns as they are
 * (`ops.ts`).
 */

import { decodeColumns, type IColumns } from './columns';
import type { IReportDocument } from './types';

export interface ICompactOps {
  strings: (string | null)[];
  /** Id of the scope that contains each op (index into `strings`). */
  parent: number[];
  /** Scope name of each op (index into `strings`). */
  scope: number[];
  /** Name relative to the scope; a name that is not below its scope starts with `/`. */
  name: string[];
  type: number[];
  device_requested: number[];
  device: number[];
  graph: number[];
  /** Row → id, for ids other than `op:<row>`. */
  ids: Record<string, string>;
  /** Row → the op's fields beyond the columns (`tf_name`, `colocated`). */
  extra: Record<string, Record<string, unknown>>;
  /** `input` edges as `[source, target, source, target, …]` rows. */
  inputs: number[];
}

export interface ICompactDocument extends IReportDocument {
  ops: ICompactOps;
}

export function isCompact(doc: IReportDocument | ICompactDocument): doc is ICompactDocument {
  return 'ops' in doc && doc.ops !== undefined;
}

/** A document as a notebook output saves it: as columns (`columns.ts`), that JSON text
 * gzipped, in base64; saved before the columns, the document's own JSON gzipped. */
export interface IPackedDocument {
  schema: string;
  encoding: 'columns+gzip+base64' | 'gzip+base64';
  data: string;
}

export function isPacked(data: unknown): data is IPackedDocument {
  const packed = data as IPackedDocument | null | undefined;
  const encoding = packed?.encoding;
  return (
    (encoding === 'columns+gzip+base64' || encoding === 'gzip+base64') && !('graph' in packed!)
  );
}

/** The document of a packed one. */
export async function unpack(packed: IPackedDocument): Promise<IReportDocument> {
  const bytes = Uint8Array.from(atob(packed.data), c => c.charCodeAt(0));
  const text = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const data: unknown = JSON.parse(await new Response(text).text());
  return packed.encoding === 'gzip+base64'
    ? (data as IReportDocument)
    : decodeColumns(data as IColumns);
}
