import { api } from './api.js';
import { clear, fmtMs, fmtTokens, fmtUsd, h } from './dom.js';
import { indexTrace, isError } from './model.js';
import { feedbackSummary } from './feedback.js';

/** Two runs side by side: totals with deltas, then every span path with its count and time in each. */
export function renderCompare({ root, params }) {
  const a = params.get('a');
  const b = params.get('b');
  if (!a || !b) {
    root.append(h('div', { class: 'empty' }, 'Pick two runs: open a trace and use "compare with previous run", or a regression badge.'));
    return () => {};
  }
  root.append(h('p', { class: 'muted' }, 'Loading both runs…'));
  Promise.all([api.trace(a), api.trace(b)]).then(([ta, tb]) => {
    clear(root).append(view(ta, tb));
  }).catch((e) => clear(root).append(h('div', { class: 'empty' }, `Could not load both runs: ${e.message}`)));
  return () => {};
}

function totals(trace) {
  const idx = indexTrace(trace);
  const s = trace.summary || {};
  // no LLM call costs nothing; "unpriced" is only for calls without a known price
  const cost = s.llmCalls ? s.costUsd ?? null : 0;
  return { idx, durationMs: s.durationMs ?? idx.totalMs, spans: s.spanCount ?? idx.spans.length, errors: s.errorCount ?? 0,
    tokens: (s.inputTokens || 0) + (s.outputTokens || 0), cost };
}

// An LLM span is named after its model ("chat gpt-4o"): matched by name, a model switch would read
// as one call only in A and another only in B. In a path it is "LLM call", its models listed aside.
const segment = (sp) => (sp.llm ? 'LLM call' : sp.name);

function paths(idx) {
  const out = new Map();
  for (const sp of idx.spans) {
    const key = [];
    for (let p = sp; p; p = p._parent) key.unshift(segment(p));
    const k = key.join(' › ');
    const e = out.get(k) || { count: 0, ms: 0, errors: 0, depth: sp.depth || 0, models: new Set() };
    e.count++;
    e.ms += sp.durationMs || 0;
    if (isError(sp)) e.errors++;
    if (sp.llm?.model) e.models.add(sp.llm.model);
    out.set(k, e);
  }
  return out;
}

function models(x, y) {
  const a = [...(x?.models || [])].sort().join(', ');
  const b = [...(y?.models || [])].sort().join(', ');
  if (!a && !b) return null;
  if (!x || !y || a === b) return h('span', { class: 'badge model' }, a || b);
  return h('span', { class: 'badge warn', title: 'model changed' }, `${a || '–'} → ${b || '–'}`);
}

function delta(x, y, fmt, lowerIsBetter = true) {
  if (x == null || y == null) return h('span', { class: 'muted' }, '');
  const d = y - x;
  if (Math.abs(d) < 1e-9) return h('span', { class: 'muted' }, '±0');
  const worse = lowerIsBetter ? d > 0 : d < 0;
  const pct = x ? ` (${d > 0 ? '+' : ''}${((100 * d) / x).toFixed(0)}%)` : '';
  return h('span', { class: worse ? 'err-text' : 'ok-text' }, `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}${pct}`);
}

/** Feedback as badges, then each score name with its latest score in each run and the change. */
function scoreRows(fa, fb) {
  if (!fa.length && !fb.length) return null;
  const latest = (items) => {
    const m = new Map();
    for (const f of items) if (f.score != null && f.name !== 'thumbs') m.set(f.name, f.score);
    return m;
  };
  const la = latest(fa);
  const lb = latest(fb);
  const names = [...new Set([...la.keys(), ...lb.keys()])].sort();
  const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  return [
    h('tr', { id: 'compare-feedback' }, h('th', null, 'feedback'), h('td', null, feedbackSummary(fa) || '–'), h('td', null, feedbackSummary(fb) || '–'), h('td', null, '')),
    ...names.map((n) => h('tr', { class: 'compare-score' }, h('th', null, `score: ${n}`),
      h('td', { class: 'num' }, la.has(n) ? fmt(la.get(n)) : '–'), h('td', { class: 'num' }, lb.has(n) ? fmt(lb.get(n)) : '–'),
      h('td', { class: 'num' }, la.has(n) && lb.has(n) ? delta(la.get(n), lb.get(n), fmt, false) : ''))),
  ];
}

function view(ta, tb) {
  const A = totals(ta);
  const B = totals(tb);
  const rows = [
    ['duration', A.durationMs, B.durationMs, fmtMs],
    ['spans', A.spans, B.spans, String],
    ['errors', A.errors, B.errors, String],
    ['tokens', A.tokens, B.tokens, fmtTokens],
    ['cost', A.cost, B.cost, fmtUsd],
  ];
  const pa = paths(A.idx);
  const pb = paths(B.idx);
  const keys = [...new Set([...pa.keys(), ...pb.keys()])];
  const name = (t) => t.summary?.rootName || t.spans[0]?.name;
  return h('div', { class: 'compare' },
    h('div', { class: 'crumbs' }, h('a', { href: '#/traces' }, '← traces')),
    h('h1', null, `Compare runs of ${name(tb)}`),
    h('table', { class: 'dense compare-totals' },
      h('thead', null, h('tr', null, h('th', null, ''),
        h('th', null, h('a', { href: `#/trace/${ta.traceId}` }, 'A (baseline) '), h('span', { class: 'mono muted small' }, ta.traceId.slice(0, 8))),
        h('th', null, h('a', { href: `#/trace/${tb.traceId}` }, 'B '), h('span', { class: 'mono muted small' }, tb.traceId.slice(0, 8))),
        h('th', null, 'B − A'))),
      h('tbody', null, rows.map(([label, x, y, f]) => h('tr', null, h('th', null, label), h('td', { class: 'num' }, f(x)), h('td', { class: 'num' }, f(y)), h('td', { class: 'num' }, delta(x, y, f)))),
        scoreRows(ta.feedback || [], tb.feedback || []))),
    h('h2', null, 'Spans'),
    h('table', { class: 'dense compare-spans' },
      h('thead', null, h('tr', null, h('th', null, 'span path'), h('th', { class: 'num' }, 'A'), h('th', { class: 'num' }, 'B'), h('th', { class: 'num' }, 'time A'), h('th', { class: 'num' }, 'time B'), h('th', { class: 'num' }, 'Δ time'))),
      h('tbody', null, keys.map((k) => {
        const x = pa.get(k);
        const y = pb.get(k);
        const state = !x ? 'added' : !y ? 'missing' : '';
        return h('tr', { class: state },
          h('td', { class: 'mono small' }, k, models(x, y), state ? h('span', { class: `badge ${state === 'added' ? 'warn' : 'info'}` }, state === 'added' ? 'only in B' : 'only in A') : null),
          h('td', { class: 'num' }, x ? x.count : '–'), h('td', { class: 'num' }, y ? y.count : '–'),
          h('td', { class: 'num' }, x ? fmtMs(x.ms) : '–'), h('td', { class: 'num' }, y ? fmtMs(y.ms) : '–'),
          h('td', { class: 'num' }, x && y ? delta(x.ms, y.ms, fmtMs) : ''));
      }))));
}
