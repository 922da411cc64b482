#!/usr/bin/env bash
# Ingest into PostgreSQL: LoadGenerator against the tta-obs jar with --storage=postgres, each run on
# a new embedded PostgreSQL 17 (fsync and synchronous_commit on) in a fresh data directory. With
# COMPARE, two builds run alternately in one sitting (A B, B A, A B, ...): on this shared VM that is
# the comparison to trust, not two sittings. Prints every run's spans/s, PostgreSQL's CPU (the
# postmaster and its reaped backends, /proc stat), the reads' p99, then medians and the ratio.
#   bench/postgres-ingest.sh [LoadGenerator options, e.g. --requests=1000]
#   COMPARE=REV|JAR bench/postgres-ingest.sh [ROUNDS=3] [options]
# COMPARE is a revision (built in a temporary git worktree) or an already built tta-obs-all.jar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-3}"
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="app/target/test-classes:$(cat app/target/bench.classpath)"
work="$(mktemp -d)"
cleanup() {
    [ -n "${pg_java:-}" ] && kill "$pg_java" 2>/dev/null && wait "$pg_java" 2>/dev/null
    [ -d "$work/tree" ] && git worktree remove --force "$work/tree"
    rm -rf "$work"
}
trap cleanup EXIT
# a build's jar with tta-obs-services.jar beside it, where newer builds look for it
copy_build() { # jar destination-dir
    mkdir -p "$2"
    cp "$1" "$2/tta-obs-all.jar"
    if [ -f "$(dirname "$1")/tta-obs-services.jar" ]; then
        cp "$(dirname "$1")/tta-obs-services.jar" "$2/"
    fi
}
copy_build app/target/tta-obs-all.jar "$work/this"
builds=(this)
if [ -n "${COMPARE:-}" ]; then
    if [ -f "$COMPARE" ]; then
        copy_build "$COMPARE" "$work/base"
    else
        git worktree add -q --detach "$work/tree" "$COMPARE"
        (cd "$work/tree" && ./mvnw -B -q -DskipTests package -pl app -am)
        copy_build "$work/tree/app/target/tta-obs-all.jar" "$work/base"
    fi
    builds=(base this)
else
    rounds=1
fi

# the postmaster's own and reaped children's CPU, plus its live children's (checkpointer, walwriter, ...)
cpu_ticks() {
    local t
    t="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat")"
    for c in $(pgrep -P "$1"); do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

run() { # build round [LoadGenerator options]
    local build="$1" round="$2"
    shift 2
    local log="$work/$build-$round.log"
    java -cp "$cp" dev.tta.obs.bench.EmbeddedPostgresServer "$work/pg-$build-$round" >"$work/pg.out" 2>"$work/pg.err" &
    pg_java=$!
    local url=""
    for _ in $(seq 1 120); do
        url="$(grep -m1 '^jdbc:' "$work/pg.out" || true)"
        [ -n "$url" ] && break
        sleep 1
    done
    [ -n "$url" ] || { cat "$work/pg.err" >&2; echo "embedded PostgreSQL did not start" >&2; exit 1; }
    # the URL can come before the server has written its pid file
    for _ in $(seq 1 30); do
        [ -s "$work/pg-$build-$round/postmaster.pid" ] && break
        sleep 1
    done
    local postmaster
    postmaster="$(head -1 "$work/pg-$build-$round/postmaster.pid")"
    local before
    before="$(cpu_ticks "$postmaster")"
    java -Dlogback.configurationFile=app/src/main/resources/logback.xml -cp "$cp" dev.tta.obs.bench.LoadGenerator \
        --jar="$work/$build/tta-obs-all.jar" --server-args="--storage=postgres --db-url=$url --db-user=postgres" "$@" >"$log" 2>&1 \
        || { cat "$log" >&2; exit 1; }
    # the server has exited, so its backends are reaped and counted in the postmaster's cutime
    local pg_cpu
    pg_cpu="$(( $(cpu_ticks "$postmaster") - before ))"
    kill "$pg_java"
    wait "$pg_java" 2>/dev/null || true
    pg_java=""
    rm -rf "$work/pg-$build-$round"
    local rate reads stored
    rate="$(sed -n 's/^ingest: \([0-9]*\) spans\/s.*/\1/p' "$log")"
    stored="$(sed -n 's/^stored: \([0-9]*\) spans of \([0-9]*\).*/\1 of \2/p' "$log")"
    reads="$(sed -n 's/^trace by id.*p99 \([0-9.]*\) ms, max.*/id p99 \1 ms/p; s/^search, 4 kinds.*p99 \([0-9.]*\) ms.*/search p99 \1 ms/p' "$log" | paste -sd' ')"
    printf '%-4s round %d: %6s spans/s  PostgreSQL CPU %6.1f s  stored %s  %s  load %s\n' "$build" "$round" "$rate" \
        "$(echo "$pg_cpu / 100" | bc -l)" "$stored" "$reads" "$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "$rate" >>"$work/$build.rates"
    sed -n 's/^/    /; /^    \(ingest\|server CPU\|host steal\|export latency\)/p' "$log"
}

for r in $(seq 1 "$rounds"); do
    if [ "${#builds[@]}" -eq 2 ] && [ $((r % 2)) -eq 0 ]; then
        order=(this base)
    else
        order=("${builds[@]}")
    fi
    for b in "${order[@]}"; do
        run "$b" "$r" "$@"
    done
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
if [ "${#builds[@]}" -eq 2 ]; then
    b="$(median "$work/base.rates")"
    t="$(median "$work/this.rates")"
    printf 'median spans/s: base %s, this %s, ratio %.2f\n' "$b" "$t" "$(echo "$t / $b" | bc -l)"
fi
