// dyson-monitor live page, Dyson Brownian motion: for the selected layer the measured mean increment
// per update against x for one mode (the bins with their standard errors and the fitted line
// slope·(x − x_s)), the table of predicted against measured widths and times per mode, the ETA to
// convergence and the linear-scaling what-ifs. Fed by history.js (window.__dyson.listeners).
// The live stream leaves the drift bins out (they would multiply a wide layer's report); they are
// fetched from GET api/v1/runs/{run}/layers/{layer} once per new measurement.
'use strict';

window.__dysonPlot.panel((dyson, plot) => {
  const { $, finite, axis } = plot;
  const enc = encodeURIComponent;
  const RENDER_MS = 250;
  const accessToken = new URLSearchParams(window.location.search).get('access_token');

  let latest = null;
  let chart = null;
  let chosen = null;             // the mode the user picked; null: the ETA's slowest mode
  let bins = new Map();          // mode → bins of the measurement binsAt
  let binsAt = -1;
  let fetching = false;
  const drawn = { points: 0, fit: 0, mode: null, rows: 0 };

  const sig = (v, d = 3) => plot.sig(v, d);
  const pm = (v, e) => (finite(v) ? sig(v) + (finite(e) ? ' ± ' + sig(e, 2) : '') : '—');
  const width = () => Math.max(260, Math.min(440, $('chart-dbm').clientWidth || 440));

  /** Error bars of series 1 from the array err (same index as the x values). */
  function errorBars(err) {
    return {
      hooks: {
        draw: [(u) => {
          const ctx = u.ctx;
          const [xs, ys] = [u.data[0], u.data[1]];
          ctx.save();
          ctx.strokeStyle = '#2563eb';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          for (let i = 0; i < xs.length; i++) {
            if (!finite(ys[i]) || !finite(err.v[i])) continue;
            const x = u.valToPos(xs[i], 'x', true);
            const lo = u.valToPos(ys[i] - err.v[i], 'y', true);
            const hi = u.valToPos(ys[i] + err.v[i], 'y', true);
            ctx.beginPath();
            ctx.moveTo(x, lo); ctx.lineTo(x, hi);
            ctx.moveTo(x - 4, lo); ctx.lineTo(x + 4, lo);
            ctx.moveTo(x - 4, hi); ctx.lineTo(x + 4, hi);
            ctx.stroke();
          }
          ctx.restore();
        }],
      },
    };
  }

  const errors = { v: [] };
  function build() {
    chart = plot.hostedChart('chart-dbm', {
      width: width(), height: 280,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      // uPlot's own tick labels keep 3 decimals (Intl's default): increments of 10⁻⁴ per update all read 0.
      axes: [axis('x (eigenvalue of WᵀW)'),
        axis('mean increment per update', { size: 64, values: (u, splits) => splits.map((v) => sig(v, 3)) })],
      series: [{ label: 'x', value: (u, v) => sig(v, 5) },
        { label: 'measured (bins ± SE)', stroke: '#2563eb', width: 0, points: { show: true, size: 7, fill: '#2563eb' }, value: (u, v) => sig(v, 3) },
        { label: 'fit slope·(x − xₛ)', stroke: '#dc2626', width: 2, points: { show: false }, value: (u, v) => sig(v, 3) },
        { label: 'zero', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } }],
      plugins: [errorBars(errors)],
    }, [[], [], [], []]);
  }

  function reset() {
    latest = null;
    chosen = null;
    bins = new Map();
    binsAt = -1;
    if (chart) chart.destroy();
    chart = null;
    drawn.points = drawn.fit = drawn.rows = 0;
    drawn.mode = null;
    $('chart-dbm').dataset.points = '0';
    $('chart-dbm').dataset.fit = '0';
    $('dbm-body').replaceChildren();
    $('dbm-eta').textContent = 'ETA to convergence: —';
    $('dbm-whatif').textContent = '—';
    $('dbm-mode').replaceChildren();
  }

  function onReport(r) {
    if (r === null || (latest && (r.run !== latest.run || r.layer !== latest.layer))) {
      reset();
      if (r === null) return;
    }
    latest = r;
    if (!chart) build();
    for (const m of r.modes || []) {
      if (m.bins) bins.set(m.mode, m.bins);   // a fetched (full) report
    }
    if ((r.modes || []).some((m) => m.bins)) binsAt = r.measured_snapshot;
    if (r.measured_snapshot > 0 && r.measured_snapshot !== binsAt) fetchBins(r);
    schedule();
  }

  async function fetchBins(r) {
    if (fetching) return;
    fetching = true;
    try {
      const url = `api/v1/runs/${enc(r.run)}/layers/${enc(r.layer)}${accessToken ? '?access_token=' + enc(accessToken) : ''}`;
      const res = await fetch(url, { cache: 'no-store' });
      if (res.ok) {
        const full = await res.json();
        if (latest && full.run === latest.run && full.layer === latest.layer) {
          bins = new Map((full.modes || []).map((m) => [m.mode, m.bins || []]));
          binsAt = full.measured_snapshot;
          schedule();
        }
      }
    } catch (e) {
      // the next measurement tries again
    } finally {
      fetching = false;
    }
  }

  const schedule = plot.throttled(render, RENDER_MS);

  function label(m) {
    return m.pair ? `pair ${m.pair} (centre)` : `mode ${m.mode}`;
  }

  function render() {
    const r = latest;
    if (!r || !chart) return;
    const rows = r.modes || [];
    const options = rows.map((m) => ({ value: String(m.mode), text: label(m) }));
    const select = $('dbm-mode');
    const key = options.map((o) => o.value).join(',');
    if (select.dataset.key !== key) {
      select.replaceChildren(...options.map((o) => Object.assign(document.createElement('option'), { value: o.value, textContent: o.text })));
      select.dataset.key = key;
    }
    const fallback = rows.some((m) => m.mode === r.eta_mode) ? r.eta_mode : (rows.length ? rows[rows.length - 1].mode : null);
    const mode = chosen !== null && rows.some((m) => m.mode === chosen) ? chosen : fallback;
    if (mode !== null) select.value = String(mode);
    renderDrift(r, rows.find((m) => m.mode === mode));
    renderTable(r, rows, mode);
    renderEta(r, rows);
  }

  function renderDrift(r, m) {
    drawn.mode = m ? m.mode : null;
    const b = m ? (bins.get(m.mode) || []).slice().sort((p, q) => p.x - q.x) : [];
    const xs = b.map((p) => p.x);
    const ys = b.map((p) => (finite(p.drift_per_update) ? p.drift_per_update : null));
    errors.v = b.map((p) => p.drift_error);
    const fit = m && finite(m.drift_slope) && finite(m.fixed_point)
      ? xs.map((x) => m.drift_slope * (x - m.fixed_point)) : xs.map(() => null);
    chart.setData([xs, ys, fit, xs.map(() => 0)]);
    drawn.points = ys.filter((v) => v !== null).length;
    drawn.fit = fit.filter((v) => v !== null).length;
    $('chart-dbm').dataset.points = String(drawn.points);
    $('chart-dbm').dataset.fit = String(drawn.fit);
    chart.msg.textContent = !r.measured_snapshot ? 'waiting for the first measurement (50 snapshots)'
      : (drawn.points ? '' : 'loading the drift bins…');
    $('dbm-note').textContent = m
      ? `${label(m)}: mean increment per update against x over the last ${r.window} snapshots (Δ = ${m.interval} updates), `
        + `fit slope ${sig(m.drift_slope)} through xₛ = ${sig(m.fixed_point, 5)}; measured at step ${r.measured_step}`
        + (r.pairs && r.pairs.length ? '; a degenerate pair is shown as its centre (x_l + x_u)/2, where the pair\'s mutual repulsion cancels' : '')
      : 'measured drift and diffusion per mode; waiting for the first measurement (from the 50th snapshot)';
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  /** More than 3 combined standard errors apart: the one-mode picture does not describe the row. */
  function off(a, ea, b, eb) {
    return finite(a) && finite(b) && finite(ea) && finite(eb) && Math.abs(a - b) > 3 * Math.hypot(ea, eb) ? 'off' : '';
  }

  function renderTable(r, rows, mode) {
    const body = $('dbm-body');
    const trs = rows.map((m) => {
      const tr = document.createElement('tr');
      if (m.mode === mode) tr.className = 'chosen';
      tr.append(cell(label(m)), cell(pm(m.fixed_point, m.fixed_point_error)), cell(pm(m.drift_slope, m.drift_slope_error)),
        cell(pm(m.diffusion, m.diffusion_error)),
        cell(pm(m.predicted_variance, m.predicted_variance_error), off(m.predicted_variance, m.predicted_variance_error, m.measured_variance, m.measured_variance_error)),
        cell(pm(m.measured_variance, m.measured_variance_error)),
        cell(sig(m.relaxation_updates)),
        cell(pm(m.autocorrelation_updates, m.autocorrelation_error)),
        cell(sig(m.relaxation_seconds)));
      tr.addEventListener('click', () => { chosen = m.mode; schedule(); });
      return tr;
    });
    if (!trs.length) {
      const tr = document.createElement('tr');
      const td = cell('no measurement yet', 'empty');
      td.colSpan = 9;
      tr.append(td);
      trs.push(tr);
    }
    body.replaceChildren(...trs);
    drawn.rows = rows.length;
  }

  function renderEta(r, rows) {
    const eta = $('dbm-eta');
    if (!r.measured_snapshot) {
      eta.textContent = 'ETA to convergence: —';
      eta.dataset.state = 'unknown';
    } else if (!finite(r.eta_updates)) {
      eta.textContent = 'ETA to convergence: unknown (fewer than 8 blocks measured, a fitted relaxation that misses the target, or beyond the horizon)';
      eta.dataset.state = 'unknown';
    } else {
      // The ETA forecasts the stationarity detector's decision (the `converged` gauge), with its standard error;
      // the band time (every row within its band) is when the modes arrive, before the detector decides.
      const slow = rows.find((m) => m.mode === r.eta_mode);
      const band = finite(r.eta_band_updates)
        ? `; every mode within ${sig(r.band)}σ of its fixed point in ${sig(r.eta_band_updates)} updates` : '';
      const pm = (v) => (finite(v) ? ` ± ${sig(v)}` : '');
      const seconds = finite(r.eta_seconds)
        ? ` ≈ ${sig(r.eta_seconds)}${pm(r.eta_seconds_error)} s at ${sig(r.updates_per_second)} updates/s` : '';
      eta.textContent = r.eta_updates === 0
        ? 'ETA to convergence: 0: the detector has declared the layer converged'
        : `ETA to convergence: ${sig(r.eta_updates)}${pm(r.eta_updates_error)} updates${seconds}, when the detector is forecast to declare it converged (slowest: ${slow ? label(slow) : '—'})${band}`;
      eta.dataset.state = r.eta_updates === 0 ? 'inside' : 'approaching';
    }
    const w = r.what_if || [];
    $('dbm-whatif').textContent = w.length
      ? 'Linear scaling (σ² ∝ α/|B|, τ ∝ 1/α): ' + w.map((x) => `α ${sig(x.lr)}, |B| ${x.batch}: σ² × ${sig(x.variance_factor)}, τ × ${sig(x.relaxation_factor)}`
        + (x.beyond_linear_regime ? ' (beyond α/|B| = 0.1/16, where σ² was measured to bend below the rule: an upper bound)' : '')).join(' · ')
      : 'Linear-scaling what-if: needs the run\'s learning rate and batch size.';
  }

  $('dbm-mode').addEventListener('change', (e) => { chosen = Number(e.target.value); schedule(); });
  dyson.listeners.push(onReport);
  const summary = dyson.summary.bind(dyson);
  dyson.summary = () => Object.assign(summary(), {
    dynamics: {
      measuredSnapshot: latest ? latest.measured_snapshot : 0,
      rows: drawn.rows,
      mode: drawn.mode,
      binPoints: drawn.points,
      fitPoints: drawn.fit,
      etaUpdates: latest ? latest.eta_updates : null,
      etaSeconds: latest ? latest.eta_seconds : null,
      eta: $('dbm-eta').textContent,
      whatIf: $('dbm-whatif').textContent,
      tableRows: $('dbm-body').children.length,
    },
  });
  window.addEventListener('resize', () => {
    if (chart) chart.setSize({ width: width(), height: 280 });
  });
});
