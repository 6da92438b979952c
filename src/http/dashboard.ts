/**
 * The dashboard page: one HTML document with its CSS and JavaScript inline,
 * no build step and no request beyond the control app's own `status` and
 * `events` routes, so it works on machines without internet access.
 *
 * @module
 */

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #e3e6ea;
  --ok: #15803d; --warn: #b45309; --bad: #b91c1c;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #171b21; --text: #e6e9ee; --muted: #98a2ae; --line: #2a3038;
    --ok: #4ade80; --warn: #fbbf24; --bad: #f87171;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font-size: 14px; }
header {
  display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: center;
  padding: 0.75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--card);
}
header h1 { font-size: 1.1rem; margin: 0; font-weight: 650; }
.muted { color: var(--muted); }
.badge { padding: 0.1rem 0.55rem; border-radius: 999px; font-weight: 600; font-size: 0.8rem;
  border: 1px solid currentColor; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem;
  padding: 1rem 1.25rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 0.75rem 1rem; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 0.95rem; margin: 0 0 0.25rem; font-weight: 600; }
.sub { margin: 0 0 0.4rem; font-size: 0.8rem; color: var(--muted); }
canvas { width: 100%; height: 150px; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; font-size: 0.78rem;
  color: var(--muted); min-height: 1.1rem; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 0;
  border-top: 2px solid var(--c); margin-right: 0.3rem; vertical-align: middle; }
