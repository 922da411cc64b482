// End-to-end test of the extension in a real VS Code (code-server in headless Chromium) against a
// running tta-obs. Run by VsCodeExtensionIT in `./mvnw verify`, or by hand:
//   node drive.mjs --service http://127.0.0.1:8765 --vsix ui/target/tta-obs-vscode-0.1.0.vsix \
//     --host-dir "$(../shared/tools/vscode-host/setup.sh | tail -1)" --work /tmp/e2e --screenshot /tmp/e2e/vscode.png
// Every check runs even when an earlier one failed; the exit code is 1 when any failed, 3 when
// the host (code-server, Chromium) is missing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { launchChromium, parseArgs, requireHost, startCodeServer, writeSettings } from './host.mjs';

const args = parseArgs(process.argv.slice(2));
const service = args.service.replace(/\/+$/, '');
const work = resolve(args.work);
const screenshot = resolve(args.screenshot || join(work, 'vscode-e2e.png'));
const hostDir = resolve(args['host-dir']);
const chromiumPath = args.chromium || '/usr/bin/chromium';
const MAX_STATUS_LATENCY_MS = 2000; // the issue: the status bar reflects a new trace within 2 s

const { codeServer, chromium } = requireHost(hostDir, chromiumPath);

const checks = [];
let page;
// --scenario picks the checks to run: "main" (the default) or "budget" (a service started with a budget)
const scenario = args.scenario || 'main';
async function check(name, fn, only = 'main') {
  if (only !== scenario) return;
  const t = Date.now();
  try {
    const detail = await fn();
    checks.push({ name, ok: true, detail, ms: Date.now() - t });
    console.log(`PASS ${name}${detail ? ': ' + detail : ''}`);
  } catch (e) {
    checks.push({ name, ok: false, detail: String(e && e.message || e).split('\n')[0], ms: Date.now() - t });
    console.log(`FAIL ${name}: ${String(e && e.stack || e)}`);
    if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, `-fail-${checks.length}.png`) }).catch(() => {});
  }
}
const fail = m => { throw new Error(m); };

const hex = n => randomBytes(n).toString('hex');
const traceId = hex(16);
const rootName = `vscode-e2e.workflow-${traceId.slice(0, 6)}`;
const childName = `vscode-e2e.llm-call-${traceId.slice(0, 6)}`;

