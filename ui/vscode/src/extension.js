'use strict';
const vscode = require('vscode');
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const L = require('./logic');

const SECRET_KEY = 'tta.authToken';
const POLL_MS = 1000;
const POLL_UNFOCUSED_MS = 5000;   // a background window needs no second-by-second numbers
const STATS_RETRY_MS = 30000;     // re-probe /api/stats now and then: the service may get upgraded

let ctx, output, statusItem, panel, child, pollTimer;
let autoStartTried = false, statsMissingSince = 0, lastState = null, disposed = false;

function config() {
  const c = vscode.workspace.getConfiguration('tta');
  return {
    serviceUrl: L.normalizeServiceUrl(c.get('serviceUrl')),
    autoStart: c.get('autoStart') === true,
    command: c.get('command') || 'tta-obs start',
  };
}

async function authHeaders() {
  const token = await ctx.secrets.get(SECRET_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function apiGet(p, timeoutMs = 900) {
  const url = config().serviceUrl + p;
  return fetch(url, { headers: { Accept: 'application/json', ...(await authHeaders()) }, signal: AbortSignal.timeout(timeoutMs) });
}

function isConnectionFailure(e) {
  const code = e && (e.cause && e.cause.code || e.code);
  return ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)
    || (e && (e.name === 'TimeoutError' || e.name === 'AbortError'));
}

async function fetchStats() {
  if (!statsMissingSince || Date.now() - statsMissingSince > STATS_RETRY_MS) {
    const r = await apiGet('/api/stats');
    if (r.ok) { statsMissingSince = 0; return await r.json(); }
    if (r.status !== 404) throw httpError(r);
    statsMissingSince = Date.now();
  }
  const r = await apiGet('/api/traces?limit=1000');
  if (!r.ok) throw httpError(r);
  return L.statsFromTraces(await r.json());
}

function httpError(r) {
  const e = new Error(`HTTP ${r.status} ${r.statusText || ''}`.trim());
  e.status = r.status;
  return e;
}

async function probe() {
  try {
    return { kind: 'ok', stats: await fetchStats() };
  } catch (e) {
    if (isConnectionFailure(e)) return child ? { kind: 'starting' } : { kind: 'offline' };
    return { kind: 'error', message: e.message };
  }
}

function render(state) {
  lastState = state;
  statusItem.text = L.formatStatus(state);
  const url = config().serviceUrl;
  switch (state.kind) {
    case 'ok': {
      const s = state.stats;
      const lines = [`tta-obs at ${url}`, `${s.traceCount}${s.partial ? '+' : ''} traces`];
      if (s.p95Ms != null) lines.push(`p50 ${L.formatDuration(s.p50Ms)} · p95 ${L.formatDuration(s.p95Ms)} · p99 ${L.formatDuration(s.p99Ms)}`);
      const failures = L.formatFailures(s);
      if (failures) lines.push(failures);
      if (s.costTodayUsd != null) lines.push(`cost today $${Number(s.costTodayUsd).toFixed(4)}`);
      lines.push(...L.budgetLines(s.budget));
      lines.push('Click to open the dashboard');
      statusItem.tooltip = lines.join('\n');
      statusItem.backgroundColor = L.formatBudget(s.budget) ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      break;
    }
    case 'offline':
      statusItem.tooltip = `No tta-obs answers at ${url}. Run "TTA: Start Service" or start it yourself.`;
      statusItem.backgroundColor = undefined;
      break;
    case 'starting':
      statusItem.tooltip = `tta-obs is starting (${config().command})`;
      statusItem.backgroundColor = undefined;
      break;
    case 'error':
      statusItem.tooltip = `tta-obs at ${url} answered with an error: ${state.message}` +
        (/401|403/.test(state.message) ? '\nSet the token with "TTA: Set Auth Token".' : '');
      statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      break;
  }
}

async function pollLoop() {
  if (disposed) return;
  render(await probe());
  if (disposed) return;
  const delay = vscode.window.state.focused ? POLL_MS : POLL_UNFOCUSED_MS;
  pollTimer = setTimeout(pollLoop, delay);
}

function pollNow() {
  clearTimeout(pollTimer);
  pollLoop();
}

async function isServiceUp() {
  try { return (await apiGet('/api/health', 1500)).ok; } catch { return false; }
}

async function waitForService(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await isServiceUp()) return true;
    if (!child) return false;
    await new Promise(r => setTimeout(r, 300));
  }
  return false;
}

