#!/usr/bin/env bash
# bench/nbd-bench.sh — end-to-end NBD benchmark: fio's nbd engine against `mpath serve` and
# against nbdkit, interleaved, with medians and ratios (docs/benchmarks.md, "NBD export").
#
#   bench/nbd-bench.sh                      # both comparisons, 3 repetitions, 10 s per run
#   bench/nbd-bench.sh --reps 5 --runtime 10 --only 2
#
# Comparisons (B / A is the ratio reported; both sides run in the same repetition loop, the
# order alternating A,B then B,A, so a change of machine load hits both alike):
#   1  memory:  A = nbdkit memory SIZE           B = mpath serve ... memory:SIZE
#   2  nbd:     A = nbdkit file (127.0.0.1)      B = mpath serve ... nbd://127.0.0.1:PA/ nbd://127.0.0.2:PB/
#               (two `nbdkit file` servers on one backing file in /dev/shm: one multipath
#               device with two NbdPaths; A is one of those two servers, used directly)
# Also reported: the CPU time (user + system) of the server processes of each side per I/O (B of
# comparison 2 counts java and both nbdkit servers).
# Workloads (fio --ioengine=nbd, one job, one connection):
#   W1  4 KiB random read, iodepth 32, time_based RUNTIME s
#   W2  1 MiB sequential read, iodepth 8, time_based RUNTIME s
# Every device is first filled with a 1 MiB sequential write (so reads return written data),
# then every target gets the same short warm-up of both workloads (JIT of the JVM; nbdkit too,
# for symmetry) before the measured runs.
#
# Options:
#   --reps N        repetitions of each (comparison, workload, target) run (default 3)
#   --runtime S     seconds per measured fio run (default 10)
#   --warmup S      seconds per warm-up run (default 5)
#   --size SIZE     device size, nbdkit/fio syntax (default 1G)
#   --only 1|2      run one comparison only
#   --out DIR       where fio's JSON and the logs go (default bench/target/nbd-results)
# Environment:
#   MPATH_JAVA_OPTS extra JVM options for `mpath serve` (e.g. -XX:StartFlightRecording=...)
#   MPATH_JAR       run this mpath.jar instead of building daemon/target/mpath.jar (e.g. a saved
#                   copy of an older build, to compare before/after in alternating script runs)
#   NBDKIT_THREADS  nbdkit --threads (default: nbdkit's own default, 16)
#
# Every process this script starts (nbdkit, java) is killed on exit, also on error or Ctrl-C;
# every fio run is bounded by `timeout`. Ports are chosen free at start.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"   # cd to the root, JDK 25, load, free_port, cpu_ticks, RESULT lines

REPS=3
RUNTIME=10
WARMUP=5
SIZE=1G
ONLY=
OUT=bench/target/nbd-results
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --runtime) RUNTIME="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --size) SIZE="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$ONLY" in ''|1|2) ;; *) echo "--only takes 1 or 2" >&2; exit 2 ;; esac

require_tools fio nbdkit nbdinfo python3 timeout

JAR=daemon/target/mpath.jar
if [ -n "${MPATH_JAR:-}" ]; then
    JAR="$MPATH_JAR"
    [ -f "$JAR" ] || { echo "error: MPATH_JAR $JAR does not exist" >&2; exit 1; }
else
    build_if_stale "$JAR" daemon core nbd daemon
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nbd-bench.XXXXXX")"
SHM_FILE=""
PIDS=()

