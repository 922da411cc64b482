import { api } from './api.js';
import { clear, fmtInt, fmtMs, fmtTokens, fmtUsd, h } from './dom.js';
import { barList, lineChart } from './chart.js';
import { llmFacts, primitiveBadges } from './model.js';

// Until /api/stats, /api/llm/usage and /api/primitives land, the cards and charts are computed
// from the newest 1000 trace summaries (and, for cost by model, the newest LLM traces' spans).
export function renderMetrics({ root, live }) {
  const cards = h('div', { class: 'cards' });
  const charts = h('div', { class: 'charts' });
  const note = h('p', { class: 'muted small' });
  root.append(h('h1', null, 'Metrics'), cards, charts, note);
  let timer = null;
  let busy = false;

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [page, stats, usage, prims] = await Promise.all([
        api.traces({ limit: 1000 }), api.stats(), api.llmUsage('model'), api.primitives()]);
      const traces = page.traces;
      const spans = await recentSpans(traces, usage, prims);
      draw(traces, stats, usage, prims, costByModel(spans, usage), spans);
      note.textContent = `${stats ? 'Cards from /api/stats' : `Computed from the newest ${traces.length} traces`}; charts from the same traces. Click a point to see its traces.`;
    } catch (e) {
      note.textContent = `Could not load metrics: ${e.message}`;
    } finally {
      busy = false;
    }
  }

  function draw(traces, stats, usage, prims, byModel, spans) {
    const durations = traces.map((t) => t.durationMs || 0);
    const errs = traces.filter((t) => t.errorCount > 0).length;
    let hits = traces.reduce((n, t) => n + (t.cacheHits || 0), 0);
    let misses = traces.reduce((n, t) => n + (t.cacheMisses || 0), 0);
    if (!hits && !misses && spans) {
      for (const sp of spans) for (const b of primitiveBadges(sp)) {
        if (b.text === 'cache hit') hits++;
        else if (b.text === 'cache miss') misses++;
      }
    }
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const today = traces.filter((t) => Number(t.startTimeUnixNano) / 1e6 >= midnight.getTime());
    const priced = today.filter((t) => t.costUsd != null);
    let costToday = stats?.costTodayUsd !== undefined ? stats.costTodayUsd : priced.length ? priced.reduce((a, t) => a + t.costUsd, 0) : null;
    if (costToday == null && spans) {
      const spanCosts = spans.filter((sp) => Number(sp.startTimeUnixNano) / 1e6 >= midnight.getTime())
        .map((sp) => llmFacts(sp)?.costUsd).filter((c) => c != null);
      if (spanCosts.length) costToday = spanCosts.reduce((a, c) => a + c, 0);
    }
    clear(cards).append(
      card('traces', fmtInt(stats?.traceCount ?? traces.length), '#/traces'),
      card('average latency', fmtMs(stats?.avgDurationMs ?? (durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null))),
      card('p95 latency', fmtMs(stats?.p95Ms ?? pct(durations, 0.95))),
      card('error rate', `${(((stats?.errorRate ?? (traces.length ? errs / traces.length : 0))) * 100).toFixed(1)}%`, '#/traces?errors=true', errs ? 'err' : ''),
      card('cache hit rate', hits + misses ? `${((100 * hits) / (hits + misses)).toFixed(0)}%` : '–', '#/traces?primitive=cache', 'ok'),
      card('cost today', fmtUsd(costToday), null, costToday == null ? 'muted' : ''));

    const buckets = bucketise(traces);
    const link = (b) => `#/traces?start=${b.start}&end=${b.end}`;
    clear(charts).append(
      chartCard('Latency percentiles', lineChart({
        series: [
          { name: 'p50', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.5), href: link(b) })) },
          { name: 'p95', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.95), href: link(b) })) },
          { name: 'p99', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.99), href: link(b) })) }],
        yFormat: fmtMs, xFormat: clock })),
      chartCard('Throughput (traces per bucket)', lineChart({ bars: true, series: [{ name: 'traces', points: buckets.map((b) => ({ x: b.t, y: b.d.length, href: link(b) })) }], yFormat: (v) => v.toFixed(0), xFormat: clock })),
      chartCard('Cost by model', barList(byModel.map((r) => ({ label: r.key, value: r.costUsd, href: `#/traces?model=${encodeURIComponent(r.key)}` })), fmtUsd),
        h('p', { class: 'muted small' }, byModel.map((r) => `${r.key}: ${r.calls} calls, ${fmtTokens((r.inputTokens || 0) + (r.outputTokens || 0))} tokens`).join(' · '))),
      chartCard('Primitive usage', barList(primitiveRows(traces, prims, spans), fmtInt)));
  }

  refresh();
  // live, but coalesced: a burst of new traces costs one refresh
  const unsubscribe = live.subscribe(() => {
    if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, 1500);
  });
  return () => { unsubscribe(); clearTimeout(timer); };
}

