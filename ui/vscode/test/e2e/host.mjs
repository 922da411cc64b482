// The VS Code host the e2e scripts (drive.mjs, start-service.mjs) share: code-server with the
// .vsix installed into throwaway state, and headless Chromium to open it in.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `--name value` pairs of the command line, as an object. */
export function parseArgs(argv) {
  return Object.fromEntries(argv.reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
}

/**
 * code-server and playwright-core in hostDir, and Chromium; exits 3 (the test skips) naming the
 * first one missing.
 */
export function requireHost(hostDir, chromiumPath) {
  const codeServer = join(hostDir, 'node_modules/.bin/code-server');
  for (const [what, p] of [['code-server', codeServer], ['Chromium', chromiumPath], ['playwright-core', join(hostDir, 'node_modules/playwright-core')]]) {
    if (!existsSync(p)) { console.log(`SKIP: ${what} not found at ${p}`); process.exit(3); }
  }
  const { chromium } = createRequire(hostDir + '/')('playwright-core');
  return { codeServer, chromium };
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

/** The user settings of settings.json beside this file, pointing the extension at serviceUrl. */
export function writeSettings(state, serviceUrl) {
  mkdirSync(join(state, 'data/User'), { recursive: true });
  const settings = JSON.parse(readFileSync(join(here, 'settings.json'), 'utf8'));
  settings['tta.serviceUrl'] = serviceUrl;
  writeFileSync(join(state, 'data/User/settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Installs the .vsix into state, starts code-server on a free port with workspace ws, and waits
 * until it answers: its URL, and how to stop it. It is stopped anyway, and its log written to
 * work/code-server.log, when this process exits; a failed install or start exits 1.
 */
export async function startCodeServer({ codeServer, vsix, state, env, ws, work }) {
  const csArgs = ['--user-data-dir', join(state, 'data'), '--extensions-dir', join(state, 'exts')];
  const inst = spawnSync(codeServer, [...csArgs, '--install-extension', resolve(vsix)], { env, encoding: 'utf8' });
  if (inst.status !== 0) { console.log(`FAIL install the .vsix: ${inst.stdout}${inst.stderr}`); process.exit(1); }
  const port = await freePort();
  const logChunks = [];
  const cs = spawn(codeServer, [...csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  cs.stdout.on('data', d => logChunks.push(d)); cs.stderr.on('data', d => logChunks.push(d));
  const stopCodeServer = () => { try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ } };
  process.on('exit', () => { stopCodeServer(); writeFileSync(join(work, 'code-server.log'), Buffer.concat(logChunks)); });

  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 200 || cs.exitCode !== null) { console.log(`FAIL code-server did not start:\n${Buffer.concat(logChunks)}`); process.exit(1); }
    await new Promise(r => setTimeout(r, 300));
  }
  return { url, stop: stopCodeServer };
}

/** Headless Chromium that reaches nothing outside this machine on its own. */
export function launchChromium(chromium, executablePath) {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