cleanup() {
    local rc=$?
    stop_processes "${PIDS[@]}"
    [ -n "$SHM_FILE" ] && rm -f "$SHM_FILE"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_nbdkit LOGNAME ADDR PORT PLUGIN ARGS... — nbdkit in the foreground of a background job
start_nbdkit() {
    local name="$1" addr="$2" port="$3"
    shift 3
    local threads=()
    [ -n "${NBDKIT_THREADS:-}" ] && threads=(--threads "$NBDKIT_THREADS")
    nbdkit -f --exit-with-parent "${threads[@]}" -i "$addr" -p "$port" "$@" >"$OUT/$name.log" 2>&1 &
    PIDS+=($!)
    wait_nbd "nbd://$addr:$port/"
}

# start_mpath LOGNAME ADDR:PORT/EXPORT URI... — `mpath serve`, waits for "serving"
start_mpath() {
    local name="$1" listen="$2"
    shift 2
    # shellcheck disable=SC2086  # MPATH_JAVA_OPTS is a list of options
    java --enable-native-access=ALL-UNNAMED ${MPATH_JAVA_OPTS:-} -jar "$JAR" serve \
        --nbd "$listen" --wwid bench "$@" >"$OUT/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 600); do
        if grep -q '^serving ' "$OUT/$name.log"; then return 0; fi
        kill -0 "$pid" 2>/dev/null || { cat "$OUT/$name.log" >&2; echo "error: mpath serve exited" >&2; return 1; }
        sleep 0.1
    done
    echo "error: mpath serve did not start within 60 s (log: $OUT/$name.log)" >&2
    return 1
}

# fio_run OUTFILE URI ARGS... — one fio job over the nbd engine, JSON to OUTFILE
fio_run() {
    local out="$1" uri="$2"
    shift 2
    timeout --kill-after=10 $((RUNTIME + WARMUP + 120)) \
        fio --name=job --ioengine=nbd --uri="$uri" --size="$SIZE" --numjobs=1 \
        --output-format=json --output="$out" "$@" >/dev/null
}

fill() {   # fill URI — sequential 1 MiB writes over the whole device
    echo "  fill $1" >&2
    fio_run "$OUT/fill-$(echo "$1" | tr -c 'a-zA-Z0-9\n' _).json" "$1" --rw=write --bs=1M --iodepth=8
}

W1=(--rw=randread --bs=4k --iodepth=32 --randrepeat=0 --norandommap)
W2=(--rw=read --bs=1M --iodepth=8)

workload() {   # workload W1|W2 SECONDS URI OUTFILE
    local w="$1" secs="$2" uri="$3" out="$4" args
    if [ "$w" = W1 ]; then args=("${W1[@]}"); else args=("${W2[@]}"); fi
    fio_run "$out" "$uri" "${args[@]}" --time_based --runtime="$secs" --ramp_time=1
}

RESULTS="$OUT/results.tsv"
: >"$RESULTS"

# compare NAME URI_A LABEL_A "PIDS_A" URI_B LABEL_B "PIDS_B" — warm up both, then REPS interleaved
# rounds; PIDS_x are the server processes of side x, whose CPU time per I/O is reported
compare() {
    local cmp="$1" ua="$2" la="$3" pa="$4" ub="$5" lb="$6" pb="$7" rep w side uri label out pids t0 ticks
    echo "== comparison $cmp: A=$la  B=$lb — $(date -u '+%H:%M:%S') load $(load)" >&2
    for w in W1 W2; do
        workload "$w" "$WARMUP" "$ua" "$WORK/warm.json"
        workload "$w" "$WARMUP" "$ub" "$WORK/warm.json"
    done
    for rep in $(seq "$REPS"); do
        for w in W1 W2; do
            # A,B on odd repetitions, B,A on even ones
            for side in $( [ $((rep % 2)) = 1 ] && echo "A B" || echo "B A" ); do
                if [ "$side" = A ]; then uri="$ua"; label="$la"; pids="$pa"; else uri="$ub"; label="$lb"; pids="$pb"; fi
                out="$OUT/c$cmp-$w-$side-$rep.json"
                # shellcheck disable=SC2086  # pids is a list
                t0="$(cpu_ticks $pids)"
                workload "$w" "$RUNTIME" "$uri" "$out"
                # shellcheck disable=SC2086
                ticks=$(($(cpu_ticks $pids) - t0))
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cmp" "$w" "$side" "$label" "$rep" "$out" "$ticks" >>"$RESULTS"
                python3 - "$out" "$cmp" "$w" "$side" "$rep" "$(load)" "$ticks" "$(getconf CLK_TCK)" >&2 <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r = j["read"]
p = r["clat_ns"]["percentile"]
ios = r["total_ios"]
print(f"  c{sys.argv[2]} {sys.argv[3]} {sys.argv[4]} rep {sys.argv[5]}: {r['iops']:9.0f} IOPS {r['bw_bytes']/2**20:8.1f} MiB/s"
      f"  p50 {p['50.000000']/1000:7.0f} µs  p99 {p['99.000000']/1000:7.0f} µs"
      f"  server CPU {int(sys.argv[7]) / int(sys.argv[8]) * 1e6 / ios:5.1f} µs/IO   load {sys.argv[6]}")
EOF
            done
        done
    done
}

echo "nbd-bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), reps $REPS, runtime ${RUNTIME}s, size $SIZE, load $(load)" >&2
echo "           $(java -version 2>&1 | head -1), $(nbdkit --version), $(fio --version)" >&2

if [ -z "$ONLY" ] || [ "$ONLY" = 1 ]; then
    pa="$(free_port 127.0.0.1)"
    start_nbdkit nbdkit-memory 127.0.0.1 "$pa" memory "$SIZE"
    pb="$(free_port 127.0.0.1)"
    start_mpath mpath-memory "127.0.0.1:$pb/disk" "memory:$SIZE"
    fill "nbd://127.0.0.1:$pa/"
    fill "nbd://127.0.0.1:$pb/disk"
    compare 1 "nbd://127.0.0.1:$pa/" "nbdkit memory" "${PIDS[-2]}" "nbd://127.0.0.1:$pb/disk" "mpath serve memory" "${PIDS[-1]}"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = 2 ]; then
    SHM_FILE="$(mktemp /dev/shm/nbd-bench.XXXXXX)"
    truncate -s "$SIZE" "$SHM_FILE"
    p1="$(free_port 127.0.0.1)"
    start_nbdkit nbdkit-file-1 127.0.0.1 "$p1" file "$SHM_FILE"
    k1="${PIDS[-1]}"
    p2="$(free_port 127.0.0.2)"
    start_nbdkit nbdkit-file-2 127.0.0.2 "$p2" file "$SHM_FILE"
    k2="${PIDS[-1]}"
    fill "nbd://127.0.0.1:$p1/"
    pm="$(free_port 127.0.0.1)"
    start_mpath mpath-nbd "127.0.0.1:$pm/disk" "nbd://127.0.0.1:$p1/" "nbd://127.0.0.2:$p2/"
    compare 2 "nbd://127.0.0.1:$p1/" "nbdkit file direct" "$k1" "nbd://127.0.0.1:$pm/disk" "mpath serve 2×nbd" "${PIDS[-1]} $k1 $k2"
