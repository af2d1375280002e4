/**
 * A report's ops as columns, the form the tree indexes them in: read as they come in the
 * widget's compact report (`compact.ts`), or made from a plain document's op nodes. A
 * report of 100,000 ops is mostly ops, so nothing is made per op until it is shown: the
 * tree groups them by row number, searches their names in one string, and asks for an
 * op's node (`node`) and inputs (`sources`) when it draws the op.
 */

import type { ICompactOps } from './compact';
import type { IOpNode, IReportDocument } from './types';

export class OpTable {
  /** Every repeated value (index 0 is `null`); the columns below index into it. */
  readonly strings: (string | null)[];
  /** Id of the scope that contains the op (its `contains` edge), or 0 for none. */
  readonly parent: ArrayLike<number>;
  readonly type: ArrayLike<number>;
  readonly device: ArrayLike<number>;
  readonly device_requested: ArrayLike<number>;
  /** Full names. */
  readonly names: string[];

  /** The ops of the widget's compact report, read where they are. */
  static fromCompact(c: ICompactOps): OpTable {
    const s = c.strings;
    const names = c.name.map((local, i) => {
      if (local.startsWith('/')) {
        return local.slice(1);
      }
      const scope = s[c.scope[i]];
      return scope ? `${scope}/${local}` : local;
    });
    return new OpTable(c, names, c.inputs, {
      id: i => c.ids[i] ?? `op:${i}`,
      node: i => ({
        id: c.ids[i] ?? `op:${i}`,
        kind: 'op',
        name: names[i],
        type: s[c.type[i]] as string,
        scope: s[c.scope[i]] as string,
        device_requested: s[c.device_requested[i]],
        device: s[c.device[i]],
        graph: s[c.graph[i]] as string,
        ...c.extra[i]
      })
    });
  }

  /** The op nodes of a plain document and their `contains` and `input` edges. */
  static fromDocument(graph: IReportDocument['graph']): OpTable {
    const nodes = graph.nodes.filter((n): n is IOpNode => n.kind === 'op');
    const row = new Map(nodes.map((op, i) => [op.id, i]));
    const strings: (string | null)[] = [null];
    const refs = new Map<string | null, number>([[null, 0]]);
    const ref = (value: string | null): number => {
      let at = refs.get(value);
      if (at === undefined) {
        at = strings.push(value) - 1;
        refs.set(value, at);
      }
      return at;
    };
    const parent = new Int32Array(nodes.length);
    const inputs: number[] = [];
    for (const edge of graph.edges) {
      const target = row.get(edge.target);
      if (target === undefined) {
        continue;
      }
      if (edge.kind === 'contains' && parent[target] === 0) {
        parent[target] = ref(edge.source);
      } else if (edge.kind === 'input' && row.has(edge.source)) {
        inputs.push(row.get(edge.source)!, target);
      }
    }
    const columns = {
      strings,
      parent,
      type: nodes.map(op => ref(op.type)),
      device: nodes.map(op => ref(op.device)),
      device_requested: nodes.map(op => ref(op.device_requested))
    };
    const names = nodes.map(op => op.name);
    return new OpTable(columns, names, inputs, { id: i => nodes[i].id, node: i => nodes[i] });
  }

  private constructor(
    columns: Pick<OpTable, 'strings' | 'parent' | 'type' | 'device' | 'device_requested'>,
    names: string[],
    private readonly _inputs: number[],
    private readonly _make: { id: (i: number) => string; node: (i: number) => IOpNode }
  ) {
    this.strings = columns.strings;
    this.parent = columns.parent;
    this.type = columns.type;
    this.device = columns.device;
    this.device_requested = columns.device_requested;
    this.names = names;
  }

  get length(): number {
    return this.names.length;
  }

  id(i: number): string {
    return this._make.id(i);
  }

  /** Op `i` as a node of the plain document. */
  node(i: number): IOpNode {
    return this._make.node(i);
  }

  /** Where op `i` runs: its placed device, else the one asked for; `''` for neither. */
  place(i: number): string {
    return this.strings[this.device[i]] || this.strings[this.device_requested[i]] || '';
  }

  /** The ops whose outputs op `i` consumes. */
  sources(i: number): number[] {
    const { starts, from } = (this._bySource ??= this._indexInputs(1));
    return Array.from(from.subarray(starts[i], starts[i + 1]));
  }

  /** The ops that consume an output of op `i` (the dataflow's edges out of a scope). */
  targets(i: number): number[] {
    const { starts, from } = (this._byTarget ??= this._indexInputs(0));
    return Array.from(from.subarray(starts[i], starts[i + 1]));
  }

  /** 1 for each op whose name contains `needle` (lower case), 0 for the others. */
  containing(needle: string): Uint8Array {
    const { text, starts } = (this._haystack ??= this._joinNames());
    const out = new Uint8Array(this.length);
    let i = 0;
    // A newline would match across two names, and no name holds one.
    let at = needle.includes('\n') ? -1 : text.indexOf(needle);
    while (at >= 0) {
      while (starts[i + 1] <= at) {
        i++;
      }
      out[i] = 1;
      // On from the next name: one hit is enough.
      at = i + 1 < this.length ? text.indexOf(needle, starts[i + 1]) : -1;
    }
    return out;
  }

  /** Input edges by one end (`by`: 1 the target, 0 the source), as offsets into the
   * other ends: `from[starts[i]…starts[i+1]]`. */
  private _indexInputs(by: 0 | 1): { starts: Int32Array; from: Int32Array } {
    const pairs = this._inputs;
    const starts = new Int32Array(this.length + 1);
    for (let k = by; k < pairs.length; k += 2) {
      starts[pairs[k] + 1]++;
    }
    for (let i = 0; i < this.length; i++) {
      starts[i + 1] += starts[i];
    }
    const from = new Int32Array(pairs.length / 2);
    const filled = starts.slice(0, this.length);
    for (let k = 0; k < pairs.length; k += 2) {
      from[filled[pairs[k + by]]++] = pairs[k + 1 - by];
    }
    return { starts, from };
  }

  /**
   * The names in lower case, one string, each after a newline (no name holds one): a
   * search is one `indexOf` per hit, not a lower-casing and a test per op. `starts[i]` is
   * where name `i` starts.
   */
  private _joinNames(): { text: string; starts: Int32Array } {
    const joined = this.names.join('\n');
    let parts = this.names;
    let text = joined.toLowerCase();
    if (text.length !== joined.length) {
      // A letter whose lower case is longer (`İ`): the offsets must come from each name.
      parts = parts.map(name => name.toLowerCase());
      text = parts.join('\n');
    }
    const starts = new Int32Array(parts.length + 1);
    for (let i = 0; i < parts.length; i++) {
      starts[i + 1] = starts[i] + parts[i].length + 1;
    }
    return { text, starts };
  }

  private _bySource: { starts: Int32Array; from: Int32Array } | null = null;
  private _byTarget: { starts: Int32Array; from: Int32Array } | null = null;
  private _haystack: { text: string; starts: Int32Array } | null = null;
}