function startService() {
  if (child) { output.show(true); return child; }
  const { command } = config();
  const argv = L.splitCommand(command);
  if (argv.length === 0) throw new Error('tta.command is empty');
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const program = L.resolveProgram(argv[0], {
    pathVar: process.env.PATH, home: require('node:os').homedir(), isFile: f => {
      try { return fs.statSync(f).isFile(); } catch { return false; }
    },
  });
  if (!program) {
    // say what is missing and offer the setting, rather than a shell's "command not found"
    output.appendLine(`tta: "${argv[0]}" is not on PATH nor in ~/.local/bin. Install tta-obs (tta-obs install) or set tta.command.`);
    vscode.window.showErrorMessage(`TTA: "${argv[0]}" was not found on PATH or in ~/.local/bin. Install tta-obs with "tta-obs install" from its release archive, or set tta.command to how tta-obs is started here.`,
      'Set tta.command').then(choice => {
      if (choice) vscode.commands.executeCommand('workbench.action.openSettings', 'tta.command');
    });
    return null;
  }
  output.appendLine(`$ ${command}`);
  const win = process.platform === 'win32';
  // its own process group on POSIX, so Stop also ends the JVM behind a launcher script
  const p = cp.spawn(program, argv.slice(1), { cwd: folder ? folder.uri.fsPath : undefined, detached: !win, shell: win, env: process.env });
  child = p;
  p.stdout.on('data', d => output.append(d.toString()));
  p.stderr.on('data', d => output.append(d.toString()));
  p.on('error', e => {
    output.appendLine(`tta: could not run "${command}": ${e.message}. Set tta.command to how tta-obs is started here.`);
    vscode.window.showErrorMessage(`TTA: could not run "${command}": ${e.message}`);
  });
  p.on('exit', (code, signal) => {
    output.appendLine(`tta-obs exited (${signal || 'code ' + code})`);
    if (child === p) child = null;
    pollNow();
  });
  pollNow();
  return p;
}

function stopService() {
  if (!child) {
    vscode.window.showInformationMessage('TTA: no tta-obs was started from VS Code; stop it where it runs.');
    return;
  }
  const p = child;
  try {
    if (process.platform === 'win32') cp.spawn('taskkill', ['/pid', String(p.pid), '/T', '/F']);
    else process.kill(-p.pid, 'SIGTERM');
  } catch (e) {
    output.appendLine(`tta: stop failed: ${e.message}`);
  }
}

/** With tta.autoStart the first command that needs the service starts it. */
async function ensureService() {
  if (await isServiceUp()) return true;
  const { autoStart } = config();
  if (!autoStart || autoStartTried) return false;
  autoStartTried = true;
  startService();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'TTA: starting tta-obs…' },
    () => waitForService(90000));
}

async function openDashboard(traceId) {
  await ensureService();
  const { serviceUrl } = config();
  const url = L.buildDashboardUrl(serviceUrl, traceId);
  const title = traceId ? `TTA trace ${traceId.slice(0, 8)}` : 'TTA Observability';
  if (panel) {
    panel.title = title;
    panel.reveal(panel.viewColumn);
    if (panel.ttaOrigin === L.originOf(serviceUrl)) {
      panel.webview.postMessage({ type: 'tta.navigate', url });
      return panel;
    }
  } else {
    panel = vscode.window.createWebviewPanel('tta.dashboard', title, vscode.ViewColumn.Active,
      { enableScripts: true, retainContextWhenHidden: true });
    panel.onDidDispose(() => { panel = null; });
    panel.webview.onDidReceiveMessage(onWebviewMessage);
  }
  panel.ttaOrigin = L.originOf(serviceUrl);
  panel.webview.html = L.buildWebviewHtml({
    dashboardUrl: url, serviceOrigin: panel.ttaOrigin,
    nonce: crypto.randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, ''), cspSource: panel.webview.cspSource,
  });
  return panel;
}

async function onWebviewMessage(m) {
  if (!m || typeof m !== 'object') return;
  if (m.type === 'tta.webviewReady') {
    panel && panel.webview.postMessage({ type: 'tta.init', authToken: (await ctx.secrets.get(SECRET_KEY)) || null });
  } else if (m.type === 'openFile') {
    const result = await openFile(m);
    if (panel) panel.webview.postMessage({ type: 'openFileResult', requestId: m.requestId, ...result });
  }
}

async function realpathOrNull(p) {
  try { return await fs.promises.realpath(p); } catch { return null; }
}