fi

echo "done — $(date -u '+%H:%M:%S') load $(load)" >&2

# Results table: medians over the repetitions, ratio B/A (latency ratios too: < 1 is better for B)
python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'EOF'
import json, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
goal = {"1": 1.0, "2": 0.8}
wl = {"W1": "4k randread qd32", "W2": "1M seqread qd8"}
hz = int(sys.argv[2])
def metrics(path, ticks):
    r = json.load(open(path))["jobs"][0]["read"]
    p = r["clat_ns"]["percentile"]
    return {"iops": r["iops"], "mib": r["bw_bytes"] / 2**20,
            "p50": p["50.000000"] / 1000, "p99": p["99.000000"] / 1000,
            "cpu": int(ticks) / hz * 1e6 / r["total_ios"]}
data = {}
labels = {}
for cmp, w, side, label, rep, path, ticks in rows:
    data.setdefault((cmp, w, side), []).append(metrics(path, ticks))
    labels[(cmp, side)] = label
print()
print("| cmp | workload | target | n | IOPS | MiB/s | p50 µs | p99 µs | server CPU µs/IO | ratio B/A (IOPS) | goal |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
results = []
for cmp in sorted({k[0] for k in data}):
    for w in ("W1", "W2"):
        med = {}
        for side in ("A", "B"):
            runs = data.get((cmp, w, side), [])
            if not runs:
                continue
            med[side] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            m = med[side]
            ratio = ""
            verdict = ""
            if side == "B" and "A" in med:
                q = m["iops"] / med["A"]["iops"]
                ratio = f"**{q:.2f}×** (p50 {m['p50']/med['A']['p50']:.2f}×, p99 {m['p99']/med['A']['p99']:.2f}×)"
                verdict = f"≥ {goal[cmp]:.1f}× " + ("met" if q >= goal[cmp] else "**missed**")
            print(f"| {cmp} | {wl[w]} | {side}: {labels[(cmp, side)]} | {len(runs)} | {m['iops']:,.0f} | {m['mib']:,.1f} "
                  f"| {m['p50']:,.0f} | {m['p99']:,.0f} | {m['cpu']:,.1f} | {ratio} | {verdict} |")
        results.append((cmp, w, med))
# bench/lib.sh's RESULT lines, for bench/compare.sh: IOPS medians, B (ours) / A (peer)
print()
names = {"1": ("export", "export vs nbdkit memory"), "2": ("chained", "chained export (2 NbdPaths) vs nbdkit direct")}
for cmp, w, med in results:
    if "A" in med and "B" in med:
        a, b = med["A"]["iops"], med["B"]["iops"]
        print(f"RESULT\t{names[cmp][0]}-{w.lower()}\t{b:.0f}\t{a:.0f}\t{b / a:.3f}\t{goal[cmp]:.1f}\tIOPS\t{names[cmp][1]}, {wl[w]}")
EOF
