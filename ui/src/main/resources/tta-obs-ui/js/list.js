import { api, optional } from './api.js';
import { badge, clear, fmtAgo, fmtInt, fmtMs, fmtTime, fmtTokens, fmtUsd, h, markSelectedRow } from './dom.js';
import { href, navigate } from './router.js';
import { costText, costTitle, runFailed, summaryBadges } from './model.js';
import { feedbackSummary } from './feedback.js';

const WINDOWS = { '': 'any time', '15m': 'last 15 min', '1h': 'last hour', '24h': 'last 24 h', '7d': 'last 7 days' };
const WINDOW_MS = { '15m': 9e5, '1h': 3.6e6, '24h': 8.64e7, '7d': 6.048e8 };
// what the URL can say about the list; the server applies every filter, the page shows its answer as it is
const FILTER_KEYS = ['q', 'service', 'window', 'start', 'end', 'primitive', 'model', 'outcome', 'errors', 'regressions', 'status', 'minDurationMs', 'feedback', 'scoreBelow', 'scoreAbove'];
const SORT_KEYS = ['sort', 'order'];
const PAGE = 100;
const CLIENT_SORT_PAGE = 1000;

// A column sorts by its value; nulls (an unpriced cost) go last in either order.
const COLUMNS = {
  time: { label: 'time', value: (t) => Number(t.startTimeUnixNano), first: 'desc' },
  duration: { label: 'duration', value: (t) => t.durationMs, first: 'desc', cls: 'dur-col' },
  spans: { label: 'spans', value: (t) => t.spanCount, first: 'desc', cls: 'num' },
  tokens: { label: 'tokens', value: (t) => (t.llmCalls || t.inputTokens || t.outputTokens ? (t.inputTokens || 0) + (t.outputTokens || 0) : null), first: 'desc', cls: 'num' },
  cost: { label: 'cost', value: (t) => t.costUsd, first: 'desc', cls: 'num' },
};

/** The URL's sort as {column, order}; the server's own names (newest, oldest) are accepted too. */
function sortOf(state) {
  if (state.sort === 'newest' || !state.sort) return { column: 'time', order: state.sort ? 'desc' : state.order || 'desc' };
  if (state.sort === 'oldest') return { column: 'time', order: 'asc' };
  const column = COLUMNS[state.sort] ? state.sort : 'time';
  return { column, order: state.order === 'asc' || state.order === 'desc' ? state.order : COLUMNS[column].first };
}

/** What the server sorts by itself (TraceSort: newest, oldest, duration and cost descending), else null. */
function serverSort({ column, order }) {
  if (column === 'time') return order === 'asc' ? 'oldest' : '';
  if ((column === 'duration' || column === 'cost') && order === 'desc') return column;
  return null;
}

function compare(column, order) {
  const value = COLUMNS[column].value;
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
    return (x - y) * sign || (a.traceId < b.traceId ? -1 : 1);
  };
}

function sameSummary(a, b) {
  return a.spanCount === b.spanCount && a.endTimeUnixNano === b.endTimeUnixNano && a.errorCount === b.errorCount && a.outcome === b.outcome
    && a.costUsd === b.costUsd && a.rootName === b.rootName && a.inputTokens === b.inputTokens;
}

function chipLabel(k, v) {
  if (k === 'errors') return 'errors only';
  if (k === 'outcome') return `outcome: ${v}`;
  if (k === 'regressions') return 'regressions';
  if (k === 'window') return WINDOWS[v] || v;
  if (k === 'q') return `search: “${v}”`;
  if (k === 'start') return `from ${fmtTime(v)}`;
  if (k === 'end') return `until ${fmtTime(v)}`;
  if (k === 'minDurationMs') return `duration ≥ ${fmtMs(Number(v))}`;
  if (k === 'feedback') return `feedback: ${v}`;
  if (k === 'scoreBelow') return `score < ${v}`;
  if (k === 'scoreAbove') return `score > ${v}`;
  return `${k}: ${v}`;
}