async function exportTrace() {
  const now = BigInt(Date.now()) * 1000000n;
  const rootId = hex(8);
  const attr = (key, v) => ({ key, value: typeof v === 'number' ? { intValue: v } : { stringValue: v } });
  const body = {
    resourceSpans: [{
      resource: { attributes: [attr('service.name', 'vscode-e2e')] },
      scopeSpans: [{
        scope: { name: 'vscode-e2e' },
        spans: [
          { traceId, spanId: rootId, name: rootName, kind: 2, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 125000000n), status: {} },
          { traceId, spanId: hex(8), parentSpanId: rootId, name: childName, kind: 3, startTimeUnixNano: String(now + 5000000n), endTimeUnixNano: String(now + 100000000n),
            attributes: [attr('code.filepath', 'src/agent.py'), attr('code.lineno', 7)], status: {} },
        ],
      }],
    }],
  };
  const r = await fetch(`${service}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) fail(`export answered ${r.status}: ${await r.text()}`);
}

// --- a workspace, settings, and code-server with the extension installed -----------------------
const ws = join(work, 'workspace');
const state = join(work, 'state');
mkdirSync(join(ws, 'src'), { recursive: true });
writeFileSync(join(ws, 'src/agent.py'), Array.from({ length: 20 }, (_, i) => `line_${i + 1} = ${i + 1}\n`).join(''));
writeFileSync(join(ws, 'trace-note.txt'), `failed run, traceparent: 00-${traceId}-${hex(8)}-01\n`);
writeFileSync(join(work, 'outside.py'), 'secret = 1\n');
writeSettings(state, service);

const env = { ...process.env, XDG_CONFIG_HOME: join(state, 'xdg'), XDG_DATA_HOME: join(state, 'xdg') };
const { url, stop: stopCodeServer } = await startCodeServer({ codeServer, vsix: args.vsix, state, env, ws, work });

const browser = await launchChromium(chromium, chromiumPath);
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  const status = page.locator('.statusbar-item', { hasText: 'TTA:' }).first();
  const statusText = async () => (await status.innerText()).replace(/\s+/g, ' ').trim();

  async function runCommand(title) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('>' + title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^[^:]+:\s*/, '') }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
  }
  async function findFrame(pred, timeoutMs) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      for (const f of page.frames()) {
        try { if (await pred(f)) return f; } catch { /* detached while looking */ }
      }
      await page.waitForTimeout(200);
    }
    return null;
  }
  const dashboardFrame = t => findFrame(async f => f.url().startsWith(service + '/') && !f.isDetached(), t);
  const webviewFrame = t => findFrame(async f => (await f.locator('iframe#dashboard').count()) > 0, t);
  async function frameText(f, needle, timeoutMs) {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      const cur = (await dashboardFrame(2000)) || f;
      text = await cur.locator('body').innerText().catch(() => '');
      if (text.includes(needle)) return text;
      await page.waitForTimeout(300);
    }
    fail(`the dashboard never showed "${needle}"; it shows: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const cursorLine = async () => (await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText()).match(/Ln (\d+)/)[1];

  const initial = await (await fetch(`${service}/api/traces?limit=1000`)).json();
  const before = initial.traces.length;
  await check('status bar shows the trace count of the running tta-obs', async () => {
    await status.waitFor({ timeout: 60000 });
    const want = `TTA: ✅ ${before} trace`;
    await page.waitForFunction(w => [...document.querySelectorAll('.statusbar-item')].some(e => e.innerText.replace(/\s+/g, ' ').includes(w)), want, { timeout: 20000, polling: 50 })
      .catch(async () => fail(`status bar says ${JSON.stringify(await statusText())}, wanted "${want}"`));
    return await statusText();
  });

  let latencyMs = null;
  await check(`status bar counts a new trace within ${MAX_STATUS_LATENCY_MS} ms`, async () => {
    await exportTrace();
    const t0 = Date.now();
    const n = before + 1;
    const want = `TTA: ✅ ${n} ${n === 1 ? 'trace' : 'traces'} | ⚡ `;
    await page.waitForFunction(w => [...document.querySelectorAll('.statusbar-item')].some(e => e.innerText.replace(/\s+/g, ' ').includes(w)), want, { timeout: 10000, polling: 25 })
      .catch(async () => fail(`status bar still says ${JSON.stringify(await statusText())}, wanted "${want}…"`));
    latencyMs = Date.now() - t0;
    if (latencyMs > MAX_STATUS_LATENCY_MS) fail(`took ${latencyMs} ms`);
    return `${JSON.stringify(await statusText())} after ${latencyMs} ms`;
  });

  await check('status bar turns into a budget warning when the day\'s spending crosses the daily budget', async () => {
    await status.waitFor({ timeout: 60000 });
    const budget = (await (await fetch(`${service}/api/stats`)).json()).budget;
    if (!budget || budget.dailyUsd !== 1 || budget.exceeded) fail(`the service's budget is ${JSON.stringify(budget)}; start it with --budget-daily-usd=1`);
    // 8 million input tokens of gpt-4o-mini at $0.15 per million: $1.20, over the $1.00 budget
    const now = BigInt(Date.now()) * 1000000n;
    const attr = (key, v) => ({ key, value: typeof v === 'number' ? { intValue: v } : { stringValue: v } });
    const body = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'vscode-e2e')] }, scopeSpans: [{ scope: { name: 'vscode-e2e' }, spans: [
      { traceId, spanId: hex(8), name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 50000000n), status: {},
        attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.provider.name', 'openai'), attr('gen_ai.request.model', 'gpt-4o-mini'),
          attr('gen_ai.usage.input_tokens', 8000000), attr('gen_ai.usage.output_tokens', 0)] }] }] }] };
    const r = await fetch(`${service}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) fail(`export answered ${r.status}`);
    const want = 'TTA: ⚠ budget $1.20/$1.00';
    await page.waitForFunction(w => [...document.querySelectorAll('.statusbar-item')].some(e => e.innerText.replace(/\s+/g, ' ').includes(w)), want, { timeout: 10000, polling: 50 })
      .catch(async () => fail(`status bar says ${JSON.stringify(await statusText())}, wanted "${want}"`));
    return await statusText();
  }, 'budget');

  let webview = null;
  await check('clicking the status bar item opens the dashboard webview on the embedded dashboard', async () => {
    await status.click();
    webview = await webviewFrame(30000);
    if (!webview) fail('no webview with the dashboard iframe appeared');
    const src = await webview.locator('iframe#dashboard').getAttribute('src');
    const u = new URL(src);
    if (u.origin !== new URL(service).origin || u.searchParams.get('embed') !== '1') fail(`iframe src is ${src}`);
    const csp = await webview.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    if (!csp.includes(`frame-src ${new URL(service).origin};`) || /frame-src[^;]*\*/.test(csp)) fail(`CSP is ${csp}`);
    const dash = await dashboardFrame(30000);
    if (!dash) fail('the dashboard frame did not load');
    return src;
  });

  await check('the dashboard in the webview gets the host hello with VS Code theme variables', async () => {
    const dash = await dashboardFrame(10000);
    const hello = await dash.evaluate(() => new Promise((res, rej) => {
      addEventListener('message', e => { if (e.data && e.data.type === 'tta.host') res(e.data); });
      parent.postMessage({ type: 'ready' }, '*');
      setTimeout(() => rej(new Error('no tta.host message within 5 s')), 5000);
    }));
    const bg = hello.theme && hello.theme.vars['--vscode-editor-background'];
    if (hello.host !== 'vscode' || !bg || !hello.features.includes('openFile')) fail(JSON.stringify(hello).slice(0, 300));
    return `theme ${hello.theme.kind}, ${Object.keys(hello.theme.vars).length} variables, editor background ${bg}`;
  });

  await check('openFile from the dashboard opens a workspace file at the line', async () => {
    const dash = await dashboardFrame(10000);
    const reply = await dash.evaluate(() => new Promise((res, rej) => {
      addEventListener('message', e => { if (e.data && e.data.type === 'openFileResult' && e.data.requestId === 'r1') res(e.data); });
      parent.postMessage({ type: 'openFile', path: 'src/agent.py', line: 7, requestId: 'r1' }, '*');
      setTimeout(() => rej(new Error('no openFileResult within 10 s')), 10000);
    }));
    if (!reply.ok) fail(JSON.stringify(reply));
    await page.locator('.tab.active', { hasText: 'agent.py' }).first().waitFor({ timeout: 10000 });
    await page.waitForFunction(() => /Ln 7, Col 1/.test(document.querySelector('.part.statusbar').innerText), null, { timeout: 10000 })
      .catch(async () => fail(`cursor at ${await cursorLine()}`));
    return JSON.stringify(reply);
  });

  await check('openFile with a stack frame from another machine finds the workspace file', async () => {
    const dash = await dashboardFrame(10000);
    const reply = await dash.evaluate(() => new Promise((res, rej) => {
      addEventListener('message', e => { if (e.data && e.data.type === 'openFileResult' && e.data.requestId === 'r2') res(e.data); });
      parent.postMessage({ type: 'openFile', frame: '  File "/srv/app/src/agent.py", line 12, in run', requestId: 'r2' }, '*');
      setTimeout(() => rej(new Error('no openFileResult within 10 s')), 10000);
    }));
    if (!reply.ok || reply.line !== 12) fail(JSON.stringify(reply));
    await page.waitForFunction(() => /Ln 12, Col 1/.test(document.querySelector('.part.statusbar').innerText), null, { timeout: 10000 })
      .catch(async () => fail(`cursor at ${await cursorLine()}`));
    return JSON.stringify(reply);
  });

  await check('openFile refuses a file outside the workspace', async () => {
    const dash = await dashboardFrame(10000);
    const outside = join(work, 'outside.py');
    const reply = await dash.evaluate(p => new Promise((res, rej) => {
      addEventListener('message', e => { if (e.data && e.data.type === 'openFileResult' && e.data.requestId === 'r3') res(e.data); });
      parent.postMessage({ type: 'openFile', path: p, line: 1, requestId: 'r3' }, '*');
      setTimeout(() => rej(new Error('no openFileResult within 10 s')), 10000);
    }), outside);
    if (reply.ok) fail(`opened ${reply.path}`);
    if (await page.locator('.tab', { hasText: 'outside.py' }).count()) fail('a tab for outside.py is open');
    return reply.reason;
  });

  await check('the dashboard in the webview lists the trace exported during the test', async () => {
    const dash = await dashboardFrame(10000);
    if (!dash) fail('no dashboard frame');
    await frameText(dash, rootName, 15000);
    return rootName;
  });

  await check('"View Trace by ID" is prefilled from the selection and opens that trace', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('trace-note.txt');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'trace-note.txt' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'trace-note.txt' }).first().waitFor({ timeout: 10000 });
    await page.locator('.editor-instance .monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+A');
    await runCommand('TTA: View Trace by ID');
    await page.waitForFunction(() => { const i = document.querySelector('.quick-input-widget input'); return i && /^[0-9a-f]{32}$/.test(i.value); }, null, { timeout: 10000 })
      .catch(async () => fail(`input box holds ${JSON.stringify(await input.inputValue().catch(() => '?'))}`));
    const prefilled = await input.inputValue();
    if (prefilled !== traceId) fail(`prefilled ${prefilled}, wanted ${traceId}`);
    await page.keyboard.press('Enter');
    const wv = await webviewFrame(15000);
    await page.waitForFunction(() => true);
    const until = Date.now() + 10000;
    let src = '';
    while (Date.now() < until && !src.includes(traceId)) {
      src = await wv.locator('iframe#dashboard').getAttribute('src').catch(() => '');
      if (!src.includes(traceId)) await page.waitForTimeout(200);
    }
    if (!src.includes(traceId)) fail(`webview iframe src is ${src}`);
    // the iframe's src changes first; the frame's navigation commits a moment later
    let dash = null;
    const navigated = Date.now() + 15000;
    while (Date.now() < navigated) {
      dash = await dashboardFrame(15000);
      if (dash && dash.url().includes(traceId)) break;
      await page.waitForTimeout(200);
    }
    if (!dash || !dash.url().includes(traceId)) fail(`dashboard frame is at ${dash && dash.url()}`);
    // the child span's name appears only in the trace's own view, not in the list
    await frameText(dash, childName, 15000);
    return src;
  });

  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  console.log('RESULT ' + JSON.stringify({ traceId, statusLatencyMs: latencyMs, checks }));
} finally {
  await browser.close();
  stopCodeServer();
}
process.exit(checks.every(c => c.ok) ? 0 : 1);
