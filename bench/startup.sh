#!/usr/bin/env bash
# Start-up time of `tta-obs start` as users run it, on every JDK 17+ this machine has: from launch to
# the first 200 on /api/health, a fresh data directory each run, after one warm-up start that
# creates the start-up cache (in a private cache directory, so the user's own cache is untouched).
#
#   bench/startup.sh [RUNS]                   RUNS cold starts per JDK (default 5)
#   COMPARE=/other/tta-obs bench/startup.sh   also measures another launcher in the same run,
#                                             alternating with this one, and prints the ratio
#   JDKS="/usr/lib/jvm/a /usr/lib/jvm/b"      measures only these Java homes
#
# Prints the runs, the median and range per JDK and launcher, the machine's load, and the median
# start-up phase profile that `tta-obs start` prints with TTA_OBS_STARTUP_PROFILE=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
# a port pair nobody else is likely to use; checked before every start, since a server that is
# already there would answer the health check for us
port="${PORT:-$((20000 + RANDOM % 20000))}"
grpc_port=$((port + 1))
launchers=("$root/tta-obs")
if [[ -n "${COMPARE:-}" ]]; then
  launchers+=("$(cd "$(dirname "$COMPARE")" && pwd)/$(basename "$COMPARE")")
fi

java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }

find_jdks() {
  local candidates=() seen="" home real
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    real="$(readlink -f "$(command -v java)")"
    candidates+=("$(dirname "$(dirname "$real")")")
  fi
  for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* \
      "$HOME"/.jdks/*; do
    [[ -d "$home" ]] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    real="$(readlink -f "$home")"
    [[ -x "$real/bin/java" && -f "$real/release" ]] || continue
    [[ " $seen " == *" $real "* ]] && continue
    seen="$seen $real"
    local major
    major="$(java_major "$real")"
    [[ -n "$major" && "$major" -ge 17 ]] && echo "$real"
  done
}

if [[ -n "${JDKS:-}" ]]; then
  read -r -a jdks <<<"$JDKS"
else
  mapfile -t jdks < <(find_jdks)
fi
if [[ ${#jdks[@]} -eq 0 ]]; then
  echo "startup.sh: no JDK 17+ found (set JDKS or JAVA_HOME)" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tta-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Asks /api/health once, as a client that stays running would (the VS Code extension, a test
# harness): with bash's own /dev/tcp and read, so polling forks nothing. A curl per attempt, every few
# milliseconds, took CPU from the JVM being measured on a machine with few cores. POLL=curl polls
# with curl as this script did before, to compare.
health_ok() {
  local line=""
  if [[ "${POLL:-}" == curl ]]; then
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"
    return
  fi
  { exec 5<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&5
  IFS= read -r -t 5 line <&5 || true
  exec 5<&- 5>&-
  [[ "$line" == "HTTP/1.1 200"* ]]
}
# a pause without the fork of /usr/bin/sleep: a read that times out on a pipe nobody writes to
exec 6<> <(:)
pause() { read -r -t "$1" -u 6 _ || true; }

# one start: prints the milliseconds to the first 200 on /api/health; the profile goes to $2
one_start() {
  local launcher="$1" profile_out="$2" dir pid t0 t1
  dir="$(mktemp -d "$work/data.XXXXXX")"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$grpc_port") 2>/dev/null; then
    echo "startup.sh: port $port or $grpc_port is taken; set PORT to another" >&2
    exit 1
  fi
  t0=$EPOCHREALTIME
  TTA_OBS_STARTUP_PROFILE=1 "$launcher" start --data-dir "$dir" --port "$port" --otlp-http-port 0 \
    --otlp-grpc-port "$grpc_port" >/dev/null 2>"$dir.err" &
  pid=$!
  until health_ok; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "tta-obs exited early:" >&2
      cat "$dir.err" >&2
      exit 1
    fi
    pause 0.005
  done
  t1=$EPOCHREALTIME
  # CPU time of the JVM (the launcher execs it) up to that answer, all threads
  local cpu=-1
  if [[ -r "/proc/$pid/stat" ]]; then
    cpu="$(awk -v hz="$hz" '{sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz)}' "/proc/$pid/stat")"
  fi
  # the profile lines are printed right after the ready line; give them a moment
  for _ in $(seq 1 100); do
    grep -q '^startup cpu' "$dir.err" && break
    sleep 0.02
  done
  grep '^startup ' "$dir.err" >"$profile_out" || true
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir" "$dir.err"
  local us0=${t0/./} us1=${t1/./}
  echo "$(((10#$us1 - 10#$us0) / 1000)) $cpu"
}
hz="$(getconf CLK_TCK 2>/dev/null || echo 100)"

stats() { # median, min and max of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {printf "median %d ms, range %d-%d ms", a[int((NR+1)/2)], a[1], a[NR]}'
}

median_profile() { # LINE FILE...: the median of each phase over the lines starting with LINE
  local line="$1"
  shift
  cat "$@" | grep "^$line" | sed 's/^[^:]*: //' | tr ',' '\n' | sed 's/^ *//' \
    | awk -F'=' 'NF==2 {n=$1; v=$2+0; k[n]=k[n] " " v; if (!(n in o)) {o[n]=++c; names[c]=n}}
      END {for (i=1;i<=c;i++) {m=split(substr(k[names[i]],2), a, " ");
            for (x=2;x<=m;x++) {v=a[x]; y=x-1; while (y>0 && a[y]>v) {a[y+1]=a[y]; y--}; a[y+1]=v}
            printf "  %-34s %5d ms\n", names[i], a[int((m+1)/2)]}}'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null), $(uname -sm)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
for jdk in "${jdks[@]}"; do
  version="$("$jdk/bin/java" -version 2>&1 | head -n 1)"
  echo
  echo "== $jdk: $version"
  declare -A times=() cpus=()
  # a private cache directory per JDK and launcher: the warm-up start creates the cache, as a
  # user's first start does
  for l in "${!launchers[@]}"; do
    mkdir -p "$work/cache.$l"
    JAVA_HOME="$jdk" XDG_CACHE_HOME="$work/cache.$l" one_start "${launchers[$l]}" "$work/warmup.profile" >/dev/null
    times[$l]=""
  done
  for ((i = 1; i <= runs; i++)); do
    # alternate the launchers, so that a change in the machine's load hits both alike
    for l in "${!launchers[@]}"; do
      read -r ms cpu < <(JAVA_HOME="$jdk" XDG_CACHE_HOME="$work/cache.$l" one_start "${launchers[$l]}" "$work/p.$l.$i")
      times[$l]="${times[$l]} $ms"
      cpus[$l]="${cpus[$l]:-} $cpu"
      echo "  run $i $(basename "$(dirname "${launchers[$l]}")")/$(basename "${launchers[$l]}"): $ms ms (CPU $cpu ms)"
    done
  done
  for l in "${!launchers[@]}"; do
    echo "  ${launchers[$l]}: $(tr ' ' '\n' <<<"${times[$l]}" | grep . | stats) over $runs starts;" \
      "CPU time $(tr ' ' '\n' <<<"${cpus[$l]}" | grep . | stats)"
  done
  if [[ ${#launchers[@]} -gt 1 ]]; then
    m0="$(tr ' ' '\n' <<<"${times[0]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    m1="$(tr ' ' '\n' <<<"${times[1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    c0="$(tr ' ' '\n' <<<"${cpus[0]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    c1="$(tr ' ' '\n' <<<"${cpus[1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    echo "  ratio of medians (this / compared): $(awk -v a="$m0" -v b="$m1" 'BEGIN {printf "%.2f", a / b}') to the first 200," \
      "$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", a / b}') in CPU time"
  fi
  if compgen -G "$work/p.0.*" >/dev/null && [[ -s "$(ls "$work"/p.0.* | head -n 1)" ]]; then
    echo "  phase profile of ${launchers[0]} (median; when each phase ended, ms since launch):"
    median_profile "startup profile" "$work"/p.0.*
    echo "  CPU time used by the end of each phase (median, ms; all threads):"
    median_profile "startup cpu" "$work"/p.0.*
  fi
  rm -f "$work"/p.*
  unset times cpus
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
