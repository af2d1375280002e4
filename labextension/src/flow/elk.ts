/**
 * ELK, run in a web worker so that a large layout never blocks the page. The worker's
 * script is elkjs's own `elk-worker.min.js`, started from a Blob: no file to serve, no
 * network, and it works from a page opened offline (whose policy allows `worker-src
 * blob:`, `export/templates/report.html`). The lab extension (`webpack.config.js`) and
 * the HTML page (`scripts/bundle.mjs`) bundle it as text; the widget's module, which
 * travels with every widget shown, has it empty and asks the kernel for it
 * (`setWorkerScript`) the first time a flow is laid out.
 */

import ELK, { type ELK as Elk, type ElkNode } from 'elkjs/lib/elk-api';
import bundled from 'elkjs/lib/elk-worker.min.js';

let script: () => Promise<string> = () => Promise.resolve(bundled);
let shared: Promise<{ elk: Elk; failed: Promise<never> }> | null = null;

/** Where the worker's script comes from, where the bundle does not hold it. */
export function setWorkerScript(get: () => Promise<string>): void {
  if (!bundled) {
    script = get;
  }
}

/** One ELK (one worker) for the page, started on the first layout. A worker the page may
 * not start (its security policy) fails every layout, rather than leaving it pending. */
async function start(): Promise<{ elk: Elk; failed: Promise<never> }> {
  const url = URL.createObjectURL(new Blob([await script()], { type: 'text/javascript' }));
  let fail: (reason: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // reported by the layouts that race it
  const factory = (): Worker => {
    const worker = new Worker(url);
    worker.addEventListener('error', event =>
      fail(new Error(event.message || 'the layout worker could not start'))
    );
    return worker;
  };
  return { elk: new ELK({ workerFactory: factory }), failed };
}

export async function layout(graph: ElkNode): Promise<ElkNode> {
  const { elk, failed } = await (shared ??= start());
  return Promise.race([elk.layout(graph), failed]);
}
