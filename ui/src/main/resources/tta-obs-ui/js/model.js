// How the server's facts about spans and traces read on the page (docs/api.md): the classification
// (span.primitive), LLM usage (span.llm), self time and the critical path come from the server as
// they are; this module only turns them into badges, icons and chat parts.

/** The plain JS value of a typed attribute ({type, value}); arrays and maps become JS arrays/objects. */
export function plain(attr) {
  if (attr == null) return undefined;
  if (typeof attr !== 'object' || !('type' in attr)) return attr;
  if (attr.type === 'array') return (attr.value || []).map(plain);
  if (attr.type === 'map') return Object.fromEntries(Object.entries(attr.value || {}).map(([k, v]) => [k, plain(v)]));
  return attr.value;
}

export function isError(span) {
  return span.status && span.status.code === 'ERROR';
}

export function exceptions(span) {
  return (span.events || []).filter((e) => e.name === 'exception').map((e) => ({
    type: plain(e.attributes?.['exception.type']),
    message: plain(e.attributes?.['exception.message']),
    stacktrace: plain(e.attributes?.['exception.stacktrace']),
    timeUnixNano: e.timeUnixNano,
  }));
}

export function serviceOf(span) {
  if (span._service != null) return span._service;
  return plain(span.resource?.attributes?.['service.name']) || '';
}

/** Whether the span recorded an exception: from its events, or from the slim timeline's flag before they are loaded. */
export function threw(span) {
  return Boolean(span._threw) || exceptions(span).length > 0;
}

/**
 * The slim timeline (GET /api/traces/{id}/timeline: a row per span, columns named in `fields`) as
 * span objects shaped like the full trace's, without what only the side panel and search read
 * (attributes, events, links, resource, messages): `_slim` marks them until those are merged in.
 */
export function inflateTimeline(body) {
  const col = Object.fromEntries(body.fields.map((f, i) => [f, i]));
  const base = Number(body.startTimeUnixNano);
  const spans = body.spans.map((r) => {
    const start = base + r[col.startOffsetNs];
    const sp = {
      traceId: body.traceId,
      spanId: r[col.spanId],
      parentSpanId: r[col.parentSpanId],
      depth: r[col.depth],
      name: r[col.name],
      kind: r[col.kind],
      startTimeUnixNano: start,
      endTimeUnixNano: start + r[col.durationNs],
      durationMs: r[col.durationNs] / 1e6,
      status: { code: r[col.status], message: r[col.statusMessage] || '' },
      _service: body.services[r[col.service]] ?? '',
      _threw: (r[col.flags] & 1) !== 0,
      _slim: true,
    };
    if (r[col.primitive]) sp.primitive = r[col.primitive];
    if (r[col.llm]) sp.llm = r[col.llm];
    return sp;
  });
  return { traceId: body.traceId, summary: body.summary, baseline: body.baseline, feedback: body.feedback, criticalPath: body.criticalPath, spans, slim: true };
}

/** Merges a full span (GET …/spans/{spanId} or an element of the full trace) into its slim one. */
export function mergeDetails(sp, full) {
  for (const [k, v] of Object.entries(full)) if (!k.startsWith('_') && k !== 'startTimeUnixNano' && k !== 'endTimeUnixNano') sp[k] = v;
  sp._slim = false;
  return sp;
}

// kinds every workflow has, or that the LLM facts and the icon already say: no badge of their own
const QUIET_KINDS = new Set(['llm', 'sequential', 'workflow', 'other', 'lambda', 'embedding', 'tool', 'retriever', 'agent']);

