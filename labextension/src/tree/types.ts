/**
 * The report document (`jupyter-scope.report/1.5`): networkx node-link data plus meta,
 * diagnostics and what the displays show (`display`, computed by
 * `jupyter_scope/present/section.py`), as `jupyter_scope/document/schema.json` defines it.
 */

export const REPORT_MIME_TYPE = 'application/vnd.jupyter-scope.report+json';

export interface ISite {
  file: string;
  line: number | null;
  kind: 'create' | 'reuse';
}

export interface IScopeNode {
  id: string;
  kind: 'scope';
  name: string;
  variable_scope: boolean;
  name_scope: boolean;
  n_variables: number;
  n_ops: number;
  params: number;
  bytes: number;
  devices: Record<string, number>;
  links?: string[];
  /** Since 1.3: `params` and `bytes` split by whose they are; they add up to them. */
  params_trainable?: number;
  params_non_trainable?: number;
  params_optimizer?: number;
  bytes_trainable?: number;
  bytes_non_trainable?: number;
  bytes_optimizer?: number;
  /** Since 1.4: static cost of what ran: TF's registered FLOPs (`null`: none known) and
   * the bytes of its ops' outputs. */
  flops?: number | null;
  activation_bytes?: number;
  /** Since 1.5: the static memory estimate (weights, gradients, slots, activations); in a
   * profiled report, measured µs and peak bytes (`null`: none measured), µs per device. */
  memory_bytes?: number;
  micros?: number | null;
  peak_bytes?: number | null;
  device_micros?: Record<string, number>;
}

export interface IVariableNode {
  id: string;
  kind: 'variable';
  name: string;
  shape: (number | null)[] | null;
  dtype: string;
  /** `null` where the source does not say (a report loaded from a checkpoint). */
  trainable: boolean | null;
  created: boolean | null;
  reuse_count: number | null;
  api: string;
  initializer: string | null;
  device_requested: string | null;
  device: string | null;
  params: number;
  bytes: number;
  sites: ISite[];
  scope: string;
  graph: string;
  /** One part of a partitioned variable: the logical variable's name. */
  partition_of?: string;
  /** A per-replica part of this distributed variable (by id): never counted again. */
  component_of?: string;
  components?: string[];
  /** TF's own name, where `name` is a Keras 3 path. */
  tf_name?: string;
  /** The variable this optimizer slot serves (by id), and the slot's name. */
  slot_of?: string;
  slot?: string;
  /** An optimizer's variable: a slot, its step counter, beta powers, learning rate. */
  optimizer?: boolean;
  /** In a match's tree: its state against the checkpoint (the display carries its colour
   * and badges). */
  match?: {
    state: string;
    checkpoint: string | null;
    shape?: unknown[];
    dtype?: string[];
    /** Missing, as a checkpoint of the model alone is: an optimizer's, a step counter. */
    expected?: true;
  };
}

export interface IOpNode {
  id: string;
  kind: 'op';
  name: string;
  type: string;
  scope: string;
  device_requested: string | null;
  device: string | null;
  graph: string;
  /** TF's own name in its function graph, where `name` nests it under its caller. */
  tf_name?: string;
  /** Placed off its request, where a resource it reads lives: no fallback. */
  colocated?: boolean;
  /** `false` for an op of a trace TF never ran: in no total. */
  ran?: boolean;
  /** Since 1.4, where recorded: each output's static shape and dtype, and TF's FLOPs. */
  outputs?: { shape: (number | null)[] | null; dtype: string }[];
  flops?: number | null;
  /** Since 1.5, where measured: run time in µs and peak bytes (`null`: no memory traced). */
  micros?: number;
  peak_bytes?: number | null;
}

export type GraphNode = IScopeNode | IVariableNode | IOpNode;

export interface IGraphEdge {
  source: string;
  target: string;
  kind: 'contains' | 'input' | 'reads';
}

export interface IDiagnostic {
  level: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  nodes: string[];
  sites: ISite[];
}

export interface IReportMeta {
  tf_version: string | null;
  mode: 'graph' | 'eager';
  devices: { name: string; device_type: string; kind: string }[];
  wall_time: number;
  cell: { execution_count?: number | null; id?: string | null } | null;
  graphs: { key: string; kind: string; name?: string | null; ran?: boolean }[];
  error?: { type: string; message: string } | null;
  /** The name the report was stored under (`%%scopes NAME`), when given. */
  name?: string | null;
  [key: string]: unknown;
}

/** The counts of the summary header, and the header's line. */
export interface ISummary {
  variables: number;
  created: number;
  reused: number;
  params: number;
  bytes: number;
  params_trainable: number;
  params_non_trainable: number;
  params_optimizer: number;
  bytes_trainable: number;
  bytes_non_trainable: number;
  bytes_optimizer: number;
  /** Variables read from a file that does not say whether they train. */
  trainable_unknown: number;
  /** Since 1.4: the root scope's static cost (absent in an older document). */
  flops?: number | null;
  activation_bytes?: number;
  /** Since 1.5: its memory estimate; in a profiled report, its measured µs and bytes. */
  memory_bytes?: number;
  micros?: number | null;
  peak_bytes?: number | null;
  ops: number;
  devices: number;
  errors: number;
  warnings: number;
  line: string;
}

/** One device's share of a scope: `device` is the short name, `''` for not placed yet. */
export interface IShare {
  device: string;
  count: number;
}

/** A share with its device's colour (`Display.colours`). */
export interface IDeviceShare extends IShare {
  colour: string;
}

/** A create or reuse with the user's call chain, grouped with counts, e.g.
 * `reuse ×20 at In [9]:28 ← In [5]:4 ×19, In [5]:6 ×1`; `site` is where a click jumps. */
