#!/usr/bin/env bash
# Runs one of the proof harnesses of issue 7 (lab module test classes, io.mpath4j.lab.proof):
#   bench/lab-proof.sh ghost [trials=1000] [reset|blackhole|mixed] [holdMs=2000] [fenced=true]
#     ghost writes: held write on path A, A cut, W1 redriven, W2 written, A's held write released,
#     the blocks must hold W2 (fenced=false: paths whose fence() does nothing; GHOST lines expected)
#   bench/lab-proof.sh timing [trials per fault=50] [transitionMs=500]
#     failover timing: longest completion gap for a reset, a silent cut and an ALUA transition
#   bench/lab-proof.sh torture [seconds=600] [paths=2] [lab|tgt]
#     random faults every 1-3 s under the Java verifying workload and fio through the NBD export:
#     ./mpath torture --duration SECONDSs --paths PATHS --target lab|tgt (see ./mpath torture --help)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == torture ]]; then
  exec ./mpath torture --duration "${2:-600}s" --paths "${3:-2}" --target "${4:-lab}"
fi
source bin/jdk.sh
mvn -B -q -pl lab -am install -DskipTests
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -B -q -Dstyle.color=never -pl lab dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
# this worktree's modules, not whatever another build installed into ~/.m2
own=lab/target/test-classes:lab/target/classes
for m in core scsi iscsi nbd; do own="$own:$m/target/classes:$m/target/test-classes"; done
cp=$(tr ':' '\n' < "$cpfile" | grep -v '/io/mpath4j/' | paste -sd: -)
logconf=$(mktemp)
trap 'rm -f "$cpfile" "$logconf"' EXIT
printf 'handlers=java.util.logging.ConsoleHandler\n.level=SEVERE\n' > "$logconf"
what=${1:?usage: bench/lab-proof.sh ghost|timing|torture [args]}
shift
case "$what" in
  ghost) main=io.mpath4j.lab.proof.GhostWriteTrial ;;
  timing) main=io.mpath4j.lab.proof.FailoverTiming ;;
  *) echo "unknown harness: $what (ghost, timing, torture)" >&2; exit 2 ;;
esac
java -Djava.util.logging.config.file="$logconf" -cp "$own:$cp" "$main" "$@"
