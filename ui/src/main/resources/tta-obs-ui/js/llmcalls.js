import { api, optional } from './api.js';
import { clear, fmtAgo, fmtInt, fmtMs, fmtTime, fmtTokens, fmtUsd, h, markSelectedRow } from './dom.js';
import { href, navigate } from './router.js';

// Every LLM call across stored traces (GET /api/llm-calls): the server filters, sorts both ways and
// pages; the page shows its answer as it is and keeps its state in the URL like the trace list.
const WINDOWS = { '': 'any time', '15m': 'last 15 min', '1h': 'last hour', '24h': 'last 24 h', '7d': 'last 7 days' };
const WINDOW_MS = { '15m': 9e5, '1h': 3.6e6, '24h': 8.64e7, '7d': 6.048e8 };
const FILTER_KEYS = ['model', 'provider', 'workflow', 'service', 'window', 'start', 'end', 'status'];
const SORT_KEYS = ['sort', 'order'];
const PAGE = 100;
const SORTS = { time: 'time', duration: 'latency', tokens: 'tokens', cost: 'cost' };

/** What a cost cell says: never $0 for an unknown cost. */
export function callCost(c) {
  if (c.costStatus === 'no_usage') return 'usage unknown';
  return fmtUsd(c.costUsd ?? null);
}

function callCostTitle(c) {
  if (c.costStatus === 'no_usage') return 'the call reported no token counts: cost unknown';
  if (c.costStatus === 'unpriced') return `no price known for ${c.model || 'this model'}`;
  if (c.costStatus === 'reported') return 'cost reported by the instrumentation';
  if (c.costStatus === 'priced') return 'estimated from the price table';
  return c.costStatus || '';
}

function chipLabel(k, v) {
  if (k === 'window') return WINDOWS[v] || v;
  if (k === 'start') return `from ${fmtTime(v)}`;
  if (k === 'end') return `until ${fmtTime(v)}`;
  if (k === 'status') return v === 'error' ? 'failed calls' : 'calls that answered';
  return `${k}: ${v}`;
}

/** The link that opens a call's span in its trace. */
export function callLink(c) {
  return href(`/trace/${c.traceId}`, new URLSearchParams({ span: c.spanId }));
}

