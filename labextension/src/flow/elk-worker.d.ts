/** elkjs's worker script, bundled as its text (see `elk.ts`). */
declare module 'elkjs/lib/elk-worker.min.js' {
  const source: string;
  export default source;
}
