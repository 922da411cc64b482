import { api } from './api.js';
import { clear, fmtAgo, fmtTime, h } from './dom.js';
import { exceptions, isError, serviceOf } from './model.js';
import { groupFailures } from './fingerprint.js';

const TRACES = 60;

// Failures of the newest error traces, grouped by fingerprint (fingerprint.js): "timed out after 5s
// (step 16)" and "(step 8)" are one kind. One line per kind, most frequent first.
export function renderErrors({ root, live }) {
  const list = h('div', { class: 'error-groups' });
  const note = h('p', { class: 'muted small' });
  root.append(h('h1', null, 'Errors'), note, list);
  const open = new Set();
  let timer = null;

  async function refresh() {
    try {
      const page = await api.traces({ errors: 'true', limit: TRACES });
      const details = await Promise.all(page.traces.map((t) => api.trace(t.traceId).catch(() => null)));
      const failures = [];
      for (const d of details) {
        if (!d) continue;
        // a parent marked ERROR only because a child failed repeats that child's error: count the cause once
        const parentsOfErrors = new Set(d.spans.filter((sp) => isError(sp) || exceptions(sp).length).map((sp) => sp.parentSpanId));
        for (const sp of d.spans) {
          const ex = exceptions(sp)[0];
          if (!ex && (!isError(sp) || parentsOfErrors.has(sp.spanId))) continue;
          failures.push({ type: ex?.type || 'status ERROR', message: ex?.message || sp.status?.message || '', stacktrace: ex?.stacktrace,
            at: Number(sp.endTimeUnixNano), service: serviceOf(sp), traceId: d.traceId, spanId: sp.spanId,
            root: d.summary?.workflowName || d.summary?.rootName || sp.name, span: sp.name });
        }
      }
      const groups = groupFailures(failures);
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

  refresh();
  const unsubscribe = live.subscribe((s) => {
    if (s.errorCount > 0 && !timer) timer = setTimeout(() => { timer = null; refresh(); }, 1500);
  });
  return () => { unsubscribe(); clearTimeout(timer); };
}
