#!/usr/bin/env bash
# bench/iscsi-bench.sh — our iSCSI initiator (IscsiBenchmark over one IscsiPath) against libiscsi's
# iscsi-perf, same target, same workloads, interleaved, with medians and ratios
# (docs/benchmarks.md, "iSCSI initiator vs libiscsi (iscsi-perf)").
#
#   bench/iscsi-bench.sh                       # 3 repetitions, 10 s per run
#   bench/iscsi-bench.sh --reps 5 --runtime 10
#
# One tgtd (own control port, portal 127.0.0.1:free port), one target, LUN 1 backed by a file
# in /dev/shm prefilled with random data (so reads return data, not holes).
# Workloads (one session, one connection, closed loop):
#   W1  4 KiB random read, queue depth 32       (iscsi-perf -b 8 -m 32 -r)
#   W2  64 KiB sequential read, queue depth 32  (iscsi-perf -b 128 -m 32)
# A = iscsi-perf, B = IscsiBenchmark; the ratio reported is B / A (goal >= 1.0). Order per
# repetition alternates A,B then B,A. Both get a warm-up run of each workload first; our JVM also
# warms up inside each run (--warmup, not counted).
# CPU time per I/O: ours from the JVM (process CPU time during the measured phase); iscsi-perf's
# from /proc/PID/stat (utime + stime, clock ticks) read just before it exits, over its whole run.
#
# Options:
#   --reps N        repetitions (default 3)
#   --runtime S     seconds per measured run (default 10)
#   --jwarmup S     warm-up seconds inside each IscsiBenchmark run (default 3)
#   --size MB       backing file size in MiB (default 1024)
#   --out DIR       logs and results (default bench/target/iscsi-results)
#   --baseline-jar J also run IscsiBenchmark from an older benchmarks.jar J (side C, "before"),
#                   interleaved with A and B, for before/after comparisons of our initiator
# Environment: BENCH_JAVA_OPTS extra JVM options for IscsiBenchmark.
#
# Everything started here (tgtd, runs) is killed on exit; every run is bounded by `timeout`.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"   # cd to the root, JDK 25, load, free_port, cpu_ticks, RESULT lines

REPS=3
RUNTIME=10
JWARMUP=3
SIZE_MB=1024
OUT=bench/target/iscsi-results
BASE_JAR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --runtime) RUNTIME="$2"; shift 2 ;;
        --jwarmup) JWARMUP="$2"; shift 2 ;;
        --size) SIZE_MB="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --baseline-jar) BASE_JAR="$(realpath "$2")"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

require_tools tgtd tgtadm iscsi-perf python3 timeout java

JAR=bench/target/benchmarks.jar
build_if_stale "$JAR" bench core scsi iscsi bench

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
SHM_FILE=""
TGTD_PID=""
IQN=iqn.2026-11.io.mpath4j:bench

