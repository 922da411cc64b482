#!/usr/bin/env bash
# Start-up time of `./tta-obs start`: launch to first 200 on /api/health, fresh data dir, N runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
port="${PORT:-18765}"
# a server already answering there would be timed instead of ours
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "port $port already answers; choose a free one with PORT=N" >&2
  exit 1
fi
times=()
for ((i = 1; i <= runs; i++)); do
  dir="$(mktemp -d)"
  start=$(date +%s%N)
  "$root/tta-obs" start --data-dir "$dir" --port "$port" --otlp-http-port 0 >/dev/null 2>"$dir.err" &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "tta-obs exited early:" >&2; cat "$dir.err" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  times+=("$ms")
  echo "run $i: ${ms} ms"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir" "$dir.err"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median of $runs: ${median} ms"
