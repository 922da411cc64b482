import { api } from './api.js';
import { clear, fmtInt, h } from './dom.js';

export function renderSettings({ root, live }) {
  const body = h('div', { class: 'settings' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Settings'), body);
  Promise.all([api.health().catch(() => null), api.settings().catch(() => null)]).then(([health, s]) => {
    const rows = [
      ['health', health ? (health.status === 'degraded' ? `degraded: ${health.reason}` : health.status) : null],
      ['version', s?.version ?? health?.version],
      ['storage', s?.storage ?? health?.storage],
      ['retention: newest traces kept', s?.retention?.maxTraces != null ? fmtInt(s.retention.maxTraces) : null],
      ['retention: maximum age', s?.retention?.maxAge],
      ['traces evicted so far', s?.evictedTraces != null ? fmtInt(s.evictedTraces) : null],
      ['ports', s?.ports ? Object.entries(s.ports).map(([k, v]) => `${k} ${v}`).join(', ') : `dashboard and OTLP/HTTP ${location.port || 80}`],
      ['price table date', s?.priceTableDate],
      ['OTLP/HTTP endpoint', `${location.origin}/v1/traces`],
      ['live updates', live.mode === 'websocket' ? 'WebSocket /api/live' : 'polling /api/traces every 2 s'],
    ];
    clear(body).append(
      h('table', { class: 'attrs settings-table' }, h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', null, k),
        h('td', { class: v == null ? 'muted' : 'mono' }, v == null ? 'not reported by this server yet' : String(v)))))),
      h('h2', null, 'Appearance'),
      h('p', null, 'Theme follows the system until you pick one with the ◐ button; the VS Code webview (?embed=1) follows the editor theme.'));
  });
  return () => {};
}
