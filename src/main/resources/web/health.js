// dyson-monitor live page, network health: the tail exponent α over time, the eigenvalue tail on
// log-log axes with its power-law fit, and the spectral rigidity Δ₃(L) against GOE and Poisson.
// Fed by history.js (window.__dyson.listeners) with every report it draws, and (pastListeners) with the
// stored points it draws before them, so that α over time starts at the run's first stored report.
'use strict';

window.__dysonPlot.panel((dyson, plot) => {
  const { $, finite, axis } = plot;
  const HISTORY = 2000;          // α points kept; beyond it every other one of the older half goes
  const TAIL_POINTS = 1500;      // eigenvalues drawn in the tail chart at most (evenly thinned)
  const RENDER_MS = 250;
  const OVER = 2;                // TrainingStatus: α < 2 over-trained, α > 6 under-trained
  const UNDER = 6;
  const GAMMA = 0.5772156649015329;
  // SpectralRigidity: GOE for large L, and Poisson.
  const goeD3 = (L) => (Math.log(2 * Math.PI * L) + GAMMA - 1.25 - Math.PI * Math.PI / 8) / (Math.PI * Math.PI);
  const poissonD3 = (L) => L / 15;
  const LS = Array.from({ length: 39 }, (_, k) => 1 + k * 0.5); // 1 … 20, holding 2, 5, 10, 20
  let steps = [];
  let alpha = [];
  let charts = null;
  let latest = null;
  const drawn = { alpha: 0, tail: 0, tailFit: 0, rigidity: 0 };

  const sig = (v, d = 3) => plot.sig(v, d);
  const line = (label, stroke, extra = {}) =>
    Object.assign({ label, stroke, width: 1.5, points: { show: false }, value: (u, v) => sig(v, 4) }, extra);
  /** Ticks at the powers of ten inside [min, max]; at 1, 2 and 5 times them when fewer than two fall inside. */
  const powers = (u, axisIdx, min, max) => {
    if (!(finite(min) && finite(max) && min > 0 && max >= min)) return [];
    const ticks = (mults) => {
      const out = [];
      for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        for (const m of mults) {
          const v = m * 10 ** e;
          if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
        }
      }
      return out;
    };
    const decades = ticks([1]);
    return decades.length >= 2 ? decades : ticks([1, 2, 5]);
  };
  // Every log axis takes its ticks from powers(): uPlot's own log ticks can step to a value its rounding
  // table does not hold (from a minimum just under a decade, 0.00977 + 0.001 → 0.011), round it to 0
  // and never end.
  const logAxis = (label, extra = {}) => axis(label, Object.assign({
    splits: powers, filter: (u, s) => s, values: (u, s) => s.map((v) => (v === null ? '' : sig(v, 2))),
  }, extra));
  // A log scale cannot reach 0 (uPlot's log ticks would never end): its range comes from positive values only.
  const logRange = (u, min, max) => {
    const lo = finite(min) && min > 0 ? min : null;
    const hi = finite(max) && max > 0 ? max : null;
    if (lo !== null && hi !== null && hi > lo) return [lo / 1.3, hi * 1.3];
    const one = lo !== null ? lo : (hi !== null ? hi : 1);
    return [one / 10, one * 10];
  };

  const chart = (id, opts, data) => plot.hostedChart(id, Object.assign({ height: 250 }, opts), data);

  function build() {
    destroy();
    charts = {
      alpha: chart('chart-alpha', {
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(8, finite(max) ? max * 1.1 : 8)] } },
        axes: [axis('training step'), axis('α', { size: 40 })],
        series: [{ label: 'step' }, line('α', '#2563eb', { width: 2 }),
          line('over-trained below 2', '#dc2626', { dash: [6, 4] }),
          line('under-trained above 6', '#ea580c', { dash: [6, 4] })],
      }, [[], [], [], []]),
      tail: chart('chart-tail', {
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, distr: 3, log: 10, range: logRange }, y: { distr: 3, log: 10, range: logRange } },
        axes: [logAxis('eigenvalue λ of WᵀW'), logAxis('fraction ≥ λ', { size: 50 })],
        series: [{ label: 'λ', value: (u, v) => sig(v, 4) },
          line('eigenvalues', '#2563eb', { width: 0, points: { show: true, size: 3, fill: '#2563eb' } }),
          line('power-law fit', '#dc2626', { width: 2 })],
      }, [[], [], []]),
      rigidity: chart('chart-rigidity', {
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: () => [0, 21] }, y: { range: (u, min, max) => [0, Math.max(0.5, finite(max) ? max * 1.1 : 0.5)] } },
        axes: [axis('window length L (mean spacings)'), axis('Δ₃(L)', { size: 46 })],
        series: [{ label: 'L' },
          line('measured', '#2563eb', { width: 0, points: { show: true, size: 8, fill: '#2563eb' } }),
          line('GOE (large L)', '#dc2626', { width: 2 }),
          line('Poisson L/15', '#6b7280', { dash: [6, 4] })],
      }, [LS, LS.map(() => null), LS.map(goeD3), LS.map(poissonD3)]),
    };
  }

  function destroy() {
    if (!charts) return;
    for (const c of Object.values(charts)) c.destroy();
    charts = null;
  }

  function thin() {
    const half = steps.length >> 1;
    const f = (a) => a.filter((_, i) => i >= half || i % 2 === 0);
    steps = f(steps);
    alpha = f(alpha);
  }

  /** Forgets what was drawn when the page starts afresh (r null) or r is another layer's. */
  function resetUnlessSameLayer(r) {
    const anotherLayer = latest && r !== null && (r.run !== latest.run || r.layer !== latest.layer);
    if (r !== null && !anotherLayer) return;
    steps = [];
    alpha = [];
    latest = null;
    destroy();
    for (const id of ['chart-alpha', 'chart-tail', 'chart-rigidity']) $(id).dataset.points = '0';
    drawn.alpha = drawn.tail = drawn.tailFit = drawn.rigidity = 0;
    $('health-facts').textContent = '—';
  }

  function push(step, a) {
    steps.push(step);
    alpha.push(finite(a) ? a : null);
    if (steps.length > HISTORY) thin();
  }

  function onReport(r) {
    resetUnlessSameLayer(r);
    if (r === null) return;
    if (!charts) build();
    latest = r;
    push(r.step, r.powerlaw_alpha);
    schedule();
  }

  /** A stored point before `report`: its α joins the chart (the tail and Δ₃ are drawn from reports only). */
  function onPast(p, report) {
    resetUnlessSameLayer(report);
    push(p.step, p.powerlaw_alpha);
  }

  const schedule = plot.throttled(render, RENDER_MS);

  function render() {
    const r = latest;
    if (!r || !charts) return;
    renderAlpha(r);
    renderTail(r);
    renderRigidity(r);
  }

  function renderAlpha(r) {
    charts.alpha.setData([steps, alpha, steps.map(() => OVER), steps.map(() => UNDER)]);
    drawn.alpha = alpha.filter((v) => v !== null).length;
    charts.alpha.msg.textContent = drawn.alpha ? ''
      : `α needs at least 10 positive eigenvalues; this layer has ${r.eigenvalues.length}`;
    $('chart-alpha').dataset.points = String(drawn.alpha);
    const traps = r.correlation_traps === null || r.correlation_traps === undefined ? '—' : String(r.correlation_traps);
    const baseline = r.randomized_step >= 0
      ? `randomized (step ${r.randomized_step}): JS distance ${sig(r.randomized_distance)}, correlation traps ${traps}`
      : 'no randomized baseline yet';
    $('health-facts').textContent = `${r.training_status} · α = ${sig(r.powerlaw_alpha)} ± ${sig(r.powerlaw_alpha_sigma, 2)}`
      + ` (xmin ${sig(r.powerlaw_xmin)}, n = ${r.powerlaw_tail_size}, D = ${sig(r.powerlaw_ks_distance, 2)})`
      + ` · α̂ = ${sig(r.powerlaw_alpha_weighted)} · entropy ${sig(r.matrix_entropy)} · MP soft rank ${sig(r.mp_softrank)}`
      + ` · ${baseline}`;
    $('health-facts').dataset.status = r.training_status;
  }

  function renderTail(r) {
    const x = r.eigenvalues.filter((v) => finite(v) && v > 0);
    const n = x.length;
    const stride = Math.max(1, Math.ceil(n / TAIL_POINTS));
    const xs = [];
    const emp = [];
    const fit = [];
    const a = r.powerlaw_alpha;
    const xmin = r.powerlaw_xmin;
    const frac = r.powerlaw_tail_size / n;
    for (let i = 0; i < n; i += stride) {
      xs.push(x[i]);
      emp.push((n - i) / n);
      // The fitted tail's survival function, scaled to the tail's share: (n_tail/N)·(λ/xmin)^(1−α).
      const f = finite(a) && x[i] >= xmin ? frac * (x[i] / xmin) ** (1 - a) : null;
      fit.push(finite(f) && f > 0 ? f : null); // a log axis shows positive values only
    }
    charts.tail.setData([xs, emp, fit]);
    drawn.tail = xs.length;
    drawn.tailFit = fit.filter((v) => v !== null).length;
    charts.tail.msg.textContent = n ? '' : 'no positive eigenvalues';
    $('chart-tail').dataset.points = String(drawn.tail);
    $('tail-note').textContent = finite(a)
      ? `fraction of eigenvalues ≥ λ (${n}); red: the fit λ^(1−α) above xmin = ${sig(xmin)}, α = ${sig(a)}`
      : `fraction of eigenvalues ≥ λ (${n}); no power-law fit (needs 10 positive eigenvalues)`;
  }

  function renderRigidity(r) {
    const measured = LS.map(() => null);
    const byL = r.spectral_rigidity || {};
    let count = 0;
    for (const [key, v] of Object.entries(byL)) {
      const k = LS.indexOf(Number(key));
      if (k >= 0 && finite(v)) {
        measured[k] = v;
        count++;
      }
    }
    charts.rigidity.setData([LS, measured, LS.map(goeD3), LS.map(poissonD3)]);
    drawn.rigidity = count;
    charts.rigidity.msg.textContent = count ? '' : 'too few levels in the bulk for Δ₃';
    $('chart-rigidity').dataset.points = String(count);
    const s2 = r.number_variance || {};
    $('rigidity-note').textContent = 'unfolded bulk; GOE against Poisson L/15 · Σ²(L): '
      + Object.entries(s2).map(([k, v]) => `${k}: ${sig(v)}`).join(', ');
  }

  dyson.listeners.push(onReport);
  dyson.pastListeners.push(onPast);
  const summary = dyson.summary.bind(dyson);
  dyson.summary = () => Object.assign(summary(), {
    health: {
      alphaPoints: drawn.alpha,
      alphaFirstStep: steps.length ? steps[0] : null,
      tailPoints: drawn.tail,
      tailFitPoints: drawn.tailFit,
      rigidityPoints: drawn.rigidity,
      status: $('health-facts').dataset.status || null, // as drawn (drawing is throttled behind the newest report)
      alpha: latest && finite(latest.powerlaw_alpha) ? latest.powerlaw_alpha : null,
      facts: $('health-facts').textContent,
    },
  });
  window.addEventListener('resize', () => {
    if (!charts) return;
    for (const [name, c] of Object.entries(charts)) c.setSize({ width: Math.max(200, $('chart-' + name).clientWidth), height: 250 });
  });
});
