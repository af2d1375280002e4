// Merged by `jupyter labextension build` into JupyterLab's webpack configuration: ELK's
// worker script goes into the lab extension as text, started from a Blob
// (`labextension/src/flow/elk.ts`), as `labextension/scripts/bundle.mjs` does for the
// widget and the HTML page.
module.exports = {
  module: {
    rules: [{ test: /elk-worker\.min\.js$/, type: 'asset/source' }]
  }
};
