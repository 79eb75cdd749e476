#!/usr/bin/env bash
# bench/path-scaling.sh [--seconds S] [--rate MIB] [--slow-ms MS] — issue 7's path-scaling
# comparisons (PathScalingBenchmark): two bandwidth-limited paths vs one (goal >= 1.9x) and the
# latency selector vs round-robin with one slow path among three (goal >= 3x). One nbdkit memory
# server on 127.0.0.1 (multi-conn), each path through its own fault proxy. nbdkit is killed on exit.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=bin/jdk.sh
. "$root/bin/jdk.sh"
cd "$root"
mpath4j_require_mvn
mvn -B -q -DskipTests -pl bench -am package
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 10899)"
nbdkit -f -i 127.0.0.1 -p "$port" memory 1G &
nbdkit_pid=$!
trap 'kill "$nbdkit_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do nbdinfo --size "nbd://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
echo "== $(date -u '+%F %T') load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| comparison | before | after | ratio | goal |"
echo "|---|---|---|---|---|"
timeout 300 "$JAVA_HOME/bin/java" -cp bench/target/benchmarks.jar io.mpath4j.bench.PathScalingBenchmark \
    --uri "nbd://127.0.0.1:$port/" "$@"
echo "== done $(date -u '+%F %T') load $(cut -d' ' -f1-3 /proc/loadavg)"
