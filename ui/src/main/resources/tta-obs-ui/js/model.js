// Facts derived from a span's raw attributes, for servers that do not send them yet
// (span.primitive, span.llm, span.selfTimeMs, trace.criticalPath are planned in docs/api.md).

const PRIMITIVE_TYPE_KEYS = ['primitive.type', 'tta.primitive.type', 'step.primitive_type',
  'branch.primitive_type', 'route.primitive_type'];
const LLM_PRIMITIVES = /^(OpenAI|Anthropic|LiteLLM|Ollama|Groq|OpenRouter|Gemini|Mistral|Bedrock|Azure)\w*Primitive$/;

/** The plain JS value of a typed attribute ({type, value}); arrays and maps become JS arrays/objects. */
export function plain(attr) {
  if (attr == null) return undefined;
  if (typeof attr !== 'object' || !('type' in attr)) return attr;
  if (attr.type === 'array') return (attr.value || []).map(plain);
  if (attr.type === 'map') return Object.fromEntries(Object.entries(attr.value || {}).map(([k, v]) => [k, plain(v)]));
  return attr.value;
}

export function attr(span, ...keys) {
  const a = span.attributes || {};
  for (const k of keys) if (k in a) return plain(a[k]);
  return undefined;
}

function num(v) {
  if (v == null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function truthy(v) {
  return v === true || v === 'true' || v === 1;
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
  return plain(span.resource?.attributes?.['service.name']) || '';
}

/** Badges for TTA.dev primitives: [{text, tone, title}] with tone ok / warn / err / info. */
export function primitiveBadges(span) {
  const p = span.primitive;
  if (p && typeof p === 'object' && (p.kind || p.type)) return fromServerPrimitive(p);
  const type = attr(span, ...PRIMITIVE_TYPE_KEYS);
  const out = [];
  const cacheHit = attr(span, 'cache.hit');
  if (cacheHit !== undefined || /Cache/.test(type || '')) {
    if (cacheHit !== undefined) out.push(truthy(cacheHit)
      ? { text: 'cache hit', tone: 'ok', title: type }
      : { text: 'cache miss', tone: 'info', title: type });
  }
  const attempt = num(attr(span, 'retry.attempt', 'retry.current_attempt'));
  const maxAttempts = num(attr(span, 'retry.max_attempts')) ?? (num(attr(span, 'retry.max_retries')) != null ? num(attr(span, 'retry.max_retries')) + 1 : undefined);
  const finalAttempts = num(attr(span, 'retry.final_attempts', 'retry.succeeded_on_attempt'));
  if (attempt != null) out.push({ text: `attempt ${attempt}${maxAttempts ? `/${maxAttempts}` : ''}`, tone: 'warn' });
  else if (/Retry/.test(type || '') && (finalAttempts != null || maxAttempts != null)) {
    out.push({ text: `retry ${finalAttempts ?? '?'}/${maxAttempts ?? '?'}`, tone: finalAttempts > 1 ? 'warn' : 'info' });
  }
  if (truthy(attr(span, 'fallback.used_fallback'))) {
    const to = attr(span, 'fallback.fallback_type') || 'fallback';
    out.push({ text: `fallback → ${String(to).replace(/Primitive$/, '')}`, tone: 'warn', title: attr(span, 'fallback.primary_error') });
  }
  if (truthy(attr(span, 'timeout.fired', 'timeout.timed_out'))) out.push({ text: 'timeout fired', tone: 'err' });
  const route = attr(span, 'route.key');
  if (route != null) out.push({ text: `route ${route}`, tone: 'info' });
  if (truthy(attr(span, 'saga.compensation_triggered'))) out.push({ text: 'compensated', tone: 'warn' });
  if (type && !out.length && !LLM_PRIMITIVES.test(type) && !/^(Sequential|Lambda)Primitive$/.test(type)) {
    out.push({ text: String(type).replace(/Primitive$/, '').toLowerCase(), tone: 'info', title: type });
  }
  return out;
}

/** The server's classification (span.primitive, see docs/api.md) as the same badges the attributes give. */
function fromServerPrimitive(p) {
  const kind = String(p.kind || p.type).toLowerCase();
  const out = [];
  if (p.cacheHit === true) out.push({ text: 'cache hit', tone: 'ok', title: p.type });
  else if (p.cacheHit === false) out.push({ text: 'cache miss', tone: 'info', title: p.type });
  const r = p.retry;
  if (r && r.attempt != null) out.push({ text: `attempt ${r.attempt}${r.maxAttempts ? `/${r.maxAttempts}` : ''}`, tone: 'warn' });
  else if (r && (r.finalAttempts != null || r.maxAttempts != null)) {
    out.push({ text: `retry ${r.finalAttempts ?? '?'}/${r.maxAttempts ?? '?'}`, tone: r.finalAttempts > 1 ? 'warn' : 'info' });
  }
  if (p.fallback && p.fallback.used) {
    out.push({ text: `fallback → ${String(p.fallback.to || 'fallback').replace(/Primitive$/, '')}`, tone: 'warn' });
  }
  if (p.timeoutFired) out.push({ text: 'timeout fired', tone: 'err' });
  if (p.route != null) out.push({ text: `route ${p.route}`, tone: 'info' });
  if (p.compensated) out.push({ text: 'compensated', tone: 'warn' });
  if (!out.length && !['llm', 'sequential', 'workflow', 'other', 'lambda'].includes(kind)) {
    out.push({ text: kind, tone: 'info', title: p.type });
  }
  return out;
}

/** An icon letter for the span's kind of work, LangSmith-style. */
export function kindIcon(span) {
  const oi = attr(span, 'openinference.span.kind', 'traceloop.span.kind');
  if (llmFacts(span)) return { letter: 'L', title: 'LLM call', cls: 'llm' };
  const k = String(oi || '').toUpperCase();
  if (k === 'TOOL') return { letter: 'T', title: 'tool', cls: 'tool' };
  if (k === 'RETRIEVER') return { letter: 'R', title: 'retriever', cls: 'retriever' };
  if (k === 'AGENT') return { letter: 'A', title: 'agent', cls: 'agent' };
  if (attr(span, ...PRIMITIVE_TYPE_KEYS)) return { letter: 'P', title: attr(span, ...PRIMITIVE_TYPE_KEYS), cls: 'prim' };
  return { letter: '·', title: span.kind || 'span', cls: 'plain' };
}

const llmCache = new WeakMap();

/** Model, provider, tokens, cost and chat messages of an LLM span, or null if it is not one. */
export function llmFacts(span) {
  if (llmCache.has(span)) return llmCache.get(span);
  const f = computeLlm(span);
  llmCache.set(span, f);
  return f;
}

function computeLlm(span) {
  const s = span.llm && typeof span.llm === 'object' ? span.llm : null;
  const model = s?.model ?? attr(span, 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'langfuse.observation.model.name');
  const provider = s?.provider ?? attr(span, 'gen_ai.provider.name', 'gen_ai.system', 'llm.provider');
  const oiKind = String(attr(span, 'openinference.span.kind') || '').toUpperCase();
  const type = attr(span, ...PRIMITIVE_TYPE_KEYS);
  if (!s && !model && oiKind !== 'LLM' && !LLM_PRIMITIVES.test(type || '')) return null;
  const inputTokens = num(s?.inputTokens) ?? num(attr(span, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'));
  const outputTokens = num(s?.outputTokens) ?? num(attr(span, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'));
  const cachedInputTokens = num(s?.cachedInputTokens) ?? num(attr(span, 'gen_ai.usage.cache_read.input_tokens', 'llm.token_count.prompt_details.cache_read'));
  const reasoningTokens = num(s?.reasoningTokens) ?? num(attr(span, 'gen_ai.usage.reasoning.output_tokens', 'llm.token_count.completion_details.reasoning'));
  let costUsd = s && 'costUsd' in s ? s.costUsd : num(attr(span, 'gen_ai.usage.cost_usd', 'llm.cost.total'));
  const costSource = s?.costStatus ?? (costUsd != null ? 'reported by the app' : 'unpriced');
  if (costUsd === undefined) costUsd = null;
  const messages = Array.isArray(s?.messages) && s.messages.length ? s.messages.map(normaliseMessage) : messagesFromAttributes(span);
  return { model, provider, inputTokens, outputTokens, cachedInputTokens, reasoningTokens, costUsd, costSource, messages };
}

function parseJson(v) {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** {role, parts: [{type: 'text'|'tool_call'|'tool_result', content, name, arguments}]} */
function normaliseMessage(m) {
  if (!m || typeof m !== 'object') return { role: 'unknown', parts: [{ type: 'text', content: String(m) }] };
  const role = m.role || 'unknown';
  let parts = [];
  if (Array.isArray(m.parts)) {
    parts = m.parts.map((p) => {
      if (p.type === 'tool_call') return { type: 'tool_call', name: p.name, id: p.id, arguments: p.arguments };
      if (p.type === 'tool_call_response') return { type: 'tool_result', id: p.id, content: p.response ?? p.result };
      return { type: 'text', content: p.content ?? p.text ?? JSON.stringify(p) };
    });
  } else {
    if (m.content != null) parts.push({ type: 'text', content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) });
    for (const tc of m.tool_calls || m.toolCalls || []) {
      parts.push({ type: 'tool_call', name: tc.name || tc.function?.name, id: tc.id, arguments: tc.arguments ?? tc.function?.arguments });
    }
  }
  return { role, parts, finishReason: m.finish_reason };
}

function messagesFromAttributes(span) {
  const out = [];
  const sys = parseJson(attr(span, 'gen_ai.system_instructions'));
  if (Array.isArray(sys)) out.push({ role: 'system', parts: sys.map((p) => ({ type: 'text', content: p.content ?? '' })) });
  for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages']) {
    const v = parseJson(attr(span, key));
    if (Array.isArray(v)) out.push(...v.map(normaliseMessage));
  }
  if (out.length) return out;
  // OpenInference and OpenLLMetry flatten messages into numbered attributes
  const a = span.attributes || {};
  const numbered = (re) => {
    const by = new Map();
    for (const k of Object.keys(a)) {
      const m = re.exec(k);
      if (m) {
        const i = Number(m[1]);
        if (!by.has(i)) by.set(i, {});
        by.get(i)[m[2]] = plain(a[k]);
      }
    }
    return [...by.entries()].sort((x, y) => x[0] - y[0]).map(([, v]) => ({ role: v.role, content: v.content }));
  };
  out.push(...numbered(/^llm\.input_messages\.(\d+)\.message\.(role|content)$/).map(normaliseMessage));
  out.push(...numbered(/^gen_ai\.prompt\.(\d+)\.(role|content)$/).map(normaliseMessage));
  out.push(...numbered(/^llm\.output_messages\.(\d+)\.message\.(role|content)$/).map(normaliseMessage));
  out.push(...numbered(/^gen_ai\.completion\.(\d+)\.(role|content)$/).map(normaliseMessage));
  if (out.length) return out;
  for (const e of span.events || []) {
    const m = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(e.name);
    if (m) out.push(normaliseMessage({ role: m[1], content: plain(e.attributes?.content) }));
    else if (e.name === 'gen_ai.choice') {
      const msg = parseJson(plain(e.attributes?.message));
      out.push(normaliseMessage(msg && typeof msg === 'object' ? { role: 'assistant', ...msg } : { role: 'assistant', content: msg }));
    }
  }
  if (out.length) return out;
  const input = attr(span, 'input.value', 'traceloop.entity.input');
  const output = attr(span, 'output.value', 'traceloop.entity.output');
  if (input != null) out.push({ role: 'input', parts: [{ type: 'text', content: String(input) }] });
  if (output != null) out.push({ role: 'output', parts: [{ type: 'text', content: String(output) }] });
  return out;
}

/**
 * Indexes a trace's spans (already in tree order from the API) for the tree and the timeline:
 * children lists, descendant counts, self time and the critical path.
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
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    s._desc = s._children.reduce((n, c) => n + 1 + c._desc, 0);
    if (s.selfTimeMs == null) s.selfTimeMs = selfTime(s);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const s of spans) {
    if (s._start < min) min = s._start;
    if (s._end > max) max = s._end;
  }
  const cp = new Set(Array.isArray(trace.criticalPath) ? trace.criticalPath : criticalPath(roots));
  for (const s of spans) s._critical = cp.has(s.spanId);
  return { spans, byId, roots, startNanos: min, endNanos: max, totalMs: Math.max((max - min) / 1e6, 1e-6) };
}

function selfTime(s) {
  // the span's time not covered by any child: union of child intervals clipped to the span
  const iv = s._children.map((c) => [Math.max(c._start, s._start), Math.min(c._end, s._end)]).filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curA = null;
  let curB = null;
  for (const [a, b] of iv) {
    if (curB == null || a > curB) {
      if (curB != null) covered += curB - curA;
      curA = a;
      curB = b;
    } else curB = Math.max(curB, b);
  }
  if (curB != null) covered += curB - curA;
  return Math.max(0, (s._end - s._start - covered) / 1e6);
}

/** The chain of spans that determined the end time: walk back from the latest-ending child. */
function criticalPath(roots) {
  const out = [];
  const root = roots.reduce((a, b) => (b._end - b._start > (a ? a._end - a._start : -1) ? b : a), null);
  if (!root) return out;
  const stack = [[root, root._end]];
  while (stack.length) {
    const [span, bound] = stack.pop();
    out.push(span.spanId);
    let t = Math.min(span._end, bound);
    const kids = span._children.slice().sort((a, b) => b._end - a._end);
    for (const c of kids) {
      if (c._start < t && c._end > span._start) {
        stack.push([c, t]);
        t = c._start;
      }
    }
  }
  return out;
}

export function summaryBadges(t) {
  const out = [];
  if (t.errorCount > 0) out.push({ text: `${t.errorCount} error${t.errorCount > 1 ? 's' : ''}`, tone: 'err' });
  if (t.regression || t.isRegression) out.push({ text: 'regression', tone: 'err', kind: 'regression' });
  if (t.cacheHits) out.push({ text: `cache ${t.cacheHits} hit`, tone: 'ok' });
  if (t.cacheMisses) out.push({ text: `cache ${t.cacheMisses} miss`, tone: 'info' });
  if (t.retries) out.push({ text: `retry ×${t.retries}`, tone: 'warn' });
  if (t.fallbacksUsed) out.push({ text: 'fallback', tone: 'warn' });
  if (!t.cacheHits && !t.cacheMisses && !t.retries && !t.fallbacksUsed) {
    for (const p of t.primitiveTypes || []) if (p !== 'llm' && p !== 'sequential' && p !== 'lambda') out.push({ text: p, tone: 'info' });
  }
  if (!t.rootFound && t.rootFound !== undefined) out.push({ text: 'root pending', tone: 'info', title: 'the root span has not arrived yet' });
  return out;
}
