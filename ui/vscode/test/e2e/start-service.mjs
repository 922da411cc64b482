// End-to-end: "TTA: Start Service" in a real VS Code (code-server in headless Chromium) with an EMPTY
// workspace and tta-obs installed the way a new user installs it (`tta-obs install` from the release
// archive, into $HOME/.local). Nothing is running at first; the command must find tta-obs where the
// install put it (not on VS Code's PATH), start it in the workspace, and the status bar must show the
// service. Run by VsCodeExtensionIT; exit code 1 when a check failed, 3 when the host is missing.
//   node start-service.mjs --vsix ui/target/tta-obs-vscode-0.1.0.vsix --host-dir <vscode host> \
//     --home <home with .local/bin/tta-obs> --port 18765 --grpc-port 18766 --data-dir /tmp/d --work /tmp/e2e
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium, parseArgs, requireHost, startCodeServer, writeSettings } from './host.mjs';

const args = parseArgs(process.argv.slice(2));
const work = resolve(args.work);
const home = resolve(args.home);
const hostDir = resolve(args['host-dir']);
const chromiumPath = args.chromium || '/usr/bin/chromium';
const service = `http://127.0.0.1:${args.port}`;
const screenshot = resolve(args.screenshot || join(work, 'vscode-start-service.png'));

const { codeServer, chromium } = requireHost(hostDir, chromiumPath);

const checks = [];
let page;
async function check(name, fn) {
  try {
    const detail = await fn();
    checks.push({ name, ok: true, detail });
    console.log(`PASS ${name}${detail ? ': ' + detail : ''}`);
  } catch (e) {
    checks.push({ name, ok: false, detail: String(e && e.message || e).split('\n')[0] });
    console.log(`FAIL ${name}: ${String(e && e.stack || e)}`);
    if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, `-fail-${checks.length}.png`) }).catch(() => {});
  }
}
const fail = m => { throw new Error(m); };
const healthy = async () => { try { return (await fetch(`${service}/api/health`)).ok; } catch { return false; } };

// an empty workspace: a project that has never seen tta-obs
const ws = join(work, 'empty-project');
const state = join(work, 'state');
mkdirSync(ws, { recursive: true });
writeSettings(state, service); // tta.command stays the default, `tta-obs start`

// VS Code's environment: the user's HOME (where `tta-obs install` put it), a PATH without
// ~/.local/bin, as when VS Code is started from a desktop menu; the TTA_OBS_* variables choose free
// ports and a temporary data directory for the tta-obs that the extension starts
const env = {
  ...process.env, HOME: home, XDG_CONFIG_HOME: join(state, 'xdg'), XDG_DATA_HOME: join(state, 'xdg'), XDG_CACHE_HOME: join(state, 'cache'),
  PATH: (process.env.PATH || '').split(':').filter(d => !d.startsWith(home)).join(':'),
  TTA_OBS_PORT: String(args.port), TTA_OBS_OTLP_GRPC_PORT: String(args['grpc-port']), TTA_OBS_OTLP_HTTP_PORT: '0',
  TTA_OBS_DATA_DIR: resolve(args['data-dir']),
};
const { url, stop: stopCodeServer } = await startCodeServer({ codeServer, vsix: args.vsix, state, env, ws, work });

const browser = await launchChromium(chromium, chromiumPath);
const statusHas = (want, timeout) => page.waitForFunction(w => [...document.querySelectorAll('.statusbar-item')]
  .some(e => e.innerText.replace(/\s+/g, ' ').includes(w)), want, { timeout, polling: 100 });
const statusText = async () => (await page.locator('.statusbar-item', { hasText: 'TTA:' }).first().innerText().catch(() => '?')).replace(/\s+/g, ' ').trim();
async function runCommand(title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill('>' + title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^[^:]+:\s*/, '') }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });

  await check('before: nothing answers and the status bar says offline', async () => {
    if (await healthy()) fail(`something already answers at ${service}`);
    await statusHas('TTA: ⭘ offline', 60000).catch(async () => fail(`status bar says ${JSON.stringify(await statusText())}`));
    return await statusText();
  });

  await check('"TTA: Start Service" in the empty workspace starts the installed tta-obs', async () => {
    await runCommand('TTA: Start Service');
    const until = Date.now() + 150000;
    while (!(await healthy())) {
      if (Date.now() > until) fail(`no /api/health at ${service} within 150 s; status bar says ${JSON.stringify(await statusText())}`);
      await page.waitForTimeout(300);
    }
    return `${service}/api/health answers`;
  });

  await check('the status bar shows the started service', async () => {
    await statusHas('TTA: ✅ 0 traces', 30000).catch(async () => fail(`status bar says ${JSON.stringify(await statusText())}`));
    return await statusText();
  });

  await check('the workspace is left as it was (tta-obs keeps its data elsewhere)', async () => {
    const left = readdirSync(ws);
    if (left.length) fail(`the workspace now holds ${left.join(', ')}`);
    return 'still empty';
  });

  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);

  await check('"TTA: Stop Service" stops it again', async () => {
    await runCommand('TTA: Stop Service');
    const until = Date.now() + 60000;
    while (await healthy()) {
      if (Date.now() > until) fail('still answering 60 s after Stop Service');
      await page.waitForTimeout(300);
    }
    return 'stopped';
  });
  console.log('RESULT ' + JSON.stringify({ checks }));
} finally {
  await browser.close();
  stopCodeServer();
}
process.exit(checks.every(c => c.ok) ? 0 : 1);
