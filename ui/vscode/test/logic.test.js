'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const L = require('../src/logic');

test('status text: count and average, singular, no average for an empty store', () => {
  assert.equal(L.formatStatus({ kind: 'ok', stats: { traceCount: 5, avgDurationMs: 125.4 } }), 'TTA: ✅ 5 traces | ⚡ 125ms avg');
  assert.equal(L.formatStatus({ kind: 'ok', stats: { traceCount: 1, avgDurationMs: 1534 } }), 'TTA: ✅ 1 trace | ⚡ 1.5s avg');
  assert.equal(L.formatStatus({ kind: 'ok', stats: { traceCount: 0, avgDurationMs: null } }), 'TTA: ✅ 0 traces');
  assert.equal(L.formatStatus({ kind: 'ok', stats: { traceCount: 3, avgDurationMs: 90000 } }), 'TTA: ✅ 3 traces | ⚡ 1.5m avg');
});

test('status text: a crossed budget turns it into a warning, spent over limit', () => {
  const stats = { traceCount: 4, avgDurationMs: 100 };
  const daily = { dailyUsd: 1, spentTodayUsd: 1.2, runUsd: null, runsOverBudget: 0, dailyExceeded: true, exceeded: true, costliestRun: null };
  assert.equal(L.formatStatus({ kind: 'ok', stats: { ...stats, budget: daily } }), 'TTA: ⚠ budget $1.20/$1.00');
  const run = { dailyUsd: null, spentTodayUsd: 0.9, runUsd: 0.5, runsOverBudget: 2, dailyExceeded: false, exceeded: true,
    costliestRun: { traceId: 'ab'.repeat(16), costUsd: 0.00057 } };
  assert.equal(L.formatStatus({ kind: 'ok', stats: { ...stats, budget: run } }), 'TTA: ⚠ budget $0.00057/$0.50 per run');
  const within = { ...daily, spentTodayUsd: 0.5, dailyExceeded: false, exceeded: false };
  assert.equal(L.formatStatus({ kind: 'ok', stats: { ...stats, budget: within } }), 'TTA: ✅ 4 traces | ⚡ 100ms avg');
  assert.equal(L.formatStatus({ kind: 'ok', stats: { ...stats, budget: null } }), 'TTA: ✅ 4 traces | ⚡ 100ms avg');
  assert.deepEqual(L.budgetLines(run), ['run budget $0.50: 2 runs over it today']);
  assert.deepEqual(L.budgetLines(within), ['budget today: $0.50 of $1.00']);
});

test('status text: offline, starting and error are distinct', () => {
  const texts = ['offline', 'starting', 'error'].map(kind => L.formatStatus({ kind, message: 'x' }));
  assert.deepEqual(texts, ['TTA: ⭘ offline', 'TTA: ⏳ starting', 'TTA: ⚠ error']);
  assert.throws(() => L.formatStatus({ kind: 'nope' }));
});

test('tooltip failures: failed runs only, recovered ones apart', () => {
  assert.equal(L.formatFailures({ errorRate: 0.25, recoveryRate: 0.5 }), 'failed 25.0% · recovered 50.0%');
  assert.equal(L.formatFailures({ errorRate: 0, recoveryRate: 0 }), 'failed 0.0%');
  assert.equal(L.formatFailures({ errorRate: 0.1 }), 'failed 10.0%');
  assert.equal(L.formatFailures({ traceCount: 3 }), null);
});

test('stats fallback from the first /api/traces page', () => {
  assert.deepEqual(L.statsFromTraces({ traces: [{ durationMs: 100 }, { durationMs: 150 }], nextCursor: null }),
    { traceCount: 2, avgDurationMs: 125, partial: false });
  assert.deepEqual(L.statsFromTraces({ traces: [] }), { traceCount: 0, avgDurationMs: null, partial: false });
  assert.equal(L.statsFromTraces({ traces: [{ durationMs: 1 }], nextCursor: 'abc' }).partial, true);
});

