import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeColumns, type IColumns } from '../src/tree/columns';
import { isPacked, unpack } from '../src/tree/compact';
import { golden } from './fixtures';

/** Python's columns of each golden document (tests/test_golden.py). */
const goldenColumns: { encoded: Record<string, IColumns>; unordered: unknown } = JSON.parse(
  readFileSync(new URL('../../tests/data/golden/columns.json', import.meta.url), 'utf8')
);

function plain(name: string): unknown {
  return name === 'unordered' ? goldenColumns.unordered : golden(name);
}

describe("a packed output's columns", () => {
  const names = Object.keys(goldenColumns.encoded);

  it('cover every golden document', () => {
    expect(names).toEqual(
      expect.arrayContaining(['sample', 'numbered', 'matched', 'own_ops', 'unordered'])
    );
  });

  it.each(names)('decode to the very document Python wrote: %s', name => {
    // The same JSON text: the same values, keys in the same order.
    const decoded = decodeColumns(structuredClone(goldenColumns.encoded[name]));
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(plain(name)));
  });

  it('unpack from a notebook output: gzipped, in base64', async () => {
    const payload = goldenColumns.encoded.trained;
    const data = gzipSync(JSON.stringify(payload)).toString('base64');
    const packed = { schema: payload.rest.schema as string, encoding: 'columns+gzip+base64', data };
    expect(isPacked(packed)).toBe(true);
    expect(JSON.stringify(await unpack(packed as never))).toBe(JSON.stringify(golden('trained')));
  });

  it('give each row its own copy of a shared value', () => {
    const doc = decodeColumns(structuredClone(goldenColumns.encoded.trained));
    const scopes = doc.graph.nodes.filter(node => node.kind === 'scope') as unknown as {
      links: string[];
    }[];
    const empty = scopes.filter(scope => scope.links.length === 0);
    expect(empty.length).toBeGreaterThan(1);
    expect(empty[0].links).not.toBe(empty[1].links);
  });

  it('are refused when they do not decode', () => {
    const bad = structuredClone(goldenColumns.encoded.sample);
    bad.edges.target[0] = 10_000;
    expect(() => decodeColumns(bad)).toThrow('edge to no node');
    const negative = structuredClone(goldenColumns.encoded.sample);
    (negative.nodes.variable.columns.dtype[2] as number[])[0] = -1;
    expect(() => decodeColumns(negative)).toThrow('index outside its table');
    expect(() => decodeColumns({ ...goldenColumns.encoded.sample, columns: 2 })).toThrow(
      'columns format 2'
    );
  });
});