export function renderList({ root, params, live }) {
  let state = {};
  let traces = [];
  let nextCursor = null;
  let paused = false;
  const pending = new Map();
  let selected = 0;
  const services = new Set();
  let controller = null;

  const search = h('input', { type: 'search', class: 'search', placeholder: 'Search span names, services, attribute values  ( / )',
    title: 'Finds traces where every word starts a word of a span name (root or inner), a service name or an attribute value', 'aria-label': 'Search traces' });
  const serviceSel = h('select', { 'aria-label': 'Service' });
  const windowSel = h('select', { 'aria-label': 'Time window' }, Object.entries(WINDOWS).map(([k, v]) => h('option', { value: k }, v)));
  const errorsChip = h('button', { type: 'button', class: 'chip', title: 'Runs that failed; a run that recovered from its errors is not one' }, 'errors only');
  const outcomeSel = h('select', { 'aria-label': 'Outcome' }, [['', 'any outcome'], ['failed', 'failed'], ['recovered', 'recovered'], ['ok', 'ok']]
    .map(([v, label]) => h('option', { value: v }, label)));
  const regressionsChip = h('button', { type: 'button', class: 'chip' }, 'regressions');
  const feedbackSel = h('select', { 'aria-label': 'Feedback', id: 'feedback-filter' }, [['', 'any or no feedback'], ['any', 'with feedback'], ['none', 'without feedback'],
    ['negative', 'negative feedback'], ['positive', 'positive feedback']].map(([v, label]) => h('option', { value: v }, label)));
  const primitiveSel = h('select', { 'aria-label': 'Primitive' }, ['', 'cache', 'retry', 'fallback', 'timeout', 'router', 'parallel', 'llm']
    .map((p) => h('option', { value: p }, p || 'any primitive')));
  const pauseBtn = h('button', { type: 'button', class: 'chip', id: 'pause', title: 'Pause live updates while you read' }, '❚❚ pause');
  const newBtn = h('button', { type: 'button', class: 'new-pill', hidden: true });
  const chips = h('div', { class: 'active-chips', 'aria-label': 'Active filters' });
  const headRow = h('tr');
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'chip', hidden: true }, 'load more');
  const sortNote = h('p', { class: 'muted small sort-note', hidden: true });
  const empty = h('div', { class: 'empty', hidden: true });
  const count = h('span', { class: 'muted', id: 'trace-count' });
  // two traces picked by their checkboxes open side by side, the older one as the baseline
  const picked = new Map();
  const compareBtn = h('button', { type: 'button', class: 'chip on', id: 'compare-picked', hidden: true, title: 'Compare the two picked traces' });

  root.append(
    h('div', { class: 'toolbar' }, search, serviceSel, windowSel, primitiveSel, outcomeSel, feedbackSel, errorsChip, regressionsChip, h('span', { class: 'spacer' }), compareBtn, count, newBtn, pauseBtn),
    chips, sortNote,
    h('table', { class: 'traces dense' }, h('thead', null, headRow), body),
    empty, more,
    h('p', { class: 'hint muted' }, 'j/k move · enter open · / search · p pause · click a column to sort'));

  /** Changes the list's URL: a new history entry (Back undoes it), or, with replace, the same one. */
  function change(changes, { replace = false } = {}) {
    const p = new URLSearchParams();
    const next = { ...state, ...changes };
    for (const k of [...FILTER_KEYS, ...SORT_KEYS]) if (next[k]) p.set(k, next[k]);
    navigate('/traces', p, { replace });
    // a replaced entry fires no hashchange: draw it here
    if (replace) apply(p);
  }

  function anyFilter() {
    return FILTER_KEYS.some((k) => state[k]);
  }

  function apiParams(cursor) {
    const sort = sortOf(state);
    const bySrv = serverSort(sort);
    // the outcome is the server's status filter; beside a span status from a link (error, unset) it goes by its earlier name
    const p = { limit: bySrv == null ? CLIENT_SORT_PAGE : PAGE, cursor, q: state.q, service: state.service, errors: state.errors === 'true' ? 'true' : '',
      primitive: state.primitive, model: state.model, regressions: state.regressions === 'true' ? 'true' : '', status: state.status || state.outcome, outcome: state.status ? state.outcome : '',
      minDurationMs: state.minDurationMs, sort: bySrv || '', start: state.start, end: state.end,
      feedback: state.feedback, scoreBelow: state.scoreBelow, scoreAbove: state.scoreAbove };
    if (state.window) {
      const from = BigInt(Date.now() - WINDOW_MS[state.window]) * 1000000n;
      if (!p.start || BigInt(p.start) < from) p.start = from.toString();
    }
    return p;
  }

  function order() {
    const sort = sortOf(state);
    if (serverSort(sort) == null) traces.sort(compare(sort.column, sort.order));
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.traces(apiParams(), controller.signal);
      traces = page.traces;
      nextCursor = page.nextCursor;
      order();
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
    if (!nextCursor || more.disabled) return;
    more.disabled = true;
    more.textContent = 'loading…';
    try {
      const page = await api.traces(apiParams(nextCursor));
      const known = new Set(traces.map((t) => t.traceId));
      traces = traces.concat(page.traces.filter((t) => !known.has(t.traceId)));
      nextCursor = page.nextCursor;
      order();
      draw();
    } catch (e) {
      sortNote.hidden = false;
      sortNote.textContent = `Could not load more: ${e.message}`;
    } finally {
      more.disabled = false;
      more.textContent = 'load more';
    }
  }

  function fillServices() {
    const keep = state.service || '';
    clear(serviceSel).append(h('option', { value: '' }, 'all services'),
      ...[...services].filter(Boolean).sort().map((s) => h('option', { value: s }, s)));
    if (keep && !services.has(keep)) serviceSel.append(h('option', { value: keep }, keep));
    serviceSel.value = keep;
  }

  function drawHead() {
    const sort = sortOf(state);
    const th = (column, extra) => {
      const c = COLUMNS[column];
      const on = sort.column === column;
      const next = on ? (sort.order === 'asc' ? 'desc' : 'asc') : c.first;
      return h('th', { class: `${c.cls || ''} sortable`, 'aria-sort': on ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none', dataset: { sort: column } },
        h('button', { type: 'button', class: 'sort', title: `Sort by ${c.label}, ${next === 'asc' ? 'smallest' : 'largest'} first`,
          onclick: () => change(column === 'time' && next === 'desc' ? { sort: '', order: '' } : { sort: column, order: next }) },
        c.label, on ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''), extra);
    };
    clear(headRow).append(h('th', { class: 'pick', title: 'Pick two traces to compare' }, '⇄'), th('time'), h('th', null, 'workflow / root'), h('th', null, 'service'), th('duration'), th('spans'), th('tokens'), th('cost'), h('th', null, 'signals'));
  }

  function drawChips() {
    clear(chips);
    for (const k of FILTER_KEYS) {
      if (!state[k]) continue;
      chips.append(h('button', { type: 'button', class: 'chip on', title: 'Remove this filter', dataset: { filter: k },
        onclick: () => change({ [k]: '' }) }, chipLabel(k, state[k]), ' ×'));
    }
  }

  function draw() {
    drawHead();
    drawChips();
    const maxDur = traces.reduce((m, t) => Math.max(m, t.durationMs || 0), 0) || 1;
    clear(body);
    const frag = document.createDocumentFragment();
    traces.forEach((t, i) => frag.append(row(t, i, maxDur)));
    body.append(frag);
    empty.hidden = traces.length > 0;
    if (!traces.length) {
      if (anyFilter()) {
        clear(empty).append('No stored trace matches these filters.',
          state.q ? ` Search finds words that start a span name, a service name or an attribute value: “${state.q}” starts none.` : '');
      } else {
        clear(empty).append(h('strong', null, 'No traces yet. '),
          'Point an OpenTelemetry exporter at ', h('code', null, `${location.origin}/v1/traces`),
          ', or run ', h('code', null, 'tta-obs demo'), ' to see a full dashboard in seconds.');
      }
    }
    more.hidden = !nextCursor;
    const clientSorted = serverSort(sortOf(state)) == null;
    sortNote.hidden = !(clientSorted && nextCursor);
    sortNote.textContent = `Sorted among the newest ${fmtInt(traces.length)} matching traces: the server sorts by time, longest duration and highest cost; load more to sort over more.`;
    count.textContent = `${traces.length}${nextCursor ? '+' : ''} traces`;
    drawPending();
  }

  function row(t, i, maxDur) {
    const tokens = COLUMNS.tokens.value(t);
    const badges = summaryBadges(t).map((b) => {
      const el = badge(b.text, b.tone, b.title);
      if (b.kind === 'regression' && t.baselineTraceId) {
        el.classList.add('link');
        el.title = 'Compare with the baseline run';
        el.addEventListener('click', (e) => { e.stopPropagation(); location.hash = `#/compare?a=${t.baselineTraceId}&b=${t.traceId}`; });
      }
      return el;
    });
    // opened from a search, the trace highlights the spans the words were found on
    const link = href(`/trace/${t.traceId}`, state.q ? new URLSearchParams({ q: state.q }) : null);
    const box = h('input', { type: 'checkbox', 'aria-label': `Pick ${t.rootName} for compare`, checked: picked.has(t.traceId) });
    box.addEventListener('change', () => pick(t, box.checked));
    const tr = h('tr', { class: `${i === selected ? 'selected' : ''} ${runFailed(t) ? 'has-error' : ''} ${t.outcome === 'recovered' ? 'recovered' : ''}`, dataset: { traceId: t.traceId }, tabindex: -1 },
      h('td', { class: 'pick' }, box),
      h('td', { class: 'mono muted', title: fmtAgo(t.startTimeUnixNano), dataset: { col: 'time' } }, fmtTime(t.startTimeUnixNano)),
      h('td', { class: 'name' }, h('a', { href: link }, t.workflowName && t.workflowName !== t.rootName ? `${t.workflowName} · ${t.rootName}` : t.rootName)),
      h('td', { class: 'muted' }, t.serviceName),
      h('td', { class: 'dur-col', dataset: { col: 'duration' } }, h('div', { class: 'dur' }, h('span', null, fmtMs(t.durationMs)), h('div', { class: 'dur-track' }, h('div', { class: `dur-bar ${runFailed(t) ? 'err' : t.outcome === 'recovered' ? 'warn' : ''}`, style: { width: `${Math.max(1, (100 * (t.durationMs || 0)) / maxDur)}%` } })))),
      h('td', { class: 'num', dataset: { col: 'spans' } }, fmtInt(t.spanCount)),
      h('td', { class: 'num', dataset: { col: 'tokens' }, title: t.inputTokens != null ? `${t.inputTokens} in / ${t.outputTokens} out` : '' }, tokens != null ? fmtTokens(tokens) : ''),
      h('td', { class: `num ${t.costUsd == null && t.llmCalls ? 'muted' : ''}`, title: costTitle(t), dataset: { col: 'cost' } },
        t.llmCalls || t.costUsd != null ? costText(t, fmtUsd) + (t.costStatus === 'partial' ? '+' : '') : ''),
      h('td', { class: 'badges' }, badges, feedbackSummary(t.feedback)));
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a,button,input')) return;
      location.hash = link;
    });
    return tr;
  }

  function pick(t, on) {
    if (on) picked.set(t.traceId, t);
    else picked.delete(t.traceId);
    // a third pick replaces the oldest pick
    while (picked.size > 2) picked.delete(picked.keys().next().value);
    for (const el of body.querySelectorAll('td.pick input')) el.checked = picked.has(el.closest('tr').dataset.traceId);
    compareBtn.hidden = picked.size !== 2;
    compareBtn.textContent = 'compare the 2 picked';
  }
  compareBtn.addEventListener('click', () => {
    const [x, y] = [...picked.values()].sort((a, b) => Number(a.startTimeUnixNano) - Number(b.startTimeUnixNano));
    if (x && y) location.hash = `#/compare?a=${x.traceId}&b=${y.traceId}`;
  });

  function drawPending() {
    newBtn.hidden = pending.size === 0;
    newBtn.textContent = `${pending.size} new`;
    pauseBtn.textContent = paused ? '▶ resume' : '❚❚ pause';
    pauseBtn.setAttribute('aria-pressed', String(paused));
  }

  function flushPending() {
    if (!plainList()) {
      pending.clear();
      load();
      return;
    }
    for (const s of pending.values()) upsert(s);
    pending.clear();
    draw();
  }

  function upsert(s) {
    const i = traces.findIndex((t) => t.traceId === s.traceId);
    // the live feed's summaries carry no feedback: a row keeps what it has
    if (i >= 0) traces[i] = s.feedback ? s : { ...s, feedback: traces[i].feedback };
    else {
      traces.unshift(s);
      if (selected > 0 || document.activeElement === body) selected++;
    }
    const sort = sortOf(state);
    traces.sort(compare(sort.column, sort.order));
  }

  /** No filter: every new trace belongs in the list, and the page can place it itself. */
  function plainList() {
    return !anyFilter();
  }

  // feedback given in another tab (or by a script) shows on its row at once
  const unsubscribeFeedback = live.subscribeFeedback((traceId, items) => {
    const t = traces.find((x) => x.traceId === traceId);
    if (!t) return;
    t.feedback = items;
    scheduleDraw();
  });

  let reloadTimer = 0;
  const unsubscribe = live.subscribe((s) => {
    if (s.serviceName && !services.has(s.serviceName)) {
      services.add(s.serviceName);
      fillServices();
    }
    const current = traces.find((t) => t.traceId === s.traceId);
    // the first poll repeats what the page already shows: leave those rows (and the user's pointer) alone
    if (current && sameSummary(current, s)) return;
    if (current) {
      upsert(s);
      scheduleDraw();
      return;
    }
    // while paused, new rows would push what the user reads: count them instead
    if (paused) {
      pending.set(s.traceId, s);
      drawPending();
      return;
    }
    if (plainList()) {
      upsert(s);
      scheduleDraw();
    } else if (!reloadTimer) {
      // only the server knows whether a new trace matches the filters: ask it again, once per burst
      reloadTimer = setTimeout(() => { reloadTimer = 0; load(); }, 1000);
    }
  });

  // a poll or a burst on the feed delivers many summaries at once: one redraw per frame
  let drawPendingFrame = 0;
  function scheduleDraw() {
    if (!drawPendingFrame) drawPendingFrame = requestAnimationFrame(() => { drawPendingFrame = 0; draw(); });
  }

  /** Shows what the URL says: the controls, the chips and the server's answer. */
  function apply(p) {
    state = Object.fromEntries([...FILTER_KEYS, ...SORT_KEYS].map((k) => [k, p.get(k) || '']));
    if (document.activeElement !== search || search.value.trim() !== state.q) search.value = state.q;
    serviceSel.value = state.service;
    windowSel.value = state.window;
    primitiveSel.value = state.primitive;
    outcomeSel.value = state.outcome;
    if ([...feedbackSel.options].some((o) => o.value === state.feedback)) feedbackSel.value = state.feedback;
    errorsChip.setAttribute('aria-pressed', String(state.errors === 'true'));
    regressionsChip.setAttribute('aria-pressed', String(state.regressions === 'true'));
    fillServices();
    drawHead();
    drawChips();
    load();
  }

  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      const q = search.value.trim();
      if (q === state.q) return;
      // starting or clearing a search is a step Back can undo; refining it is not
      change({ q }, { replace: Boolean(q && state.q) });
    }, 250);
  });
  serviceSel.addEventListener('change', () => change({ service: serviceSel.value }));
  windowSel.addEventListener('change', () => change({ window: windowSel.value }));
  primitiveSel.addEventListener('change', () => change({ primitive: primitiveSel.value }));
  outcomeSel.addEventListener('change', () => change({ outcome: outcomeSel.value }));
  feedbackSel.addEventListener('change', () => change({ feedback: feedbackSel.value }));
  errorsChip.addEventListener('click', () => change({ errors: state.errors === 'true' ? '' : 'true' }));
  regressionsChip.addEventListener('click', () => change({ regressions: state.regressions === 'true' ? '' : 'true' }));
  pauseBtn.addEventListener('click', () => { paused = !paused; if (!paused) flushPending(); else drawPending(); });
  newBtn.addEventListener('click', () => { paused = false; flushPending(); });
  more.addEventListener('click', loadMore);

  function select(i) {
    if (!traces.length) return;
    selected = Math.max(0, Math.min(traces.length - 1, i));
    markSelectedRow(body, selected);
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
    else if (e.key === 'Enter' && body.children[selected]) body.children[selected].querySelector('td.name a').click();
    else if (e.key === '/') { search.focus(); e.preventDefault(); }
    else if (e.key === 'p') pauseBtn.click();
    else if (e.key === 'Escape' && anyFilter()) change(Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])));
  }
  document.addEventListener('keydown', onKey);

  optional('/api/services').then((r) => { if (r?.services) { r.services.forEach((s) => services.add(s)); fillServices(); } }).catch(() => {});
  apply(params);
  return {
    dispose() {
      unsubscribe();
      unsubscribeFeedback();
      controller?.abort();
      clearTimeout(reloadTimer);
      clearTimeout(searchTimer);
      document.removeEventListener('keydown', onKey);
    },
    update(p) {
      apply(p);
    },
  };
}
