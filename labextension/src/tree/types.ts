/**
 * The report document (`jupyter-scope.report/1`): networkx node-link data plus meta and
 * diagnostics, as `jupyter_scope/report/schema.json` defines it.
 */

export const REPORT_MIME_TYPE = 'application/vnd.jupyter-scope.report+json';

export interface Site {
  file: string;
  line: number | null;
  kind: 'create' | 'reuse';
}

export interface ScopeNode {
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
}

export interface VariableNode {
  id: string;
  kind: 'variable';
  name: string;
  shape: (number | null)[] | null;
  dtype: string;
  trainable: boolean;
  created: boolean;
  reuse_count: number;
  api: string;
  initializer: string | null;
  device_requested: string | null;
  device: string | null;
  params: number;
  bytes: number;
  sites: Site[];
  scope: string;
  graph: string;
  /** A per-replica part of this distributed variable (by id): never counted again. */
  component_of?: string;
  components?: string[];
  /** TF's own name, where `name` is a Keras 3 path. */
  tf_name?: string;
  /** The variable this optimizer slot serves (by id), and the slot's name. */
  slot_of?: string;
  slot?: string;
}

export interface OpNode {
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
}

export type GraphNode = ScopeNode | VariableNode | OpNode;

export interface GraphEdge {
  source: string;
  target: string;
  kind: 'contains' | 'input' | 'reads';
}

export interface Diagnostic {
  level: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  nodes: string[];
  sites: Site[];
}

export interface ReportMeta {
  tf_version: string | null;
  mode: 'graph' | 'eager';
  devices: { name: string; device_type: string; kind: string }[];
  wall_time: number;
  cell: { execution_count?: number | null; id?: string | null } | null;
  graphs: { key: string; kind: string; name?: string | null }[];
  error?: { type: string; message: string } | null;
  /** The name the report was stored under (`%%scopes NAME`), when given. */
  name?: string | null;
  [key: string]: unknown;
}

export interface ReportDocument {
  schema: string;
  meta: ReportMeta;
  graph: {
    directed: boolean;
    multigraph?: boolean;
    graph?: Record<string, unknown>;
    nodes: GraphNode[];
    edges: GraphEdge[];
  };
  diagnostics: Diagnostic[];
}