cleanup() {
    local rc=$?
    if [ -n "$TGTD_PID" ]; then
        kill -9 "$TGTD_PID" 2>/dev/null || true   # tgtd sometimes ignores SIGTERM
        wait "$TGTD_PID" 2>/dev/null || true
    fi
    [ -n "$SHM_FILE" ] && rm -f "$SHM_FILE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SHM_FILE="$(mktemp /dev/shm/mpath4j-iscsi-bench.XXXXXX)"
echo "prefilling $SHM_FILE ($SIZE_MB MiB)…" >&2
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$SHM_FILE"

PORT="$(free_port 127.0.0.1)"
CTL=$((1000 + PORT % 30000))   # tgtd accepts small control port numbers only
tgtd -f -C "$CTL" --iscsi "portal=127.0.0.1:$PORT" >"$OUT/tgtd.log" 2>&1 &
TGTD_PID=$!
for _ in $(seq 100); do
    if tgtadm -C "$CTL" --lld iscsi --op show --mode target >/dev/null 2>&1; then break; fi
    kill -0 "$TGTD_PID" 2>/dev/null || { cat "$OUT/tgtd.log" >&2; echo "error: tgtd exited" >&2; exit 1; }
    sleep 0.1
done
adm() { tgtadm -C "$CTL" --lld iscsi "$@"; }
adm --op new --mode target --tid 1 -T "$IQN"
adm --op new --mode logicalunit --tid 1 --lun 1 -b "$SHM_FILE"
adm --op bind --mode target --tid 1 -I ALL
URI="iscsi://127.0.0.1:$PORT/$IQN/1"
echo "tgtd pid $TGTD_PID on $URI (control port $CTL)" >&2

# run_perf OUTFILE SECONDS ARGS... — iscsi-perf, CPU ticks of it appended as "CPU_TICKS n"
run_perf() {
    local out="$1" secs="$2" pid="" tpid ticks=0 stat
    shift 2
    timeout --kill-after=5 $((secs + 30)) iscsi-perf -t "$secs" "$@" "$URI" >"$out" 2>&1 &
    tpid=$!
    # sample utime+stime until it exits; the last sample is (nearly) the whole run
    while kill -0 "$tpid" 2>/dev/null; do
        [ -z "$pid" ] && pid="$(pgrep -P "$tpid" iscsi-perf || true)"
        if [ -n "$pid" ] && stat="$(cat "/proc/$pid/stat" 2>/dev/null)"; then
            ticks=$(echo "$stat" | sed 's/.*) //' | awk '{print $12 + $13}')
        fi
        sleep 0.1
    done
    wait "$tpid" || true
    echo "CPU_TICKS $ticks" >>"$out"
}

# run_ours OUTFILE SECONDS WARMUP ARGS... (JAR_USED: the jar, default ours)
run_ours() {
    local out="$1" secs="$2" warm="$3"
    shift 3
    # shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of options
    timeout --kill-after=5 $((secs + warm + 90)) java ${BENCH_JAVA_OPTS:-} -cp "${JAR_USED:-$JAR}" io.mpath4j.bench.IscsiBenchmark \
        --uri="$URI" --seconds="$secs" --warmup="$warm" "$@" >"$out" 2>&1 || true
}

perf_args() { if [ "$1" = W1 ]; then echo "-b 8 -m 32 -r"; else echo "-b 128 -m 32"; fi; }
ours_args() { if [ "$1" = W1 ]; then echo "--bs=4096 --qd=32 --random"; else echo "--bs=65536 --qd=32"; fi; }

RESULTS="$OUT/results.tsv"
: >"$RESULTS"
echo "== $(date -u '+%F %H:%M:%S') load $(load)" >&2
for w in W1 W2; do   # warm-up: both sides, short
    # shellcheck disable=SC2046
    run_perf "$OUT/warm-$w-A.txt" 3 $(perf_args $w)
    # shellcheck disable=SC2046
    run_ours "$OUT/warm-$w-B.txt" 3 2 $(ours_args $w)
done
for rep in $(seq "$REPS"); do
    for w in W1 W2; do
        sides="A B"
        [ -n "$BASE_JAR" ] && sides="A B C"
        [ $((rep % 2)) = 0 ] && sides="$(echo "$sides" | rev)"
        for side in $sides; do
            out="$OUT/$w-$side-$rep.txt"
            # shellcheck disable=SC2046
            case "$side" in
                A) run_perf "$out" "$RUNTIME" $(perf_args $w) ;;
                B) run_ours "$out" "$RUNTIME" "$JWARMUP" $(ours_args $w) ;;
                C) JAR_USED="$BASE_JAR" run_ours "$out" "$RUNTIME" "$JWARMUP" $(ours_args $w) ;;
            esac
            l="$(load)"
            printf '%s\t%s\t%s\t%s\t%s\n' "$w" "$side" "$rep" "$out" "$l" >>"$RESULTS"
            echo "  $w $side rep $rep: $(grep -aoE '^RESULT.*|iops average [0-9]+ \([0-9.]+ MB/s\)' "$out" | tail -1)  (load $l)" >&2
        done
    done
done
echo "== done $(date -u '+%F %H:%M:%S') load $(load)" >&2

python3 - "$RESULTS" "$(getconf CLK_TCK)" "$RUNTIME" <<'EOF'
import re, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
tck = int(sys.argv[2])
runtime = int(sys.argv[3])

