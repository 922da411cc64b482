#!/usr/bin/env bash
# Ingest benchmark: builds the jar and the load generator, then runs LoadGenerator against a fresh
# tta-obs process on loopback. Options: --requests=N --spans-per-request=N --spans-per-trace=N
# --attributes=N --clients=N --read-samples=N --warmup=N --read-warmup=N --port=N --protocol=http|grpc
# --http-client=raw|jdk --server-args="..."
# --jvm-args="..." (added after app/jvm.options, the launcher's JVM options) --jvm-options=FILE
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java -Dlogback.configurationFile=bench/logback.xml -cp "app/target/test-classes:$(cat app/target/bench.classpath)" dev.tta.obs.bench.LoadGenerator "$@"
