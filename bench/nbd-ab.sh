#!/usr/bin/env bash
# bench/nbd-ab.sh — A/B of `mpath serve` builds by CPU per I/O (docs/benchmarks.md, "NBD export").
#
#   bench/nbd-ab.sh MODE WORKLOAD SECONDS ROUNDS 'JAR|JVM OPTIONS' 'JAR|JVM OPTIONS' ...
#   bench/nbd-ab.sh nbd W1 6 5 /tmp/before.jar /tmp/after.jar
#   bench/nbd-ab.sh mem W1 6 5 'daemon/target/mpath.jar|' 'daemon/target/mpath.jar|-Dsome.flag=true'
#
# Starts one `mpath serve` per variant at once (an idle one costs nothing), all on the same
# backend: MODE nbd = two `nbdkit file` servers on one 1 GiB file in /dev/shm (the multipath
# device of bench/nbd-bench.sh comparison 2), MODE mem = memory:1G (comparison 1). Warms each up
# (WARM seconds, default 15), then runs ROUNDS rounds of fio (WORKLOAD W1 = 4 KiB randread qd32,
# W2 = 1 MiB seqread qd8, SECONDS each) over every variant, the order reversed every other round.
# Per run it prints: variant, IOPS, CPU time of the JVM per I/O (µs, /proc/PID/stat user+system),
# CPU of the nbdkit servers per I/O, 1-minute load; then medians per variant. On a shared machine
# the CPU per I/O moves much less with the load than IOPS do: compare that.
# With PERF=1 (needs `perf` and permission to attach) it also prints the JVM's system calls and
# context switches per I/O (`perf stat` attached to the JVM during the run), which depend on how
# the code batches work and hardly on the load: the least noisy of these figures.
#
# Every process started here is killed on exit; every fio run is bounded by `timeout`.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"   # cd to the root, JDK 25, free_port, wait_nbd, cpu_ticks, stop_processes
[ $# -ge 5 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
MODE=$1 W=$2 SECS=$3 ROUNDS=$4
shift 4
case "$MODE" in nbd|mem) ;; *) echo "MODE is nbd or mem" >&2; exit 2 ;; esac
case "$W" in
    W1) FIO=(--rw=randread --bs=4k --iodepth=32 --randrepeat=0 --norandommap) ;;
    W2) FIO=(--rw=read --bs=1M --iodepth=8) ;;
    *) echo "WORKLOAD is W1 or W2" >&2; exit 2 ;;
esac
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nbd-ab.XXXXXX")"
PIDS=()
SHM=""
cleanup() {
    stop_processes "${PIDS[@]}"
    [ -n "$SHM" ] && rm -f "$SHM"
    rm -rf "$WORK"
}
trap cleanup EXIT
fio_run() {   # fio_run URI ARGS...
    local uri=$1
    shift
    timeout --kill-after=10 300 fio --name=job --ioengine=nbd --uri="$uri" --size=1G --numjobs=1 "$@" >/dev/null
}
K=()
if [ "$MODE" = nbd ]; then
    SHM="$(mktemp /dev/shm/nbd-ab.XXXXXX)"
    truncate -s 1G "$SHM"
    p1=$(free_port 127.0.0.1)
    nbdkit -f --exit-with-parent -i 127.0.0.1 -p "$p1" file "$SHM" >"$WORK/nbdkit1.log" 2>&1 &
    PIDS+=($!); K+=($!)
    p2=$(free_port 127.0.0.2)
    nbdkit -f --exit-with-parent -i 127.0.0.2 -p "$p2" file "$SHM" >"$WORK/nbdkit2.log" 2>&1 &
    PIDS+=($!); K+=($!)
    wait_nbd "nbd://127.0.0.1:$p1/"
    wait_nbd "nbd://127.0.0.2:$p2/"
    fio_run "nbd://127.0.0.1:$p1/" --rw=write --bs=1M --iodepth=8
    PATHS=("nbd://127.0.0.1:$p1/" "nbd://127.0.0.2:$p2/")
else
    PATHS=(memory:1G)
