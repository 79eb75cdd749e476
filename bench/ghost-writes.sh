#!/usr/bin/env bash
# The ghost-write proof (issue 7), long run: N trials of "held write on path A, A cut, W1 redriven,
# W2 written, A's held write released, the blocks must hold W2" against the lab iSCSI target.
#   bench/ghost-writes.sh [trials=1000] [reset|blackhole|mixed] [holdMs=2000] [fenced=true]
# fenced=false wraps the paths in UnfencedPath: then blackhole trials must report GHOST lines.
set -euo pipefail
cd "$(dirname "$0")/.."
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
java -Djava.util.logging.config.file="$logconf" -cp "$own:$cp" io.mpath4j.lab.proof.GhostWriteTrial "$@"
