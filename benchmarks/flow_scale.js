// Run in Chromium by flow_scale.py: render the widget's ES module with a fake anywidget
// model, turn the flow pane on, then time, to the next painted frame after the pane's
// drawing (two animation frames later): opening the root flow's InceptionV3 box; showing
// each scope's flow (its child scopes
// closed), opening every box in it, and opening one child box from the closed flow. A box
// is focused before it is opened, as the user's click (or Tab, then Enter) leaves it.
async ([source, text, scopes, worker]) => {
  let report = null;
  const module = await import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  let answer = null;
  const model = {
    get: () => '', set() {}, save_changes() {}, off() {},
    on(event, callback) { if (event === 'msg:custom') answer = callback; },
    send(message) {
      if (message.type === 'report?') answer({ type: 'report', report });
      if (message.type === 'elk?') answer({ type: 'elk', source: worker });
    }
  };
  const el = document.getElementById('host');
  report = JSON.parse(text);
  module.default.render({ model, el });
  await frame();
  // Ops shown: scopes of ops only have rows then.
  const ops = el.querySelector('.jp-Scope-opsSwitch');
  if (ops.getAttribute('aria-pressed') !== 'true') {
    ops.click();
  }
  el.querySelector('.jp-Scope-flowSwitch').click();
  const flow = () => el.querySelector('.jp-Scope-flow');
  // Until the pane has drawn once more, then a painted frame.
  const drawn = async action => {
    const before = flow().dataset.drawn ?? '0';
    const t = performance.now();
    await action();
    while ((flow().dataset.drawn ?? '0') === before) {
      await new Promise(r => setTimeout(r, 1));
    }
    await frame();
    return performance.now() - t;
  };
  // The first layout starts the worker: not a scope's cost.
  await new Promise(r => setTimeout(r, 50));
  while (!flow().dataset.drawn) {
    await new Promise(r => setTimeout(r, 5));
  }
  const out = {};
  // The root scope's flow is drawn first: open its InceptionV3 box, then close it.
  const top = () => flow().querySelector('.jp-Scope-flowNode.jp-mod-scope[data-name="InceptionV3"]');
  const toggle = () => top().dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
  top().focus({ preventScroll: true });
  await frame();
  out.InceptionV3 = { child: await drawn(toggle) };
  await drawn(toggle);
  for (const name of scopes) {
    const search = el.querySelector('.jp-Scope-search');
    search.value = name;
    search.dispatchEvent(new Event('input'));
    await frame();
    const row = el.querySelector(`.jp-Scope-row[data-name="${name}"] .jp-Scope-name`);
    const closed = await drawn(() => row.click());
    const split = JSON.parse(flow().dataset.timing);
    const nodes = flow().querySelectorAll('.jp-Scope-flowNode').length;
    const [openAll, closeAll] = flow().querySelectorAll('.jp-Scope-flowBar .jp-Scope-button');
    const open = await drawn(() => openAll.click());
    const opened = flow().querySelectorAll('.jp-Scope-flowNode').length;
    const edges = flow().querySelectorAll('.jp-Scope-flowEdge').length;
    await drawn(() => closeAll.click());
    const box = flow().querySelector('.jp-Scope-flowNode.jp-mod-scope');
    box?.focus({ preventScroll: true });
    await frame();
    const child = box
      ? await drawn(() => box.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })))
      : null;
    const childSplit = child === null ? {} : JSON.parse(flow().dataset.timing);
    out[name] = {
      closed, nodes, open, opened, edges, child,
      ...Object.fromEntries(Object.entries(split).map(([k, v]) => [`closed_${k}`, v])),
      ...Object.fromEntries(Object.entries(childSplit).map(([k, v]) => [`child_${k}`, v]))
    };
  }
  return out;
};