fi
JS=()
URIS=()
for v in "$@"; do
    jar=${v%%|*}
    opts=""
    [ "$jar" != "$v" ] && opts=${v#*|}
    [ -f "$jar" ] || { echo "error: no jar $jar" >&2; exit 1; }
    port=$(free_port 127.0.0.1)
    log="$WORK/mpath-${#JS[@]}.log"
    # shellcheck disable=SC2086  # opts is a list of JVM options
    java --enable-native-access=ALL-UNNAMED $opts -jar "$jar" serve --nbd "127.0.0.1:$port/disk" --wwid bench \
        "${PATHS[@]}" >"$log" 2>&1 &
    PIDS+=($!); JS+=($!)
    for _ in $(seq 600); do grep -q '^serving ' "$log" && break; sleep 0.1; done
    grep -q '^serving ' "$log" || { cat "$log" >&2; echo "error: mpath serve did not start" >&2; exit 1; }
    URIS+=("nbd://127.0.0.1:$port/disk")
done
for i in "${!URIS[@]}"; do
    [ "$MODE" = mem ] && fio_run "${URIS[$i]}" --rw=write --bs=1M --iodepth=8
    fio_run "${URIS[$i]}" "${FIO[@]}" --time_based --runtime="${WARM:-15}"
done
RES="$WORK/results"
: >"$RES"
for round in $(seq "$ROUNDS"); do
    order=$(seq 0 $((${#URIS[@]} - 1)))
    [ $((round % 2)) = 0 ] && order=$(echo "$order" | tac)
    for i in $order; do
        t0=$(cpu_ticks "${JS[$i]}"); k0=$( [ ${#K[@]} -gt 0 ] && cpu_ticks "${K[@]}" || echo 0)
        : >"$WORK/perf.csv"
        if [ "${PERF:-0}" = 1 ]; then
            perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "${JS[$i]}" -o "$WORK/perf.csv" &
            perf_pid=$!
        fi
        fio_run "${URIS[$i]}" "${FIO[@]}" --time_based --runtime="$SECS" --output-format=json --output="$WORK/run.json"
        if [ "${PERF:-0}" = 1 ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
        t1=$(cpu_ticks "${JS[$i]}"); k1=$( [ ${#K[@]} -gt 0 ] && cpu_ticks "${K[@]}" || echo 0)
        python3 - "$WORK/run.json" "$i" $((t1 - t0)) $((k1 - k0)) "$(getconf CLK_TCK)" "$(cut -d' ' -f1 /proc/loadavg)" "$WORK/perf.csv" <<'P' | tee -a "$RES"
import json, sys
r = json.load(open(sys.argv[1]))["jobs"][0]["read"]
ios, hz = r["total_ios"], int(sys.argv[5])
perf = {}
for line in open(sys.argv[7]):
    f = line.split(",")
    if len(f) > 2 and f[0].strip().isdigit():
        perf[f[2]] = int(f[0]) / ios
extra = f"\t{perf.get('raw_syscalls:sys_enter', 0):.2f}\t{perf.get('context-switches', 0):.2f}" if perf else ""
print(f"{sys.argv[2]}\t{r['iops']:.0f}\t{int(sys.argv[3]) / hz * 1e6 / ios:.2f}\t{int(sys.argv[4]) / hz * 1e6 / ios:.2f}\t{sys.argv[6]}{extra}")
P
    done
done
python3 - "$RES" "$@" <<'P'
import statistics as st, sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
for i, v in enumerate(sys.argv[2:]):
    rs = [r for r in rows if r[0] == str(i)]
    cpu = [float(r[2]) for r in rs]
    print(f"variant {i} [{v}]: IOPS median {st.median(float(r[1]) for r in rs):,.0f}; JVM CPU µs/IO median "
          f"{st.median(cpu):.2f} (range {min(cpu):.2f}-{max(cpu):.2f}); nbdkit CPU µs/IO median "
          f"{st.median(float(r[3]) for r in rs):.2f}"
          + (f"; JVM syscalls/IO median {st.median(float(r[5]) for r in rs):.2f}, context switches/IO median "
             f"{st.median(float(r[6]) for r in rs):.3f}" if rs and len(rs[0]) > 6 else ""))
P
