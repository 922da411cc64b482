// Every telemetry string reaches the page through text nodes: h() never parses HTML.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value' || k === 'checked') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c == null) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function fmtMs(ms) {
  if (ms == null || Number.isNaN(ms)) return '–';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s`;
}

/**
 * A signed offset from a span's start, as precise as an event time deserves: "−429.7 ms" for an
 * event stamped before its span started (clock skew), "1.00 ms", "12.5 ms", "640 µs".
 */
export function fmtOffset(ms) {
  if (ms == null || Number.isNaN(Number(ms))) return '–';
  const v = Number(ms);
  const a = Math.abs(v);
  const sign = v < 0 ? '−' : '';
  if (a >= 1000) return sign + fmtMs(a);
  if (a < 1) return `${sign}${(a * 1000).toFixed(0)} µs`;
  return `${sign}${a < 10 ? a.toFixed(2) : a.toFixed(1)} ms`;
}

/**
 * One rule for every dollar amount: three significant digits, never fewer than cents
 * ($0.00993, $0.0100, $0.221, $1.23, $12.35), so amounts side by side read alike.
 */
export function fmtUsd(usd) {
  if (usd == null) return 'unpriced';
  if (usd === 0) return '$0';
  if (usd < 0.000001) return '<$0.000001';
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toPrecision(3)}`;
}

// hand-rolled: the first Intl/toLocale* call costs tens of milliseconds, more than a 100-span render
export function fmtInt(n) {
  if (n == null) return '–';
  return String(Math.round(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const pad = (n) => String(n).padStart(2, '0');

export function fmtTokens(n) {
  if (n == null) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return fmtInt(n);
}

export function nanosToDate(nanos) {
  return new Date(Number(nanos) / 1e6);
}

export function fmtTime(nanos) {
  const d = nanosToDate(nanos);
  const today = new Date();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function fmtAgo(nanos) {
  const s = (Date.now() - Number(nanos) / 1e6) / 1000;
  if (s < 60) return `${Math.max(0, Math.round(s))}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function copyButton(text, label = 'copy') {
  const b = h('button', { class: 'copy', type: 'button', title: 'Copy to clipboard' }, label);
  b.addEventListener('click', async (e) => {
    e.stopPropagation();
    try {
      // a function may fetch what it copies (a slim trace's details): its promise is awaited
      await navigator.clipboard.writeText(typeof text === 'function' ? await text() : text);
      b.textContent = 'copied';
    } catch {
      b.textContent = 'copy failed';
    }
    setTimeout(() => (b.textContent = label), 1200);
  });
  return b;
}

export function badge(text, tone, title) {
  return h('span', { class: `badge ${tone || ''}`, title }, text);
}

/** Marks row i of a table body as the keyboard's selection and scrolls it into view. */
export function markSelectedRow(body, i) {
  for (const tr of body.querySelectorAll('tr.selected')) tr.classList.remove('selected');
  const tr = body.children[i];
  if (tr) {
    tr.classList.add('selected');
    tr.scrollIntoView({ block: 'nearest' });
  }
}
