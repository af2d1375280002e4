// Run in Chromium by widget_scale.py: parse the widget's compact report and render the
// widget's ES module with a fake anywidget model (first paint), then time actions to the
// next painted frame (two animation frames later, so a figure is at least ~33 ms at 60 Hz).
async ([source, text]) => {
  let report = null;
  const module = await import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const timed = async action => {
    const t = performance.now();
    await action();
    await frame();
    return performance.now() - t;
  };
  // The view asks for its report (`report?`) and the kernel answers with a custom message.
  let answer = null;
  const model = {
    get: () => '', set() {}, save_changes() {}, off() {},
    on(event, callback) { if (event === 'msg:custom') answer = callback; },
    send(message) { if (message.type === 'report?') answer({ type: 'report', report }); }
  };
  const el = document.getElementById('host');
  const firstPaint = await timed(() => {
    report = JSON.parse(text);
    module.default.render({ model, el });
  });
  const click = sel => () => el.querySelector(sel).click();
  const search = q => () => {
    const input = el.querySelector('.jp-Scope-search');
    input.value = q;
    input.dispatchEvent(new Event('input'));
  };
  const expandAll = await timed(click('.jp-Scope-button'));
  const collapseAll = await timed(click('.jp-Scope-button + .jp-Scope-button'));
  await timed(search('tower_7/block_3/'));
  const group = await timed(click('.jp-Scope-group'));
  const searchAll = await timed(search('op_1'));
  const searchOne = await timed(search('tower_42/block_17/weights_1'));
  const clear = await timed(search(''));
  const sort = key => () => {
    const select = el.querySelector('.jp-Scope-sort');
    select.value = key;
    select.dispatchEvent(new Event('change'));
  };
  const sortParams = await timed(sort('params'));
  const sortName = await timed(sort('name'));
  const expandSorted = await timed(click('.jp-Scope-button'));
  await timed(sort('order'));
  const filter = key => click(`.jp-Scope-filter[data-key="${key}"]`);
  const filterReused = await timed(filter('reused'));
  const shownReused = el.querySelector('.jp-Scope-count').textContent;
  const filterBoth = await timed(filter('created'));
  const filterSearch = await timed(search('tower_42'));
  await timed(search(''));
  const filterOff = await timed(filter('created'));
  return { firstPaint, expandAll, collapseAll, group, searchAll, searchOne, clear, sortParams,
           sortName, expandSorted, filterReused, filterBoth, filterSearch, filterOff,
           shownReused, rowsInDom: el.querySelectorAll('.jp-Scope-row').length };
}
