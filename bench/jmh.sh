#!/usr/bin/env bash
# Microbenchmarks (JMH) of hot loops: builds the modules and the test classes, then runs the named
# benchmarks, e.g. `bench/jmh.sh IngestPathBench` or `bench/jmh.sh 'IngestPathBench.(decode|prepare)'`.
# Any other arguments go to JMH (-f forks, -wi/-i iterations, -prof gc, -h for the rest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
# the forks inherit these JVM options, so the logging stays at the application's levels
exec java -Dlogback.configurationFile=bench/logback.xml \
    -cp "app/target/test-classes:$(cat app/target/bench.classpath)" org.openjdk.jmh.Main "$@"
