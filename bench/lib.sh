# shellcheck shell=bash
# bench/lib.sh — shell code the benchmark scripts share; sourced, never run.
#
#   source "$(dirname "$0")/lib.sh"     # cds to the repository root, finds JDK 25 (bin/jdk.sh)
#
# Result lines: every comparison script prints, on stdout, one line per comparison it measured
#   RESULT<TAB>name<TAB>ours<TAB>peer<TAB>ratio<TAB>goal<TAB>unit<TAB>what
# (ratio = ours / peer, higher is better; goal is the ratio issue 7 asks for). bench/compare.sh
# collects them into one table. The tab keeps them apart from IscsiBenchmark's own
# "RESULT key=value" line, which goes to a log file, not to stdout.
#
# Like bin/jdk.sh it sets no shell options of its own: the callers run under `set -euo pipefail`.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$bench_root" || return 1
# shellcheck disable=SC1091  # bin/jdk.sh is linted on its own
source bin/jdk.sh >/dev/null || return 1

# The 1, 5 and 15 minute load averages: on a shared machine the load is part of every number.
load() { cut -d' ' -f1-3 /proc/loadavg; }

# A TCP port nobody listens on, on address $1 (default 127.0.0.1): the kernel picks it.
free_port() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1]); s.close()' \
        "${1:-127.0.0.1}"
}

# CPU time (user + system, clock ticks) used so far by the processes $@ together.
cpu_ticks() {
    local pid t=0
    for pid in "$@"; do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$t"
}

# stop_processes PID... — SIGTERM to each, 10 s for each to go, then SIGKILL; reaps them (they are
# children of the caller). For cleanup traps: never fails.
stop_processes() {
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# Waits until the NBD server at URI $1 answers (nbdinfo), at most 30 s. $2..: a command prefix to
# run nbdinfo with (e.g. `ip netns exec NS`), for a server only reachable from a namespace.
wait_nbd() {
    local uri="$1"
    shift
    for _ in $(seq 300); do
        if "$@" nbdinfo --size "$uri" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "error: no NBD server answered at $uri within 30 s" >&2
    return 1
}

# require_tools TOOL... — a clear error naming the first tool that is not installed.
require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; return 1; }
    done
}

# build_if_stale JAR MODULE DIR... — `mvn package` MODULE (and what it needs) when JAR is missing
# or older than any main source under DIR...; a rebuild in every run would cost minutes on 2 CPUs.
build_if_stale() {
    local jar="$1" module="$2"
    shift 2
    if [ ! -f "$jar" ] || [ -n "$(find "$@" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
        echo "building $jar…" >&2
        mvn -B -q -pl "$module" -am package -DskipTests
    fi
}

# result NAME OURS PEER GOAL UNIT WHAT — prints the RESULT line (ratio computed here).
result() {
    local ratio
    ratio="$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }')"
    printf 'RESULT\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$ratio" "$4" "$5" "$6"
}

# The machine a result belongs to, one line.
machine_info() {
    echo "$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)," \
        "$(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
}

# The peers' versions, one line ("?" for one that is missing).
peer_versions() {
    v() { "$@" 2>/dev/null | head -1 || true; }
    echo "nbdkit $(v nbdkit --version | awk '{print $2}'), $(v fio --version)," \
        "tgtd $(v tgtd --version), libiscsi $(dpkg-query -W -f '${Version}' libiscsi-bin 2>/dev/null || echo '?')," \
        "nbdfuse $(v nbdfuse --version | awk '{print $2}'), qemu-nbd $(v qemu-nbd --version | awk '{print $2}')"
    unset -f v
}

# The JVM the benchmarks run on, one line.
jvm_version() { java -version 2>&1 | sed -n '/version/{p;q;}'; }