.legend span.dash::before { border-top-style: dashed; }
table { width: 100%; border-collapse: collapse; font-size: 0.82rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.log { max-height: 320px; overflow-y: auto; }
`;

const SCRIPT = `
"use strict";
(function () {
  var state = { points: 0, decisions: 0, connected: false, last: 0, retries: 0 };
  window.__headroom = state;
  var base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
  var COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04",
    "#db2777"];
  var KEEP_MS = 10 * 60 * 1000;
  var $ = function (id) { return document.querySelector('[data-testid="' + id + '"]'); };

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function clock(t) {
    var d = new Date(t);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function bytes(n) {
    if (typeof n !== "number") return "?";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (n >= 10 || i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
  }
  function niceCeil(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }
  // The fewest decimals (at most 6) that write step exactly, so ticks step apart read apart.
  function decimals(step) {
    for (var d = 0; d < 6; d++) {
      if (Math.abs(Number(step.toFixed(d)) - step) <= Math.abs(step) * 1e-9) return d;
    }
    return 6;
  }
  // A tick's label on an axis whose ticks are step apart: 0.025, 1.875k, no trailing zeros.
  function label(v, step) {
    if (Math.abs(v) < 1000) return String(Number(v.toFixed(decimals(step))));
    return String(Number((v / 1000).toFixed(decimals(step / 1000)))) + "k";
  }

  function Chart(id, options) {
    this.canvas = $(id);
    this.legend = $(id + "-legend");
    this.options = options;
    this.series = new Map();
    this.groups = new Map();
  }
  Chart.prototype.add = function (group, metric, t, v, style) {
    if (typeof v !== "number" || !Number.isFinite(v)) return;
    var key = group + "\\u0000" + metric;
    var s = this.series.get(key);
    if (!s) {
      if (!this.groups.has(group)) this.groups.set(group, COLORS[this.groups.size % COLORS.length]);
      s = { label: group + " " + metric, color: this.groups.get(group), dash: !!(style && style.dash),
        step: !!(style && style.step), points: [] };
      this.series.set(key, s);
      this.renderLegend();
    }
    s.points.push([t, v]);
    while (s.points.length > 2 && s.points[0][0] < t - KEEP_MS) s.points.shift();
    schedule();
  };
  Chart.prototype.renderLegend = function () {
    var legend = this.legend;
    legend.textContent = "";
    this.series.forEach(function (s) {
      var item = document.createElement("span");
      item.textContent = s.label;
      item.style.setProperty("--c", s.color);
      if (s.dash) item.className = "dash";
      legend.appendChild(item);
    });
  };
  Chart.prototype.draw = function () {
    var canvas = this.canvas;
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px system-ui, sans-serif";
    var muted = css("--muted"), line = css("--line");
    var left = 40, right = 8, top = 6, bottom = 18;
    var plotW = width - left - right, plotH = height - top - bottom;
    var tMax = -Infinity, tMin = Infinity, vMax = 0;
    this.series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[0] > tMax) tMax = p[0];
        if (p[0] < tMin) tMin = p[0];
      });
    });
    if (tMax === -Infinity) {
      g.fillStyle = muted;
      g.textAlign = "center";
      g.fillText("waiting for data", width / 2, height / 2);
      canvas.dataset.ticks = "";
      return;
    }
    tMin = Math.max(tMin, tMax - 5 * 60 * 1000);
    if (tMax - tMin < 60 * 1000) tMin = tMax - 60 * 1000;
    // The scale fits what is on screen: a spike that scrolled off no longer flattens the rest.
    this.series.forEach(function (s) {
      s.points.forEach(function (p) { if (p[0] >= tMin && p[1] > vMax) vMax = p[1]; });
    });
    var yMax = this.options.max || niceCeil(vMax * 1.1);
    var x = function (t) { return left + ((t - tMin) / (tMax - tMin)) * plotW; };
    var y = function (v) { return top + plotH - (Math.min(v, yMax) / yMax) * plotH; };
    g.strokeStyle = line;
    g.fillStyle = muted;
    g.lineWidth = 1;
    g.textAlign = "right";
    g.textBaseline = "middle";
    var labels = [];
    for (var i = 0; i <= 4; i++) {
      var v = (yMax * i) / 4;
      var yy = Math.round(y(v)) + 0.5;
      labels.push(label(v, yMax / 4) + (this.options.unit || ""));
      g.beginPath(); g.moveTo(left, yy); g.lineTo(width - right, yy); g.stroke();
      g.fillText(labels[i], left - 4, yy);
    }
    canvas.dataset.ticks = labels.join("|");
    g.textBaseline = "top";
    g.textAlign = "center";
    for (var j = 0; j <= 3; j++) {
      var t = tMin + ((tMax - tMin) * j) / 3;
      g.textAlign = j === 0 ? "left" : j === 3 ? "right" : "center";
      g.fillText(clock(t), x(t), height - bottom + 4);
    }
    g.save();
    g.beginPath(); g.rect(left, top - 2, plotW, plotH + 4); g.clip();
    this.series.forEach(function (s) {
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.setLineDash(s.dash ? [5, 4] : []);
      g.beginPath();
      var prev = null;
      s.points.forEach(function (p) {
        if (p[0] < tMin - 60 * 1000) return;
        var px = x(p[0]), py = y(p[1]);
        if (prev === null) g.moveTo(px, py);
        else if (s.step) { g.lineTo(px, prev); g.lineTo(px, py); }
        else g.lineTo(px, py);
        prev = py;
      });
      if (s.step && prev !== null) g.lineTo(x(tMax), prev);
      g.stroke();
    });
    g.restore();
  };

  var charts = {
    limits: new Chart("chart-limits", {}),
    latency: new Chart("chart-latency", { unit: "" }),
    machine: new Chart("chart-machine", { max: 100, unit: "%" }),
    pools: new Chart("chart-pools", {}),
  };
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      Object.keys(charts).forEach(function (k) { charts[k].draw(); });
    });
  }
  window.addEventListener("resize", schedule);

  function count() {
    state.points++;
    $("points").textContent = String(state.points);
  }

  function setReady(ok, reasons) {
    var el = $("ready");
    el.textContent = ok ? "ready" : "not ready";
    el.className = "badge " + (ok ? "ok" : "bad");
    el.title = reasons && reasons.length ? reasons.join("; ") : "";
  }
  function setLevel(level) {
    if (!level) return;
    var el = $("level");
    el.textContent = "pressure " + level;
    el.className = "badge " + (level === "critical" ? "bad" : level === "none" ? "ok" : "warn");
  }

  function row(table, cells, testid, first) {
    var tr = document.createElement("tr");
    if (testid) tr.setAttribute("data-testid", testid);
    cells.forEach(function (cell) {
      var td = document.createElement("td");
      td.textContent = cell[0];
      if (cell[1]) td.className = cell[1];
      tr.appendChild(td);
    });
    if (first && table.firstChild) table.insertBefore(tr, table.firstChild);
    else table.appendChild(tr);
    return tr;
  }

  var BREAKER = ["closed", "half-open", "open"];
  function value(component, n) {
    if (component.indexOf("brake:") === 0) return n ? "engaged" : "released";
    if (component.indexOf("breaker:") === 0) return BREAKER[n] || String(n);
    return String(n);
  }
  function decision(d) {
    var body = $("decision-log").querySelector("tbody");
    var component = d.component || d.source || "?";
    var who = d.source && d.source !== component ? component + " \u00b7 " + d.source : component;
    row(body, [[clock(d.at || Date.now()), "num"], [who],
      [value(component, d.from) + " \\u2192 " + value(component, d.to), "num"], [d.reason || ""]],
      "decision-row", true);
    while (body.childNodes.length > 200) body.removeChild(body.lastChild);
    state.decisions++;
  }

  function machine(sample) {
    var parts = [];
    if (sample.cpus) parts.push(sample.cpus + " CPU" + (sample.cpus === 1 ? "" : "s") +
      (sample.cpuQuota !== undefined && sample.cpuQuota !== null ? " (quota " + sample.cpuQuota + ")" : ""));
    if (sample.memoryLimit) parts.push("memory " + bytes(sample.memoryBytes) + " of " +
      bytes(sample.memoryLimit) + " " + (sample.memoryLimitSource === "container" ? "container limit" : "host RAM"));
    if (parts.length) $("machine-limits").textContent = parts.join(" \\u00b7 ");
  }
  function onSample(message) {
    var s = message.sample || {};
    charts.machine.add("CPU", "%", message.at, s.cpuPercent);
    charts.machine.add("memory", "%", message.at, s.memoryPercent, { dash: true });
    machine(s);
    setLevel(s.level);
  }

  function components(figures) {
    var body = $("components").querySelector("tbody");
    body.textContent = "";
    Object.keys(figures.limiters).forEach(function (name) {
      var l = figures.limiters[name];
      row(body, [["limiter"], [name], [l.mode + ", limit " + l.limit + ", in flight " + l.inflight +
        ", waiting " + l.waiting]], "component-row");
    });
    Object.keys(figures.pools).forEach(function (name) {
      var p = figures.pools[name];
      row(body, [["pool"], [name], [p.live + " workers (" + p.min + "\\u2013" + p.max + "), running " +
        p.running + ", queued " + p.queueDepth]], "component-row");
    });
    Object.keys(figures.batch).forEach(function (name) {
      var sizes = figures.batch[name];
      row(body, [["batch sizer"], [name], [Object.keys(sizes).map(function (op) {
        return op + " " + sizes[op];
      }).join(", ") || "no operations"]], "component-row");
    });
    Object.keys(figures.brakes).forEach(function (name) {
      var b = figures.brakes[name];
      row(body, [[b.kind], [name], [b.state]], "component-row");
    });
  }

  function onTick(f) {
    state.last = f.time;
    Object.keys(f.limiters).forEach(function (name) {
      var l = f.limiters[name];
      charts.limits.add(name, "limit", f.time, l.limit, { step: true });
      charts.limits.add(name, "in flight", f.time, l.inflight, { dash: true });
      if (l.p99WaitMs > 0 || l.meanWaitMs > 0) {
        charts.latency.add("limiter " + name, "wait p99", f.time, l.p99WaitMs, { dash: true });
      }
    });
    Object.keys(f.pools).forEach(function (name) {
      var p = f.pools[name];
      charts.latency.add("pool " + name, "run p50", f.time, p.runP50);
      charts.latency.add("pool " + name, "run p99", f.time, p.runP99, { dash: true });
      charts.pools.add(name, "queue depth", f.time, p.queueDepth);
      charts.pools.add(name, "workers", f.time, p.live, { dash: true, step: true });
    });
    components(f);
    setLevel(f.level);
    var stopped = Object.keys(f.brakes).filter(function (n) { return f.brakes[n].engaged; });
    var reasons = stopped.map(function (n) { return f.brakes[n].kind + " " + n + " " + f.brakes[n].state; });
    if (f.level === "critical") reasons.push("pressure critical");
    setReady(reasons.length === 0, reasons);
  }

  function onStatus(status) {
    if (status.machine && status.machine.runtime) $("runtime").textContent = status.machine.runtime;
    if (status.sample) machine(status.sample);
    if (status.ready) setReady(status.ready.ok, status.ready.reasons);
    setLevel(status.level);
    var body = $("decision-log").querySelector("tbody");
    body.textContent = "";
    state.decisions = 0;
    (status.decisions || []).forEach(decision);
  }

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return undefined; }
  }

  // The stream starts with a status and follows it with every decision: once one came that way,
  // this snapshot is older than what the page shows and must not replace the decision log.
  var streamed = false;
  fetch(base + "status", { headers: { accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : undefined; })
    .then(function (s) { if (s && !streamed) onStatus(s); })
    .catch(function () {});

  var connection = $("connection");
  var retryMs = 1000;
  function connect() {
    var source = new EventSource(base + "events");
    source.onopen = function () {
      state.connected = true;
      retryMs = 1000;
      connection.textContent = "live";
      connection.className = "badge ok";
    };
    source.onerror = function () {
      state.connected = false;
      connection.textContent = "reconnecting";
      connection.className = "badge warn";
      // The browser retries a dropped connection itself, but gives up for good on an answer
      // that is not a stream (a 503 while the server drains, a proxy's 502): start again.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        state.retries++;
        setTimeout(connect, retryMs);
        retryMs = Math.min(30000, retryMs * 2);
      }
    };
    source.addEventListener("status", function (e) {
      var s = parse(e);
      if (s) { streamed = true; onStatus(s); }
    });
    source.addEventListener("tick", function (e) { var f = parse(e); if (f) { count(); onTick(f); } });
    source.addEventListener("sample", function (e) { var s = parse(e); if (s) { count(); onSample(s); } });
    source.addEventListener("decision", function (e) {
      var d = parse(e);
      if (d) { count(); decision(d); }
    });
  }
  connect();
  schedule();
})();
`;

function chart(id: string, title: string, note: string): string {
  return `<section data-testid="panel-${id}">
  <h2>${title}</h2>
  <p class="sub">${note}</p>
  <div class="legend" data-testid="chart-${id}-legend"></div>
  <canvas data-testid="chart-${id}"></canvas>
