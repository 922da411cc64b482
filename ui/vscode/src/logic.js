'use strict';
// Pure logic of the extension: no `vscode` import, so `node --test` covers all of it.
const path = require('node:path');

/** Trims and drops trailing slashes so that URL joins never produce `//api`. */
function normalizeServiceUrl(raw) {
  const s = String(raw || '').trim() || 'http://localhost:8765';
  const u = new URL(s);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`tta.serviceUrl must be http or https, not ${u.protocol}`);
  }
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function originOf(serviceUrl) {
  return new URL(normalizeServiceUrl(serviceUrl)).origin;
}

/**
 * The dashboard URL for the webview. Kept as one function because the dashboard's routing is
 * still being settled: this is the only place that knows the URL shape.
 */
function buildDashboardUrl(serviceUrl, traceId) {
  const base = normalizeServiceUrl(serviceUrl);
  if (!traceId) return `${base}/?embed=1`;
  return `${base}/?embed=1&trace=${encodeURIComponent(traceId)}#/trace/${encodeURIComponent(traceId)}`;
}

function otlpTracesEndpoint(serviceUrl) {
  return `${normalizeServiceUrl(serviceUrl)}/v1/traces`;
}

const TRACE_ID = /(?:^|[^0-9a-f])([0-9a-f]{32})(?![0-9a-f])/gi;

/**
 * The first plausible trace id in some text: 32 hex digits standing alone (also inside a W3C
 * traceparent `00-<trace>-<span>-01`), lowercased. All zeros is the invalid id in OTel, so skip it.
 */
function extractTraceId(text) {
  if (!text) return null;
  for (const m of String(text).matchAll(TRACE_ID)) {
    const id = m[1].toLowerCase();
    if (!/^0+$/.test(id)) return id;
  }
  return null;
}

function isTraceId(s) {
  return typeof s === 'string' && /^[0-9a-f]{32}$/i.test(s.trim()) && !/^0+$/.test(s.trim());
}

function formatDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return null;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60000).toFixed(1)}m`;
}

/**
 * What the status bar says. `state` is one of:
 *  {kind: 'ok', stats: {traceCount, avgDurationMs, errorRate?}}, {kind: 'offline'},
 *  {kind: 'starting'}, {kind: 'error', message}.
 */
function formatStatus(state) {
  switch (state.kind) {
    case 'ok': {
      const budget = formatBudget(state.stats.budget);
      if (budget) return `TTA: ⚠ budget ${budget}`;
      const n = Number(state.stats.traceCount) || 0;
      let text = `TTA: ✅ ${n} ${n === 1 ? 'trace' : 'traces'}`;
      const avg = formatDuration(state.stats.avgDurationMs);
      if (n > 0 && avg) text += ` | ⚡ ${avg} avg`;
      return text;
    }
    case 'offline':
      return 'TTA: ⭘ offline';
    case 'starting':
      return 'TTA: ⏳ starting';
    case 'error':
      return 'TTA: ⚠ error';
    default:
      throw new Error(`unknown status ${state.kind}`);
  }
}

/** Dollars as the status bar shows them: cents from a cent up, two significant digits below. */
function formatUsd(usd) {
  const v = Number(usd) || 0;
  return v >= 0.01 || v === 0 ? `$${v.toFixed(2)}` : `$${Number(v.toPrecision(2))}`;
}

/**
 * A crossed budget (/api/stats "budget") as spent/limit: the day's spending over the daily budget,
 * else the costliest run over the run budget ("per run"). Null while within budget, or without one.
 */
function formatBudget(budget) {
  if (!budget || !budget.exceeded) return null;
  if (budget.dailyExceeded) return `${formatUsd(budget.spentTodayUsd)}/${formatUsd(budget.dailyUsd)}`;
  if (budget.costliestRun) return `${formatUsd(budget.costliestRun.costUsd)}/${formatUsd(budget.runUsd)} per run`;
  return null;
}

/** The tooltip's budget lines, one per budget set; empty without one. */
function budgetLines(budget) {
  if (!budget) return [];
  const lines = [];
  if (budget.dailyUsd != null) {
    lines.push(`budget today: ${formatUsd(budget.spentTodayUsd)} of ${formatUsd(budget.dailyUsd)}${budget.dailyExceeded ? ' (exceeded)' : ''}`);
  }
  if (budget.runUsd != null) {
    const n = Number(budget.runsOverBudget) || 0;
    lines.push(`run budget ${formatUsd(budget.runUsd)}: ${n} ${n === 1 ? 'run' : 'runs'} over it today`);
  }
  return lines;
}

/**
 * The tooltip's failure line: errorRate counts runs that failed; runs that recovered from their
 * errors (a retry or fallback answered) are shown apart, not as failures. Null without a rate.
 */
function formatFailures(stats) {
  if (!stats || stats.errorRate == null) return null;
  const pct = (r) => `${(r * 100).toFixed(1)}%`;
  return `failed ${pct(stats.errorRate)}` + (stats.recoveryRate ? ` · recovered ${pct(stats.recoveryRate)}` : '');
}

/** Stats from the first page of /api/traces, for services that predate /api/stats. */
function statsFromTraces(body) {
  const traces = (body && Array.isArray(body.traces)) ? body.traces : [];
  const durations = traces.map(t => t.durationMs).filter(d => typeof d === 'number' && Number.isFinite(d));
  const avg = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
  return { traceCount: traces.length, avgDurationMs: avg, partial: body && body.nextCursor != null };
}

/**
 * One stack frame line → {path, line, column?} or null. Covers the runtimes agents are written in:
 * Python, Node/JS, Java/Kotlin, Go, Rust/C#/generic `path:line[:col]`.
 */
function parseStackFrame(raw) {
  if (!raw) return null;
  const s = String(raw).trim();
  let m;
  // Python: File "/app/agent.py", line 42, in run
  if ((m = /^File "([^"]+)", line (\d+)/.exec(s))) return frame(m[1], m[2]);
  // Node: at fn (/app/x.js:10:5) | at /app/x.js:10:5 | at async fn (file:///app/x.mjs:1:2)
  if ((m = /^at (?:.*? \()?((?:file:\/\/)?[^()\s][^()]*?):(\d+)(?::(\d+))?\)?$/.exec(s))) {
    return frame(m[1], m[2], m[3]);
  }
  // Java/Kotlin: at com.acme.Agent.run(Agent.java:42) — only a file name, so hint the package directory
  if ((m = /^at (?:[\w$.\/]+\/)?([\w$.]+)\.[\w$<>]+\(([\w$-]+\.(?:java|kt|scala|groovy)):(\d+)\)$/.exec(s))) {
    const cls = m[1].replace(/\$.*$/, '');
    const pkg = cls.includes('.') ? cls.slice(0, cls.lastIndexOf('.')).replace(/\./g, '/') : '';
    return { path: pkg ? `${pkg}/${m[2]}` : m[2], line: Number(m[3]), fileNameOnly: true };
  }
  // C#: at Ns.Cls.M() in C:\src\Cls.cs:line 42
  if ((m = / in (.+):line (\d+)$/.exec(s))) return frame(m[1], m[2]);
  // Go: /app/main.go:42 +0x1d ; Rust / generic: src/main.rs:10:5
  if ((m = /^(?:at )?((?:[A-Za-z]:)?[^\s:()"]+\.[A-Za-z0-9]+):(\d+)(?::(\d+))?(?:\s|$)/.exec(s))) return frame(m[1], m[2], m[3]);
  return null;
}

function frame(p, line, col) {
  const out = { path: p.startsWith('file://') ? decodeURIComponent(new URL(p).pathname) : p, line: Number(line) };
  if (col) out.column = Number(col);
  return out;
}

/** Every frame of a stack trace that names a file and a line, in order. */
function parseStackTrace(text) {
  return String(text || '').split(/\r?\n/).map(parseStackFrame).filter(Boolean);
}

function isInside(dir, p, impl) {
  const rel = impl.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !impl.isAbsolute(rel));
}

/**
 * Candidate files inside the workspace for a path a span or stack frame reported, best first.
 * Absolute paths inside a folder are taken as they are; relative ones are joined to every
 * folder; absolute paths from elsewhere (a container's /app/src/x.py) are matched by their
 * trailing segments (src/x.py, x.py). Nothing outside the workspace folders is ever returned.
 */
function resolveWorkspacePath(reported, folders, impl = path) {
  if (!reported || !folders || folders.length === 0) return [];
  let p = String(reported).trim();
  if (p.startsWith('file://')) p = decodeURIComponent(new URL(p).pathname);
  const out = [];
  const add = c => { if (!out.includes(c) && folders.some(f => isInside(f, c, impl))) out.push(c); };
  if (impl.isAbsolute(p)) {
    const n = impl.normalize(p);
    for (const f of folders) if (isInside(f, n, impl)) add(n);
    const parts = n.split(/[\\/]+/).filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      for (const f of folders) add(impl.join(f, ...parts.slice(i)));
    }
  } else {
    for (const f of folders) add(impl.join(f, p));
  }
  return out;
}

function clampLine(line) {
  const n = Math.floor(Number(line));
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** Splits `tta.command` into argv, honouring double and single quotes. */
function splitCommand(cmd) {
  const out = [];
  let cur = '', quote = null, any = false;
  for (const ch of String(cmd || '')) {
    if (quote) {
      if (ch === quote) quote = null; else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch; any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = ''; any = false;
    } else {
      cur += ch;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in tta.command`);
  if (cur || any) out.push(cur);
  return out;
}