test('trace id from a selection: plain, in a traceparent, in a URL, uppercase; not 31/33 digits or all zeros', () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  assert.equal(L.extractTraceId(id), id);
  assert.equal(L.extractTraceId(`traceparent: 00-${id}-00f067aa0ba902b7-01`), id);
  assert.equal(L.extractTraceId(`http://localhost:8765/#/trace/${id}?x=1`), id);
  assert.equal(L.extractTraceId(`"traceId": "${id.toUpperCase()}"`), id);
  assert.equal(L.extractTraceId(id.slice(1)), null);
  assert.equal(L.extractTraceId(id + 'a'), null);
  assert.equal(L.extractTraceId('0'.repeat(32) + ' ' + id), id);
  assert.equal(L.extractTraceId(''), null);
  assert.equal(L.extractTraceId(null), null);
  assert.ok(L.isTraceId(id) && !L.isTraceId('0'.repeat(32)) && !L.isTraceId('xyz'));
});

test('dashboard URL: embedded, optional trace, no double slash, rejects other schemes', () => {
  assert.equal(L.buildDashboardUrl('http://localhost:8765/'), 'http://localhost:8765/?embed=1');
  const u = new URL(L.buildDashboardUrl('http://127.0.0.1:9000', 'abc'));
  assert.equal(u.searchParams.get('embed'), '1');
  assert.equal(u.searchParams.get('trace'), 'abc');
  assert.equal(u.hash, '#/trace/abc');
  assert.equal(L.buildDashboardUrl('https://h.example/tta/'), 'https://h.example/tta/?embed=1');
  assert.throws(() => L.buildDashboardUrl('file:///etc/passwd'));
  assert.equal(L.originOf('http://localhost:8765/x/'), 'http://localhost:8765');
  assert.equal(L.otlpTracesEndpoint(' http://localhost:8765/ '), 'http://localhost:8765/v1/traces');
});

test('stack frames of Python, Node, Java, C#, Go and Rust', () => {
  assert.deepEqual(L.parseStackFrame('  File "/app/agent.py", line 42, in run'), { path: '/app/agent.py', line: 42 });
  assert.deepEqual(L.parseStackFrame('    at Agent.run (/app/src/agent.js:10:5)'), { path: '/app/src/agent.js', line: 10, column: 5 });
  assert.deepEqual(L.parseStackFrame('at /app/src/agent.js:7:1'), { path: '/app/src/agent.js', line: 7, column: 1 });
  assert.deepEqual(L.parseStackFrame('at async main (file:///app/my%20dir/x.mjs:3:9)'), { path: '/app/my dir/x.mjs', line: 3, column: 9 });
  assert.deepEqual(L.parseStackFrame('\tat com.acme.agent.Agent$Inner.run(Agent.java:42)'),
    { path: 'com/acme/agent/Agent.java', line: 42, fileNameOnly: true });
  assert.deepEqual(L.parseStackFrame('at java.base/java.lang.Thread.run(Thread.java:833)'),
    { path: 'java/lang/Thread.java', line: 833, fileNameOnly: true });
  assert.deepEqual(L.parseStackFrame('   at Acme.Agent.Run() in C:\\src\\Agent.cs:line 17'), { path: 'C:\\src\\Agent.cs', line: 17 });
  assert.deepEqual(L.parseStackFrame('\t/home/me/agent/main.go:42 +0x1d'), { path: '/home/me/agent/main.go', line: 42 });
  assert.deepEqual(L.parseStackFrame('             at src/main.rs:10:5'), { path: 'src/main.rs', line: 10, column: 5 });
  assert.equal(L.parseStackFrame('Traceback (most recent call last):'), null);
  assert.equal(L.parseStackFrame('ValueError: bad input: 3'), null);
  assert.equal(L.parseStackFrame('at native'), null);
});

test('a whole Python stack trace gives its frames in order', () => {
  const st = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n    main()\n  File "b.py", line 2, in main\nValueError: x';
  assert.deepEqual(L.parseStackTrace(st), [{ path: 'a.py', line: 1 }, { path: 'b.py', line: 2 }]);
});

