#!/usr/bin/env bash
# bench/fuse-bench.sh — the FUSE export against nbdfuse (libnbd) over the same nbdkit, with
# fio on the exported files, interleaved, medians, ratio and server CPU per I/O
# (docs/benchmarks.md, "FUSE export").
#
#   bench/fuse-bench.sh                          # 3 repetitions, 10 s per run
#   bench/fuse-bench.sh --reps 5 --runtime 20 --threads 32
#
# One `nbdkit memory SIZE` server on 127.0.0.1 is the backend of both sides:
#   A  nbdfuse MNT_A/disk nbd://127.0.0.1:PORT/         (its defaults: multi-threaded, 4 connections
#                                                      when the server allows multi-conn, as nbdkit memory does)
#   B  mpath serve --fuse MNT_B --connections C nbd://127.0.0.1:PORT/  (one multipath device with C NbdPaths,
#                                                      one per connection, default 1; file MNT_B/bench)
# Workload: fio --ioengine=libaio --direct=1 --rw=randread --bs=4k --numjobs=4 --iodepth=QD on the
# file, time_based RUNTIME s, both sides in the same repetition loop (A,B on odd repetitions, B,A
# on even ones), after one warm-up run each. The device is filled once with 1 MiB writes first.
# CPU per I/O: user + system time of the serving processes of a side (nbdfuse + nbdkit, or java +
# nbdkit) during its run, divided by the I/Os fio completed.
#
# Options:
#   --reps N       repetitions (default 3)
#   --runtime S    seconds per measured run (default 10)
#   --warmup S     seconds of the warm-up run (default 5)
#   --size SIZE    backend size (default 512M)
#   --qd N         fio iodepth per job (default 8)
#   --threads N    mpath serve --fuse-threads (default 32, its default)
#   --connections C  mpath serve --connections: NBD connections, i.e. paths (default 1)
#   --nbdfuse-max-background N  raise side A's FUSE max_background (kernel default 12) to N through
#                  fusectl after nbdfuse mounted (root): nbdfuse with the same kernel queue depth as
#                  mpath, which sets it to its --fuse-threads itself
#   --out DIR      fio JSON and logs (default bench/target/fuse-results)
#
# Every process started here is killed and both mounts are lazily unmounted on exit, also on
# error or Ctrl-C; every fio run is bounded by `timeout`.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"   # cd to the root, JDK 25, load, free_port, cpu_ticks, RESULT lines

REPS=3
RUNTIME=10
WARMUP=5
SIZE=512M
QD=8
THREADS=32
CONNECTIONS=1
NBDFUSE_BG=
OUT=bench/target/fuse-results
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS="$2"; shift 2 ;;
        --runtime) RUNTIME="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --size) SIZE="$2"; shift 2 ;;
        --qd) QD="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --nbdfuse-max-background) NBDFUSE_BG="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

require_tools fio nbdkit nbdfuse nbdinfo python3 timeout
[ "$(id -u)" -eq 0 ] || command -v fusermount3 >/dev/null || { echo "error: not root and no fusermount3 (apt-get install fuse3)" >&2; exit 1; }

JAR=daemon/target/mpath.jar
build_if_stale "$JAR" daemon core nbd fuse daemon

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fuse-bench.XXXXXX")"
MNT_A="$WORK/nbdfuse"
MNT_B="$WORK/mpath"
mkdir -p "$MNT_A" "$MNT_B"
PIDS=()

