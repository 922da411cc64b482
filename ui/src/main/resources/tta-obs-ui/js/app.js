import { clear, h } from './dom.js';
import { LiveFeed } from './api.js';
import { renderList } from './list.js';
import { renderTrace } from './trace.js';
import { renderCompare } from './compare.js';
import { renderMetrics } from './metrics.js';
import { renderErrors } from './errors.js';
import { renderSettings } from './settings.js';
import { listenToHost } from './host.js';

// Routes live in the hash (#/traces?service=x, #/trace/<id>?span=<id>) so that a copied link
// opens the same view and the static server needs no fallback route.
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

export const live = new LiveFeed();
const liveStatus = document.getElementById('live-status');
live.onMode = (m) => {
  liveStatus.textContent = m === 'websocket' ? '● live' : m === 'polling' ? '● live (polling 2 s)' : m === 'offline' ? '○ server unreachable' : '';
  liveStatus.className = m === 'offline' ? 'err-text' : 'muted';
  document.documentElement.dataset.live = m;
};

export function route() {
  const hash = location.hash.replace(/^#/, '') || '/traces';
  const [path, qs] = hash.split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(qs || '') };
}

/** Rewrites the hash without adding history (filters, selection) or with it (navigation). */
export function setRoute(path, params, push = false) {
  const q = params && [...params.keys()].length ? `?${params}` : '';
  const url = `${location.pathname}${location.search}#${path}${q}`;
  if (push) location.assign(url);
  else history.replaceState(null, '', url);
}

let cleanup = null;
function render() {
  if (cleanup) cleanup();
  cleanup = null;
  clear(root);
  const { parts, params } = route();
  const view = parts[0] || 'traces';
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.dataset.nav === view || (view === 'trace' && a.dataset.nav === 'traces'));
  }
  const ctx = { root, params, live, embed };
  try {
    if (view === 'trace' && parts[1]) cleanup = renderTrace(ctx, parts[1]);
    else if (view === 'compare') cleanup = renderCompare(ctx);
    else if (view === 'metrics') cleanup = renderMetrics(ctx);
    else if (view === 'errors') cleanup = renderErrors(ctx);
    else if (view === 'settings') cleanup = renderSettings(ctx);
    else cleanup = renderList(ctx);
  } catch (e) {
    root.appendChild(h('p', { class: 'err-text' }, `Could not render this page: ${e.message}`));
    console.error(e);
  }
}

let lastPath = null;
window.addEventListener('hashchange', () => {
  // filters rewrite only the query part; re-render only when the page itself changes
  const p = location.hash.split('?')[0];
  if (p !== lastPath) {
    lastPath = p;
    render();
  }
});
lastPath = location.hash.split('?')[0];
render();
