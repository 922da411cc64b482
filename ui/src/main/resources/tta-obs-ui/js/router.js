// Routes live in the hash (#/traces?service=x, #/trace/<id>?span=<id>) so that a copied link
// opens the same view and the static server needs no fallback route. The hash is the one source
// of the view's state: a view changes it here and redraws from it when it changes.

export function route() {
  const hash = location.hash.replace(/^#/, '') || '/traces';
  const i = hash.indexOf('?');
  const path = i < 0 ? hash : hash.slice(0, i);
  const params = new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
  return { path, parts: path.split('/').filter(Boolean), params };
}

export function href(path, params) {
  const q = params && [...params.keys()].length ? `?${params}` : '';
  return `#${path}${q}`;
}

/**
 * Moves to path?params. push adds a history entry (Back returns to the previous state) and the
 * app redraws on the hashchange it fires; replace rewrites the entry silently, for state the view
 * already shows (the selected span, each keystroke of a search).
 */
export function navigate(path, params, { replace = false } = {}) {
  const url = `${location.pathname}${location.search}${href(path, params)}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  if (replace) history.replaceState(null, '', url);
  else location.assign(url);
}