export interface ISiteLine {
  text: string;
  site: ISite;
}

/** Diagnostics of one code, merged: each explanation stated once. */
export interface IDiagnosticGroup {
  level: IDiagnostic['level'];
  code: string;
  count: number;
  advice: string | null;
  items: { message: string; nodes: string[]; sites: ISiteLine[] }[];
}

export interface IBadge {
  text: string;
  kind: string;
  title: string;
}

/** A way to order a scope's children: `order` as built, `name`, or a numeric field of
 * scopes and variables (`params`, `flops`…), largest first. */
export interface ISort {
  key: string;
  label: string;
  /** A field the value is taken without: a scope's params as its row shows them, the
   * model's (`params` less `params_optimizer`). */
  less?: string;
}

/** A filter the views offer: `key` names its test (`filter.ts`), `count` how many
 * variables and ops pass it. Filters of one `group` widen each other; groups narrow. */
export interface IFilter {
  key: string;
  group: string;
  label: string;
  title: string;
  count: number;
}

/** What a scope, variable or op shows beyond its own fields (all computed in Python).
 * What many nodes show alike is in the display's tables, by index: `nodeMark`,
 * `nodeBadges`, `nodeSites` read it. */
export interface INodeDisplay {
  /** E.g. `4 vars · 51.3K params · 205.1 kB · 6 ops`, `[5,5,1,32] · float32 · …`; an
   * op's outputs and FLOPs, `[8,4] float32 · 512 FLOPs`. */
  facts?: string;
  /** How a scope was opened (`VS`, `NS`, `VS+NS`): a badge of `Display.badges`. */
  mark?: number;
  /** A scope's placements by device, when anything in it is placed. */
  mix?: IShare[];
  /** A scope holding a variable's own ops (`w/Initializer`): that variable's id. */
  owner?: string;
  /** Badges of `Display.badges`. */
  badges?: number[];
  /** A variable's creates and reuses: call lines of `Display.sites`. */
  sites?: number[];
  /** Placed against its request (not mere colocation or a completed name). */
  fallback?: boolean;
  /** In a match's tree: the colour of the node's match state (a scope's, when all its
   * variables share one). */
  colour?: string;
  /** The scope holding the ops of traces TF never ran: counted in no total. */
  never_ran?: boolean;
}

/** A report's line in the sidebar's list. */
export interface ICard {
  /** E.g. `4 created · 4 reused · 6 ops · 51.3K params`. */
  counts: string;
  /** E.g. `0.12 s`. */
  time: string;
  /** E.g. `1 error`; null for none. */
  errors: string | null;
  warnings: string | null;
}

export interface IDisplay {
  summary: ISummary;
  card: ICard;
  /** E.g. `graph mode · TF 2.21.0 · 0.12 s`. */
  heading: string;
  /** The diagnostics, merged by code: errors, then warnings, then infos. */
  diagnostics: IDiagnosticGroup[];
  /** The tf.function traces that ran, with the variables each reads. */
  functions: { name: string; reads: string[] }[];
  /** Since 1.5: where the time goes, the scopes whose own ops took the most measured time,
   * most first (`share` of all measured time, 0..1); absent where nothing was measured. */
  time?: { id: string; name: string; micros: number; total: number; share: number; text: string }[];
  /** Every device string in the report → short name (`CPU:0`) and colour. */
  devices: Record<string, { short: string; colour: string | null }>;
  /** Short device name → colour, `''` (not placed) included: what a scope's mix shows. */
  colours: Record<string, string>;
  /** By node id; a node with nothing to show beyond its fields is absent. */
  nodes: Record<string, INodeDisplay>;
  /** Each distinct badge (a scope's mark is one, of kind `mark`), once. */
  badges: IBadge[];
  /** Each distinct call line, once. */
  sites: ISiteLine[];
  /** The sort keys and filters the views offer (absent before this version). */
  sorts?: ISort[];
  filters?: IFilter[];
}

/** How a scope was opened, as a badge. */
export function nodeMark(display: IDisplay, id: string): IBadge | undefined {
  const mark = display.nodes[id]?.mark;
  return mark === undefined ? undefined : display.badges[mark];
}

/** Created, reused ×N or existing; an optimizer slot's; a match's. */
export function nodeBadges(display: IDisplay, id: string): IBadge[] {
  return (display.nodes[id]?.badges ?? []).map(i => display.badges[i]);
}

/** A variable's call lines. */
export function nodeSites(display: IDisplay, id: string): ISiteLine[] {
  return (display.nodes[id]?.sites ?? []).map(i => display.sites[i]);
}

export interface IReportDocument {
  schema: string;
  meta: IReportMeta;
  graph: {
    directed: boolean;
    multigraph?: boolean;
    graph?: Record<string, unknown>;
    nodes: GraphNode[];
    edges: IGraphEdge[];
  };
  diagnostics: IDiagnostic[];
  /** Absent from documents saved before schema 1.1; of another form before 1.2. */
  display?: IDisplay;
}

/** A document with its display section, as the tree renders it. */
export type ShownDocument = IReportDocument & { display: IDisplay };

/** The first schema whose display section the tree reads: an older document's is asked
 * of the server (`export.ts`), which computes it as this version does. */
const DISPLAY_SINCE = 2;

export function isShown(doc: IReportDocument): doc is ShownDocument {
  const minor = /^jupyter-scope\.report\/1\.(\d+)$/.exec(doc.schema)?.[1];
  return doc.display !== undefined && Number(minor ?? 0) >= DISPLAY_SINCE;
}
