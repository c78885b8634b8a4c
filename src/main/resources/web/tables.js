// dyson-monitor live page, the tables: the latest statistics of each degenerate pair (σ̂², ⟨S⟩, ⟨s²⟩ and
// U₄ against the Wigner and two-level values) and the run's facts (its badges, α, |B|, the layer's
// snapshot accounting, the latest report's spectral summaries).
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson } = page;
  const { $, el, finite, sig, int } = window.__dysonPlot;
  const WIGNER_S2 = 4 / Math.PI; // ⟨s²⟩ of the Wigner surmise, physics.md §3
  const TWO_LEVEL_U4 = -4 / 27;  // Binder cumulant of the two-level density

  /** value ± error, both to the error's second significant digit. */
  function pm(v, e) {
    if (!finite(v)) return '—';
    if (!finite(e) || e <= 0) return sig(v);
    const dec = Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(e))));
    return v.toFixed(dec) + ' ± ' + e.toFixed(dec);
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
      swatch.style.background = page.pairColor(k);
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
    const run = page.selectedRun();
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

  Object.assign(page, { renderPairs, renderFacts });
})();
