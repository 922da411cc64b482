import { api, optional } from './api.js';
import { badge, clear, fmtAgo, fmtMs, fmtTime, fmtTokens, fmtUsd, h } from './dom.js';
import { navigate } from './router.js';
import { summaryBadges } from './model.js';

const WINDOWS = { '': 'any time', '15m': 'last 15 min', '1h': 'last hour', '24h': 'last 24 h', '7d': 'last 7 days' };
const WINDOW_MS = { '15m': 9e5, '1h': 3.6e6, '24h': 8.64e7, '7d': 6.048e8 };
const FILTER_KEYS = ['q', 'service', 'errors', 'window', 'primitive', 'model', 'regressions', 'status', 'minDurationMs', 'sort'];

function sameSummary(a, b) {
  return a.spanCount === b.spanCount && a.endTimeUnixNano === b.endTimeUnixNano && a.errorCount === b.errorCount
    && a.costUsd === b.costUsd && a.rootName === b.rootName && a.inputTokens === b.inputTokens;
}

export function renderList({ root, params, live }) {
  const state = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) || '']));
  let traces = [];
  let nextCursor = null;
  let paused = false;
  const pending = new Map();
  let selected = 0;
  let services = new Set();
  let controller = null;

  const search = h('input', { type: 'search', class: 'search', placeholder: 'Search root span or service  ( / )', value: state.q, 'aria-label': 'Search traces' });
  const serviceSel = h('select', { 'aria-label': 'Service' });
  const windowSel = h('select', { 'aria-label': 'Time window' }, Object.entries(WINDOWS).map(([k, v]) => h('option', { value: k }, v)));
  windowSel.value = state.window;
  const errorsChip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(state.errors === 'true') }, 'errors only');
  const regressionsChip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(state.regressions === 'true') }, 'regressions');
  const primitiveSel = h('select', { 'aria-label': 'Primitive' }, ['', 'cache', 'retry', 'fallback', 'timeout', 'router', 'parallel', 'llm']
    .map((p) => h('option', { value: p }, p || 'any primitive')));
  primitiveSel.value = state.primitive;
  const pauseBtn = h('button', { type: 'button', class: 'chip', id: 'pause', title: 'Pause live updates while you read' }, '❚❚ pause');
  const newBtn = h('button', { type: 'button', class: 'new-pill', hidden: true });
  const chips = h('div', { class: 'active-chips' });
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'chip', hidden: true }, 'load more');
  const empty = h('div', { class: 'empty', hidden: true });
  const count = h('span', { class: 'muted' });

  root.append(
    h('div', { class: 'toolbar' }, search, serviceSel, windowSel, primitiveSel, errorsChip, regressionsChip, h('span', { class: 'spacer' }), count, newBtn, pauseBtn),
    chips,
    h('table', { class: 'traces dense' },
      h('thead', null, h('tr', null, h('th', null, 'time'), h('th', null, 'workflow / root'), h('th', null, 'service'),
        h('th', { class: 'dur-col' }, 'duration'), h('th', { class: 'num' }, 'spans'), h('th', { class: 'num' }, 'tokens'),
        h('th', { class: 'num' }, 'cost'), h('th', null, 'signals'))),
      body),
    empty, more,
    h('p', { class: 'hint muted' }, 'j/k move · enter open · / search · p pause'));

  function syncUrl() {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (state[k]) p.set(k, state[k]);
    navigate('/traces', p, { replace: true });
  }

  function apiParams(cursor) {
    const p = { limit: 100, cursor, q: state.q, service: state.service, errors: state.errors === 'true' ? 'true' : '',
      primitive: state.primitive, model: state.model, regressions: state.regressions, status: state.status,
      minDurationMs: state.minDurationMs, sort: state.sort };
    if (state.window) p.start = (BigInt(Date.now() - WINDOW_MS[state.window]) * 1000000n).toString();
    return p;
  }

  function matches(t) {
    if (state.service && t.serviceName !== state.service && !(t.services || []).includes(state.service)) return false;
    if (state.errors === 'true' && !(t.errorCount > 0)) return false;
    if (state.q) {
      const q = state.q.toLowerCase();
      if (!`${t.rootName} ${t.serviceName} ${t.workflowName || ''}`.toLowerCase().includes(q)) return false;
    }
    if (state.window && Number(t.startTimeUnixNano) / 1e6 < Date.now() - WINDOW_MS[state.window]) return false;
    if (state.primitive && t.primitiveTypes && !t.primitiveTypes.includes(state.primitive)) return false;
    if (state.regressions === 'true' && !(t.regression || t.isRegression)) return false;
    return true;
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.traces(apiParams(), controller.signal);
      traces = page.traces.filter(matches);
      nextCursor = page.nextCursor;
      pending.clear();
      selected = Math.min(selected, Math.max(0, traces.length - 1));
      for (const t of traces) services.add(t.serviceName);
      fillServices();
      draw();
    } catch (e) {
      if (e.name !== 'AbortError') {
        clear(body);
        empty.hidden = false;
        empty.textContent = `Could not load traces: ${e.message}`;
      }
    }
  }

  async function loadMore() {
    if (!nextCursor) return;
    const page = await api.traces(apiParams(nextCursor));
    traces = traces.concat(page.traces.filter(matches));
    nextCursor = page.nextCursor;
    draw();
  }

  function fillServices() {
    const keep = state.service;
    clear(serviceSel).append(h('option', { value: '' }, 'all services'),
      ...[...services].filter(Boolean).sort().map((s) => h('option', { value: s }, s)));
    if (keep && !services.has(keep)) serviceSel.append(h('option', { value: keep }, keep));
    serviceSel.value = keep;
  }

  function drawChips() {
    clear(chips);
    for (const k of FILTER_KEYS) {
      if (!state[k]) continue;
      const label = k === 'errors' ? 'errors only' : k === 'regressions' ? 'regressions' : k === 'window' ? WINDOWS[state[k]] : `${k}: ${state[k]}`;
      chips.append(h('button', { type: 'button', class: 'chip on', title: 'Remove this filter', onclick: () => { state[k] = ''; applyFilters(); } }, label, ' ×'));
    }
  }

  function draw() {
    drawChips();
    const maxDur = traces.reduce((m, t) => Math.max(m, t.durationMs || 0), 0) || 1;
    clear(body);
    const frag = document.createDocumentFragment();
    traces.forEach((t, i) => frag.append(row(t, i, maxDur)));
    body.append(frag);
    empty.hidden = traces.length > 0;
    if (!traces.length) {
      clear(empty).append(h('strong', null, 'No traces yet. '),
        'Point an OpenTelemetry exporter at ', h('code', null, `${location.origin}/v1/traces`),
        ', or run ', h('code', null, 'tta-obs demo'), ' to see a full dashboard in seconds.');
      if (FILTER_KEYS.some((k) => state[k])) clear(empty).append('No trace matches these filters.');
    }
    more.hidden = !nextCursor;
    count.textContent = `${traces.length}${nextCursor ? '+' : ''} traces`;
    drawPending();
  }

  function row(t, i, maxDur) {
    const tokens = (t.inputTokens || 0) + (t.outputTokens || 0);
    const badges = summaryBadges(t).map((b) => {
      const el = badge(b.text, b.tone, b.title);
      if (b.kind === 'regression' && t.baselineTraceId) {
        el.classList.add('link');
        el.title = 'Compare with the baseline run';
        el.addEventListener('click', (e) => { e.stopPropagation(); location.hash = `#/compare?a=${t.baselineTraceId}&b=${t.traceId}`; });
      }
      return el;
    });
    const tr = h('tr', { class: `${i === selected ? 'selected' : ''} ${t.errorCount > 0 ? 'has-error' : ''}`, dataset: { traceId: t.traceId }, tabindex: -1 },
      h('td', { class: 'mono muted', title: fmtAgo(t.startTimeUnixNano) }, fmtTime(t.startTimeUnixNano)),
      h('td', { class: 'name' }, h('a', { href: `#/trace/${t.traceId}` }, t.workflowName && t.workflowName !== t.rootName ? `${t.workflowName} · ${t.rootName}` : t.rootName)),
      h('td', { class: 'muted' }, t.serviceName),
      h('td', { class: 'dur-col' }, h('div', { class: 'dur' }, h('span', null, fmtMs(t.durationMs)), h('div', { class: 'dur-track' }, h('div', { class: `dur-bar ${t.errorCount ? 'err' : ''}`, style: { width: `${Math.max(1, (100 * (t.durationMs || 0)) / maxDur)}%` } })))),
      h('td', { class: 'num' }, t.spanCount),
      h('td', { class: 'num', title: t.inputTokens != null ? `${t.inputTokens} in / ${t.outputTokens} out` : '' }, t.llmCalls || tokens ? fmtTokens(tokens) : ''),
      h('td', { class: `num ${t.costUsd == null && t.llmCalls ? 'muted' : ''}` }, t.llmCalls || t.costUsd != null ? fmtUsd(t.costUsd) : ''),
      h('td', { class: 'badges' }, badges));
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a,button')) return;
      location.hash = `#/trace/${t.traceId}`;
    });
    return tr;
  }

  function drawPending() {
    newBtn.hidden = pending.size === 0;
    newBtn.textContent = `${pending.size} new`;
    pauseBtn.textContent = paused ? '▶ resume' : '❚❚ pause';
    pauseBtn.setAttribute('aria-pressed', String(paused));
  }

  function flushPending() {
    for (const s of pending.values()) upsert(s);
    pending.clear();
    draw();
  }

  function upsert(s) {
    const i = traces.findIndex((t) => t.traceId === s.traceId);
    if (i >= 0) traces[i] = s;
    else {
      traces.unshift(s);
      if (selected > 0 || document.activeElement === body) selected++;
    }
    traces.sort((a, b) => Number(b.startTimeUnixNano) - Number(a.startTimeUnixNano));
  }

  const unsubscribe = live.subscribe((s) => {
    if (s.serviceName) services.add(s.serviceName);
    if (!matches(s)) return;
    const current = traces.find((t) => t.traceId === s.traceId);
    const known = Boolean(current);
    // the first poll repeats what the page already shows: leave those rows (and the user's pointer) alone
    if (current && sameSummary(current, s)) return;
    // while paused, changes to rows on screen are fine; new rows would push what the user reads
    if (paused && !known) {
      pending.set(s.traceId, s);
      drawPending();
      return;
    }
    upsert(s);
    scheduleDraw();
  });

  // a poll or a burst on the feed delivers many summaries at once: one redraw per frame
  let drawPendingFrame = 0;
  function scheduleDraw() {
    if (!drawPendingFrame) drawPendingFrame = requestAnimationFrame(() => { drawPendingFrame = 0; draw(); });
  }

  function applyFilters() {
    syncUrl();
    search.value = state.q;
    serviceSel.value = state.service;
    windowSel.value = state.window;
    primitiveSel.value = state.primitive;
    errorsChip.setAttribute('aria-pressed', String(state.errors === 'true'));
    regressionsChip.setAttribute('aria-pressed', String(state.regressions === 'true'));
    load();
  }

  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.q = search.value.trim(); applyFilters(); }, 200);
  });
  serviceSel.addEventListener('change', () => { state.service = serviceSel.value; applyFilters(); });
  windowSel.addEventListener('change', () => { state.window = windowSel.value; applyFilters(); });
  primitiveSel.addEventListener('change', () => { state.primitive = primitiveSel.value; applyFilters(); });
  errorsChip.addEventListener('click', () => { state.errors = state.errors === 'true' ? '' : 'true'; applyFilters(); });
  regressionsChip.addEventListener('click', () => { state.regressions = state.regressions === 'true' ? '' : 'true'; applyFilters(); });
  pauseBtn.addEventListener('click', () => { paused = !paused; if (!paused) flushPending(); else drawPending(); });
  newBtn.addEventListener('click', () => { paused = false; flushPending(); });
  more.addEventListener('click', loadMore);

  function select(i) {
    if (!traces.length) return;
    selected = Math.max(0, Math.min(traces.length - 1, i));
    for (const tr of body.querySelectorAll('tr.selected')) tr.classList.remove('selected');
    const tr = body.children[selected];
    if (tr) {
      tr.classList.add('selected');
      tr.scrollIntoView({ block: 'nearest' });
    }
  }

  function onKey(e) {
    if (e.target.matches('input, select, textarea')) {
      if (e.key === 'Escape') e.target.blur();
      if (e.key === 'Enter' && e.target === search) search.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { select(selected + 1); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { select(selected - 1); e.preventDefault(); }
    else if (e.key === 'Enter' && traces[selected]) location.hash = `#/trace/${traces[selected].traceId}`;
    else if (e.key === '/') { search.focus(); e.preventDefault(); }
    else if (e.key === 'p') pauseBtn.click();
    else if (e.key === 'Escape' && FILTER_KEYS.some((k) => state[k])) { for (const k of FILTER_KEYS) state[k] = ''; applyFilters(); }
  }
  document.addEventListener('keydown', onKey);

  fillServices();
  optional('/api/services').then((r) => { if (r?.services) { r.services.forEach((s) => services.add(s)); fillServices(); } }).catch(() => {});
  load();
  return () => {
    unsubscribe();
    controller?.abort();
    document.removeEventListener('keydown', onKey);
  };
}
