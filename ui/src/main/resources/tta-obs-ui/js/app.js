import { clear, h } from './dom.js';
import { LiveFeed, api } from './api.js';
import { renderList } from './list.js';
import { renderTrace } from './trace.js';
import { renderCompare } from './compare.js';
import { renderMetrics } from './metrics.js';
import { renderErrors } from './errors.js';
import { renderSettings } from './settings.js';
import { renderSession, renderSessions } from './sessions.js';
import { renderLlmCalls } from './llmcalls.js';
import { listenToHost } from './host.js';
import { watchBudget } from './budget.js';
import { route } from './router.js';

const root = document.getElementById('app');
const embed = new URLSearchParams(location.search).get('embed') === '1';
document.documentElement.classList.toggle('embed', embed);

const THEME_KEY = 'tta-obs.theme';
function applyTheme(t) {
  if (t) document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
if (embed) {
  // VS Code marks the webview body vscode-light / vscode-dark / vscode-high-contrast and changes it live
  const follow = () => applyTheme(document.body.classList.contains('vscode-light') ? 'light'
    : document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast') ? 'dark' : null);
  follow();
  new MutationObserver(follow).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  listenToHost();
} else {
  applyTheme(localStorage.getItem(THEME_KEY));
}
document.getElementById('theme-toggle').addEventListener('click', () => {
  const dark = document.documentElement.dataset.theme
    ? document.documentElement.dataset.theme === 'dark'
    : matchMedia('(prefers-color-scheme: dark)').matches;
  const next = dark ? 'light' : 'dark';
  localStorage.setItem(THEME_KEY, next);
  applyTheme(next);
});

const live = new LiveFeed();
const liveStatus = document.getElementById('live-status');
live.onMode = (m) => {
  liveStatus.textContent = m === 'websocket' ? '● live' : m === 'polling' ? '● live (polling 2 s)' : m === 'offline' ? '○ server unreachable' : '';
  liveStatus.className = m === 'offline' ? 'err-text' : 'muted';
  document.documentElement.dataset.live = m;
};
watchBudget(live, document.getElementById('budget-banner'));

// While the server cannot store what it receives (a full disk, an I/O error), /api/health says
// "degraded" with the reason: shown above every view (embedded too) until writes work again.
const healthBanner = document.getElementById('health-banner');
async function checkHealth() {
  let health = null;
  try {
    health = await api.health();
  } catch { /* unreachable: the live status says so */ }
  const degraded = health?.status === 'degraded';
  healthBanner.hidden = !degraded;
  healthBanner.textContent = degraded ? `⚠ Not storing new data: ${health.reason || 'writes fail'}. Senders are told to retry.` : '';
}
checkHealth();
setInterval(checkHealth, 5000);

// A view is mounted for a path; a change of only the query part goes to its update(params), which
// redraws in place (and returns false when it cannot, for a full render).
let current = null;
function render() {
  const { path, parts, params } = route();
  if (current && current.path === path && current.update && current.update(params) !== false) return;
  if (current) current.dispose();
  current = null;
  clear(root);
  const view = parts[0] || 'traces';
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.dataset.nav === view || (view === 'trace' && a.dataset.nav === 'traces')
      || (view === 'session' && a.dataset.nav === 'sessions'));
  }
  const ctx = { root, params, live, embed };
  let mounted;
  try {
    if (view === 'trace' && parts[1]) mounted = renderTrace(ctx, parts[1]);
    else if (view === 'compare') mounted = renderCompare(ctx);
    else if (view === 'sessions') mounted = renderSessions(ctx);
    else if (view === 'session' && parts[1]) mounted = renderSession(ctx, decodeURIComponent(parts[1]));
    else if (view === 'metrics') mounted = renderMetrics(ctx);
    else if (view === 'errors') mounted = renderErrors(ctx);
    else if (view === 'settings') mounted = renderSettings(ctx);
    else if (view === 'llm-calls') mounted = renderLlmCalls(ctx);
    else mounted = renderList(ctx);
  } catch (e) {
    root.appendChild(h('p', { class: 'err-text' }, `Could not render this page: ${e.message}`));
    console.error(e);
  }
  const v = typeof mounted === 'function' ? { dispose: mounted } : (mounted || {});
  current = { path, dispose: v.dispose || (() => {}), update: v.update };
}

window.addEventListener('hashchange', render);
render();
