import { api, getJson } from './api.js';
import { clear, fmtMs, fmtTokens, fmtUsd, h } from './dom.js';
import { costText, indexTrace, isError, llmFacts } from './model.js';
import { feedbackSummary } from './feedback.js';

// Side by side: the server matches the two runs' spans (GET /api/compare: by path and position,
// LLM calls across model changes) and diffs the matched calls' messages; the page draws both
// waterfalls on one time scale, the deltas and the diffs.
const MAX_ROWS = 3000;

/** Two runs side by side: totals with deltas, both waterfalls row by row, and the LLM calls' diffs. */
export function renderCompare({ root, params }) {
  const a = params.get('a');
  const b = params.get('b');
  if (!a || !b) {
    root.append(h('div', { class: 'empty' }, 'Pick two runs: tick two traces in the list, use a regression badge, or "compare with previous run" in a trace.'));
    return () => {};
  }
  root.append(h('p', { class: 'muted' }, 'Loading both runs…'));
  const controller = new AbortController();
  Promise.all([api.trace(a, controller.signal), api.trace(b, controller.signal),
    getJson(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, controller.signal)]).then(([ta, tb, diff]) => {
    clear(root).append(view(ta, tb, diff));
  }).catch((e) => {
    if (e.name !== 'AbortError') clear(root).append(h('div', { class: 'empty' }, `Could not load both runs: ${e.message}`));
  });
  return () => controller.abort();
}

