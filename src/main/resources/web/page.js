// dyson-monitor live page: draws the LayerReports of /api/v1/stream (Server-Sent Events) with uPlot.
// Plain modern JS, no build step; every URL is relative, so the page also works under a proxy path.
//
// This script holds what the page knows: the public window.__dyson (the selected run and layer, the
// latest report, what is drawn, as tests and curious users read it) and window.__dysonPage, the state
// and functions its other scripts share. Those are loaded in order after it (index.html), each adding
// its functions to window.__dysonPage; nothing is fetched or drawn before app.js, the last of these,
// starts the page:
//   history.js   the trajectories and the spacing pool, built from reports and the stored history
//   stream.js    the report stream (SSE), the latest report and the stored history by GET
//   charts.js    the charts of the trajectories, spacings, ⟨r̃⟩ and σ̂²
//   tables.js    the pairs table and the run's facts
//   selector.js  the run list, the run and layer selectors, the address (#run=…&layer=…)
//   app.js       the redraw, the page's controls, the start
'use strict';

(() => {
  const { $ } = window.__dysonPlot;

  /** Mutable state that more than one script reads; each field says who writes it. */
  const state = {
    runs: [],                    // selector.js: the run list of GET api/v1/runs
    hist: null,                  // history.js: the trajectories drawn (history.js emptyHistory)
    pool: null,                  // history.js: unfolded spacings pooled on the page when a layer has no pairs
    charts: {},                  // charts.js: the uPlot charts by name (eigen, spacing, ratio, sigma)
    backlog: null,               // stream.js: streamed reports held while the layer's stored history loads
    lastReportAt: 0,             // history.js: when the latest report was drawn (performance.now())
    fetchedAtProcessed: -1,      // selector.js: the layer's processed count at the last fetch of its latest report
    spacingDensity: [],          // charts.js: the histogram drawn last (density per bin of 0.1 on [0, 4))
    logSteps: false,             // app.js: the step axis of the trajectories: linear, or logarithmic (the approach is early)
  };

  const dyson = {
    run: null,
    layer: null,
    generation: 0,
    stream: 'idle',
    reports: 0,
    historyPoints: 0,              // points drawn from the stored history, from before the page opened
    latest: null,
    recent: new Map(),
    errors: [],
    /** Called with each report drawn, and with null when the page starts afresh (health.js listens). */
    listeners: [],
    /**
     * Called with each stored point drawn from the history (the scalar statistics of a past report, no
     * per-mode arrays) and the report it precedes, before that report reaches the listeners (health.js
     * draws α over time from them).
     */
    pastListeners: [],
    /** What the page shows now, as plain data. */
    summary() {
      const l = this.latest;
      const hist = state.hist;
      const drawn = (id) => Number($(id).dataset.points || 0);
      return {
        run: this.run,
        layer: this.layer,
        stream: this.stream,
        reports: this.reports,
        errors: this.errors.slice(),
        reportRun: l ? l.run : null,
        reportLayer: l ? l.layer : null,
        step: l ? l.step : null,
        modes: l ? l.eigenvalues.length : 0,
        eigenvalues: l ? l.eigenvalues.slice() : [],
        target: l ? l.target.slice() : [],
        pairs: l ? l.pairs.length : 0,
        converged: l ? l.converged : false,
        spacingKind: $('chart-spacing').dataset.kind,
        spacingDensity: state.spacingDensity.slice(),
        points: {
          eigen: drawn('chart-eigen'),
          spacing: drawn('chart-spacing'),
          ratio: drawn('chart-ratio'),
          sigma: drawn('chart-sigma'),
        },
        series: { eigen: Number($('chart-eigen').dataset.series || 0) },
        historyLength: hist.steps.length,
        historyPoints: this.historyPoints,
        firstStep: hist.steps.length ? hist.steps[0] : null,
        logSteps: state.logSteps,
      };
    },
    /** The drawn modes' values of the trajectories at a step (live or from the history); null if not drawn. */
    drawnAt(step) {
      const hist = state.hist;
      const i = hist.steps.indexOf(step);
      return i < 0 ? null : { modes: hist.modes.slice(), values: hist.eig.map((e) => e[i]) };
    },
    /** The eigenvalues of a recently received report, by its step; null if not (or no longer) known. */
    eigenvaluesAt(step) {
      const e = this.recent.get(step);
      return e ? e.slice() : null;
    },
  };
  window.__dyson = dyson;
  // The message and where it was thrown (the stack's first frames), for a report of a page that broke.
  window.addEventListener('error', (e) => dyson.errors.push(String(e.message || e.type)
    + (e.error && e.error.stack ? ' ' + e.error.stack.split('\n').slice(1, 4).map((f) => f.trim()).join(' ← ') : '')));
  window.addEventListener('unhandledrejection', (e) =>
    dyson.errors.push('unhandled rejection: ' + (e.reason && e.reason.message ? e.reason.message : e.reason)));

  // A monitor started with --token-file: the page passes ?access_token= from its own address to the
  // API (a browser's EventSource cannot send an Authorization header; RFC 6750 §2.3).
  const accessToken = new URLSearchParams(window.location.search).get('access_token');
  function tokenParam(sep) {
    return accessToken ? `${sep}access_token=${encodeURIComponent(accessToken)}` : '';
  }

  window.__dysonPage = {
    dyson,
    state,
    HISTORY: 2000,               // points per trajectory; beyond it the older half is thinned out
    RATIO_WINDOW: 50,            // reports in the running mean of r̃
    MIN_PAIR_SAMPLES: 30,        // σ̂² is drawn once pooled over this many snapshots (the first are noisy)
    tokenParam,
    /** The API address of the selected layer: its latest report, and under it /history. */
    layerPath: () => `api/v1/runs/${encodeURIComponent(dyson.run)}/layers/${encodeURIComponent(dyson.layer)}`,
  };
})();
