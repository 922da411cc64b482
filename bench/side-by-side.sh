#!/usr/bin/env bash
# Compares the ingest path (protobuf decoding and the SQLite store's prepare, or the store's write)
# of revision REV with the working tree, in one JVM, alternating blocks (SideBySideBench: 300 ms,
# or 20 commits for write): on this noisy shared VM that is the comparison to trust, not two runs
# of bench/load.sh a minute apart.
#   bench/side-by-side.sh REV [decode|prepare|write] [blocks]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rev="${1:?usage: bench/side-by-side.sh REV [decode|prepare|write] [blocks]}"
shift
base="$(mktemp -d)"
git worktree add -q --detach "$base/tree" "$rev"
trap 'git worktree remove --force "$base/tree"; rm -rf "$base"' EXIT
modules=domain,ports,adapters-jdbc,adapters-otlp,adapters-sqlite
(cd "$base/tree" && ./mvnw -B -q -DskipTests package -pl "$modules" -am)
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
classes() { (cd "$1" && ls -d "$PWD"/{domain,ports,adapters-jdbc,adapters-otlp,adapters-sqlite}/target/classes | paste -sd:); }
java -Dlogback.configurationFile=bench/logback.xml -XX:+UseSerialGC -Xms256m -Xmx512m \
    -cp "app/target/test-classes:$(cat app/target/bench.classpath)" dev.tta.obs.bench.SideBySideBench \
    "$(classes "$base/tree")" "$(classes "$root")" "$@"