def parse_ours(text):
    m = re.search(r"^RESULT (.*)$", text, re.M)
    if not m:
        return None
    kv = dict(x.split("=") for x in m.group(1).split())
    return {k: float(v) for k, v in kv.items()}

def parse_perf(text):
    # iscsi-perf overwrites one status line per second ("\r"); its last one is the summary
    # "iops average N (M MB/s)" (MB there is MiB: N * bytes / 2^20). Its I/O count is N * RUNTIME;
    # its CPU ticks (appended by run_perf) also cover its login, a few ms.
    m = re.findall(r"iops average (\d+) \(([\d.]+) MB/s\)", text)
    if not m:
        return None
    r = {"iops": float(m[-1][0]), "mibs": float(m[-1][1])}
    r["ios"] = r["iops"] * runtime
    t = re.search(r"CPU_TICKS (\d+)", text)
    if t:
        r["cpu_us_per_io"] = int(t.group(1)) / tck * 1e6 / r["ios"]
    return r

data = {}
for w, side, rep, path, load in rows:
    text = open(path).read()
    r = parse_perf(text) if side == "A" else parse_ours(text)
    if r is None:
        print(f"unparsable: {path}", file=sys.stderr)
        continue
    data.setdefault((w, side), []).append(r)

def med(w, side, key):
    v = [r[key] for r in data.get((w, side), []) if key in r]
    return statistics.median(v) if v else float("nan")

names = {"W1": "4 KiB random read, qd 32", "W2": "64 KiB sequential read, qd 32"}
print()
print("| workload | iscsi-perf IOPS | ours IOPS | ratio (goal >= 1.0) | iscsi-perf MiB/s | ours MiB/s "
      "| ours p50 / p99 us | CPU us per I/O iscsi-perf | CPU us per I/O ours | runs |")
print("|---|---|---|---|---|---|---|---|---|---|")
for w in ("W1", "W2"):
    a, b = med(w, "A", "iops"), med(w, "B", "iops")
    print(f"| {names[w]} | {a:,.0f} | {b:,.0f} | {b / a:.2f} | {med(w, 'A', 'mibs'):,.1f} | {med(w, 'B', 'mibs'):,.1f} "
          f"| {med(w, 'B', 'p50_us'):.0f} / {med(w, 'B', 'p99_us'):.0f} | {med(w, 'A', 'cpu_us_per_io'):.1f} "
          f"| {med(w, 'B', 'cpu_us_per_io'):.1f} | {len(data.get((w, 'A'), []))} + {len(data.get((w, 'B'), []))} |")
print()
# bench/lib.sh's RESULT lines, for bench/compare.sh: IOPS medians, ours / iscsi-perf, goal 1.0
for w, name in (("W1", "iscsi-4k-randread"), ("W2", "iscsi-64k-seqread")):
    a, b = med(w, "A", "iops"), med(w, "B", "iops")
    print(f"RESULT\t{name}\t{b:.0f}\t{a:.0f}\t{b / a:.3f}\t1.0\tIOPS\tinitiator vs iscsi-perf, {names[w]}")
if any(side == "C" for (_, side) in data):
    print()
    print("| workload | before (C) IOPS | after (B) IOPS | before CPU us/IO | after CPU us/IO | before/after vs iscsi-perf IOPS |")
    print("|---|---|---|---|---|---|")
    for w in ("W1", "W2"):
        a, b, c = med(w, "A", "iops"), med(w, "B", "iops"), med(w, "C", "iops")
        print(f"| {names[w]} | {c:,.0f} | {b:,.0f} | {med(w, 'C', 'cpu_us_per_io'):.1f} | {med(w, 'B', 'cpu_us_per_io'):.1f} "
              f"| {c / a:.2f} / {b / a:.2f} |")
    print()
for (w, side), rs in sorted(data.items()):
    print(w, side, "iops:", " ".join(f"{r.get('iops', 0):.0f}" for r in rs),
          " cpu_us/io:", " ".join(f"{r.get('cpu_us_per_io', float('nan')):.1f}" for r in rs))
EOF
