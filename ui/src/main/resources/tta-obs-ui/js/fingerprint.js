// Which failures are "the same": what a developer would call one bug. No DOM here, so the rules
// can be exercised on their own (DashboardErrorsIT imports this module in the browser).

// Order matters: quoted values and ids go before the bare numbers inside them.
const RULES = [
  [/"[^"]*"|'[^']*'|`[^`]*`|“[^”]*”/g, '<str>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // hex ids (trace and span ids, hashes, addresses): long runs of hex that hold a digit
  [/\b(?:0x)?(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<id>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b/gi, '<duration>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

/** The message with what varies between occurrences of one failure replaced by placeholders. */
export function normaliseMessage(message) {
  let m = String(message ?? '');
  for (const [re, to] of RULES) m = m.replace(re, to);
  return m.replace(/\s+/g, ' ').trim();
}

/**
 * The innermost frame a stack trace names, without line numbers (a line moved by an edit is still
 * the same place): Java/JS "at fn (file:line)", Python "File "x.py", line N, in fn" (the last one).
 */
export function topFrame(stacktrace) {
  if (!stacktrace) return '';
  const lines = String(stacktrace).split('\n');
  const python = lines.filter((l) => /^\s*File "/.test(l));
  if (python.length) {
    const m = /File "([^"]+)", line \d+, in (\S+)/.exec(python[python.length - 1]);
    if (m) return `${m[1].split(/[\\/]/).pop()} in ${m[2]}`;
  }
  for (const l of lines) {
    const m = /^\s*at\s+(.+)$/.exec(l);
    if (m) return m[1].replace(/\s*\(.*\)\s*$/, '').replace(/:\d+(:\d+)?$/, '').trim();
  }
  return '';
}

/** One failure kind: exception type + normalised message + top frame. */
export function fingerprint({ type, message, stacktrace }) {
  return [type || 'error', normaliseMessage(message), topFrame(stacktrace)].join('\u0000');
}

/**
 * Groups failures ({type, message, stacktrace, at, service, traceId, spanId, ...}) by fingerprint:
 * the most frequent kind first, then the most recent. Each group keeps its newest example, its
 * failures, and one failure per trace.
 */
export function groupFailures(failures) {
  const groups = new Map();
  for (const f of failures) {
    const key = fingerprint(f);
    let g = groups.get(key);
    if (!g) {
      g = { key, type: f.type || 'error', pattern: normaliseMessage(f.message), frame: topFrame(f.stacktrace),
        count: 0, last: 0, example: f, services: new Set(), traces: [], failures: [] };
      groups.set(key, g);
    }
    g.count++;
    g.failures.push(f);
    if (f.service) g.services.add(f.service);
    if (f.at >= g.last) {
      g.last = f.at;
      g.example = f;
    }
    if (!g.traces.some((t) => t.traceId === f.traceId)) g.traces.push(f);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.last - a.last);
}
