// The REST contract is docs/api.md. Endpoints still marked "planned" answer 404 until they land:
// optional() turns that into null so each panel can hide itself or compute on the client.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/** The error a failed response stands for, with the detail of its problem+json body when it has one. */
export async function apiError(r) {
  let detail = '';
  try {
    detail = (await r.json()).detail;
  } catch { /* not problem+json */ }
  return new ApiError(r.status, detail);
}

export async function getJson(path, signal) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  if (!r.ok) throw await apiError(r);
  return r.json();
}

export async function optional(path, signal) {
  try {
    return await getJson(path, signal);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
    throw e;
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === '' || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  traces: (params, signal) => getJson(`/api/traces${query(params)}`, signal),
  trace: (id, signal) => getJson(`/api/traces/${encodeURIComponent(id)}`, signal),
  timeline: (id, signal) => getJson(`/api/traces/${encodeURIComponent(id)}/timeline`, signal),
  span: (traceId, spanId, signal) => getJson(`/api/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, signal),
  health: () => getJson('/api/health'),
  stats: () => optional('/api/stats'),
  services: () => optional('/api/services'),
  primitives: () => optional('/api/primitives'),
  llmUsage: (groupBy) => optional(`/api/llm/usage?groupBy=${groupBy}`),
  settings: () => optional('/api/settings'),
  sessions: (params, signal) => getJson(`/api/sessions${query(params)}`, signal),
  session: (id, signal) => getJson(`/api/sessions/${encodeURIComponent(id)}`, signal),
  llmCalls: (params, signal) => getJson(`/api/llm-calls${query(params)}`, signal),
  llmCallTotals: (params, signal) => {
    const { sort, order, limit, cursor, ...filters } = params;
    return getJson(`/api/llm-calls/totals${query(filters)}`, signal);
  },
};

/**
 * New and changed trace summaries, pushed by the WebSocket feed when the server has it,
 * otherwise found by polling the list every 2 s. Listeners get (summary) for each.
 */
export class LiveFeed {
  constructor() {
    this.listeners = new Set();
    this.feedbackListeners = new Set();
    this.mode = 'connecting';
    this.seen = new Map();
    this.onMode = () => {};
    this.onBudget = () => {};
    this.connect();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** fn(traceId, items) whenever a trace's feedback changes through the API. */
  subscribeFeedback(fn) {
    this.feedbackListeners.add(fn);
    return () => this.feedbackListeners.delete(fn);
  }

  emit(summary) {
    const key = `${summary.spanCount}/${summary.endTimeUnixNano}/${summary.errorCount}`;
    if (this.seen.get(summary.traceId) === key) return;
    this.seen.set(summary.traceId, key);
    for (const fn of this.listeners) fn(summary);
  }

  setMode(m) {
    this.mode = m;
    this.onMode(m);
  }

  connect() {
    let opened = false;
    try {
      const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${proto}//${location.host}/api/live`);
      ws.onopen = () => {
        opened = true;
        this.setMode('websocket');
        this.stopPolling();
      };
      ws.onmessage = (ev) => {
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (msg.type === 'trace' && msg.summary) this.emit(msg.summary);
        else if (msg.type === 'budget') this.onBudget(msg.budget);
        else if (msg.type === 'feedback' && msg.traceId) for (const fn of this.feedbackListeners) fn(msg.traceId, msg.feedback || []);
        else if (msg.type === 'lagged') this.pollOnce();
      };
      ws.onclose = () => {
        this.startPolling();
        // the server restarted or the feed is not there yet: try again, gently
        setTimeout(() => this.connect(), opened ? 2000 : 15000);
      };
      ws.onerror = () => {};
    } catch {
      this.startPolling();
    }
  }

  startPolling() {
    if (this.timer) return;
    this.setMode('polling');
    this.pollOnce();
    this.timer = setInterval(() => this.pollOnce(), 2000);
  }

  stopPolling() {
    clearInterval(this.timer);
    this.timer = null;
  }

  async pollOnce() {
    try {
      const page = await api.traces({ limit: 100 });
      if (this.mode === 'offline') this.setMode(this.timer ? 'polling' : 'websocket');
      for (const s of page.traces.slice().reverse()) this.emit(s);
    } catch {
      this.setMode('offline');
    }
  }
}