function totals(trace) {
  const idx = indexTrace(trace);
  const s = trace.summary || {};
  // no LLM call costs nothing; "unpriced" is only for calls without a known price
  const cost = s.llmCalls ? s.costUsd ?? null : 0;
  return { idx, s, durationMs: s.durationMs ?? idx.totalMs, spans: s.spanCount ?? idx.spans.length, errors: s.errorCount ?? 0,
    llmCalls: s.llmCalls ?? 0, tokens: (s.inputTokens || 0) + (s.outputTokens || 0), cost,
    retries: s.retries ?? 0, cacheHits: s.cacheHits ?? 0, fallbacks: s.fallbacksUsed ?? 0 };
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

function modelOf(sp) {
  const llm = sp && llmFacts(sp);
  return llm ? llm.reportedModel || llm.model || null : null;
}

function view(ta, tb, diff) {
  const A = totals(ta);
  const B = totals(tb);
  const count = (n) => String(n);
  const rows = [
    ['duration', A.durationMs, B.durationMs, fmtMs, true],
    ['spans', A.spans, B.spans, count, true],
    ['errors', A.errors, B.errors, count, true],
    ['LLM calls', A.llmCalls, B.llmCalls, count, true],
    ['tokens', A.tokens, B.tokens, fmtTokens, true],
    ['cost', A.cost, B.cost, fmtUsd, true],
    ['retries', A.retries, B.retries, count, true],
    ['cache hits', A.cacheHits, B.cacheHits, count, false],
    ['fallbacks', A.fallbacks, B.fallbacks, count, true],
  ];
  const name = (t) => t.summary?.workflowName || t.summary?.rootName || t.spans[0]?.name;
  return h('div', { class: 'compare' },
    h('div', { class: 'crumbs' }, h('a', { href: '#/traces' }, '← traces')),
    h('h1', null, `Compare runs of ${name(tb)}`),
    h('table', { class: 'dense compare-totals' },
      h('thead', null, h('tr', null, h('th', null, ''),
        h('th', null, h('a', { href: `#/trace/${ta.traceId}` }, 'A (baseline) '), h('span', { class: 'mono muted small' }, ta.traceId.slice(0, 8))),
        h('th', null, h('a', { href: `#/trace/${tb.traceId}` }, 'B '), h('span', { class: 'mono muted small' }, tb.traceId.slice(0, 8))),
        h('th', null, 'B − A'))),
      h('tbody', null, rows.map(([label, x, y, f, lower]) => h('tr', { dataset: { metric: label } }, h('th', null, label),
        h('td', { class: 'num' }, label === 'cost' ? costText({ ...A.s, costUsd: x }, fmtUsd) : f(x)),
        h('td', { class: 'num' }, label === 'cost' ? costText({ ...B.s, costUsd: y }, fmtUsd) : f(y)),
        h('td', { class: 'num' }, delta(x, y, f, lower)))),
        scoreRows(ta.feedback || [], tb.feedback || []))),
    h('h2', null, 'Spans side by side'),
    waterfalls(A, B, diff),
    h('h2', null, `LLM calls (${diff.llmCalls.length} matched)`),
    llmDiffs(A, B, diff));
}

/** One row per match: A's span and bar, B's span and bar, on one time scale, and the time it changed by. */
function waterfalls(A, B, diff) {
  const scale = Math.max(A.idx.totalMs, B.idx.totalMs) || 1;
  const bar = (idx, sp) => {
    if (!sp) return h('div', { class: 'wf-track' });
    const left = ((sp._start - idx.startNanos) / 1e6 / scale) * 100;
    const width = Math.max(0.3, ((sp._end - sp._start) / 1e6 / scale) * 100);
    return h('div', { class: 'wf-track' }, h('div', { class: `wf-bar ${isError(sp) ? 'err' : ''}`, style: { left: `${left}%`, width: `${width}%` } }));
  };
  const side = (idx, sp, depth) => (sp
    ? h('div', { class: 'cmp-side' },
      h('div', { class: 'cmp-name', style: { paddingLeft: `${4 + Math.min(depth, 30) * 12}px` }, title: sp.name },
        h('span', { class: isError(sp) ? 'err-text' : '' }, sp.name), h('span', { class: 'muted small' }, ` ${fmtMs(sp.durationMs)}`)),
      bar(idx, sp))
    : h('div', { class: 'cmp-side muted small' }, ''));
  const shown = diff.rows.slice(0, MAX_ROWS);
  return h('div', null,
    h('table', { class: 'dense compare-spans' },
      h('thead', null, h('tr', null, h('th', null, 'A (baseline)'), h('th', null, 'B'), h('th', { class: 'num' }, 'Δ time'), h('th', null, ''))),
      h('tbody', null, shown.map((r) => {
        const x = r.a ? A.idx.byId.get(r.a) : null;
        const y = r.b ? B.idx.byId.get(r.b) : null;
        const state = !x ? 'added' : !y ? 'missing' : '';
        const ma = modelOf(x);
        const mb = modelOf(y);
        const modelBadge = ma && mb && ma !== mb ? h('span', { class: 'badge warn', title: 'model changed' }, `${ma} → ${mb}`)
          : ma || mb ? h('span', { class: 'badge model' }, ma || mb) : null;
        return h('tr', { class: state, dataset: { path: r.path, a: r.a || '', b: r.b || '' } },
          h('td', { class: 'cmp-cell' }, side(A.idx, x, r.depth)),
          h('td', { class: 'cmp-cell' }, side(B.idx, y, r.depth)),
          h('td', { class: 'num' }, x && y ? delta(x.durationMs, y.durationMs, fmtMs) : ''),
          h('td', null, modelBadge, state ? h('span', { class: `badge ${state === 'added' ? 'warn' : 'info'}` }, state === 'added' ? 'only in B' : 'only in A') : null));
      }))),
    diff.rows.length > MAX_ROWS ? h('p', { class: 'muted small' }, `The first ${MAX_ROWS} of ${diff.rows.length} rows.`) : null);
}

/** Each matched LLM call: model, tokens, cost and latency before and after, and the diff of its messages. */
function llmDiffs(A, B, diff) {
  if (!diff.llmCalls.length) return h('p', { class: 'muted' }, 'No LLM call of one run matches one of the other.');
  return h('div', { class: 'compare-llm' }, diff.llmCalls.map((c, i) => {
    const x = A.idx.byId.get(c.a);
    const y = B.idx.byId.get(c.b);
    const la = llmFacts(x) || {};
    const lb = llmFacts(y) || {};
    const changed = c.diff.some((l) => l.op !== 'same');
    const tokens = (l) => (l.inputTokens || 0) + (l.outputTokens || 0);
    return h('details', { class: 'cmp-llm', open: i < 3, dataset: { a: c.a, b: c.b } },
      h('summary', null,
        h('b', null, x?.name || c.a), ' ',
        c.modelA !== c.modelB ? h('span', { class: 'badge warn' }, `${c.modelA || '?'} → ${c.modelB || '?'}`) : h('span', { class: 'badge model' }, c.modelA || '?'),
        h('span', { class: 'muted small' }, ` · tokens ${fmtTokens(tokens(la))} → ${fmtTokens(tokens(lb))} · cost ${fmtUsd(la.costUsd ?? null)} → ${fmtUsd(lb.costUsd ?? null)} · ${fmtMs(x?.durationMs)} → ${fmtMs(y?.durationMs)}`),
        changed ? '' : h('span', { class: 'muted small' }, ' · same messages')),
      c.diff.length ? h('div', { class: 'diff' }, c.diff.map((l) => h('div', { class: `diff-line diff-${l.op}` },
        h('span', { class: 'diff-op' }, l.op === 'added' ? '+' : l.op === 'removed' ? '−' : ' '), l.text)))
        : h('p', { class: 'muted small' }, 'Neither call recorded its messages.'));
  }));
}