/** The server's classification (span.primitive) as badges: [{text, tone, title}], tone ok / warn / err / info. */
export function primitiveBadges(span) {
  const p = span.primitive;
  if (!p || typeof p !== 'object') return [];
  const out = [];
  if (p.cacheHit === true) out.push({ text: 'cache hit', tone: 'ok', title: p.type });
  else if (p.cacheHit === false) out.push({ text: 'cache miss', tone: 'info', title: p.type });
  const r = p.retry;
  if (r && r.attempt != null) out.push({ text: `attempt ${r.attempt}${r.maxAttempts ? `/${r.maxAttempts}` : ''}`, tone: 'warn' });
  else if (r && (r.finalAttempts != null || r.maxAttempts != null)) {
    out.push({ text: `retry ${r.finalAttempts ?? '?'}/${r.maxAttempts ?? '?'}`, tone: r.finalAttempts > 1 ? 'warn' : 'info' });
  }
  if (p.fallback && p.fallback.used) {
    out.push({ text: `fallback → ${String(p.fallback.to || 'fallback').replace(/Primitive$/, '')}`, tone: 'warn', title: p.fallback.from ? `from ${p.fallback.from}` : null });
  }
  if (p.timeoutFired) out.push({ text: 'timeout fired', tone: 'err' });
  if (p.circuitState) out.push({ text: `circuit ${p.circuitState}`, tone: p.circuitState === 'open' ? 'err' : 'info' });
  if (p.route != null) out.push({ text: `route ${p.route}`, tone: 'info' });
  if (p.compensated) out.push({ text: 'compensated', tone: 'warn' });
  if (!out.length && p.kind && !QUIET_KINDS.has(p.kind)) out.push({ text: p.kind.replace(/_/g, ' '), tone: 'info', title: p.type });
  return out;
}

const ICONS = {
  llm: { letter: 'L', title: 'LLM call', cls: 'llm' },
  tool: { letter: 'T', title: 'tool', cls: 'tool' },
  retriever: { letter: 'R', title: 'retriever', cls: 'retriever' },
  embedding: { letter: 'E', title: 'embedding', cls: 'retriever' },
  agent: { letter: 'A', title: 'agent', cls: 'agent' },
};

/** An icon letter for the span's kind of work, LangSmith-style. */
export function kindIcon(span) {
  if (span.llm) return ICONS.llm;
  const kind = span.primitive?.kind;
  if (ICONS[kind]) return ICONS[kind];
  if (kind) return { letter: 'P', title: span.primitive.type || kind, cls: 'prim' };
  return { letter: '·', title: span.kind || 'span', cls: 'plain' };
}

const llmCache = new WeakMap();

/** span.llm with its messages as chat parts, or null if the server did not find an LLM call. */
export function llmFacts(span) {
  if (!span.llm || typeof span.llm !== 'object') return null;
  // keyed by the llm object: merging a span's details replaces it, messages and all
  let f = llmCache.get(span.llm);
  if (!f) {
    f = { ...span.llm, messages: (span.llm.messages || []).map(chatParts) };
    llmCache.set(span.llm, f);
  }
  return f;
}

/** {role, content, toolCalls, toolCallId} → {role, parts: [{type: 'text'|'tool_call'|'tool_result', ...}]} */
function chatParts(m) {
  const parts = [];
  if (m.toolCallId != null) parts.push({ type: 'tool_result', id: m.toolCallId, content: m.content ?? '' });
  else if (m.content != null && m.content !== '') parts.push({ type: 'text', content: m.content });
  for (const c of m.toolCalls || []) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments });
  return { role: m.role || 'unknown', parts };
}

/**
 * Indexes a trace's spans (in tree order, with depth, from the API) for the tree and the timeline:
 * children lists and descendant counts, and which spans are on the server's critical path.
 */
