/**
 * ELK, run in a web worker so that a large layout never blocks the page. The worker's
 * script is elkjs's own `elk-worker.min.js`, bundled as text (`scripts/bundle.mjs` for the
 * widget and the HTML page, `webpack.config.js` for the lab extension) and started from a
 * Blob: no file to serve, no network, and it works from a page opened offline (whose
 * policy allows `worker-src blob:`, `export/templates/report.html`).
 */

import ELK, { type ELK as Elk, type ElkNode } from 'elkjs/lib/elk-api';
import workerSource from 'elkjs/lib/elk-worker.min.js';

let shared: { elk: Elk; failed: Promise<never> } | null = null;

/** One ELK (one worker) for the page, started on the first layout. A worker the page may
 * not start (its security policy) fails every layout, rather than leaving it pending. */
function elk(): { elk: Elk; failed: Promise<never> } {
  if (!shared) {
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
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
    shared = { elk: new ELK({ workerFactory: factory }), failed };
  }
  return shared;
}

export function layout(graph: ElkNode): Promise<ElkNode> {
  const { elk: instance, failed } = elk();
  return Promise.race([instance.layout(graph), failed]);
}
