// dyson-monitor live page, what all its scripts draw with: element lookup and creation, number
// formatting, the axis style, a uPlot chart in its host element with a message line, the throttled
// redraw, and the frame of a panel script. Loaded first, as window.__dysonPlot.
'use strict';

(() => {
  const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif';

  const $ = (id) => document.getElementById(id);

  /** A new element with attributes and, if given, its text. */
  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function finite(v) {
    return typeof v === 'number' && Number.isFinite(v);
  }

  /** v to `digits` significant digits; exponential notation below 1e-4 and from 1e6 on; '—' if not a number. */
  function sig(v, digits = 4) {
    if (!finite(v)) return '—';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(digits - 1);
    return String(Number(v.toPrecision(digits)));
  }

  function int(v) {
    return finite(v) ? Math.round(v).toLocaleString('en-US') : '—';
  }

  /** The page's axis style, with `extra` uPlot axis options over it. */
  function axis(label, extra = {}) {
    return Object.assign({
      label,
      labelSize: 20,
      labelFont: `500 12px ${FONT}`,
      font: `11px ${FONT}`,
      stroke: '#4b5563',
      grid: { stroke: '#edf0f3', width: 1 },
      ticks: { stroke: '#d7dbe1', width: 1, size: 4 },
    }, extra);
  }

  /**
   * A uPlot chart replacing the content of the element `id` (as wide as the element, at least 200 px,
   * unless opts.width says otherwise), with a message line over it as `chart.msg`.
   */
  function hostedChart(id, opts, data) {
    const host = document.getElementById(id);
    host.replaceChildren();
    const u = new uPlot(Object.assign({ width: Math.max(200, host.clientWidth || 400) }, opts), data, host);
    const msg = document.createElement('div');
    msg.className = 'msg';
    host.appendChild(msg);
    u.msg = msg;
    return u;
  }

  /**
   * A function that asks for render() at most every `ms` milliseconds, on an animation frame (so only
   * while the page is seen): reports arrive up to 10/s per layer, and many calls make one redraw.
   */
  function throttled(render, ms) {
    let pending = false;
    let lastAt = 0;
    return () => {
      if (pending) return;
      pending = true;
      setTimeout(() => requestAnimationFrame(() => {
        pending = false;
        lastAt = performance.now();
        render();
      }), Math.max(0, lastAt + ms - performance.now()));
    };
  }

  /**
   * Runs the script of a panel fed by the page's reports (health.js, dynamics.js) with the page's state
   * (window.__dyson, set up by page.js) and these helpers; not at all without that state.
   */
  function panel(body) {
    const dyson = window.__dyson;
    if (dyson) body(dyson, window.__dysonPlot);
  }

  window.__dysonPlot = { FONT, $, el, finite, sig, int, axis, hostedChart, throttled, panel };
})();
