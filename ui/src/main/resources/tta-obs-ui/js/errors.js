import { api } from './api.js';
import { clear, fmtAgo, h } from './dom.js';
import { exceptions, isError } from './model.js';

// Grouped on the client from the newest error traces' spans; the grouping key is what a developer
// scans for: the exception type and its message.
export function renderErrors({ root, live }) {
  const list = h('div', { class: 'error-groups' });
  const note = h('p', { class: 'muted small' });
  root.append(h('h1', null, 'Errors'), note, list);
  let timer = null;

  async function refresh() {
    try {
      const page = await api.traces({ errors: 'true', limit: 60 });
      const details = await Promise.all(page.traces.map((t) => api.trace(t.traceId).catch(() => null)));
      const groups = new Map();
      for (const d of details) {
        if (!d) continue;
        // a parent marked ERROR only because a child failed repeats that child's error: group the cause once
        const parentsOfErrors = new Set(d.spans.filter((sp) => isError(sp) || exceptions(sp).length).map((sp) => sp.parentSpanId));
        for (const sp of d.spans) {
          if (!isError(sp) && !exceptions(sp).length) continue;
          const ex = exceptions(sp)[0];
          if (!ex && parentsOfErrors.has(sp.spanId)) continue;
          const type = ex?.type || 'status ERROR';
          const message = ex?.message || sp.status?.message || '';
          const key = `${type}\u0000${message}`;
          const g = groups.get(key) || { type, message, count: 0, last: 0, stack: null, traces: [] };
          g.count++;
          const at = Number(sp.endTimeUnixNano);
          if (at > g.last) g.last = at;
          if (!g.stack && ex?.stacktrace) g.stack = ex.stacktrace;
          if (g.traces.length < 8 && !g.traces.some((x) => x.traceId === d.traceId)) g.traces.push({ traceId: d.traceId, spanId: sp.spanId, name: d.summary?.rootName || sp.name, span: sp.name });
          groups.set(key, g);
        }
      }
      const sorted = [...groups.values()].sort((a, b) => b.last - a.last);
      note.textContent = `${sorted.length} groups from the newest ${page.traces.length} traces with errors.`;
      clear(list).append(...(sorted.length ? sorted.map(group) : [h('div', { class: 'empty' }, 'No errors. ')]));
    } catch (e) {
      note.textContent = `Could not load errors: ${e.message}`;
    }
  }

  function group(g) {
    return h('details', { class: 'error-group', open: true },
      h('summary', null, h('span', { class: 'count' }, `${g.count}×`), h('b', { class: 'mono' }, g.type), g.message ? h('span', null, `: ${g.message}`) : null,
        h('span', { class: 'muted small' }, ` · last ${g.last ? fmtAgo(g.last) : ''}`)),
      g.stack ? h('pre', { class: 'stack' }, g.stack) : h('p', { class: 'muted small' }, 'no stack trace recorded'),
      h('div', { class: 'error-traces' }, g.traces.map((t) => h('a', { href: `#/trace/${t.traceId}?span=${t.spanId}`, class: 'chip' }, `${t.name} › ${t.span}`))));
  }

  refresh();
  const unsubscribe = live.subscribe((s) => {
    if (s.errorCount > 0 && !timer) timer = setTimeout(() => { timer = null; refresh(); }, 1500);
  });
  return () => { unsubscribe(); clearTimeout(timer); };
}
