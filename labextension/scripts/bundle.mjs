// Bundles the tree for use outside JupyterLab's webpack build:
//   jupyter_scope/static/tree.js        ES module for anywidget (`export default { render }`)
//   jupyter_scope/static/standalone.js  IIFE for the HTML export (`window.jupyterScope.mount`)
//   jupyter_scope/static/tree.css       the tree's styles, for both
//   jupyter_scope/static/elk-worker.js  ELK's worker script, which the widget asks for
// (the HTML export is Python's, `export/html_page.py`, for Python and the panel alike).
import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';

const root = new URL('../../', import.meta.url);
const at = path => new URL(path, root).pathname;
const common = {
  bundle: true,
  minify: true,
  // As tsconfig.json's target (what the lab extension ships): below ES2022, class fields
  // become defineProperty calls, which cost a search making thousands of op entries.
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  // Lumino's ES module builds: their UMD ones (esbuild's default for the browser) carry
  // ~14 kB more into the widget and the page for the model's one signal.
  mainFields: ['module', 'main']
};

// ELK's worker script as text, started from a Blob (`flow/elk.ts`): in the page whole; in
// the widget's module empty, as the widget asks the kernel for `static/elk-worker.js`.
const elkWorker = inline => ({
  name: 'elk-worker-text',
  setup(build) {
    build.onLoad({ filter: /elk-worker\.min\.js$/ }, async args => ({
      contents: inline ? await readFile(args.path, 'utf8') : '',
      loader: 'text'
    }));
  }
});
const workerScript = new URL('lib/elk-worker.min.js', import.meta.resolve('elkjs/package.json'));

await mkdir(at('jupyter_scope/static'), { recursive: true });
await build({
  ...common,
  entryPoints: [at('labextension/src/widget.ts')],
  plugins: [elkWorker(false)],
  format: 'esm',
  outfile: at('jupyter_scope/static/tree.js')
});
await build({
  ...common,
  entryPoints: [at('labextension/src/standalone.ts')],
  plugins: [elkWorker(true)],
  format: 'iife',
  outfile: at('jupyter_scope/static/standalone.js')
});
await copyFile(at('labextension/style/tree.css'), at('jupyter_scope/static/tree.css'));
await copyFile(workerScript, at('jupyter_scope/static/elk-worker.js'));