</section>`;
}

/**
 * The dashboard page. `nonce` goes on the inline `<style>` and `<script>`,
 * matching the page's Content-Security-Policy; it must be base64 or hex.
 * For headless-browser tests, elements carry `data-testid` attributes and
 * `window.__headroom` holds `points` (data events received: ticks, samples,
 * decisions), `decisions` (rows in the log), `connected`, `last` (the
 * time of the latest tick) and `retries` (new connections after the stream
 * was refused); each chart's canvas has `data-ticks`, its
 * y-axis labels as last drawn, bottom to top, joined with `|` (empty while
 * it waits for data).
 */
export function dashboardHtml(nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) {
    throw new TypeError(
      `Cannot render the dashboard: nonce ${JSON.stringify(nonce)} is not base64`,
    );
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>headroom</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-testid="dashboard">
<header>
  <h1>headroom</h1>
  <span class="muted" data-testid="runtime">runtime ?</span>
  <span class="badge warn" data-testid="ready">ready?</span>
  <span class="badge" data-testid="level">pressure ?</span>
  <span class="badge warn" data-testid="connection">connecting</span>
  <span class="muted">points <span data-testid="points">0</span></span>
</header>
<main>
${
    chart(
      "limits",
      "Limit vs in flight",
      "Per limiter: the limit (solid) and permits held (dashed).",
    )
  }
${chart("latency", "Latency (ms)", "Pool run time p50 and p99; limiter wait for a permit, p99.")}
${
    chart(
      "machine",
      "CPU and memory (%)",
      `<span data-testid="machine-limits">CPU % of the effective CPUs, memory % of the container limit.</span>`,
    )
  }
${
    chart(
      "pools",
      "Queue depth and workers",
      "Per pool: tasks waiting (solid), live workers (dashed).",
    )
  }
<section data-testid="panel-components">
  <h2>Components</h2>
  <table data-testid="components"><thead><tr><th>kind</th><th>name</th><th>state</th></tr></thead><tbody></tbody></table>
</section>
<section data-testid="panel-decisions">
  <h2>Decisions</h2>
  <p class="sub">Every change a controller made, newest first, with its reason.</p>
  <div class="log"><table data-testid="decision-log">
    <thead><tr><th>time</th><th>component</th><th>from \u2192 to</th><th>reason</th></tr></thead>
    <tbody></tbody>
  </table></div>
</section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/** The Content-Security-Policy the dashboard page is served with, for `nonce`. */
export function dashboardPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}
