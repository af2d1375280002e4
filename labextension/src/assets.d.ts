// `labextension/lib/assets.js` is written by `labextension/scripts/bundle.mjs` before the
// TypeScript build: the standalone page's template, styles and script, as text.
export declare const template: string;
export declare const css: string;
export declare const script: string;
