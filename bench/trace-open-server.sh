#!/usr/bin/env bash
# The server's side of opening a 10,000-span trace: CPU and wall time of GET /api/traces/{id}/timeline
# (Accept-Encoding: br, as Chromium asks), two builds alternating on one data directory, and whether
# their identity bodies are byte-identical. See docs/performance.md, "Opening a 10,000-span trace".
#   bench/trace-open-server.sh THIS/tta-obs-all.jar OTHER/tta-obs-all.jar
# ROUNDS (default 3) pairs of starts; N (default 30) timed requests per start, after 20 warm-ups.
# CPU is the server process's user+system time (/proc/<pid>/stat) around the N requests (Linux).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 THIS.jar OTHER.jar" >&2; exit 2; }
JARS=("$1" "$2")
ROUNDS=${ROUNDS:-3}
N=${N:-30}
B=$(mktemp -d /tmp/tta-obs-trace-open-server.XXXXXX)
trap 'kill $PID 2>/dev/null || true; rm -rf "$B"' EXIT
PID=
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
TICK=$(getconf CLK_TCK)
start() {
  java -Xmx512m -jar "$1" start --port=$PORT --otlp-http-port=0 --otlp-grpc-port=0 --data-dir="$B/data" \
      --retention=0 --max-traces=0 >"$B/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    kill -0 $PID 2>/dev/null || { cat "$B/server.log" >&2; exit 1; }
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && return 0
    sleep 0.2
  done
  echo "tta-obs did not start" >&2; exit 1
}
stop() { kill $PID; wait $PID || true; }
start "${JARS[0]}"
java -jar "${JARS[0]}" demo --url="http://127.0.0.1:$PORT" --big >/dev/null
ID=$(curl -sf "http://127.0.0.1:$PORT/api/traces?limit=50" | jq -r '.traces[] | select(.spanCount == 10000) | .traceId' | head -1)
stop
URL="http://127.0.0.1:$PORT/api/traces/$ID/timeline"
for r in $(seq 1 "$ROUNDS"); do
  for j in 0 1; do
    start "${JARS[$j]}"
    curl -sf -H 'Accept-Encoding: identity' "$URL" -o "$B/body-$j.json"
    for _ in $(seq 1 20); do curl -sf -o /dev/null -H 'Accept-Encoding: br' "$URL"; done
    cpu0=$(awk '{print $14+$15}' /proc/$PID/stat)
    ts=$(for _ in $(seq 1 "$N"); do curl -sf -o /dev/null -w '%{time_total}\n' -H 'Accept-Encoding: br' "$URL"; done | sort -n)
    cpu1=$(awk '{print $14+$15}' /proc/$PID/stat)
    med=$(echo "$ts" | sed -n "$(( (N + 1) / 2 ))p")
    echo "round $r ${JARS[$j]}: cpu $(( (cpu1 - cpu0) * 1000 / TICK / N )) ms/request, wall median ${med}s, load $(cut -d' ' -f1 /proc/loadavg)"
    stop
  done
done
cmp -s "$B/body-0.json" "$B/body-1.json" && echo "timeline bodies byte-identical ($(wc -c <"$B/body-0.json") bytes)" \
  || echo "timeline bodies DIFFER"
