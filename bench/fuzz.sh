#!/usr/bin/env bash
# Fuzzes each Jazzer target for a while (default 5 minutes each), one JVM per target, and says
# which found something. `./mvnw verify` only replays the checked-in seeds; this is the long run.
#
#   bench/fuzz.sh                 every target, 5m each
#   bench/fuzz.sh 2m              every target, 2 minutes each
#   bench/fuzz.sh 10m jaegerJson  the targets whose name contains 'jaegerJson'
#
# A finding is written next to the seeds (src/test/resources/.../<Class>Inputs/<method>/crash-*),
# where `./mvnw verify` then replays it: fix the cause, keep the file as the regression test.
# The corpus each run grows is kept in <module>/.cifuzz-corpus/ (not in git) and reused next time.
# Logs: target/fuzz/<target>.log.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

duration="${1:-5m}"
filter="${2:-}"
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *[!0-9]*|'') echo "fuzz.sh: duration must look like 90s, 5m or 1h, got '$duration'" >&2; exit 2 ;;
  *) seconds=$duration ;;
esac

# module  test-class  method  (surefire for unit tests, failsafe for the app's ITs)
targets=(
  "adapters-otlp OtlpDecodersFuzzTest protobufTraces"
  "adapters-otlp OtlpDecodersFuzzTest protobufMetricsAndLogs"
  "adapters-otlp OtlpDecodersFuzzTest jsonExports"
  "adapters-otlp OtlpDecodersFuzzTest otlpJsonImport"
  "adapters-jaeger JaegerImportFuzzTest jaegerJson"
  "app ApiParametersFuzzIT traceSearch"
  "app ApiParametersFuzzIT otherParameters"
)

mkdir -p target/fuzz

failed=0
for t in "${targets[@]}"; do
  read -r module class method <<<"$t"
  [[ -n "$filter" && "$module/$class/$method" != *"$filter"* ]] && continue
  log="target/fuzz/$class.$method.log"
  if [[ "$class" == *IT ]]; then
    select=(-Dtest=none -Dit.test="$class#$method")
    goal=verify
  else
    select=(-Dtest="$class#$method")
    goal=test
  fi
  echo -n "fuzzing $class#$method for ${seconds}s ... "
  start=$(date +%s)
  # JAZZER_FUZZ turns the @FuzzTest into a fuzzing run; the jazzer.internal.arg.* (read as JUnit
  # configuration parameters) are libFuzzer flags and come after @FuzzTest's own, so they win.
  # -timeout makes an input that runs longer than 10 s a finding (a hang); a JUnit @Timeout would
  # not do: JUnit applies it to the whole fuzzing run.
  # jazzer.instrument: Jazzer guesses our classes from the class path's directories, but failsafe
  # puts the app and its modules there as jars, and then only the test class was instrumented
  # -Xmx bounds the heap, so an input that makes the code hoard memory is an OutOfMemoryError finding
  JAZZER_FUZZ=1 ./mvnw -B -ntp "$goal" -pl "$module" -am "${select[@]}" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
    -Djazzer.internal.arg.2=-print_final_stats=1 -Djazzer.internal.arg.3=-timeout=10 -Djazzer.instrument='dev.tta.obs.**' -DargLine=-Xmx512m >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  if [[ $rc -eq 0 ]]; then
    echo "ok, ${runs:-?} executions in $(( $(date +%s) - start ))s"
  else
    failed=1
    echo "FOUND SOMETHING (exit $rc), ${runs:-?} executions; see $log"
    grep -m3 -E 'crash-|Test unit written|== Java Exception' "$log" | sed 's/^/    /'
  fi
done
exit $failed
