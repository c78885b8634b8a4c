// dyson-monitor live page, the reports' way in: the selected layer's stream of /api/v1/stream
// (Server-Sent Events, with our own back-off once the browser gives up), its latest report by GET,
// and its stored history, loaded before the reports streamed meanwhile are drawn.
'use strict';

(() => {
  const page = window.__dysonPage;
  const { dyson, state, tokenParam } = page;
  const { $ } = window.__dysonPlot;
  const enc = encodeURIComponent;

  let source = null;
  let reconnectTimer = 0;
  let retryMs = 1000;

  function setStream(streamState, text) {
    dyson.stream = streamState;
    const s = $('stream');
    if (s.dataset.state !== streamState) s.dataset.state = streamState;
    const t = $('stream-text');
    if (t.textContent !== (text || streamState)) t.textContent = text || streamState;
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

  /** Streamed and fetched reports: held while the stored history loads, drawn after it. */
  function receive(r) {
    if (state.backlog) state.backlog.push(r);
    else page.applyReport(r);
  }

  /** The latest report by GET: on selection, and when the stream is quiet (e.g. a finished run). */
  async function fetchLatest() {
    const gen = dyson.generation;
    try {
      const res = await fetch(`${page.layerPath()}${tokenParam('?')}`, { cache: 'no-store' });
      if (!res.ok || gen !== dyson.generation) return;
      receive(await res.json());
    } catch (e) {
      // the run list refresh reports an unreachable monitor
    }
  }

  /**
   * A layer of an earlier process (the monitor restarted) has no live report: its newest stored point
   * stands in for one. A point holds the eigenvalues and every scalar statistic, not the report's lists
   * (target, spacings, histograms, modes): those are drawn empty.
   */
  function storedLatest(points) {
    if (!points.length) return null;
    const defaults = { target: [], pairs: [], unfolded_spacings: [], pair_spacing_histogram: [], modes: [], training_status: '—' };
    return Object.assign(defaults, points[points.length - 1], { run: dyson.run, layer: dyson.layer, stored: true });
  }

  async function loadHistory() {
    const gen = dyson.generation;
    state.backlog = [];
    try {
      const base = page.layerPath();
      const [h, l] = await Promise.all([
        fetch(`${base}/history?max_points=${page.HISTORY}${tokenParam('&')}`, { cache: 'no-store' }),
        fetch(`${base}${tokenParam('?')}`, { cache: 'no-store' }),
      ]);
      // A monitor without a store answers 404 here: the page then starts from the latest report.
      const points = h.ok ? (await h.json()).points : [];
      const latest = l.ok ? await l.json() : storedLatest(points);
      if (gen === dyson.generation && latest) page.applyPast(points, latest);
    } catch (e) {
      // the run list refresh reports an unreachable monitor
    } finally {
      if (gen === dyson.generation) {
        const held = state.backlog;
        state.backlog = null;
        held.forEach(page.applyReport);
      }
    }
  }

  Object.assign(page, { setStream, closeStream, subscribe, fetchLatest, loadHistory });
})();
