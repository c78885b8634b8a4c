// dyson-monitor live page, which run and layer it shows: the run list (GET api/v1/runs, reloaded all the
// time), the run and layer selectors, the address (#run=…&layer=…, followed even before the run
// exists), the banner, and the fetch of the latest report when the stream is quiet.
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson, state, tokenParam } = page;
  const { $, el, finite, sig } = window.__dysonPlot;
  const enc = encodeURIComponent;
  const REFRESH_MS = 1500;       // how often the run list (and accounting) is reloaded
  const WAITING_REFRESH_MS = 250; // ... while no report is shown yet
  const STALE_MS = 1500;         // no streamed report for this long: fetch the latest one instead

  let keepsHistory = false;      // GET api/v1/runs says whether the monitor has a history store

  /** The selected run's entry in the run list; undefined while it is not listed. */
  function selectedRun() {
    return state.runs.find((x) => x.run === dyson.run);
  }

  function layerInfo() {
    const run = selectedRun();
    return run ? run.layers.find((l) => l.layer === dyson.layer) : undefined;
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
    page.clearData();
    fillSelects();
    if (!run || !layer) {
      page.closeStream();
      page.setStream('idle', 'not connected');
      return;
    }
    page.subscribe();
    const info = layerInfo();
    // A layer that processed nothing in this process may still have a stored history (a restart).
    if (info && (info.processed > 0 || keepsHistory)) {
      state.fetchedAtProcessed = info.processed;
      if (keepsHistory) page.loadHistory();
      else page.fetchLatest();
    }
    page.renderFacts();
  }

  function fillSelects() {
    const run = selectedRun();
    const runOptions = state.runs.map((r) => ({ value: r.run, text: runLabel(r) }));
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
      const run = state.runs.find((x) => x.run === wish.run);
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
    const current = selectedRun();
    if (current && current.layers.some((l) => l.layer === dyson.layer)) return;
    const pick = current && current.layers.length ? current : state.runs.find((x) => x.layers.length);
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
      state.runs = body.runs || [];
      keepsHistory = body.history === true;
    } catch (e) {
      banner(`The monitor does not answer (${e.message}); retrying.`);
      return false;
    }
    chooseDefault();
    const waiting = dyson.run && !layerInfo() ? `run ${dyson.run}, layer ${dyson.layer}` : null;
    if (!state.runs.length) {
      banner('No runs yet: start "dyson-monitor demo", or post snapshots to /api/v1/runs/{run}/layers/{layer}/snapshots.'
        + (waiting ? ` This page shows ${waiting} from its first report.` : ''));
    } else {
      banner(waiting ? `Waiting for ${waiting} (named in the address); or pick a run above.` : null);
    }
    fillSelects();
    page.renderFacts();
    const info = layerInfo();
    const quiet = !dyson.latest || performance.now() - state.lastReportAt > STALE_MS;
    if (info && info.processed > 0 && quiet && info.processed !== state.fetchedAtProcessed) {
      state.fetchedAtProcessed = info.processed;   // the stream is quiet but the layer moved on: fetch it
      page.fetchLatest();
    }
    if (dyson.stream === 'live' && dyson.latest && performance.now() - state.lastReportAt > 3 * STALE_MS) {
      page.setStream('live', quietStreamText());
    }
    return true;
  }

  /** Reloads the run list: often while waiting for a first report (so a new run is shown from its start). */
  async function refreshLoop() {
    const ok = await refreshRuns();
    setTimeout(refreshLoop, ok && !dyson.latest ? WAITING_REFRESH_MS : REFRESH_MS);
  }

  function quietStreamText() {
    const run = selectedRun();
    return run && run.status !== 'active' ? `live · run ${run.status}` : 'live · no new reports';
  }

  function onRunChange() {
    wish = {};
    const run = state.runs.find((x) => x.run === $('run').value);
    if (!run) return;
    const layer = run.layers.find((l) => l.layer === dyson.layer) || run.layers[0];
    select(run.run, layer ? layer.layer : null);
  }

  function onLayerChange() {
    wish = {};
    select(dyson.run, $('layer').value);
  }

  $('run').addEventListener('change', onRunChange);
  $('layer').addEventListener('change', onLayerChange);
  $('pick').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('hashchange', () => {
    wish = fromHash();
    chooseDefault();
  });
  Object.assign(page, { selectedRun, refreshLoop });
})();
