import { api } from './api.js';
import { clear, fmtAgo, fmtTime, h, svg } from './dom.js';
import { navigate } from './router.js';
import { exceptions, isError, serviceOf } from './model.js';
import { groupFailures } from './fingerprint.js';

const TRACES = 60;
const WINDOWS = { '': 'any time', '15m': 'last 15 min', '1h': 'last hour', '24h': 'last 24 h', '7d': 'last 7 days' };
const WINDOW_MS = { '15m': 9e5, '1h': 3.6e6, '24h': 8.64e7, '7d': 6.048e8 };
const OUTCOMES = { '': 'failed or recovered', failed: 'the run failed', recovered: 'the run recovered' };
const KEYS = ['service', 'window', 'outcome'];
const SPARK_BINS = 16;

// Failures of the newest error traces, grouped by fingerprint (fingerprint.js): "timed out after 5s
// (step 16)" and "(step 8)" are one kind. One line per kind, most frequent first.
export function renderErrors({ root, params, live }) {
  const list = h('div', { class: 'error-groups' });
  const note = h('p', { class: 'muted small' });
  const select = (label, options) => h('select', { 'aria-label': label }, Object.entries(options).map(([k, v]) => h('option', { value: k }, v)));
  const serviceSel = h('select', { 'aria-label': 'Service' });
  const windowSel = select('Time window', WINDOWS);
  const outcomeSel = select('Outcome', OUTCOMES);
  root.append(h('h1', null, 'Errors'), h('div', { class: 'toolbar' }, serviceSel, windowSel, outcomeSel), note, list);
  const open = new Set();
  let state = {};
  let timer = null;
  let services = [];

  function fillServices() {
    clear(serviceSel).append(h('option', { value: '' }, 'all services'), ...services.map((s) => h('option', { value: s }, s)));
    if (state.service && !services.includes(state.service)) serviceSel.append(h('option', { value: state.service }, state.service));
    serviceSel.value = state.service || '';
  }
  api.services().then((r) => { services = r?.services || []; fillServices(); }).catch(() => {});

  function apply(p) {
    state = Object.fromEntries(KEYS.map((k) => [k, p.get(k) || '']));
    fillServices();
    windowSel.value = state.window;
    outcomeSel.value = state.outcome;
    refresh();
  }
  function change(k, v) {
    const p = new URLSearchParams();
    for (const key of KEYS) if ((key === k ? v : state[key])) p.set(key, key === k ? v : state[key]);
    navigate('/errors', p);
  }
  serviceSel.addEventListener('change', () => change('service', serviceSel.value));
  windowSel.addEventListener('change', () => change('window', windowSel.value));
  outcomeSel.addEventListener('change', () => change('outcome', outcomeSel.value));

  async function refresh() {
    try {
      const start = state.window ? (BigInt(Date.now() - WINDOW_MS[state.window]) * 1000000n).toString() : '';
      // status=error: every run with a failed span, recovered or not; an outcome narrows it as the server judged the run
      const page = await api.traces({ status: state.outcome || 'error', limit: TRACES, service: state.service, start });
      const details = await Promise.all(page.traces.map((t) => api.trace(t.traceId).catch(() => null)));
      const failures = [];
      for (const d of details) {
        if (!d) continue;
        // a parent marked ERROR only because a child failed repeats that child's error: count the cause once
        const parentsOfErrors = new Set(d.spans.filter((sp) => isError(sp) || exceptions(sp).length).map((sp) => sp.parentSpanId));
        for (const sp of d.spans) {
          const ex = exceptions(sp)[0];
          if (!ex && (!isError(sp) || parentsOfErrors.has(sp.spanId))) continue;
          if (state.service && serviceOf(sp) !== state.service) continue;
          failures.push({ type: ex?.type || 'status ERROR', message: ex?.message || sp.status?.message || '', stacktrace: ex?.stacktrace,
            at: Number(sp.endTimeUnixNano), service: serviceOf(sp), traceId: d.traceId, spanId: sp.spanId,
            root: d.summary?.workflowName || d.summary?.rootName || sp.name, span: sp.name });
        }
      }
      const groups = groupFailures(failures);
      const from = Math.min(...failures.map((f) => f.at));
      const span = Math.max(1, Math.max(...failures.map((f) => f.at)) - from);
      for (const g of groups) {
        g.bins = new Array(SPARK_BINS).fill(0);
        for (const f of g.failures) g.bins[Math.min(SPARK_BINS - 1, Math.floor(((f.at - from) / span) * SPARK_BINS))]++;
      }
      note.textContent = `${groups.length} kind${groups.length === 1 ? '' : 's'} of failure (${failures.length} failed spans) in the newest ${page.traces.length} traces with errors; most frequent first. Numbers, ids, quoted values and durations in messages are shown as <n>, <id>, <str>, <duration>.`;
      clear(list).append(...(groups.length ? groups.map(group) : [h('div', { class: 'empty' }, 'No errors.')]));
    } catch (e) {
      note.textContent = `Could not load errors: ${e.message}`;
    }
  }

  function group(g) {
    const ex = g.example;
    const el = h('details', { class: 'error-group', open: open.has(g.key) || null, dataset: { count: String(g.count) } },
      h('summary', null,
        h('span', { class: 'count' }, `${g.count}×`),
        h('b', { class: 'mono type' }, g.type),
        h('span', { class: 'error-msg', title: ex.message }, g.pattern),
        sparkline(g.bins),
        h('span', { class: 'svc' }, [...g.services].join(', ')),
        h('span', { class: 'last', title: fmtTime(g.last) }, `last ${fmtAgo(g.last)}`)),
      h('p', { class: 'example' }, h('span', { class: 'muted small' }, 'latest: '), ex.message || '(no message)'),
      g.frame ? h('p', { class: 'small' }, h('span', { class: 'muted' }, 'thrown at '), h('span', { class: 'mono' }, g.frame)) : null,
      ex.stacktrace ? h('pre', { class: 'stack' }, ex.stacktrace) : h('p', { class: 'muted small' }, 'no stack trace recorded'),
      h('div', { class: 'error-traces' }, g.traces.slice(0, 12).map((t) => h('a', { href: `#/trace/${t.traceId}?span=${t.spanId}`, class: 'chip', title: fmtTime(t.at) }, `${t.root} › ${t.span}`)),
        g.traces.length > 12 ? h('span', { class: 'muted small' }, ` and ${g.traces.length - 12} more traces`) : null));
    // a refresh keeps what the user opened
    el.addEventListener('toggle', () => (el.open ? open.add(g.key) : open.delete(g.key)));
    return el;
  }

  apply(params);
  const unsubscribe = live.subscribe((s) => {
    if (s.errorCount > 0 && !timer) timer = setTimeout(() => { timer = null; refresh(); }, 1500);
  });
  return { dispose() { unsubscribe(); clearTimeout(timer); }, update: apply };
}

/** When a kind of failure happened, over the time the page covers. */
function sparkline(bins) {
  const max = Math.max(1, ...bins);
  return svg('svg', { class: 'spark', viewBox: `0 0 ${bins.length * 3} 12`, width: bins.length * 3, height: 12, role: 'img', 'aria-label': 'failures over time' },
    bins.map((n, i) => (n ? svg('rect', { x: i * 3, y: 12 - Math.max(1.5, (n / max) * 12), width: 2, height: Math.max(1.5, (n / max) * 12) }) : null)));
}
