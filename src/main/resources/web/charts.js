// dyson-monitor live page, the charts of the selected layer's trajectories and spacings: the eigenvalues
// of WᵀW over the steps with the target spectrum dashed, the pair (or unfolded) spacing density against
// Wigner and Poisson, the spacing ratio ⟨r̃⟩ against GOE and Poisson, and each pair's width σ̂².
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson, state } = page;
  const { $, FONT, finite, sig, int, axis, hostedChart: makeChart } = window.__dysonPlot;
  const BIN = 0.1;               // LayerReport.PAIR_HISTOGRAM_BIN
  const BINS = 40;               // s in [0, 4)
  const GOE_R = 0.5307;          // ⟨r̃⟩, physics.md §4
  const POISSON_R = 0.3863;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#c026d3',
    '#65a30d', '#b45309', '#475569', '#db2777', '#0d9488'];

  function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e3) return +(v / 1e3).toPrecision(3) + 'k';
    return String(+v.toPrecision(4));
  }

  /** Legend values: under the cursor, or the latest value when the cursor is off the chart. */
  const latestOr = (format) => (u, v, sidx, idx) => {
    if (idx !== null && idx !== undefined) return format(v);
    const a = u.data[sidx] || [];
    for (let i = a.length - 1; i >= 0; i--) if (a[i] !== null && a[i] !== undefined) return format(a[i]);
    return '—';
  };
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
  const stepAxis = () => axis(state.logSteps ? 'training step (log scale)' : 'training step', Object.assign(
    { values: (u, splits) => splits.map((v) => (v === null ? '' : compact(v))) },
    state.logSteps ? { splits: logSplits, filter: (u, splits) => splits } : {}));
  const stepScale = () => (state.logSteps
    ? { time: false, distr: 3, log: 10, range: (u, min, max) => (finite(min) && min > 0 && finite(max) && max > min ? [min, max] : [1, 10]) }
    : { time: false });
  /** Steps as drawn: a log axis cannot show step 0. */
  const drawnSteps = (steps) => (state.logSteps ? steps.map((v) => Math.max(v, 1)) : steps);
  const stepSeries = () => ({ label: 'step', value: latestOr(int) });
  const line = (label, stroke, extra = {}) =>
    Object.assign({ label, stroke, width: 1.5, points: { show: false }, value: latestOr(sig) }, extra);

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
    for (const c of Object.values(state.charts)) c.destroy();
    const pairs = r.pairs;
    const sync = { key: 'steps-' + dyson.generation };
    const modes = state.hist.modes;

    state.charts.eigen = makeChart('chart-eigen', {
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

    state.charts.spacing = makeChart('chart-spacing', {
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

    state.charts.ratio = makeChart('chart-ratio', {
      height: 250,
      cursor: { drag: { x: false, y: false }, sync },
      scales: { x: stepScale(), y: { range: () => [0, 1] } },
      axes: [stepAxis(), axis('⟨r̃⟩', { size: 46 })],
      series: [stepSeries(),
        line('per report', 'rgba(37, 99, 235, 0.35)', { width: 1 }),
        line(`mean of last ${page.RATIO_WINDOW}`, '#2563eb', { width: 2 }),
        line('GOE 0.531', '#dc2626', { dash: [6, 4] }),
        line('Poisson 0.386', '#6b7280', { dash: [6, 4] })],
    }, [[], [], [], [], []]);

    state.charts.sigma = makeChart('chart-sigma', {
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

  /** Draws the report's trajectories and spacings into the charts built for its layer. */
  function renderCharts(r) {
    renderEigen(r);
    renderSpacing(r);
    renderRatio(r);
    renderSigma(r);
  }

  function renderEigen(r) {
    const h = state.hist;
    state.charts.eigen.setData([drawnSteps(h.steps), ...h.eig]);
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
      const pool = state.pool;
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
    state.spacingDensity = filled ? density : [];
    const y = spacingX.map((s) => (filled ? density[Math.min(BINS - 1, Math.floor(s / BIN + 1e-9))] : null));
    state.charts.spacing.setData([spacingX, y, wigner, poisson]);
    state.charts.spacing.msg.textContent = filled ? '' : empty;
    $('spacing-note').textContent = note;
    host.dataset.points = String(filled);
    host.dataset.series = '3';
  }

  function renderRatio(r) {
    const h = state.hist;
    state.charts.ratio.setData([drawnSteps(h.steps), h.ratio, h.ratioMean, h.steps.map(() => GOE_R), h.steps.map(() => POISSON_R)]);
    const drawn = h.ratio.filter((v) => v !== null).length;
    state.charts.ratio.msg.textContent = drawn ? ''
      : (r.eigenvalues.length < 3 ? `⟨r̃⟩ needs at least 3 eigenvalues; this layer has ${r.eigenvalues.length}` : 'waiting…');
    $('chart-ratio').dataset.points = String(drawn);
    $('chart-ratio').dataset.series = '4';
  }

  function renderSigma(r) {
    const h = state.hist;
    state.charts.sigma.setData([drawnSteps(h.steps), ...h.sigma]);
    const drawn = Math.max(0, ...h.sigma.map((s) => s.filter((v) => v !== null).length));
    state.charts.sigma.msg.textContent = r.pairs.length
      ? (drawn ? '' : `waiting for ${page.MIN_PAIR_SAMPLES} stationary snapshots…`)
      : 'no degenerate pairs known for this layer (they come from a target spectrum)';
    $('chart-sigma').dataset.points = String(drawn);
    $('chart-sigma').dataset.series = String(h.sigma.length);
  }

  Object.assign(page, { buildCharts, renderCharts, pairColor });
})();
