#!/usr/bin/env bash
# Click to drawn of a 10,000-span trace in the dashboard: builds tta-obs from the working tree,
# starts the packaged jar on a fresh data directory, sends the demo's 10,000-span trace through the
# OpenTelemetry SDK, then opens it from the trace list N times in headless Debian Chromium
# (chromium + chromium-driver) and prints the median and quartiles, the bytes moved and the
# requests made. See docs/performance.md, "Opening a 10,000-span trace".
#   bench/trace-open.sh [--opens=15] [--spans=10000] [--jar=OTHER/tta-obs-all.jar]
# --jar runs another build (e.g. an older revision's app/target/tta-obs-all.jar) with the same
# browser and trace, to compare two builds in one sitting.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
jar_arg="--jar=app/target/tta-obs-all.jar"
for a in "$@"; do [[ "$a" == --jar=* ]] && jar_arg=""; done
exec java -Dlogback.configurationFile=bench/logback.xml \
    -cp "app/target/test-classes:app/target/classes:$(cat app/target/bench.classpath)" dev.tta.obs.app.ui.TraceOpenBench \
    ${jar_arg:+"$jar_arg"} "$@"
