// The VS Code webview embeds the dashboard in a cross-origin iframe, so the dashboard cannot see
// the editor's CSS variables or body classes. The extension's relay sends them (and what the host
// can do) by postMessage; see docs/vscode.md for the contract.

export const host = { features: new Set(), authToken: null };

function applyHostTheme(theme) {
  if (!theme || typeof theme !== 'object') return;
  const style = document.documentElement.style;
  for (const [name, value] of Object.entries(theme.vars || {})) {
    // only VS Code's own variables: a message must not be able to restyle arbitrary properties
    if (name.startsWith('--vscode-') && typeof value === 'string') style.setProperty(name, value);
  }
  document.documentElement.dataset.theme = theme.kind === 'light' ? 'light' : 'dark';
}

export function listenToHost() {
  if (window.parent === window) return;
  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || !e.data || typeof e.data !== 'object') return;
    const m = e.data;
    if (m.type === 'tta.host') {
      host.features = new Set(Array.isArray(m.features) ? m.features : []);
      host.authToken = typeof m.authToken === 'string' ? m.authToken : null;
      applyHostTheme(m.theme);
      document.dispatchEvent(new CustomEvent('tta-host'));
    } else if (m.type === 'tta.theme') {
      applyHostTheme(m.theme);
    }
  });
  window.parent.postMessage({ type: 'ready' }, '*');
}

/** Asks the editor to open a file at a line; only offered when the host said it can. */
export function openInEditor(path, line) {
  window.parent.postMessage({ type: 'openFile', path, line: Number(line) || 1 }, '*');
}

export function canOpenFiles() {
  return host.features.has('openFile');
}