/**
 * Where the program of tta.command is: a name is looked up on PATH, then where `tta-obs install`
 * puts it (~/.local/bin), since VS Code started from a desktop menu often has a shorter PATH than a
 * terminal. A path (with a separator) is left to the shell's rules. Null when nothing is found.
 * `isFile` is injected so the lookup is testable without touching the disk.
 */
function resolveProgram(program, { pathVar = '', home = '', platform = process.platform, isFile }) {
  if (!program) return null;
  if (program.includes('/') || program.includes('\\')) return program;
  const win = platform === 'win32';
  const sep = win ? ';' : ':';
  const names = win ? [program, program + '.cmd', program + '.exe', program + '.bat'] : [program];
  const dirs = String(pathVar || '').split(sep).filter(Boolean);
  if (home && !win) dirs.push(path.posix.join(home, '.local', 'bin'));
  const join = win ? path.win32.join : path.posix.join;
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isFile(candidate)) return candidate;
    }
  }
  return null;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/**
 * The webview document: a full-size iframe on the dashboard and a small relay script. The CSP
 * lets the frame load from the service's origin only; the script runs by nonce.
 */
function buildWebviewHtml({ dashboardUrl, serviceOrigin, nonce, cspSource }) {
  const csp = [
    "default-src 'none'",
    `frame-src ${serviceOrigin}`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource ? cspSource + ' ' : ''}'unsafe-inline'`,
  ].join('; ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<style>html,body{margin:0;padding:0;height:100%;overflow:hidden;background:var(--vscode-editor-background)}
iframe{border:0;width:100%;height:100%;display:block}</style>
</head><body>
<iframe id="dashboard" title="tta-obs dashboard" src="${escapeHtml(dashboardUrl)}" data-origin="${escapeHtml(serviceOrigin)}"></iframe>
<script nonce="${nonce}">${RELAY}</script>
</body></html>`;
}

// Runs inside the webview. The dashboard is cross-origin, so VS Code's CSS variables do not reach
// it; they are posted to it instead, together with the auth token, and only to its origin.
const RELAY = `(function () {
  const vscode = acquireVsCodeApi();
  const frame = document.getElementById('dashboard');
  const origin = frame.dataset.origin;
  let token = null;
  function theme() {
    const vars = {};
    const st = document.documentElement.style;
    for (let i = 0; i < st.length; i++) {
      const k = st[i];
      if (k.startsWith('--vscode-')) vars[k] = st.getPropertyValue(k).trim();
    }
    const b = document.body.classList;
    const kind = b.contains('vscode-high-contrast') ? 'high-contrast' : b.contains('vscode-light') ? 'light' : 'dark';
    return { kind, vars };
  }
  function hello() {
    if (!frame.contentWindow) return;
    frame.contentWindow.postMessage({ type: 'tta.host', host: 'vscode', features: ['openFile'], authToken: token, theme: theme() }, origin);
  }
  frame.addEventListener('load', hello);
  new MutationObserver(function () {
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'tta.theme', theme: theme() }, origin);
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  window.addEventListener('message', function (e) {
    const m = e.data;
    if (!m || typeof m !== 'object') return;
    if (e.source === frame.contentWindow) {
      if (e.origin !== origin) return;
      if (m.type === 'ready') hello(); else vscode.postMessage(m);
      return;
    }
    if (m.type === 'tta.init') { token = m.authToken || null; hello(); }
    else if (m.type === 'tta.navigate') { frame.src = m.url; }
    else if (frame.contentWindow) { frame.contentWindow.postMessage(m, origin); }
  });
  vscode.postMessage({ type: 'tta.webviewReady' });
})();`;

module.exports = {
  normalizeServiceUrl, originOf, buildDashboardUrl, otlpTracesEndpoint, extractTraceId, isTraceId,
  formatDuration, formatStatus, formatFailures, formatBudget, formatUsd, budgetLines, statsFromTraces, parseStackFrame, parseStackTrace,
  resolveWorkspacePath, clampLine, splitCommand, resolveProgram, buildWebviewHtml, escapeHtml,
};
