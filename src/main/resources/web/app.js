// dyson-monitor live page: draws the LayerReports of /api/v1/stream (Server-Sent Events) with uPlot.
// Plain modern JS, no build step; every URL is relative, so the page also works under a proxy path.
'use strict';

(() => {
  const HISTORY = 2000;          // points per trajectory; beyond it the older half is thinned out
  const RECENT = 100;            // reports remembered by step (see window.__dyson.eigenvaluesAt)
  const RATIO_WINDOW = 50;       // reports in the running mean of r̃
  const UNFOLDED_POOL = 5000;    // unfolded spacings pooled here when a layer has no pairs
  const REFRESH_MS = 1500;       // how often the run list (and accounting) is reloaded
  const WAITING_REFRESH_MS = 250; // ... while no report is shown yet
  const RENDER_MS = 250;         // least time between two redraws
  const STALE_MS = 1500;         // no streamed report for this long: fetch the latest one instead
  const MAX_MODE_LINES = 64;     // more modes than this: draw evenly spaced ones
  const MIN_PAIR_SAMPLES = 30;   // σ̂² is drawn once pooled over this many snapshots (the first are noisy)
  const BIN = 0.1;               // LayerReport.PAIR_HISTOGRAM_BIN
  const BINS = 40;               // s in [0, 4)
  const GOE_R = 0.5307;          // ⟨r̃⟩, physics.md §4
  const POISSON_R = 0.3863;
  const WIGNER_S2 = 4 / Math.PI; // ⟨s²⟩ of the Wigner surmise, physics.md §3
  const TWO_LEVEL_U4 = -4 / 27;  // Binder cumulant of the two-level density
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#c026d3',
    '#65a30d', '#b45309', '#475569', '#db2777', '#0d9488'];
  const { FONT, finite, sig, axis } = window.__dysonPlot;

  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;

  // ---- state, readable by tests and curious users as window.__dyson -------------------------

  let runs = [];
  let hist = emptyHistory([], 0);
  let pool = emptyPool();
  let charts = {};
  let shape = '';
  let source = null;
  let reconnectTimer = 0;
  let retryMs = 1000;
  let lastReportAt = 0;
  let fetchedAtProcessed = -1;
  let keepsHistory = false;      // GET api/v1/runs says whether the monitor has a history store
  let backlog = null;            // streamed reports held while the layer's stored history loads
  let spacingDensity = [];       // the histogram drawn last (density per bin of 0.1 on [0, 4))

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
    /** What the page shows now, as plain data. */
    summary() {
      const l = this.latest;
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
        spacingDensity: spacingDensity.slice(),
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
        logSteps,
      };
    },
    /** The drawn modes' values of the trajectories at a step (live or from the history); null if not drawn. */
    drawnAt(step) {
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

  // ---- formatting ---------------------------------------------------------------------------

  function int(v) {
    return finite(v) ? Math.round(v).toLocaleString('en-US') : '—';
  }

  /** value ± error, both to the error's second significant digit. */
  function pm(v, e) {
    if (!finite(v)) return '—';
    if (!finite(e) || e <= 0) return sig(v);
    const dec = Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(e))));
    return v.toFixed(dec) + ' ± ' + e.toFixed(dec);
  }

  function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e3) return +(v / 1e3).toPrecision(3) + 'k';
    return String(+v.toPrecision(4));
  }

  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- history --------------------------------------------------------------------------------

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
    const h = hist;
    h.steps.push(r.step);
    h.modes.forEach((m, k) => h.eig[k].push(r.eigenvalues[m]));
    const ratio = finite(r.spacing_ratio_mean) ? r.spacing_ratio_mean : null;
    h.ratio.push(ratio);
    if (ratio !== null) {
      h.ratioWindow.push(ratio);
      if (h.ratioWindow.length > RATIO_WINDOW) h.ratioWindow.shift();
    }
    h.ratioMean.push(h.ratioWindow.length
      ? h.ratioWindow.reduce((a, b) => a + b, 0) / h.ratioWindow.length : null);
    r.pairs.forEach((p, k) => h.sigma[k]
      && h.sigma[k].push(finite(p.sigma_squared) && p.samples >= MIN_PAIR_SAMPLES ? p.sigma_squared : null));
    if (h.steps.length > HISTORY) thin(h);
    if (past) return;

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
    lastReportAt = performance.now();
    record(r);
    for (const f of dyson.listeners) f(r);
    scheduleRender();
  }

  /** New, empty trajectories and charts when the layer's shape (modes, pairs, target) differs. */
  function reshape(r) {
    const s = `${r.eigenvalues.length}|${r.pairs.map((p) => p.pair).join(',')}|${r.target.length}`;
    if (s !== shape) {
      shape = s;
      hist = emptyHistory(drawnModes(r.eigenvalues.length), r.pairs.length);
      pool = emptyPool();
      buildCharts(r);
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
      }
      dyson.historyPoints = past.length;
    }
    applyReport(latest);
  }

  /** Streamed and fetched reports: held while the stored history loads, drawn after it. */
  function receive(r) {
    if (backlog) backlog.push(r);
    else applyReport(r);
  }

  async function loadHistory() {
    const gen = dyson.generation;
    backlog = [];
    try {
      const base = `api/v1/runs/${enc(dyson.run)}/layers/${enc(dyson.layer)}`;
      const [h, l] = await Promise.all([
        fetch(`${base}/history?max_points=${HISTORY}${tokenParam('&')}`, { cache: 'no-store' }),
        fetch(`${base}${tokenParam('?')}`, { cache: 'no-store' }),
      ]);
      // A monitor without a store answers 404 here: the page then starts from the latest report.
      const points = h.ok ? (await h.json()).points : [];
      const latest = l.ok ? await l.json() : null;
      if (gen === dyson.generation && latest) applyPast(points, latest);
    } catch (e) {
      // the run list refresh reports an unreachable monitor
    } finally {
      if (gen === dyson.generation) {
        const held = backlog;
        backlog = null;
        held.forEach(applyReport);
      }
    }
  }

  function clearData() {
    dyson.latest = null;
    dyson.reports = 0;
    dyson.historyPoints = 0;
    backlog = null;
    dyson.recent.clear();
    hist = emptyHistory([], 0);
    pool = emptyPool();
    shape = '';
    fetchedAtProcessed = -1;
    for (const c of Object.values(charts)) c.destroy();
    charts = {};
    for (const id of ['chart-eigen', 'chart-spacing', 'chart-ratio', 'chart-sigma']) {
      const e = $(id);
      e.replaceChildren(el('div', { class: 'msg' }, 'waiting for the first report…'));
      e.dataset.points = '0';
      e.dataset.series = '0';
    }
    $('chart-spacing').dataset.kind = 'none';
    spacingDensity = [];
    $('pairs-body').replaceChildren();
    for (const f of dyson.listeners) f(null);
  }

  // ---- charts ---------------------------------------------------------------------------------

  /** Legend values: under the cursor, or the latest value when the cursor is off the chart. */
  const latestOr = (format) => (u, v, sidx, idx) => {
    if (idx !== null && idx !== undefined) return format(v);
    const a = u.data[sidx] || [];
    for (let i = a.length - 1; i >= 0; i--) if (a[i] !== null && a[i] !== undefined) return format(a[i]);
    return '—';
  };
  let logSteps = false;          // the step axis of the trajectories: linear, or logarithmic (the approach is early)
  /** Ticks at 1, 2 and 5 times the powers of ten inside the range (uPlot's own start at the range's minimum). */
  const logSplits = (u, axisIdx, min, max) => {
    const out = [];
    if (!(finite(min) && finite(max) && min > 0 && max >= min)) return out;
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= min && v <= max) out.push(v);
      }
    }
    return out;
  };
  const stepAxis = () => axis(logSteps ? 'training step (log scale)' : 'training step', Object.assign(
    { values: (u, splits) => splits.map((v) => (v === null ? '' : compact(v))) },
    logSteps ? { splits: logSplits, filter: (u, splits) => splits } : {}));
  const stepScale = () => (logSteps
    ? { time: false, distr: 3, log: 10, range: (u, min, max) => (finite(min) && min > 0 && finite(max) && max > min ? [min, max] : [1, 10]) }
    : { time: false });
  /** Steps as drawn: a log axis cannot show step 0. */
  const drawnSteps = (steps) => (logSteps ? steps.map((v) => Math.max(v, 1)) : steps);
  const stepSeries = () => ({ label: 'step', value: latestOr(int) });
  const line = (label, stroke, extra = {}) =>
    Object.assign({ label, stroke, width: 1.5, points: { show: false }, value: latestOr(sig) }, extra);

  const makeChart = window.__dysonPlot.hostedChart;

  /** Dashed lines at the target eigenvalues, labelled, drawn over the trajectories. */
  function drawTargets(u) {
    const r = dyson.latest;
    if (!r || !r.target.length) return;
    const counts = new Map();
    for (const t of r.target) {
      const key = t.toFixed(6);
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const px = window.devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.strokeStyle = 'rgba(17, 24, 39, 0.75)';
    ctx.fillStyle = 'rgba(17, 24, 39, 0.8)';
    ctx.lineWidth = 1.25 * px;
    ctx.setLineDash([6 * px, 4 * px]);
    const lines = [...counts].map(([key, n]) => [Number(key), n]);
    for (const [t] of lines) {
      const y = Math.round(u.valToPos(t, 'y', true)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    ctx.restore();
    // Labels in the right margin, where no data is drawn; nudged apart when targets are close.
    ctx.save();
    ctx.font = `${11 * px}px ${FONT}`;
    ctx.fillStyle = 'rgba(17, 24, 39, 0.85)';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let previous = Infinity;
    for (const [t, n] of lines.sort((a, b) => a[0] - b[0])) {
      const y = Math.min(u.valToPos(t, 'y', true), previous - 12 * px);
      if (y < top - 6 * px) break;
      ctx.fillText(`${sig(t, 4)}${n > 1 ? ' ×' + n : ''}`, left + width + 6 * px, y);
      previous = y;
    }
    ctx.restore();
  }

  function eigenRange(u, min, max) {
    const t = dyson.latest ? dyson.latest.target : [];
    let lo = finite(min) ? min : Infinity;
    let hi = finite(max) ? max : -Infinity;
    for (const x of t) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    if (!finite(lo) || !finite(hi)) return [0, 1];
    const pad = Math.max((hi - lo) * 0.06, Math.abs(hi) * 0.01, 1e-6);
    return [Math.max(lo >= 0 ? 0 : -Infinity, lo - pad), hi + pad];
  }

  const spacingX = Array.from({ length: BINS * 4 + 1 }, (_, j) => j * BIN / 4);
  const wigner = spacingX.map((s) => (Math.PI / 2) * s * Math.exp(-Math.PI * s * s / 4));
  const poisson = spacingX.map((s) => Math.exp(-s));

  function buildCharts(r) {
    for (const c of Object.values(charts)) c.destroy();
    const pairs = r.pairs;
    const sync = { key: 'steps-' + dyson.generation };
    const modes = hist.modes;

    charts.eigen = makeChart('chart-eigen', {
      height: 330,
      padding: [12, r.target.length ? 78 : 12, null, null], // room on the right for the target labels
      cursor: { drag: { x: false, y: false }, sync },
      legend: { show: modes.length <= 16 },
      scales: { x: stepScale(), y: { range: eigenRange } },
      axes: [stepAxis(), axis('eigenvalue x of WᵀW', { size: 54 })],
      series: [stepSeries(), ...modes.map((m, k) =>
        line('x' + m, PALETTE[k % PALETTE.length], { width: 1.4 }))],
      hooks: { draw: [drawTargets] },
    }, [[], ...modes.map(() => [])]);

    charts.spacing = makeChart('chart-spacing', {
      height: 250,
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: {
        x: { time: false, range: () => [0, 4] },
        y: { range: (u, min, max) => [0, Math.max(1.05, finite(max) ? max * 1.08 : 0)] },
      },
      axes: [axis('s = S / ⟨S⟩', { values: (u, splits) => splits.map((v) => String(+v.toFixed(2))) }),
        axis('density P(s)', { size: 46 })],
      series: [
        { label: 's', value: (u, v) => sig(v, 3) },
        line(pairs.length ? 'measured' : 'measured (unfolded)', '#2563eb', {
          fill: 'rgba(37, 99, 235, 0.16)', paths: uPlot.paths.stepped({ align: 1 }), width: 1.5 }),
        line('Wigner surmise', '#dc2626', { width: 2 }),
        line('Poisson e⁻ˢ', '#6b7280', { dash: [6, 4] }),
      ],
    }, [spacingX, spacingX.map(() => null), wigner, poisson]);

    charts.ratio = makeChart('chart-ratio', {
      height: 250,
      cursor: { drag: { x: false, y: false }, sync },
      scales: { x: stepScale(), y: { range: () => [0, 1] } },
      axes: [stepAxis(), axis('⟨r̃⟩', { size: 46 })],
      series: [stepSeries(),
        line('per report', 'rgba(37, 99, 235, 0.35)', { width: 1 }),
        line(`mean of last ${RATIO_WINDOW}`, '#2563eb', { width: 2 }),
        line('GOE 0.531', '#dc2626', { dash: [6, 4] }),
        line('Poisson 0.386', '#6b7280', { dash: [6, 4] })],
    }, [[], [], [], [], []]);

    charts.sigma = makeChart('chart-sigma', {
      height: 250,
      cursor: { drag: { x: false, y: false }, sync },
      scales: { x: stepScale(), y: { range: (u, min, max) => [0, finite(max) && max > 0 ? max * 1.1 : 1] } },
      axes: [stepAxis(), axis('σ̂²', { size: 58 })],
      series: [stepSeries(), ...pairs.map((p, k) => line('pair ' + p.pair, pairColor(k), { width: 1.8 }))],
    }, [[], ...pairs.map(() => [])]);
  }

  function pairColor(k) {
    return PALETTE[(k + 3) % PALETTE.length];
  }

  // ---- rendering ------------------------------------------------------------------------------

  /** Draws at most every RENDER_MS (reports arrive up to 10/s per layer), and only when the page is seen. */
  const scheduleRender = window.__dysonPlot.throttled(render, RENDER_MS);

  function render() {
    const r = dyson.latest;
    if (!r || !charts.eigen) return;
    renderEigen(r);
    renderSpacing(r);
    renderRatio(r);
    renderSigma(r);
    renderPairs(r);
    renderFacts();
  }

  function renderEigen(r) {
    const h = hist;
    charts.eigen.setData([drawnSteps(h.steps), ...h.eig]);
    const host = $('chart-eigen');
    host.dataset.points = String(h.steps.length);
    host.dataset.series = String(h.eig.length);
    const n = r.eigenvalues.length;
    const shown = h.modes.length < n ? `${h.modes.length} of ${n} modes (evenly spaced)` : `one line per mode x₀…x${n - 1}`;
    $('eigen-note').textContent = `${shown}, ascending; ` + (r.target.length
      ? 'dashed: the target spectrum (learned fixed point x = μ² − κ)'
      : 'no target spectrum known for this layer');
  }

  function renderSpacing(r) {
    const host = $('chart-spacing');
    let density;
    let note;
    let empty;
    if (r.pairs.length) {
      density = r.pair_spacing_histogram.map((v) => (finite(v) ? v : 0));
      const samples = r.pairs.reduce((a, p) => a + (p.samples || 0), 0);
      $('spacing-title').textContent = 'Pair spacings s = S/⟨S⟩';
      note = `${r.pairs.length} degenerate pair${r.pairs.length > 1 ? 's' : ''}, recent stationary snapshots pooled by the monitor (${int(samples)} pair samples so far)`;
      empty = 'waiting for stationary snapshots of the pairs…';
      host.dataset.kind = 'pairs';
    } else {
      density = new Array(BINS).fill(0);
      for (let i = 0; i < pool.n; i++) {
        const b = Math.floor(pool.values[i] / BIN);
        if (b < BINS) density[b]++;
      }
      if (pool.n) density = density.map((c) => c / (pool.n * BIN));
      $('spacing-title').textContent = 'Unfolded level spacings';
      note = `no degenerate pairs: nearest-neighbour spacings of the whole spectrum, unfolded by the monitor, pooled on this page (${int(pool.n)} spacings from ${int(pool.reports)} reports)`;
      empty = r.eigenvalues.length < 3 ? 'needs at least 3 eigenvalues' : 'waiting for spacings…';
      host.dataset.kind = 'unfolded';
    }
    const filled = density.filter((v) => v > 0).length;
    spacingDensity = filled ? density : [];
    const y = spacingX.map((s) => (filled ? density[Math.min(BINS - 1, Math.floor(s / BIN + 1e-9))] : null));
    charts.spacing.setData([spacingX, y, wigner, poisson]);
    charts.spacing.msg.textContent = filled ? '' : empty;
    $('spacing-note').textContent = note;
    host.dataset.points = String(filled);
    host.dataset.series = '3';
  }

  function renderRatio(r) {
    const h = hist;
    charts.ratio.setData([drawnSteps(h.steps), h.ratio, h.ratioMean, h.steps.map(() => GOE_R), h.steps.map(() => POISSON_R)]);
    const drawn = h.ratio.filter((v) => v !== null).length;
    charts.ratio.msg.textContent = drawn ? ''
      : (r.eigenvalues.length < 3 ? `⟨r̃⟩ needs at least 3 eigenvalues; this layer has ${r.eigenvalues.length}` : 'waiting…');
    $('chart-ratio').dataset.points = String(drawn);
    $('chart-ratio').dataset.series = '4';
  }

  function renderSigma(r) {
    const h = hist;
    charts.sigma.setData([drawnSteps(h.steps), ...h.sigma]);
    const drawn = Math.max(0, ...h.sigma.map((s) => s.filter((v) => v !== null).length));
    charts.sigma.msg.textContent = r.pairs.length
      ? (drawn ? '' : `waiting for ${MIN_PAIR_SAMPLES} stationary snapshots…`)
      : 'no degenerate pairs known for this layer (they come from a target spectrum)';
    $('chart-sigma').dataset.points = String(drawn);
    $('chart-sigma').dataset.series = String(h.sigma.length);
  }

  function renderPairs(r) {
    const body = $('pairs-body');
    if (!r.pairs.length) {
      const row = el('tr');
      row.appendChild(el('td', { colspan: '8', class: 'empty' },
        'No degenerate pairs known for this layer: pairs come from a target spectrum (PUT /api/v1/runs/{run}).'));
      body.replaceChildren(row);
      return;
    }
    const lrb = finite(r.learning_rate) && r.batch_size > 0;
    const rows = r.pairs.map((p, k) => {
      const tr = el('tr');
      const name = el('td');
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = pairColor(k);
      name.appendChild(swatch);
      name.appendChild(document.createTextNode(`${p.pair}  (x${p.lower}, x${p.upper})`));
      tr.appendChild(name);
      tr.appendChild(el('td', {}, sig(p.centre)));
      tr.appendChild(el('td', {}, int(p.samples)));
      tr.appendChild(el('td', {}, pm(p.sigma_squared, p.sigma_squared_error)));
      tr.appendChild(el('td', {}, pm(p.mean_spacing, p.mean_spacing_error)));
      tr.appendChild(versus(p.spacing_s2, p.spacing_s2_error, WIGNER_S2));
      tr.appendChild(versus(p.binder_cumulant, p.binder_cumulant_error, TWO_LEVEL_U4));
      tr.appendChild(el('td', {}, lrb ? sig(p.sigma_squared_per_lr_batch) : '—'));
      return tr;
    });
    body.replaceChildren(...rows);
  }

  function versus(v, e, ref) {
    const off = finite(v) && finite(e) && e > 0 && Math.abs(v - ref) > 3 * e;
    return el('td', off ? { class: 'off', title: `${sig((v - ref) / e, 2)} errors from ${sig(ref)}` } : {}, pm(v, e));
  }

  function renderFacts() {
    const run = runs.find((x) => x.run === dyson.run);
    const layer = run && run.layers.find((l) => l.layer === dyson.layer);
    const r = dyson.latest;
    $('run-note').textContent = dyson.run
      ? `${dyson.run} · layer ${dyson.layer}` + (layer ? ` (${layer.rows}×${layer.cols})` : '') : '—';

    const badges = [];
    if (run) badges.push([run.status, run.status === 'active' ? 'info' : '']);
    if (run) badges.push(['policy ' + run.policy, '']);
    if (r) {
      badges.push(r.converged ? ['converged', 'ok'] : ['not converged', r.stationary ? 'warn' : '']);
      badges.push(r.stationary ? ['stationary', 'info'] : ['moving', '']);
      if (layer && !layer.has_target) badges.push(['no target', '']);
    }
    $('badges').replaceChildren(...badges.map(([t, c]) => el('span', { class: 'badge ' + c }, t)));

    const lr = r && finite(r.learning_rate) ? r.learning_rate : (run ? run.learning_rate : null);
    const batch = r && r.batch_size > 0 ? r.batch_size : (run ? run.batch_size : null);
    const dropShare = layer && layer.received ? ` (${(100 * layer.dropped / layer.received).toFixed(1)} %)` : '';
    const facts = [
      ['training step', int(r ? Math.max(r.step, run ? run.step : 0) : run && run.step)],
      ['learning rate α', sig(lr)],
      ['batch size |B|', batch ? int(batch) : '—'],
      ['α / |B|', finite(lr) && batch ? sig(lr / batch) : '—'],
      ['target distance (RMS)', r ? sig(r.target_distance) : '—'],
      null,
      ['snapshots received', layer ? int(layer.received) : '—'],
      ['processed', layer ? int(layer.processed) : '—'],
      ['dropped', layer ? int(layer.dropped) + dropShare : '—'],
      ['rejected', layer ? int(layer.rejected) : '—', layer && layer.rejected > 0 ? 'bad' : ''],
      null,
      ['spectral norm · stable rank', r ? `${sig(r.spectral_norm)} · ${sig(r.stable_rank)}` : '—'],
      ['MP spikes · edge x₊', r ? `${r.mp_spikes} · ${sig(r.mp_upper_edge)}` : '—'],
      ['KS to Wigner · Poisson', r ? `${sig(r.spacing_ks_wigner, 3)} · ${sig(r.spacing_ks_poisson, 3)}` : '—'],
      ['reports on this page', int(dyson.reports)
        + (dyson.historyPoints ? ` (+ ${int(dyson.historyPoints)} from the history)` : '')],
    ];
    const nodes = [];
    for (const f of facts) {
      if (!f) {
        nodes.push(el('dt', { class: 'sep', 'aria-hidden': 'true' }), el('dd', { class: 'sep', 'aria-hidden': 'true' }));
        continue;
      }
      nodes.push(el('dt', {}, f[0]), el('dd', f[2] ? { class: f[2] } : {}, f[1]));
    }
    $('facts').replaceChildren(...nodes);
  }

  // ---- the stream ----------------------------------------------------------------------------

  function setStream(state, text) {
    dyson.stream = state;
    const s = $('stream');
    if (s.dataset.state !== state) s.dataset.state = state;
    const t = $('stream-text');
    if (t.textContent !== (text || state)) t.textContent = text || state;
  }

  function closeStream() {
    clearTimeout(reconnectTimer);
    if (source) source.close();
    source = null;
  }

  function subscribe() {
    closeStream();
    const gen = dyson.generation;
    const es = new EventSource(`api/v1/stream?run=${enc(dyson.run)}&layer=${enc(dyson.layer)}${tokenParam('&')}`);
    source = es;
    setStream('connecting', 'connecting…');
    es.addEventListener('report', (ev) => {
      if (gen !== dyson.generation) return;
      receive(JSON.parse(ev.data));
      setStream('live', 'live');
    });
    es.onopen = () => {
      if (gen !== dyson.generation) return;
      retryMs = 1000;
      setStream('live', dyson.latest ? 'live' : 'live · waiting for reports');
    };
    es.onerror = () => {
      if (gen !== dyson.generation) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an HTTP error status): retry with back-off ourselves.
        setStream('closed', `disconnected, retrying in ${Math.round(retryMs / 1000)} s`);
        reconnectTimer = setTimeout(() => gen === dyson.generation && subscribe(), retryMs);
        retryMs = Math.min(retryMs * 2, 15000);
      } else {
        setStream('connecting', 'reconnecting…'); // EventSource reconnects by itself
      }
    };
  }

  /** The latest report by GET: on selection, and when the stream is quiet (e.g. a finished run). */
  async function fetchLatest() {
    const gen = dyson.generation;
    try {
      const res = await fetch(`api/v1/runs/${enc(dyson.run)}/layers/${enc(dyson.layer)}${tokenParam('?')}`, { cache: 'no-store' });
      if (!res.ok || gen !== dyson.generation) return;
      receive(await res.json());
    } catch (e) {
      // the run list refresh reports an unreachable monitor
    }
  }

  // ---- runs and selection --------------------------------------------------------------------

  function layerInfo() {
    const run = runs.find((x) => x.run === dyson.run);
    return run ? run.layers.find((l) => l.layer === dyson.layer) : undefined;
  }

  // A monitor started with --token-file: the page passes ?access_token= from its own address to the
  // API (a browser's EventSource cannot send an Authorization header; RFC 6750 §2.3).
  const accessToken = new URLSearchParams(window.location.search).get('access_token');
  function tokenParam(sep) {
    return accessToken ? `${sep}access_token=${encodeURIComponent(accessToken)}` : '';
  }

  function banner(text) {
    const b = $('banner');
    b.hidden = !text;
    b.textContent = text || '';
  }

  function fillSelect(select, options, value) {
    const key = options.map((o) => o.value + '\u0000' + o.text).join('\u0001');
    if (select.dataset.key !== key) {
      select.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.text)));
      select.dataset.key = key;
    }
    if (value !== null && value !== undefined) select.value = value;
  }

  function runLabel(r) {
    const parts = [];
    if (finite(r.learning_rate)) parts.push('α ' + sig(r.learning_rate));
    if (r.batch_size > 0) parts.push('|B| ' + r.batch_size);
    if (r.status !== 'active') parts.push(r.status);
    return parts.length ? `${r.run}  (${parts.join(', ')})` : r.run;
  }

  function fromHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    return { run: p.get('run'), layer: p.get('layer') };
  }

  function select(run, layer) {
    if (run === dyson.run && layer === dyson.layer) return;
    dyson.run = run;
    dyson.layer = layer;
    dyson.generation++;
    history.replaceState(null, '', `#run=${enc(run)}&layer=${enc(layer)}`);
    clearData();
    fillSelects();
    if (!run || !layer) {
      closeStream();
      setStream('idle', 'not connected');
      return;
    }
    subscribe();
    const info = layerInfo();
    if (info && info.processed > 0) {
      fetchedAtProcessed = info.processed;
      if (keepsHistory) loadHistory();
      else fetchLatest();
    }
    renderFacts();
  }

  function fillSelects() {
    const run = runs.find((x) => x.run === dyson.run);
    const runOptions = runs.map((r) => ({ value: r.run, text: runLabel(r) }));
    if (dyson.run && !run) runOptions.push({ value: dyson.run, text: `${dyson.run}  (not started yet)` });
    fillSelect($('run'), runOptions, dyson.run);
    const layers = run ? run.layers : [];
    const layerOptions = layers.map((l) => ({ value: l.layer, text: `${l.layer}  (${l.rows}×${l.cols})` }));
    if (dyson.layer && !layers.some((l) => l.layer === dyson.layer)) {
      layerOptions.push({ value: dyson.layer, text: `${dyson.layer}  (not started yet)` });
    }
    fillSelect($('layer'), layerOptions, dyson.layer);
  }

  /** The run and layer named in the address, followed as soon as they exist, until the user picks another. */
  let wish = fromHash();

  function chooseDefault() {
    if (wish.run) {
      const run = runs.find((x) => x.run === wish.run);
      const layer = run && (run.layers.find((l) => l.layer === wish.layer) || (!wish.layer && run.layers[0]));
      if (layer) {
        wish = {};
        select(run.run, layer.layer);
        return;
      }
      if (wish.layer) {
        // Not there yet: listen already, so that a run about to start is drawn from its first report.
        select(wish.run, wish.layer);
        return;
      }
    }
    const current = runs.find((x) => x.run === dyson.run);
    if (current && current.layers.some((l) => l.layer === dyson.layer)) return;
    const pick = current && current.layers.length ? current : runs.find((x) => x.layers.length);
    if (!pick) {
      if (dyson.run) select(null, null);
      return;
    }
    const layer = pick.layers.find((l) => l.layer === dyson.layer) || pick.layers[0];
    select(pick.run, layer.layer);
  }

  async function refreshRuns() {
    try {
      const res = await fetch(`api/v1/runs${tokenParam('?')}`, { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (res.status === 401) {
        banner('This monitor requires a bearer token for its API (--token-file): open the page as /?access_token=<token>.');
        return false;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      runs = body.runs || [];
      keepsHistory = body.history === true;
    } catch (e) {
      banner(`The monitor does not answer (${e.message}); retrying.`);
      return false;
    }
    chooseDefault();
    const waiting = dyson.run && !layerInfo() ? `run ${dyson.run}, layer ${dyson.layer}` : null;
    if (!runs.length) {
      banner('No runs yet: start "dyson-monitor demo", or post snapshots to /api/v1/runs/{run}/layers/{layer}/snapshots.'
        + (waiting ? ` This page shows ${waiting} from its first report.` : ''));
    } else {
      banner(waiting ? `Waiting for ${waiting} (named in the address); or pick a run above.` : null);
    }
    fillSelects();
    renderFacts();
    const info = layerInfo();
    const quiet = !dyson.latest || performance.now() - lastReportAt > STALE_MS;
    if (info && info.processed > 0 && quiet && info.processed !== fetchedAtProcessed) {
      fetchedAtProcessed = info.processed;   // the stream is quiet but the layer moved on: fetch it
      fetchLatest();
    }
    if (dyson.stream === 'live' && dyson.latest && performance.now() - lastReportAt > 3 * STALE_MS) {
      setStream('live', quietStreamText());
    }
    return true;
  }

  /** Reloads the run list: often while waiting for a first report (so a new run is shown from its start). */
  async function refreshLoop() {
    const ok = await refreshRuns();
    setTimeout(refreshLoop, ok && !dyson.latest ? WAITING_REFRESH_MS : REFRESH_MS);
  }

  function quietStreamText() {
    const run = runs.find((x) => x.run === dyson.run);
    return run && run.status !== 'active' ? `live · run ${run.status}` : 'live · no new reports';
  }

  // ---- start ---------------------------------------------------------------------------------

  function onRunChange() {
    wish = {};
    const run = runs.find((x) => x.run === $('run').value);
    if (!run) return;
    const layer = run.layers.find((l) => l.layer === dyson.layer) || run.layers[0];
    select(run.run, layer ? layer.layer : null);
  }

  function onLayerChange() {
    wish = {};
    select(dyson.run, $('layer').value);
  }

  function watchSizes() {
    const observer = new ResizeObserver(() => requestAnimationFrame(() => {
      for (const [name, u] of Object.entries(charts)) {
        const host = $('chart-' + name);
        const width = Math.max(200, host.clientWidth);
        if (Math.abs(width - u.width) > 1) u.setSize({ width, height: u.height });
      }
    }));
    for (const p of document.querySelectorAll('.panel')) observer.observe(p);
  }

  $('log-steps').addEventListener('change', () => {
    logSteps = $('log-steps').checked;
    if (dyson.latest) {
      buildCharts(dyson.latest);
      scheduleRender();
    }
  });
  $('run').addEventListener('change', onRunChange);
  $('layer').addEventListener('change', onLayerChange);
  $('pick').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('hashchange', () => {
    wish = fromHash();
    chooseDefault();
  });
  document.addEventListener('visibilitychange', () => !document.hidden && scheduleRender());
  clearData();
  watchSizes();
  refreshLoop();
})();