export function renderLlmCalls({ root, params }) {
  let state = {};
  let calls = [];
  let nextCursor = null;
  let controller = null;
  let selected = 0;
  const seen = { model: new Set(), provider: new Set(), workflow: new Set(), service: new Set() };

  const select = (label, key, all) => {
    const el = h('select', { 'aria-label': label, dataset: { filter: key } });
    el.addEventListener('change', () => change({ [key]: el.value }));
    return { el, all };
  };
  const pickers = {
    model: select('Model family', 'model', 'all models'),
    provider: select('Provider', 'provider', 'all providers'),
    workflow: select('Workflow', 'workflow', 'all workflows'),
    service: select('Service', 'service', 'all services'),
  };
  const windowSel = h('select', { 'aria-label': 'Time window' }, Object.entries(WINDOWS).map(([k, v]) => h('option', { value: k }, v)));
  const statusSel = h('select', { 'aria-label': 'Status' }, [['', 'any status'], ['error', 'failed'], ['ok', 'answered']]
    .map(([v, label]) => h('option', { value: v }, label)));
  const chips = h('div', { class: 'active-chips', 'aria-label': 'Active filters' });
  const headRow = h('tr');
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'chip', hidden: true }, 'load more');
  const empty = h('div', { class: 'empty', hidden: true });
  const count = h('span', { class: 'muted', id: 'call-count' });
  const totalsLine = h('p', { class: 'muted small', id: 'call-totals' });

  root.append(
    h('div', { class: 'toolbar' }, pickers.model.el, pickers.provider.el, pickers.workflow.el, pickers.service.el, windowSel, statusSel,
      h('span', { class: 'spacer' }), count),
    chips, totalsLine,
    h('table', { class: 'traces dense llm-calls' }, h('thead', null, headRow), body),
    empty, more,
    h('p', { class: 'hint muted' }, 'j/k move · enter open the call in its trace · click a column to sort'));

  function change(changes) {
    const p = new URLSearchParams();
    const next = { ...state, ...changes };
    for (const k of [...FILTER_KEYS, ...SORT_KEYS]) if (next[k]) p.set(k, next[k]);
    navigate('/llm-calls', p);
  }

  function sortOf() {
    const column = SORTS[state.sort] ? state.sort : 'time';
    return { column, order: state.order === 'asc' ? 'asc' : 'desc' };
  }

  function apiParams(cursor) {
    const sort = sortOf();
    const p = { limit: PAGE, cursor, model: state.model, provider: state.provider, workflow: state.workflow, service: state.service,
      status: state.status, start: state.start, end: state.end, sort: sort.column, order: sort.order };
    if (state.window) {
      const from = BigInt(Date.now() - WINDOW_MS[state.window]) * 1000000n;
      if (!p.start || BigInt(p.start) < from) p.start = from.toString();
    }
    return p;
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    try {
      const p = apiParams();
      const [page, totals] = await Promise.all([api.llmCalls(p, signal), api.llmCallTotals(p, signal)]);
      calls = page.calls;
      nextCursor = page.nextCursor;
      selected = 0;
      remember(calls);
      draw();
      drawTotals(totals);
    } catch (e) {
      if (e.name !== 'AbortError') {
        clear(body);
        empty.hidden = false;
        empty.textContent = `Could not load LLM calls: ${e.message}`;
      }
    }
  }

  async function loadMore() {
    if (!nextCursor || more.disabled) return;
    more.disabled = true;
    more.textContent = 'loading…';
    try {
      const page = await api.llmCalls(apiParams(nextCursor));
      calls = calls.concat(page.calls);
      nextCursor = page.nextCursor;
      remember(page.calls);
      draw();
    } catch (e) {
      totalsLine.textContent = `Could not load more: ${e.message}`;
    } finally {
      more.disabled = false;
      more.textContent = 'load more';
    }
  }

  function remember(rows) {
    for (const c of rows) {
      if (c.model) seen.model.add(c.model);
      if (c.provider) seen.provider.add(c.provider);
      if (c.workflowName) seen.workflow.add(c.workflowName);
      if (c.serviceName) seen.service.add(c.serviceName);
    }
    fillPickers();
  }

  function fillPickers() {
    for (const [key, { el, all }] of Object.entries(pickers)) {
      const keep = state[key] || '';
      const values = new Set(seen[key]);
      if (keep) values.add(keep);
      clear(el).append(h('option', { value: '' }, all), ...[...values].sort().map((v) => h('option', { value: v }, v)));
      el.value = keep;
    }
  }

  function drawHead() {
    const sort = sortOf();
    const th = (column, label, cls) => {
      const on = sort.column === column;
      const next = on && sort.order === 'desc' ? 'asc' : 'desc';
      return h('th', { class: `${cls || ''} sortable`, 'aria-sort': on ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none', dataset: { sort: column } },
        h('button', { type: 'button', class: 'sort', title: `Sort by ${label}, ${next === 'asc' ? 'smallest' : 'largest'} first`,
          onclick: () => change(column === 'time' && next === 'desc' ? { sort: '', order: '' } : { sort: column, order: next }) },
        label, on ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''));
    };
    clear(headRow).append(th('time', 'time'), h('th', null, 'workflow'), h('th', null, 'service'), h('th', null, 'model'),
      th('tokens', 'tokens', 'num'), h('th', { class: 'num', title: 'input / cached input / output / reasoning' }, 'in / cached / out / reasoning'),
      th('cost', 'cost', 'num'), th('duration', 'latency', 'num'), h('th', null, 'status'));
  }

  function drawChips() {
    clear(chips);
    for (const k of FILTER_KEYS) {
      if (!state[k]) continue;
      chips.append(h('button', { type: 'button', class: 'chip on', title: 'Remove this filter', dataset: { filter: k },
        onclick: () => change({ [k]: '' }) }, chipLabel(k, state[k]), ' ×'));
    }
  }

  function drawTotals(t) {
    if (!t) {
      totalsLine.textContent = '';
      return;
    }
    totalsLine.textContent = `${fmtInt(t.calls)} calls in ${fmtInt(t.traces)} traces · ${fmtTokens(t.totalTokens)} tokens · `
      + `${t.calls && t.unpricedCalls === t.calls ? 'cost unknown' : fmtUsd(t.costUsd) + (t.unpricedCalls ? ` + ${fmtInt(t.unpricedCalls)} unpriced` : '')}`
      + `${t.failedCalls ? ` · ${fmtInt(t.failedCalls)} failed` : ''}`;
  }

  function draw() {
    drawHead();
    drawChips();
    clear(body);
    const frag = document.createDocumentFragment();
    calls.forEach((c, i) => frag.append(row(c, i)));
    body.append(frag);
    empty.hidden = calls.length > 0;
    if (!calls.length) {
      empty.textContent = FILTER_KEYS.some((k) => state[k]) ? 'No stored LLM call matches these filters.'
        : 'No LLM calls stored yet. Spans with gen_ai.* (or OpenInference, OpenLLMetry) attributes show up here.';
    }
    more.hidden = !nextCursor;
    count.textContent = `${calls.length}${nextCursor ? '+' : ''} calls`;
  }

  function row(c, i) {
    const link = callLink(c);
    const model = c.model ? (c.provider ? `${c.provider} / ${c.model}` : c.model) : (c.provider ? `${c.provider} / unknown model` : 'unknown model');
    const tr = h('tr', { class: `${i === selected ? 'selected' : ''} ${c.status === 'error' ? 'has-error' : ''}`, dataset: { traceId: c.traceId, spanId: c.spanId }, tabindex: -1 },
      h('td', { class: 'mono muted', title: fmtAgo(c.startTimeUnixNano), dataset: { col: 'time' } }, fmtTime(c.startTimeUnixNano)),
      h('td', { class: 'name' }, h('a', { href: link }, c.workflowName)),
      h('td', { class: 'muted' }, c.serviceName),
      h('td', { dataset: { col: 'model' } }, model),
      h('td', { class: 'num', dataset: { col: 'tokens' } }, fmtTokens(c.inputTokens + c.outputTokens)),
      h('td', { class: 'num muted', dataset: { col: 'split' } }, `${fmtInt(c.inputTokens)} / ${fmtInt(c.cachedInputTokens)} / ${fmtInt(c.outputTokens)} / ${fmtInt(c.reasoningTokens)}`),
      h('td', { class: `num ${c.costUsd == null ? 'muted' : ''}`, title: callCostTitle(c), dataset: { col: 'cost', costStatus: c.costStatus } }, callCost(c)),
      h('td', { class: 'num', dataset: { col: 'duration' } }, fmtMs(c.durationMs)),
      h('td', { class: c.status === 'error' ? 'err-text' : 'muted', dataset: { col: 'status' } }, c.status === 'error' ? 'failed' : 'ok'));
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a,button,input')) return;
      location.hash = link;
    });
    return tr;
  }

  function apply(p) {
    state = Object.fromEntries([...FILTER_KEYS, ...SORT_KEYS].map((k) => [k, p.get(k) || '']));
    fillPickers();
    windowSel.value = state.window;
    statusSel.value = state.status;
    drawHead();
    drawChips();
    load();
  }

  windowSel.addEventListener('change', () => change({ window: windowSel.value }));
  statusSel.addEventListener('change', () => change({ status: statusSel.value }));
  more.addEventListener('click', loadMore);

  function move(i) {
    if (!calls.length) return;
    selected = Math.max(0, Math.min(calls.length - 1, i));
    markSelectedRow(body, selected);
  }

  function onKey(e) {
    if (e.target.matches('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { move(selected + 1); e.preventDefault(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { move(selected - 1); e.preventDefault(); }
    else if (e.key === 'Enter' && calls[selected]) location.hash = callLink(calls[selected]);
  }
  document.addEventListener('keydown', onKey);

  optional('/api/services').then((r) => { if (r?.services) { r.services.forEach((s) => seen.service.add(s)); fillPickers(); } }).catch(() => {});
  // the families and providers of every stored call, not only those of the page shown
  for (const key of ['model', 'provider']) {
    optional(`/api/llm/usage?groupBy=${key}`).then((r) => {
      for (const row of r?.rows || []) if (row.key && !row.key.startsWith('(')) seen[key].add(row.key);
      fillPickers();
    }).catch(() => {});
  }
  apply(params);
  return {
    dispose() {
      controller?.abort();
      document.removeEventListener('keydown', onKey);
    },
    update(p) {
      apply(p);
    },
  };
}
