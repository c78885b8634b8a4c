// dyson-monitor live page, the start: the throttled redraw of the charts and tables, the log step axis
// and the charts' widths, then the first (empty) page and the run list's refresh loop. Loaded after
// the scripts it wires (page.js lists them), before the panels fed by its reports (health.js, dynamics.js).
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson, state } = page;
  const { $ } = window.__dysonPlot;
  const RENDER_MS = 250;         // least time between two redraws

  function render() {
    const r = dyson.latest;
    if (!r || !state.charts.eigen) return;
    page.renderCharts(r);
    page.renderPairs(r);
    page.renderFacts();
  }

  /** Draws at most every RENDER_MS (reports arrive up to 10/s per layer), and only when the page is seen. */
  page.scheduleRender = window.__dysonPlot.throttled(render, RENDER_MS);

  function watchSizes() {
    const observer = new ResizeObserver(() => requestAnimationFrame(() => {
      for (const [name, u] of Object.entries(state.charts)) {
        const host = $('chart-' + name);
        const width = Math.max(200, host.clientWidth);
        if (Math.abs(width - u.width) > 1) u.setSize({ width, height: u.height });
      }
    }));
    for (const p of document.querySelectorAll('.panel')) observer.observe(p);
  }

  $('log-steps').addEventListener('change', () => {
    state.logSteps = $('log-steps').checked;
    if (dyson.latest) {
      page.buildCharts(dyson.latest);
      page.scheduleRender();
    }
  });
  document.addEventListener('visibilitychange', () => !document.hidden && page.scheduleRender());
  page.clearData();
  watchSizes();
  page.refreshLoop();
})();
