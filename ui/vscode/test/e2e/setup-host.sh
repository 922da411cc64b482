#!/usr/bin/env bash
# A copy of ../shared/tools/vscode-host/setup.sh, so that the repository sets up its own e2e host.
# Installs a real VS Code host for extension end-to-end tests, with no download outside the
# package registries: code-server (VS Code 1.100 in the browser) from npm, headless Chromium
# from Debian, @vscode/vsce to package a .vsix, playwright-core to drive the browser.
# Idempotent; prints the install directory on its last line.
# usage: setup.sh [DIR]   (default: $TTA_VSCODE_HOST_DIR or ~/.cache/tta-obs/vscode-host)
set -euo pipefail
DIR=${1:-${TTA_VSCODE_HOST_DIR:-$HOME/.cache/tta-obs/vscode-host}}
CODE_SERVER=4.100.3   # newest code-server whose engines.node accepts Node 20
VSCE=3.9.2            # newest vsce that runs on Node 20 (3.8+/4.x want Node 22)
PLAYWRIGHT=1.65.1
export npm_config_nodedir=/usr       # node-gyp uses the local Node headers instead of fetching them
export npm_config_yes=true           # node-pty's install runs npx node-gyp
export npm_config_fund=false npm_config_audit=false
export XDG_CONFIG_HOME=${XDG_CONFIG_HOME:-$DIR/xdg} XDG_DATA_HOME=${XDG_DATA_HOME:-$DIR/xdg}  # keep code-server out of ~/.config
mkdir -p "$DIR" && cd "$DIR"
if [ -x node_modules/.bin/code-server ] && node_modules/.bin/code-server --version >/dev/null 2>&1 \
   && [ -x node_modules/.bin/vsce ] && [ -d node_modules/playwright-core ]; then
  echo "$DIR"; exit 0
fi
need=()
for p in chromium ripgrep libkrb5-dev build-essential python3; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
[ -f package.json ] || npm init -y >/dev/null
npm install --ignore-scripts "code-server@$CODE_SERVER" >/dev/null
npm rebuild argon2 --foreground-scripts >/dev/null 2>&1      # prebuilt download fails offline; builds from source
( cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts >/dev/null
  mkdir -p node_modules/@vscode/ripgrep/bin                  # its postinstall would download ripgrep from GitHub
  ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  npm rebuild --foreground-scripts >/dev/null 2>&1 )
npm rebuild code-server --unsafe-perm=true --foreground-scripts >/dev/null 2>&1
npm install "@vscode/vsce@$VSCE" "playwright-core@$PLAYWRIGHT" >/dev/null
node_modules/.bin/code-server --version >&2
echo "$DIR"