test('paths resolve inside the workspace only', () => {
  const P = path.posix;
  const ws = ['/home/me/proj', '/home/me/lib'];
  assert.deepEqual(L.resolveWorkspacePath('src/a.py', ws, P), ['/home/me/proj/src/a.py', '/home/me/lib/src/a.py']);
  assert.deepEqual(L.resolveWorkspacePath('/home/me/proj/src/a.py', ws, P)[0], '/home/me/proj/src/a.py');
  // a container path: matched by its trailing segments
  assert.deepEqual(L.resolveWorkspacePath('/app/src/a.py', ['/home/me/proj'], P),
    ['/home/me/proj/app/src/a.py', '/home/me/proj/src/a.py', '/home/me/proj/a.py'].slice(1));
  assert.deepEqual(L.resolveWorkspacePath('file:///home/me/proj/x%20y.py', ['/home/me/proj'], P)[0], '/home/me/proj/x y.py');
  for (const evil of ['../../etc/passwd', 'src/../../../etc/passwd', '/etc/passwd', '/home/me/project-evil/a.py']) {
    for (const c of L.resolveWorkspacePath(evil, ['/home/me/proj'], P)) {
      assert.ok(c.startsWith('/home/me/proj/'), `${evil} escaped to ${c}`);
    }
  }
  assert.deepEqual(L.resolveWorkspacePath('../../etc/passwd', ['/home/me/proj'], P), []);
  assert.deepEqual(L.resolveWorkspacePath('a.py', [], P), []);
  assert.deepEqual(L.resolveWorkspacePath('', ws, P), []);
});

test('line numbers are clamped to a real line', () => {
  assert.equal(L.clampLine(12), 12);
  assert.equal(L.clampLine('7'), 7);
  assert.equal(L.clampLine(0), 1);
  assert.equal(L.clampLine(undefined), 1);
  assert.equal(L.clampLine(3.9), 3);
});

test('tta.command is split like a shell would, quotes included', () => {
  assert.deepEqual(L.splitCommand('tta-obs start'), ['tta-obs', 'start']);
  assert.deepEqual(L.splitCommand(`java -jar "/opt/my tools/tta.jar"  start --data-dir ''`),
    ['java', '-jar', '/opt/my tools/tta.jar', 'start', '--data-dir', '']);
  assert.throws(() => L.splitCommand('tta-obs "start'));
});

test('webview HTML: CSP frames the service origin only, scripts by nonce, URL escaped', () => {
  const html = L.buildWebviewHtml({ dashboardUrl: 'http://127.0.0.1:9000/?embed=1&trace=a"b', serviceOrigin: 'http://127.0.0.1:9000', nonce: 'N0nce', cspSource: 'vscode-webview://x' });
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)[1].replace(/&#39;/g, "'");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-src http:\/\/127\.0\.0\.1:9000(;|$)/);
  assert.match(csp, /script-src 'nonce-N0nce'/);
  assert.doesNotMatch(csp, /\*|unsafe-eval/);
  assert.match(html, /src="http:\/\/127\.0\.0\.1:9000\/\?embed=1&amp;trace=a&quot;b"/);
  assert.match(html, /<script nonce="N0nce">/);
});

test('tta.command program: PATH first, then where `tta-obs install` links it, else null', () => {
  const files = new Set(['/usr/local/bin/tta-obs', '/home/u/.local/bin/tta-obs']);
  const isFile = f => files.has(f);
  assert.equal(L.resolveProgram('tta-obs', { pathVar: '/usr/bin:/usr/local/bin', home: '/home/u', platform: 'linux', isFile }),
    '/usr/local/bin/tta-obs');
  assert.equal(L.resolveProgram('tta-obs', { pathVar: '/usr/bin', home: '/home/u', platform: 'linux', isFile }),
    '/home/u/.local/bin/tta-obs');
  assert.equal(L.resolveProgram('tta-obs', { pathVar: '/usr/bin', home: '/home/other', platform: 'linux', isFile }), null);
  // a path is the user's to get right; the shell resolves it against the workspace folder
  assert.equal(L.resolveProgram('./tta-obs', { pathVar: '', home: '', platform: 'linux', isFile }), './tta-obs');
  assert.equal(L.resolveProgram('', { isFile }), null);
});

test('tta.command program on Windows: the .cmd launcher counts', () => {
  const isFile = f => f === 'C:\\tools\\tta-obs\\bin\\tta-obs.cmd';
  assert.equal(L.resolveProgram('tta-obs', { pathVar: 'C:\\Windows;C:\\tools\\tta-obs\\bin', home: 'C:\\Users\\u', platform: 'win32', isFile }),
    'C:\\tools\\tta-obs\\bin\\tta-obs.cmd');
});
