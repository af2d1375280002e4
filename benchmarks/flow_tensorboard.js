// Run in Chromium on TensorBoard's Graphs dashboard by flow_scale.py --tensorboard: expand
// the node `name` (a double click on its shape, as a user does) and time it until a child
// of it is in the SVG and a frame is painted (two animation frames later). The graph is
// drawn inside Polymer elements' shadow roots: find the one that holds its nodes.
async ([name]) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const roots = [];
  const walk = r => {
    roots.push(r);
    for (const e of r.querySelectorAll('*')) {
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(document);
  const root = roots.find(r => r.querySelector('g.node'));
  const node = root.querySelector(`g.node[data-name="${name}"]`);
  const child = () => root.querySelector(`g.node[data-name^="${name}/"]`);
  const t = performance.now();
  node.querySelector('.nodeshape').dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
  while (!child()) {
    await new Promise(r => setTimeout(r, 1));
  }
  await frame();
  return { time: performance.now() - t, nodes: root.querySelectorAll('g.node').length };
};
