#!/usr/bin/env bash
# Smoke test of the test bed, and the pattern every script that uses it follows: a trap destroys
# the bed (and with it everything running inside) on any exit, failure included.
#   lab/testbed/smoke.sh [PREFIX]      (root; nbdkit and nbdinfo installed)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-mp4jsmoke}
bed() { "$here/testbed.sh" -p "$prefix" "$@"; }

trap 'bed destroy >/dev/null' EXIT
bed create 2

for i in 1 2; do
    bed run-target "$i" nbdkit -i "$(bed addr "$i")" -p 10809 memory 16M   # daemonizes inside the namespace
done

reachable() { bed run-init timeout "${2:-5}" nbdinfo --size "nbd://$(bed addr "$1"):10809" >/dev/null 2>&1; }
for _ in $(seq 50); do reachable 1 1 && reachable 2 1 && break; sleep 0.1; done
if ! reachable 1 || ! reachable 2; then echo "FAIL: targets not reachable"; exit 1; fi

bed cut 1
if reachable 1 3; then echo "FAIL: path 1 reachable while cut"; exit 1; fi
reachable 2 || { echo "FAIL: path 2 lost by cutting path 1"; exit 1; }
bed restore 1
reachable 1 || { echo "FAIL: path 1 unreachable after restore"; exit 1; }
echo "smoke test passed"