cleanup() {
    local rc=$?
    stop_processes "${PIDS[@]}"
    for m in "$MNT_A" "$MNT_B"; do
        if grep -q " $m " /proc/self/mountinfo; then umount -l "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true; fi
    done
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_file() {   # wait_file PATH PID — until PATH exists (the mount is up), at most 60 s
    for _ in $(seq 600); do
        [ -e "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || { echo "error: the server for $1 exited" >&2; return 1; }
        sleep 0.1
    done
    echo "error: $1 did not appear within 60 s" >&2
    return 1
}

fio_run() {   # fio_run FILE OUTFILE ARGS...
    local file="$1" out="$2"
    shift 2
    timeout --kill-after=10 $((RUNTIME + WARMUP + 120)) \
        fio --name=job --filename="$file" --ioengine=libaio --direct=1 --group_reporting \
        --output-format=json --output="$out" "$@" >/dev/null
}

randread() {   # randread FILE SECONDS OUTFILE
    fio_run "$1" "$3" --rw=randread --bs=4k --numjobs=4 --iodepth="$QD" --randrepeat=0 --norandommap \
        --time_based --runtime="$2" --ramp_time=1
}

echo "fuse-bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), reps $REPS, runtime ${RUNTIME}s, size $SIZE, qd $QD x 4 jobs, mpath threads $THREADS, connections $CONNECTIONS${NBDFUSE_BG:+, nbdfuse max_background $NBDFUSE_BG}, load $(load)" >&2
echo "            $(java -version 2>&1 | head -1), $(nbdkit --version), $(nbdfuse --version 2>&1 | head -1), $(fio --version)" >&2

port="$(free_port 127.0.0.1)"
nbdkit -f --exit-with-parent -i 127.0.0.1 -p "$port" memory "$SIZE" >"$OUT/nbdkit.log" 2>&1 &
KIT=$!
PIDS+=("$KIT")
wait_nbd "nbd://127.0.0.1:$port/"

nbdfuse "$MNT_A/disk" "nbd://127.0.0.1:$port/" >"$OUT/nbdfuse.log" 2>&1 &
NBDFUSE=$!
PIDS+=("$NBDFUSE")
wait_file "$MNT_A/disk" "$NBDFUSE"
if [ -n "$NBDFUSE_BG" ]; then
    ctl="/sys/fs/fuse/connections/$(mountpoint -d "$MNT_A" | cut -d: -f2)"
    [ -d "$ctl" ] || mount -t fusectl fusectl /sys/fs/fuse/connections
    echo "  nbdfuse max_background $(cat "$ctl/max_background") -> $NBDFUSE_BG" >&2
    echo "$NBDFUSE_BG" >"$ctl/max_background"
    echo $((NBDFUSE_BG * 3 / 4)) >"$ctl/congestion_threshold"
fi

# shellcheck disable=SC2086
java --enable-native-access=ALL-UNNAMED ${MPATH_JAVA_OPTS:-} -jar "$JAR" serve --fuse "$MNT_B" --fuse-threads "$THREADS" --connections "$CONNECTIONS" \
    --name bench --wwid bench "nbd://127.0.0.1:$port/" >"$OUT/mpath.log" 2>&1 &
JAVA=$!
PIDS+=("$JAVA")
wait_file "$MNT_B/bench" "$JAVA"

echo "  fill through nbdfuse" >&2
fio_run "$MNT_A/disk" "$WORK/fill.json" --rw=write --bs=1M --iodepth=8 --size="$SIZE"

echo "  warm-up" >&2
randread "$MNT_A/disk" "$WARMUP" "$WORK/warm.json"
randread "$MNT_B/bench" "$WARMUP" "$WORK/warm.json"

RESULTS="$OUT/results.tsv"
: >"$RESULTS"
for rep in $(seq "$REPS"); do
    for side in $( [ $((rep % 2)) = 1 ] && echo "A B" || echo "B A" ); do
        if [ "$side" = A ]; then file="$MNT_A/disk"; pids="$NBDFUSE $KIT"; label="nbdfuse${NBDFUSE_BG:+ (max_background $NBDFUSE_BG)}"; else file="$MNT_B/bench"; pids="$JAVA $KIT"; label="mpath serve --fuse --connections $CONNECTIONS"; fi
        out="$OUT/$side-$rep.json"
        # shellcheck disable=SC2086
        t0="$(cpu_ticks $pids)"
        randread "$file" "$RUNTIME" "$out"
        # shellcheck disable=SC2086
        ticks=$(($(cpu_ticks $pids) - t0))
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$label" "$rep" "$out" "$ticks" "$(load)" >>"$RESULTS"
        python3 - "$out" "$side" "$rep" "$ticks" "$(getconf CLK_TCK)" "$(load)" >&2 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r = j["read"]
p = r["clat_ns"]["percentile"]
print(f"  {sys.argv[2]} rep {sys.argv[3]}: {r['iops']:9.0f} IOPS  p50 {p['50.000000']/1000:6.0f} µs  p99 {p['99.000000']/1000:6.0f} µs"
      f"  errors {j['error']}  server CPU {int(sys.argv[4]) / int(sys.argv[5]) * 1e6 / r['total_ios']:5.1f} µs/IO  load {sys.argv[6]}")
PY
    done
done
echo "done — $(date -u '+%H:%M:%S') load $(load)" >&2

python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'PY'
import json, statistics, sys
hz = int(sys.argv[2])
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data, labels = {}, {}
for side, label, rep, path, ticks, load in rows:
    j = json.load(open(path))["jobs"][0]
    r = j["read"]
    p = r["clat_ns"]["percentile"]
    data.setdefault(side, []).append({"iops": r["iops"], "p50": p["50.000000"] / 1000, "p99": p["99.000000"] / 1000,
                                      "cpu": int(ticks) / hz * 1e6 / r["total_ios"], "err": j["error"]})
    labels[side] = label
print()
print("| target | n | IOPS (median) | p50 µs | p99 µs | server CPU µs/IO | errors | ratio B/A |")
print("|---|---|---|---|---|---|---|---|")
med = {}
for side in ("A", "B"):
    runs = data[side]
    med[side] = {k: statistics.median(x[k] for x in runs) for k in ("iops", "p50", "p99", "cpu")}
    m = med[side]
    ratio = ""
    if side == "B":
        q = m["iops"] / med["A"]["iops"]
        ratio = f"**{q:.2f}×** IOPS, CPU/IO {m['cpu'] / med['A']['cpu']:.2f}× (goal ≥ 1.2×: {'met' if q >= 1.2 else 'missed'})"
    print(f"| {side}: {labels[side]} | {len(runs)} | {m['iops']:,.0f} | {m['p50']:,.0f} | {m['p99']:,.0f} | {m['cpu']:,.1f} "
          f"| {sum(x['err'] for x in runs)} | {ratio} |")
# bench/lib.sh's RESULT line, for bench/compare.sh
print()
a, b = med["A"]["iops"], med["B"]["iops"]
print(f"RESULT\tfuse\t{b:.0f}\t{a:.0f}\t{b / a:.3f}\t1.2\tIOPS\tFUSE export vs nbdfuse, 4k randread 4 jobs")
PY
