import { api } from './api.js';
import { clear, fmtInt, fmtMs, fmtTokens, fmtUsd, h } from './dom.js';
import { barList, lineChart } from './chart.js';
import { href } from './router.js';

const nanos = (ms) => (BigInt(Math.floor(ms)) * 1000000n).toString();

// Cards from /api/stats; charts over the newest 1000 trace summaries; cost by model and primitive
// usage from /api/llm/usage and /api/primitives. Every card, point and bar links to the list
// filtered to what it counts.
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
      draw(page.traces, stats || {}, usage?.rows || [], prims?.primitives || []);
      note.textContent = `Cards over every stored trace; charts from the newest ${page.traces.length} traces. Click a card, point or bar to see its traces.`;
    } catch (e) {
      note.textContent = `Could not load metrics: ${e.message}`;
    } finally {
      busy = false;
    }
  }

  function draw(traces, stats, byModel, prims) {
    const list = (o) => href('/traces', new URLSearchParams(o));
    const cache = prims.find((p) => p.type === 'cache');
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    clear(cards).append(
      card('traces', fmtInt(stats.traceCount ?? traces.length), list({})),
      card('average latency', fmtMs(stats.avgDurationMs), list({ sort: 'duration' })),
      card('p95 latency', fmtMs(stats.p95Ms), stats.p95Ms != null ? list({ minDurationMs: String(Math.floor(stats.p95Ms)), sort: 'duration' }) : null),
      card('error rate', stats.errorRate != null ? `${(stats.errorRate * 100).toFixed(1)}%` : '–', list({ errors: 'true' }), stats.errorRate ? 'err' : ''),
      ...(stats.recoveryRate ? [card('recovered', `${(stats.recoveryRate * 100).toFixed(1)}%`, list({ outcome: 'recovered' }), 'warn')] : []),
      card('cache hit rate', cache?.cacheHitRate != null ? `${(cache.cacheHitRate * 100).toFixed(0)}%` : '–', list({ primitive: 'cache' }), 'ok'),
      card('cost today', fmtUsd(stats.costTodayUsd ?? null), list({ start: nanos(midnight.getTime()), sort: 'cost' }), stats.costTodayUsd == null ? 'muted' : ''));

    const buckets = bucketise(traces);
    const link = (b) => list({ start: b.start, end: b.end });
    clear(charts).append(
      chartCard('Latency percentiles', lineChart({
        series: [
          { name: 'p50', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.5), href: link(b) })) },
          { name: 'p95', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.95), href: link(b) })) },
          { name: 'p99', points: buckets.map((b) => ({ x: b.t, y: pct(b.d, 0.99), href: link(b) })) }],
        yFormat: fmtMs, xFormat: clock })),
      chartCard('Throughput (traces per bucket)', lineChart({ bars: true, integer: true, series: [{ name: 'traces', points: buckets.map((b) => ({ x: b.t, y: b.d.length, href: link(b) })) }], yFormat: (v) => v.toFixed(0), xFormat: clock })),
      chartCard('Cost by model', barList(byModel.map((r) => ({ label: r.key, value: r.costUsd, href: list({ model: r.key }) })), fmtUsd),
        h('p', { class: 'muted small' }, byModel.map((r) => `${r.key}: ${r.calls} calls, ${fmtTokens((r.inputTokens || 0) + (r.outputTokens || 0))} tokens`).join(' · '))),
      chartCard('Primitive usage', barList(prims.map((p) => ({ label: p.type, value: p.calls, href: list({ primitive: p.type }) })), fmtInt)));
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