function card(label, value, href, tone) {
  return h(href ? 'a' : 'div', { class: `card ${tone || ''}`, href }, h('div', { class: 'v' }, value), h('div', { class: 'k' }, label));
}

function chartCard(title, ...body) {
  return h('section', { class: 'chart-card' }, h('h3', null, title), ...body);
}

function pct(values, p) {
  if (!values.length) return null;
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit' });
}

function bucketise(traces) {
  if (!traces.length) return [];
  const ts = traces.map((t) => Number(t.startTimeUnixNano) / 1e6);
  const min = Math.min(...ts);
  const max = Math.max(...ts);
  const sizes = [6e4, 3e5, 9e5, 3.6e6, 2.16e7, 8.64e7];
  const size = sizes.find((s) => (max - min) / s <= 40) || 8.64e7;
  const map = new Map();
  traces.forEach((t, i) => {
    const k = Math.floor(ts[i] / size) * size;
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(t.durationMs || 0);
  });
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([k, d]) => ({
    t: k, d, start: (BigInt(k) * 1000000n).toString(), end: (BigInt(k + size) * 1000000n - 1n).toString() }));
}

/**
 * Spans of the newest small traces, only when the server has neither the usage endpoints nor the
 * per-trace LLM and primitive counts: then the charts classify spans here, as the trace view does.
 */
async function recentSpans(traces, usage, prims) {
  if (usage?.rows && prims?.primitives) return null;
  const serverCounts = traces.some((t) => t.llmCalls > 0 || (t.primitiveTypes || []).length);
  const pick = traces.filter((t) => (serverCounts ? t.llmCalls > 0 || t.cacheHits || t.cacheMisses : true) && t.spanCount <= 2000).slice(0, 40);
  const details = await Promise.all(pick.map((t) => api.trace(t.traceId).catch(() => null)));
  return details.flatMap((d) => d?.spans || []);
}

function costByModel(spans, usage) {
  if (usage?.rows) return usage.rows;
  const rows = new Map();
  {
    for (const sp of spans || []) {
      const f = llmFacts(sp);
      if (!f || !f.model) continue;
      const r = rows.get(f.model) || { key: f.model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: null };
      r.calls++;
      r.inputTokens += f.inputTokens || 0;
      r.outputTokens += f.outputTokens || 0;
      if (f.costUsd != null) r.costUsd = (r.costUsd || 0) + f.costUsd;
      rows.set(f.model, r);
    }
  }
  return [...rows.values()].sort((a, b) => (b.costUsd || 0) - (a.costUsd || 0));
}

function primitiveRows(traces, prims, spans) {
  if (prims?.primitives) return prims.primitives.map((p) => ({ label: p.type, value: p.calls, href: `#/traces?primitive=${encodeURIComponent(p.type)}` }));
  const counts = new Map();
  const add = (k, n) => counts.set(k, (counts.get(k) || 0) + n);
  if (!traces.some((t) => (t.primitiveTypes || []).length) && spans) {
    for (const sp of spans) {
      for (const b of primitiveBadges(sp)) add(b.text.replace(/ .*/, '') === 'cache' ? b.text : b.text.split(' ')[0], 1);
      if (llmFacts(sp)) add('llm', 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: k, value: v }));
  }
  for (const t of traces) {
    if (t.cacheHits) add('cache hit', t.cacheHits);
    if (t.cacheMisses) add('cache miss', t.cacheMisses);
    if (t.retries) add('retry', t.retries);
    if (t.fallbacksUsed) add('fallback', t.fallbacksUsed);
    if (t.llmCalls) add('llm', t.llmCalls);
    if (!t.cacheHits && !t.cacheMisses && !t.retries && !t.fallbacksUsed) for (const p of t.primitiveTypes || []) add(p, 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: k, value: v }));
}