export function indexTrace(trace) {
  const spans = trace.spans;
  const byId = new Map();
  spans.forEach((s, i) => {
    s._i = i;
    s._start = Number(s.startTimeUnixNano);
    s._end = Number(s.endTimeUnixNano);
    s._children = [];
    byId.set(s.spanId, s);
  });
  const roots = [];
  for (const s of spans) {
    const p = s.parentSpanId && byId.get(s.parentSpanId);
    if (p && p !== s) {
      s._parent = p;
      p._children.push(s);
    } else roots.push(s);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    s._desc = s._children.reduce((n, c) => n + 1 + c._desc, 0);
    if (s._start < min) min = s._start;
    if (s._end > max) max = s._end;
  }
  const cp = new Set(trace.criticalPath || []);
  for (const s of spans) s._critical = cp.has(s.spanId);
  return { spans, byId, roots, startNanos: min, endNanos: max, totalMs: Math.max((max - min) / 1e6, 1e-6) };
}

// primitive types every run has: as badges on every row they would say nothing
const QUIET_TYPES = new Set(['llm', 'sequential', 'lambda', 'workflow', 'embedding', 'other', 'tool', 'retriever', 'agent']);

/** The cost as a list or header shows it: never $0 for calls that counted no tokens. */
export function costText(s, fmtUsd) {
  if (s.costStatus === 'no_usage') return 'usage unknown';
  return fmtUsd(s.costUsd ?? null);
}

/** Why a cost is what it is, for its tooltip. */
export function costTitle(s) {
  const calls = (n) => `${n} call${n === 1 ? '' : 's'}`;
  if (s.costStatus === 'no_usage') return 'the calls reported no token counts: cost unknown';
  if (s.costStatus === 'unpriced') return `no price known for ${(s.unpricedModels || []).join(', ') || 'these models'}`;
  if (s.costStatus === 'partial') {
    const why = [];
    if (s.callsWithoutUsage) why.push(`${calls(s.callsWithoutUsage)} without token counts`);
    if ((s.unpricedModels || []).length) why.push(`no price for ${s.unpricedModels.join(', ')}`);
    return `partial, at least this much: ${why.join('; ') || 'some calls not priced'}`;
  }
  return s.costStatus || '';
}

/** Whether the run failed, as the server judged it; a summary without an outcome falls back to its error count. */
export function runFailed(t) {
  return t.outcome ? t.outcome === 'failed' : t.errorCount > 0;
}

export function summaryBadges(t) {
  const out = [];
  const errors = `${t.errorCount} error${t.errorCount > 1 ? 's' : ''}`;
  // a recovered run answered: its errors were absorbed by a retry, fallback or handler
  if (t.outcome === 'failed') out.push({ text: 'failed', tone: 'err', kind: 'outcome', title: `${errors}; the error reached the root span` });
  else if (t.outcome === 'recovered') out.push({ text: 'recovered', tone: 'warn', kind: 'outcome', title: `${errors}, absorbed inside the run` });
  else if (t.outcome == null && t.errorCount > 0) out.push({ text: errors, tone: 'err' });
  if (t.regression || t.isRegression) out.push({ text: 'regression', tone: 'err', kind: 'regression' });
  if (t.cacheHits) out.push({ text: `cache ${t.cacheHits} hit`, tone: 'ok' });
  if (t.cacheMisses) out.push({ text: `cache ${t.cacheMisses} miss`, tone: 'info' });
  if (t.retries) {
    const attempts = t.retryAttempts || t.retries + 1;
    out.push({ text: `${attempts} attempts`, tone: 'warn', title: `retried: ${attempts} attempts, ${t.retries} beyond the first` });
  }
  if (t.fallbacksUsed) out.push({ text: 'fallback', tone: 'warn' });
  if (t.timeouts) out.push({ text: `timeout ×${t.timeouts}`, tone: 'err' });
  if (!t.cacheHits && !t.cacheMisses && !t.retries && !t.fallbacksUsed && !t.timeouts) {
    for (const p of t.primitiveTypes || []) if (!QUIET_TYPES.has(p)) out.push({ text: p.replace(/_/g, ' '), tone: 'info' });
  }
  if (!t.rootFound && t.rootFound !== undefined) out.push({ text: 'root pending', tone: 'info', title: 'the root span has not arrived yet' });
  return out;
}
