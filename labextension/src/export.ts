/**
 * Exports of a report made in the browser, with no kernel: the JSON document, the
 * standalone HTML page (the same template, script and styles as the Python export, filled
 * the same way) and GraphML (attributes encoded as `jupyter_scope/report/formats/graphml.py`
 * does).
 */

import { css, script, template } from './assets';
import { summaryLine, summarize } from './tree/model';
import type { ReportDocument } from './tree/types';

export type ExportFormat = 'json' | 'html' | 'graphml';

export const EXPORT_FORMATS: Record<ExportFormat, { label: string; mime: string }> = {
  json: { label: 'JSON', mime: 'application/json' },
  html: { label: 'HTML', mime: 'text/html' },
  graphml: { label: 'GraphML', mime: 'application/graphml+xml' }
};

export function exportText(doc: ReportDocument, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(doc);
    case 'html':
      return toHTML(doc);
    case 'graphml':
      return toGraphML(doc);
  }
}

const JSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029'
};

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;'
};

/** Like Python's `html.escape`. */
function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
}

/** The standalone page, as `jupyter_scope/report/formats/html_page.py` writes it. */
export function toHTML(doc: ReportDocument): string {
  const values: Record<string, string> = {
    title: escapeHTML(`Scope report: ${summaryLine(summarize(doc))}`),
    css: css.replace(/<\//g, '<\\/'),
    script: script.replace(/<\/(script)/gi, '<\\/$1'),
    data: JSON.stringify(doc).replace(/[<>&\u2028\u2029]/g, c => JSON_ESCAPES[c])
  };
  // One pass, so nothing inserted is read as a placeholder.
  return template.replace(/\{\{(title|css|script|data)\}\}/g, (_, key: string) => values[key]);
}

function escapeXML(text: string): string {
  return text.replace(/[&<>"]/g, c => HTML_ESCAPES[c]);
}

type Scalar = string | number | boolean;

function graphmlType(value: Scalar): string {
  if (typeof value === 'boolean') {
    return 'boolean';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'long' : 'double';
  }
  return 'string';
}

/** GraphML: lists and dicts as JSON strings named in `json_attributes`; `null` left out. */
export function toGraphML(doc: ReportDocument): string {
  const encoded = new Set<string>();
  const keys = new Map<string, { id: string; type: string }>();
  const attributes = (owner: string, data: Record<string, unknown>, skip: string[]): string =>
    Object.entries(data)
      .filter(([name, value]) => value !== null && value !== undefined && !skip.includes(name))
      .map(([name, value]) => {
        let scalar = value as Scalar;
        if (typeof value === 'object') {
          encoded.add(name);
          scalar = JSON.stringify(value);
        }
        const keyName = `${owner}\u0000${name}`;
        let key = keys.get(keyName);
        if (!key) {
          key = { id: `d${keys.size}`, type: graphmlType(scalar) };
          keys.set(keyName, key);
        }
        return `      <data key="${key.id}">${escapeXML(String(scalar))}</data>\n`;
      })
      .join('');
  const nodes = doc.graph.nodes
    .map(
      n =>
        `    <node id="${escapeXML(n.id)}">\n${attributes('node', { ...n }, ['id'])}    </node>\n`
    )
    .join('');
  const edges = doc.graph.edges
    .map(
      e =>
        `    <edge source="${escapeXML(e.source)}" target="${escapeXML(e.target)}">\n` +
        `${attributes('edge', { ...e }, ['source', 'target'])}    </edge>\n`
    )
    .join('');
  const graph = attributes(
    'graph',
    {
      schema: doc.schema,
      meta: JSON.stringify(doc.meta),
      diagnostics: JSON.stringify(doc.diagnostics),
      json_attributes: [...encoded].sort().join(',')
    },
    []
  );
  const keyLines = [...keys]
    .map(([ownerAndName, key]) => {
      const [owner, name] = ownerAndName.split('\u0000');
      return `  <key id="${key.id}" for="${owner}" attr.name="${escapeXML(name)}" attr.type="${key.type}" />\n`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns ' +
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n' +
    keyLines +
    '  <graph edgedefault="directed">\n' +
    graph.replace(/^ {6}/gm, '    ') +
    nodes +
    edges +
    '  </graph>\n</graphml>\n'
  );
}

/** A file name for the report: its name or cell, e.g. `scopes-In-3.html`. */
export function fileName(doc: ReportDocument, format: ExportFormat): string {
  const cell = doc.meta.cell?.execution_count;
  const stem = doc.meta.name || (cell ? `In-${cell}` : 'report');
  return `scopes-${String(stem).replace(/[^\w.-]+/g, '_')}.${format}`;
}

/** Hand the text to the browser as a download. */
export function download(doc: ReportDocument, format: ExportFormat): void {
  const blob = new Blob([exportText(doc, format)], { type: EXPORT_FORMATS[format].mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(doc, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
