// dyson-monitor live page, the trajectories: every report of the selected layer (and the points of its
// stored history) added to the histories the charts draw, in bounded memory; the spacing pool of a
// layer without pairs; the recent reports by step; starting afresh on a new layer or a restarted run.
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson, state } = page;
  const { $, el, finite } = window.__dysonPlot;
  const RECENT = 100;            // reports remembered by step (see window.__dyson.eigenvaluesAt)
  const UNFOLDED_POOL = 5000;    // unfolded spacings pooled here when a layer has no pairs
  const MAX_MODE_LINES = 64;     // more modes than this: draw evenly spaced ones

  let shape = '';                // modes, pairs and target of the layer the charts were built for

  function emptyHistory(modes, pairs) {
    return {
      modes,                                   // which eigenvalue indices are drawn
      steps: [],
      eig: modes.map(() => []),
      ratio: [],
      ratioMean: [],
      ratioWindow: [],
      sigma: Array.from({ length: pairs }, () => []),
    };
  }

  function emptyPool() {
    return { values: new Float64Array(UNFOLDED_POOL), n: 0, next: 0, reports: 0 };
  }

  function drawnModes(n) {
    if (n <= MAX_MODE_LINES) return Array.from({ length: n }, (_, i) => i);
    const picked = new Set();
    for (let k = 0; k < MAX_MODE_LINES; k++) picked.add(Math.round(k * (n - 1) / (MAX_MODE_LINES - 1)));
    return [...picked];
  }

  /** Keeps the whole run visible in bounded memory: every other point of the older half goes. */
  function thin(h) {
    const half = h.steps.length >> 1;
    const f = (a) => {
      const out = [];
      for (let i = 0; i < half; i += 2) out.push(a[i]);
      for (let i = half; i < a.length; i++) out.push(a[i]);
      return out;
    };
    h.steps = f(h.steps);
    h.eig = h.eig.map(f);
    h.ratio = f(h.ratio);
    h.ratioMean = f(h.ratioMean);
    h.sigma = h.sigma.map(f);
  }

  /** Adds a report to the trajectories; {@code past}: a stored history point, not a live report. */
  function record(r, past = false) {
    const h = state.hist;
    h.steps.push(r.step);
    h.modes.forEach((m, k) => h.eig[k].push(r.eigenvalues[m]));
    const ratio = finite(r.spacing_ratio_mean) ? r.spacing_ratio_mean : null;
    h.ratio.push(ratio);
    if (ratio !== null) {
      h.ratioWindow.push(ratio);
      if (h.ratioWindow.length > page.RATIO_WINDOW) h.ratioWindow.shift();
    }
    h.ratioMean.push(h.ratioWindow.length
      ? h.ratioWindow.reduce((a, b) => a + b, 0) / h.ratioWindow.length : null);
    r.pairs.forEach((p, k) => h.sigma[k]
      && h.sigma[k].push(finite(p.sigma_squared) && p.samples >= page.MIN_PAIR_SAMPLES ? p.sigma_squared : null));
    if (h.steps.length > page.HISTORY) thin(h);
    if (past) return;

    const pool = state.pool;
    if (!r.pairs.length) {
      pool.reports++;
      for (const s of r.unfolded_spacings) {
        if (!finite(s)) continue;
        pool.values[pool.next] = s;
        pool.next = (pool.next + 1) % UNFOLDED_POOL;
        pool.n = Math.min(pool.n + 1, UNFOLDED_POOL);
      }
    }
    remember(r);
  }

  function remember(r) {
    dyson.recent.set(r.step, r.eigenvalues.slice());
    while (dyson.recent.size > RECENT) dyson.recent.delete(dyson.recent.keys().next().value);
  }

  function applyReport(r) {
    if (r.run !== dyson.run || r.layer !== dyson.layer) return;
    const last = dyson.latest;
    if (last) {
      if (r.snapshots < last.snapshots && r.step < last.step) {
        clearData();                              // the run was restarted under the same name
      } else if (r.step <= last.step) {
        remember(r);                              // already drawn past it (fetched, then streamed late)
        return;
      }
    }
    reshape(r);
    dyson.latest = r;
    dyson.reports++;
    state.lastReportAt = performance.now();
    record(r);
    for (const f of dyson.listeners) f(r);
    page.scheduleRender();
  }

  /** New, empty trajectories and charts when the layer's shape (modes, pairs, target) differs. */
  function reshape(r) {
    const s = `${r.eigenvalues.length}|${r.pairs.map((p) => p.pair).join(',')}|${r.target.length}`;
    if (s !== shape) {
      shape = s;
      state.hist = emptyHistory(drawnModes(r.eigenvalues.length), r.pairs.length);
      state.pool = emptyPool();
      page.buildCharts(r);
    }
  }

  /**
   * The stored history before the latest report drawn first, so that a page opened late shows the
   * whole convergence; then the latest report as usual. A point of a layer above 1024 modes holds
   * the modes named in eigenvalue_modes only: the others are gaps in their trajectories.
   */
  function applyPast(points, latest) {
    if (latest.run !== dyson.run || latest.layer !== dyson.layer) return;
    const n = latest.eigenvalues.length;
    const past = points.filter((p) => p.step < latest.step
      && (p.eigenvalue_modes ? p.eigenvalue_modes.length === p.eigenvalues.length : p.eigenvalues.length === n));
    if (past.length) {
      reshape(latest);
      for (const p of past) {
        let eigenvalues = p.eigenvalues;
        if (p.eigenvalue_modes) {
          eigenvalues = new Array(n).fill(null);
          p.eigenvalue_modes.forEach((m, i) => { eigenvalues[m] = p.eigenvalues[i]; });
        }
        const byPair = new Map((p.pairs || []).map((q) => [q.pair, q]));
        const pairs = latest.pairs.map((q) => byPair.get(q.pair) || {});
        record({ step: p.step, eigenvalues, spacing_ratio_mean: p.spacing_ratio_mean, pairs }, true);
        for (const f of dyson.pastListeners) f(p, latest);
      }
      dyson.historyPoints = past.length;
    }
    applyReport(latest);
  }

  /** Forgets the layer's reports and clears everything drawn from them (the panels too, by the null report). */
  function clearData() {
    dyson.latest = null;
    dyson.reports = 0;
    dyson.historyPoints = 0;
    state.backlog = null;
    dyson.recent.clear();
    state.hist = emptyHistory([], 0);
    state.pool = emptyPool();
    shape = '';
    state.fetchedAtProcessed = -1;
    for (const c of Object.values(state.charts)) c.destroy();
    state.charts = {};
    for (const id of ['chart-eigen', 'chart-spacing', 'chart-ratio', 'chart-sigma']) {
      const e = $(id);
      e.replaceChildren(el('div', { class: 'msg' }, 'waiting for the first report…'));
      e.dataset.points = '0';
      e.dataset.series = '0';
    }
    $('chart-spacing').dataset.kind = 'none';
    state.spacingDensity = [];
    $('pairs-body').replaceChildren();
    for (const f of dyson.listeners) f(null);
  }

  state.hist = emptyHistory([], 0);
  state.pool = emptyPool();
  Object.assign(page, { applyReport, applyPast, clearData });
})();
