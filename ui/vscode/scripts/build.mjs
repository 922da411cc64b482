// Run by the ui module's Maven build (and by hand): `test` runs the pure-logic tests,
// `package` writes ui/target/tta-obs-vscode-<version>.vsix.
// The .vsix needs @vscode/vsce from npm; where npm cannot install it (offline, no cache) the
// build goes on without the .vsix and says so, unless TTA_OBS_REQUIRE_VSCODE=1 (CI).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.TTA_OBS_REQUIRE_VSCODE === '1';
const win = process.platform === 'win32';
const run = (cmd, args) => spawnSync(cmd, args, { cwd: here, stdio: 'inherit', shell: win });

const mode = process.argv[2];
if (mode === 'test') {
  // named files, not the directory: node would also run test/e2e/drive.mjs, which needs a VS Code host
  const files = readdirSync(join(here, 'test')).filter(f => f.endsWith('.test.js')).map(f => join('test', f));
  process.exit(run(process.execPath, ['--test', '--test-reporter=dot', ...files]).status ?? 1);
}
if (mode !== 'package') {
  console.error('usage: build.mjs test|package');
  process.exit(2);
}

const vsce = join(here, 'node_modules/@vscode/vsce/vsce');
const lock = join(here, 'package-lock.json');
const installed = join(here, 'node_modules/.package-lock.json');
// npm ci only when the lock file changed since the last install: a rebuild stays offline and quick
if (!existsSync(vsce) || !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  const r = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (r.status !== 0 || !existsSync(vsce)) {
    const why = 'tta-obs VS Code extension: `npm ci` in ui/vscode failed, so no .vsix is built';
    if (required) { console.error(`${why} (TTA_OBS_REQUIRE_VSCODE=1)`); process.exit(1); }
    console.warn(`[WARN] ${why}; the rest of the build goes on.`);
    process.exit(0);
  }
}
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const out = join(here, '..', 'target', `tta-obs-vscode-${version}.vsix`);
mkdirSync(dirname(out), { recursive: true });
copyFileSync(join(here, '..', '..', 'LICENSE'), join(here, 'LICENSE'));
const r = run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', '--no-git-tag-version', '-o', out]);
process.exit(r.status ?? 1);
