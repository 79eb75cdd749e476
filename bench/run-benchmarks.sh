#!/usr/bin/env bash
# bench/run-benchmarks.sh — build and run mpath4j's three benchmarks with the parameters
# documented in docs/benchmarks.md (about 8 minutes on 2 cores).
#
#   bench/run-benchmarks.sh              # all three
#   bench/run-benchmarks.sh selector     # only SelectorBenchmark (also: engine, scale)
#
# Results (JMH JSON and the text output) go to bench/target/results/. Each run is preceded by
# `uptime`: on a shared machine the load is part of the result. Benchmarks are only comparable
# when run on an otherwise idle machine; on 2 cores, one busy neighbour halves everything.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck disable=SC1091  # bin/jdk.sh is linted on its own
source bin/jdk.sh

JAR=bench/target/benchmarks.jar
OUT=bench/target/results
# One fork, 3 × 1 s warm-up, 5 × 1 s measurement: enough for stable means at this scale while
# the whole suite stays within minutes. Raise -f for publication-grade error bars.
JMH_OPTS=(-f 1 -wi 3 -w 1s -i 5 -r 1s)

what="${1:-all}"
case "$what" in
    all|selector|engine|scale) ;;
    *) echo "usage: $0 [all|selector|engine|scale]" >&2; exit 2 ;;
esac

mvn -B -q -pl bench -am package -DskipTests
mkdir -p "$OUT"

header() {
    echo
    echo "== $1 — $(date -u '+%Y-%m-%d %H:%M:%S UTC') — load:$(uptime | sed 's/.*load average://')"
}

footer() {
    echo "== $1 done — $(date -u '+%Y-%m-%d %H:%M:%S UTC') — load:$(uptime | sed 's/.*load average://')"
}

if [ "$what" = all ] || [ "$what" = selector ]; then
    header SelectorBenchmark
    # every selector × 2/8/32 paths, 1 and 2 threads (the benchmark's own @Param/@Threads)
    java -jar "$JAR" SelectorBenchmark "${JMH_OPTS[@]}" \
        -rf json -rff "$OUT/selector.json" | tee "$OUT/selector.txt"
    footer SelectorBenchmark
fi

if [ "$what" = all ] || [ "$what" = engine ]; then
    header EngineOverheadBenchmark
    # throughput, average time and sampled latency (percentiles), 1 and 4 paths, 1 and 2 threads
    java -jar "$JAR" EngineOverheadBenchmark "${JMH_OPTS[@]}" \
        -rf json -rff "$OUT/engine.json" | tee "$OUT/engine.txt"
    footer EngineOverheadBenchmark
fi

if [ "$what" = all ] || [ "$what" = scale ]; then
    header ScaleBenchmark
    # 2,500 devices × 4 paths, 10,000 events from 2 threads, seed 42; exits 1 on an inconsistency
    java -cp "$JAR" io.mpath4j.bench.ScaleBenchmark --devices=2500 --events=10000 --storm-threads=2 --seed=42 \
        | tee "$OUT/scale.txt"
    footer ScaleBenchmark
fi