/** Opens a file the dashboard names, if it is inside the workspace. */
async function openFile(m) {
  let target = { path: m.path, line: m.line, column: m.column };
  if (!target.path && typeof m.frame === 'string') target = L.parseStackFrame(m.frame) || {};
  if (!target.path || typeof target.path !== 'string') return fail('no file path in the message');
  const folders = (vscode.workspace.workspaceFolders || []).map(f => f.uri.fsPath);
  if (folders.length === 0) return fail('no workspace folder is open');
  const realFolders = (await Promise.all(folders.map(realpathOrNull))).filter(Boolean);
  let found = null;
  for (const c of L.resolveWorkspacePath(target.path, folders)) {
    const real = await realpathOrNull(c);
    // a symlink inside the workspace may point anywhere: check where it really lands
    if (real && realFolders.some(f => real === f || real.startsWith(f + path.sep)) && (await fs.promises.stat(real)).isFile()) { found = c; break; }
  }
  if (!found && target.fileNameOnly) {
    const hits = await vscode.workspace.findFiles(`**/${target.path}`, '**/node_modules/**', 1);
    if (hits.length) found = hits[0].fsPath;
  }
  if (!found) return fail(`${target.path} is not a file in this workspace`);
  const line = L.clampLine(target.line) - 1;
  const col = Math.max(0, (Number(target.column) || 1) - 1);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(found));
  const pos = new vscode.Position(Math.min(line, Math.max(0, doc.lineCount - 1)), col);
  // beside the dashboard, so that reading the code does not hide the trace
  const column = panel && panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos), preserveFocus: false });
  return { ok: true, path: found, line: line + 1 };

  function fail(reason) {
    vscode.window.showWarningMessage(`TTA: cannot open ${target.path || 'file'}: ${reason}`);
    return { ok: false, reason };
  }
}

async function viewTraceById() {
  const ed = vscode.window.activeTextEditor;
  let guess = null;
  if (ed) {
    const sel = ed.selection;
    guess = L.extractTraceId(sel.isEmpty ? ed.document.lineAt(sel.active.line).text : ed.document.getText(sel));
  }
  if (!guess) guess = L.extractTraceId(await vscode.env.clipboard.readText().then(t => t, () => ''));
  const id = await vscode.window.showInputBox({
    title: 'TTA: View Trace by ID', prompt: 'Trace id (32 hex digits)', value: guess || '',
    validateInput: v => (L.isTraceId(v) ? null : 'a trace id is 32 hex digits'),
  });
  if (id) await openDashboard(id.trim().toLowerCase());
}

async function copyOtlpEndpoint() {
  const ep = L.otlpTracesEndpoint(config().serviceUrl);
  await vscode.env.clipboard.writeText(ep);
  vscode.window.showInformationMessage(`TTA: copied ${ep} (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, protocol http/protobuf)`);
}

async function setAuthToken() {
  const v = await vscode.window.showInputBox({ title: 'TTA: Set Auth Token', prompt: 'Bearer token for tta-obs (empty removes it)', password: true, ignoreFocusOut: true });
  if (v === undefined) return;
  if (v.trim()) await ctx.secrets.store(SECRET_KEY, v.trim()); else await ctx.secrets.delete(SECRET_KEY);
  if (panel) panel.webview.postMessage({ type: 'tta.init', authToken: v.trim() || null });
  pollNow();
}

function guarded(fn) {
  return async (...a) => {
    try { return await fn(...a); } catch (e) { vscode.window.showErrorMessage(`TTA: ${e.message}`); }
  };
}

function activate(context) {
  ctx = context;
  disposed = false;
  output = vscode.window.createOutputChannel('TTA Observability');
  statusItem = vscode.window.createStatusBarItem('tta.status', vscode.StatusBarAlignment.Left, 100);
  statusItem.name = 'TTA Observability';
  statusItem.command = 'tta.openDashboard';
  statusItem.show();
  const reg = (id, fn) => context.subscriptions.push(vscode.commands.registerCommand(id, guarded(fn)));
  reg('tta.openDashboard', () => openDashboard());
  reg('tta.viewTrace', viewTraceById);
  reg('tta.startService', async () => { startService(); output.show(true); });
  reg('tta.stopService', stopService);
  reg('tta.copyOtlpEndpoint', copyOtlpEndpoint);
  reg('tta.setAuthToken', setAuthToken);
  context.subscriptions.push(output, statusItem,
    vscode.window.onDidChangeWindowState(s => { if (s.focused) pollNow(); }),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('tta')) { statsMissingSince = 0; pollNow(); } }),
    context.secrets.onDidChange(e => { if (e.key === SECRET_KEY) pollNow(); }));
  pollLoop();
  return { _state: () => lastState };
}

function deactivate() {
  disposed = true;
  clearTimeout(pollTimer);
  if (child) stopService();
}

module.exports = { activate, deactivate };
