// Bundles the tree for use outside JupyterLab's webpack build:
//   jupyter_scope/static/tree.js        ES module for anywidget (`export default { render }`)
//   jupyter_scope/static/standalone.js  IIFE for the HTML export (`window.jupyterScope.mount`)
//   jupyter_scope/static/tree.css       the tree's styles, for both
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
  mainFields: ['module', 'main'],
  // ELK's worker script goes in as text, started from a Blob (`flow/elk.ts`).
  plugins: [
    {
      name: 'elk-worker-text',
      setup(build) {
        build.onLoad({ filter: /elk-worker\.min\.js$/ }, async args => ({
          contents: await readFile(args.path, 'utf8'),
          loader: 'text'
        }));
      }
    }
  ]
};

await mkdir(at('jupyter_scope/static'), { recursive: true });
await build({
  ...common,
  entryPoints: [at('labextension/src/widget.ts')],
  format: 'esm',
  outfile: at('jupyter_scope/static/tree.js')
});
await build({
  ...common,
  entryPoints: [at('labextension/src/standalone.ts')],
  format: 'iife',
  outfile: at('jupyter_scope/static/standalone.js')
});
await copyFile(at('labextension/style/tree.css'), at('jupyter_scope/static/tree.css'));

