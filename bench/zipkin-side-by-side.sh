#!/usr/bin/env bash
# Ingest CPU side by side with Zipkin's in-memory server: fetches Zipkin's exec jar from Maven
# Central (cached in ~/.cache/tta-obs/bench, checked against Central's SHA-1), builds tta-obs from
# the working tree, then runs ZipkinSideBySide: each server alone in a fresh process, both warmed
# with the same 200k spans, then sent the same 200k spans in 500-span batches from 2 clients
# (OTLP/HTTP protobuf to tta-obs, the same spans as Zipkin PROTO3 to Zipkin), their CPU time read
# from /proc/PID/stat; rounds alternate which server goes first; medians and the ratio at the end.
#   bench/zipkin-side-by-side.sh [--rounds=3] [--requests=400] [--warmup=400] [--spans-per-request=500]
#       [--clients=2] [--jvm-args="..."] [--zipkin-jvm-args="..."] [--port=N] [--zipkin-port=N]
# ZIPKIN_VERSION (default 3.6.1) picks another Zipkin 3.x release.
# --baseline-jar=OTHER/tta-obs-all.jar runs that tta-obs build in Zipkin's place (same load, order
# alternating), to compare two builds' CPU per span in one sitting.
# --baseline-jvm-args="..." gives the baseline other JVM arguments than --jvm-args (default: the
# same), to compare a JVM flag on one jar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version="${ZIPKIN_VERSION:-3.6.1}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tta-obs/bench"
jar="$cache/zipkin-server-$version-exec.jar"
if [[ ! -f "$jar" ]]; then
  mkdir -p "$cache"
  url="https://repo.maven.apache.org/maven2/io/zipkin/zipkin-server/$version/zipkin-server-$version-exec.jar"
  echo "fetching $url" >&2
  curl -fsSL -o "$jar.part" "$url"
  want="$(curl -fsSL "$url.sha1" | cut -c1-40)"
  got="$(sha1sum "$jar.part" | cut -c1-40)"
  if [[ "$want" != "$got" ]]; then
    rm -f "$jar.part"
    echo "zipkin-server-$version-exec.jar: SHA-1 $got, Maven Central says $want" >&2
    exit 1
  fi
  mv "$jar.part" "$jar"
fi
# one reactor run, so the classpath names the modules built here (never an installed snapshot)
./mvnw -B -q -DskipTests package dependency:build-classpath -pl app -am -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
exec java -Dlogback.configurationFile=bench/logback.xml \
    -cp "app/target/test-classes:$(cat app/target/bench.classpath)" dev.tta.obs.bench.ZipkinSideBySide \
    --zipkin-jar="$jar" "$@"
