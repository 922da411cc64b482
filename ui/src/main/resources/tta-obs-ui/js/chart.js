import { h, svg } from './dom.js';

/**
 * A small SVG line/bar chart: series [{name, points: [{x, y, href?}]}]. Points with an href are links,
 * so every point leads to the traces behind it.
 */
export function lineChart({ series, yFormat = String, xFormat = String, height = 160, bars = false, integer = false }) {
  const W = 520;
  const H = height;
  const pad = { l: 52, r: 8, t: 8, b: 22 };
  const all = series.flatMap((s) => s.points);
  if (!all.length) return h('p', { class: 'muted small' }, 'no data yet');
  const xs = all.map((p) => p.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs, minX + 1);
  const top = Math.max(...all.map((p) => p.y), 1e-9);
  // counts get whole-number gridlines (0, 2, 4, 6), not 0, 1.33, 2.67 printed as 0, 1, 3
  const maxY = integer ? Math.max(1, Math.ceil(top / 3)) * 3 : top;
  // a lone bucket sits in the middle rather than on the axis
  const X = (x) => (maxX - minX <= 1 ? (W + pad.l - pad.r) / 2 : pad.l + ((x - minX) / (maxX - minX)) * (W - pad.l - pad.r));
  const Y = (y) => H - pad.b - (y / maxY) * (H - pad.t - pad.b);
  const g = [];
  for (let i = 0; i <= 3; i++) {
    const y = (maxY * i) / 3;
    g.push(svg('line', { x1: pad.l, x2: W - pad.r, y1: Y(y), y2: Y(y), class: 'grid' }));
    g.push(svg('text', { x: pad.l - 4, y: Y(y) + 4, 'text-anchor': 'end', class: 'axis' }, yFormat(y)));
  }
  g.push(svg('text', { x: pad.l, y: H - 4, class: 'axis' }, xFormat(minX)));
  g.push(svg('text', { x: W - pad.r, y: H - 4, 'text-anchor': 'end', class: 'axis' }, xFormat(maxX)));
  // drawn from the last series to the first, so the first (p50 before p95 before p99) stays on top
  // when lines coincide; later series are dashed and have larger points, so one hidden under
  // another still shows
  series.map((s, si) => [s, si]).reverse().forEach(([s, si]) => {
    const cls = `series s${si}`;
    if (bars) {
      const bw = Math.min(28, Math.max(2, ((W - pad.l - pad.r) / Math.max(1, s.points.length)) * 0.7));
      for (const p of s.points) {
        const r = svg('rect', { x: X(p.x) - bw / 2, y: Y(p.y), width: bw, height: H - pad.b - Y(p.y), class: cls }, svg('title', {}, `${xFormat(p.x)}: ${yFormat(p.y)}`));
        g.push(p.href ? svg('a', { href: p.href }, r) : r);
      }
    } else {
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join('');
      g.push(svg('path', { d, class: cls, fill: 'none' }));
      for (const p of s.points) {
        const c = svg('circle', { cx: X(p.x), cy: Y(p.y), r: 3 + si * 1.2, class: cls }, svg('title', {}, `${s.name} ${xFormat(p.x)}: ${yFormat(p.y)}`));
        g.push(p.href ? svg('a', { href: p.href }, c) : c);
      }
    }
  });
  const legend = series.length > 1 ? h('div', { class: 'legend' }, series.map((s, i) => h('span', { class: `key s${i}` }, s.name))) : null;
  return h('div', { class: 'chart' }, svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' }, g), legend);
}

/** Horizontal bars for a few labelled values (cost by model, primitive usage). */
export function barList(rows, fmt = String) {
  if (!rows.length) return h('p', { class: 'muted small' }, 'no data yet');
  const max = Math.max(...rows.map((r) => r.value || 0), 1e-12);
  return h('div', { class: 'barlist' }, rows.map((r) => h(r.href ? 'a' : 'div', { class: 'barrow', href: r.href },
    h('span', { class: 'k mono' }, r.label),
    h('span', { class: 'bar' }, h('span', { style: { width: `${(100 * (r.value || 0)) / max}%` } })),
    h('span', { class: 'v' }, r.value == null ? 'unpriced' : fmt(r.value)))));
}
