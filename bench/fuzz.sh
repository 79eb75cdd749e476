#!/usr/bin/env bash
# bench/fuzz.sh [DURATION] — coverage-guided fuzzing (Jazzer) of every decoder that reads bytes
# from the network or from users: iSCSI PDUs and login text, the NBD codecs (the server's request
# stream among them), SCSI sense/VPD/CDB/PR/RTPG data, the multipath.conf parser. DURATION per
# fuzz test, e.g. 10s (CI), 10m (a long run); default 60s.
#
# A crash makes the run fail and Jazzer writes the input into the test's regression directory
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-…): commit it, and every later
# normal test run replays it. Coverage corpora go to .cifuzz-corpus/ (not committed).
# See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=bin/jdk.sh
. "$root/bin/jdk.sh"
duration="${1:-60s}"
cd "$root"
mpath4j_require_mvn

# module:test class pairs; the config parser's fuzz test joins when that module has one.
# shellcheck disable=SC2054  # the comma is Maven's -Dtest list separator, inside one element
targets=(scsi:ScsiJazzerTest nbd:NbdJazzerTest iscsi:PduJazzerTest,LoginJazzerTest)
if compgen -G "daemon/src/test/java/io/mpath4j/daemon/config/*JazzerTest.java" >/dev/null; then
    targets+=(daemon:ConfigJazzerTest)
fi
# One build of the modules and what they need; each fuzz run below then takes its classpath from
# this reactor's target/ directories (-am), never from whatever ~/.m2 holds.
mvn -B -q -DskipTests test-compile -pl "$(printf '%s\n' "${targets[@]}" | cut -d: -f1 | paste -sd,)" -am
failed=0
for t in "${targets[@]}"; do
    module="${t%%:*}"
    tests="${t#*:}"
    echo "fuzz: $module $tests for $duration each"
    if ! JAZZER_FUZZ=1 mvn -B -q -o -pl "$module" -am surefire:test -Dtest="$tests" -Djazzer.max_duration="$duration" \
            -Dsurefire.failIfNoSpecifiedTests=false >"$root/target-fuzz-$module.log" 2>&1; then
        echo "fuzz: $module FOUND A FAILURE — see target-fuzz-$module.log and the new crash-* file under $module/src/test/resources" >&2
        failed=1
    else
        grep -hE '^#[0-9]+[[:space:]]+DONE' "$root/target-fuzz-$module.log" | sed "s/^/fuzz: $module: /" || true
    fi
done
exit "$failed"
