#!/usr/bin/env bash
# bench/path-scaling.sh — issue 7's path-scaling comparisons (PathScalingBenchmark): two
# rate-limited paths vs one (goal >= 1.9x) and the latency selector vs round-robin with one slow
# path among three (goal >= 3x) (docs/benchmarks.md, "Path scaling").
#
#   bench/path-scaling.sh                       # netns test bed when root, else the fault proxy
#   bench/path-scaling.sh --mode proxy --seconds 5
#
# Modes:
#   netns  the test bed (lab/testbed/testbed.sh, root): 3 paths, an `nbdkit file` on one shared
#          file in /dev/shm inside each target namespace; the Java side runs in the initiator
#          namespace. Rate: paths 1 and 2 shaped with `testbed.sh rate I RATE` (tc htb). Slow path:
#          path 3 delayed with `testbed.sh delay 3 MS` (tc netem); a kernel without netem gets the
#          delay from a FaultProxy inside the benchmark, in front of path 3 (said in the row).
#   proxy  no root: one nbdkit memory on 127.0.0.1, every path through an in-process FaultProxy
#          (its token bucket for the rate, its delay line for the slow path).
#   auto   netns when root and `ip netns` works, else proxy (default).
#
# Options:
#   --mode M        auto, netns or proxy
#   --seconds S     measured seconds per run (default 8; every run also has a 2 s warm-up)
#   --rate R        netns: tc rate per path (default 320mbit); proxy: MiB/s per path (default 40)
#   --slow-ms MS    added latency on the slow path (default 5)
#   --qd N          outstanding requests (default 16)
#
# Prints a Markdown row and a RESULT line (bench/lib.sh) per comparison. Everything started here is
# killed on exit, the bed destroyed (trap); the Java run is bounded by timeout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

MODE=auto
SECONDS_RUN=8
RATE=""
SLOW_MS=5
QD=16
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) MODE="$2"; shift 2 ;;
        --seconds) SECONDS_RUN="$2"; shift 2 ;;
        --rate) RATE="$2"; shift 2 ;;
        --slow-ms) SLOW_MS="$2"; shift 2 ;;
        --qd) QD="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
if [ "$MODE" = auto ]; then
    MODE=proxy
    if [ "$(id -u)" -eq 0 ] && ip netns list >/dev/null 2>&1; then MODE=netns; fi
fi
case "$MODE" in netns|proxy) ;; *) echo "--mode is auto, netns or proxy" >&2; exit 2 ;; esac

require_tools nbdkit nbdinfo python3 timeout
JAR=bench/target/benchmarks.jar
build_if_stale "$JAR" bench core nbd lab bench
BED=(lab/testbed/testbed.sh -p "mp4js$(($$ % 100000))")   # own prefix (<= 10 chars): never meets a bed made by hand
BED_MADE=""
PIDS=()
SHM_FILE=""
cleanup() {
    local rc=$?
    stop_processes "${PIDS[@]}"
    [ -n "$BED_MADE" ] && "${BED[@]}" destroy >/dev/null 2>&1
    [ -n "$SHM_FILE" ] && rm -f "$SHM_FILE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench() {   # bench [COMMAND PREFIX...] -- ARGS... : PathScalingBenchmark, bounded
    local prefix=()
    while [ "$1" != -- ]; do prefix+=("$1"); shift; done
    shift
    "${prefix[@]}" timeout --kill-after=10 $((12 * (SECONDS_RUN + 2) + 120)) "$JAVA_HOME/bin/java" \
        -cp "$JAR" io.mpath4j.bench.PathScalingBenchmark --seconds "$SECONDS_RUN" --slow-ms "$SLOW_MS" --qd "$QD" "$@"
}

echo "path-scaling ($MODE): $(date -u '+%F %T') load $(load)" >&2
echo "| comparison | before | after | ratio | goal |"
echo "|---|---|---|---|---|"
if [ "$MODE" = proxy ]; then
    port="$(free_port 127.0.0.1)"
    nbdkit -f --exit-with-parent -i 127.0.0.1 -p "$port" memory 1G &
    PIDS+=($!)
    wait_nbd "nbd://127.0.0.1:$port/"
    bench -- --uri "nbd://127.0.0.1:$port/" --rate "${RATE:-40}"
else
    RATE="${RATE:-320mbit}"
    "${BED[@]}" create 3 >&2
    BED_MADE=1
    SHM_FILE="$(mktemp /dev/shm/mpath4j-scaling.XXXXXX)"
    truncate -s 1G "$SHM_FILE"
    uris=()
    for i in 1 2 3; do
        addr="$("${BED[@]}" addr "$i")"
        "${BED[@]}" run-target "$i" nbdkit -f --exit-with-parent -i "$addr" -p 10809 file "$SHM_FILE" &
        PIDS+=($!)
        uris+=("nbd://$addr:10809/")
        wait_nbd "nbd://$addr:10809/" "${BED[@]}" run-init
    done
    "${BED[@]}" rate 1 "$RATE" >&2
    "${BED[@]}" rate 2 "$RATE" >&2
    bench "${BED[@]}" run-init -- --scenario rate --rate-label "$RATE tc htb" --path "${uris[0]}" --path "${uris[1]}"
    "${BED[@]}" rate 1 off >&2
    "${BED[@]}" rate 2 off >&2
    # the slow path is the first --path: path 3, delayed by its link when the kernel has netem
    on_link=()
    if "${BED[@]}" delay 3 "$SLOW_MS" >&2; then
        on_link=(--slow-on-link)
    else
        echo "path-scaling: no netem here; the slow path's delay comes from a FaultProxy in front of path 3" >&2
    fi
    bench "${BED[@]}" run-init -- --scenario slow "${on_link[@]}" --path "${uris[2]}" --path "${uris[0]}" --path "${uris[1]}"
fi
echo "path-scaling done: $(date -u '+%F %T') load $(load)" >&2
