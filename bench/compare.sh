#!/usr/bin/env bash
# bench/compare.sh — every comparison of issue 7 in one command, one table of ratios at the end
# (docs/benchmarks.md, "All comparisons in one command").
#
#   bench/compare.sh                          # all parts, each script's defaults (3 reps, 10 s runs)
#   bench/compare.sh --quick                  # smoke run: 1 rep, short runs, small devices
#   bench/compare.sh --quick --only chained   # one cheap part
#   bench/compare.sh --only iscsi,scaling --reps 5 --runtime 20
#
# Parts (run in this order; each is one of the existing scripts, which prints RESULT lines):
#   iscsi    initiator vs iscsi-perf (bench/iscsi-bench.sh): 4 KiB randread qd 32, 64 KiB seqread qd 32
#   export   `mpath serve memory:` vs `nbdkit memory` (bench/nbd-bench.sh --only 1), fio nbd engine
#   chained  `mpath serve` over 2 NbdPaths vs nbdkit file direct (bench/nbd-bench.sh --only 2)
#   fuse     `mpath serve --fuse` vs nbdfuse (bench/fuse-bench.sh)
#   scaling  2 tc-htb-shaped paths vs 1, latency selector vs round-robin with one slow path
#            (bench/path-scaling.sh: the netns test bed when root, the fault proxy otherwise)
#
# Options:
#   --quick         1 repetition, 3 s runs, short warm-ups, small devices (a smoke test, not a result)
#   --only A[,B]    these parts only
#   --reps N        repetitions per part (default: each script's own, 3)
#   --runtime S     seconds per measured run (default: each script's own, 10; path scaling 8)
#   --out DIR       where the logs and the report go (default bench/target/results)
#   --list          print the parts and exit
#
# Output: the table (comparison, ours, peer, ratio, goal, met/missed) on stdout, and the same as
# Markdown in OUT/compare-<UTC timestamp>.md with the machine, the JVM, the peers' versions, the
# load before and after each part and the exact commands; every part's full output in
# OUT/compare-<timestamp>/PART.out (stdout) and PART.log (stderr). Ratios are ours / peer
# (higher is better for us). A part that fails, or measures nothing, is reported as failed and
# the others still run; the exit status is 1 if any part failed.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap 'echo "compare: stopped by a failing command at line $LINENO" >&2' ERR

ALL_PARTS=(iscsi export chained fuse scaling)
ORIG_ARGS=("$@")
QUICK=""
ONLY=""
REPS=""
RUNTIME=""
OUT=bench/target/results
usage_error() { echo "$*" >&2; echo "try: $0 --help" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --only) [ $# -ge 2 ] || usage_error "--only needs a list of parts"; ONLY="$2"; shift 2 ;;
        --reps) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage_error "--reps needs a positive number"; REPS="$2"; shift 2 ;;
        --runtime) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage_error "--runtime needs whole seconds"; RUNTIME="$2"; shift 2 ;;
        --out) [ $# -ge 2 ] || usage_error "--out needs a directory"; OUT="$2"; shift 2 ;;
        --list) printf '%s\n' "${ALL_PARTS[@]}"; exit 0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) usage_error "unknown argument: $1" ;;
    esac
done
if [ -n "$QUICK" ]; then
    REPS="${REPS:-1}"
    RUNTIME="${RUNTIME:-3}"
fi
PARTS=("${ALL_PARTS[@]}")
if [ -n "$ONLY" ]; then
    IFS=, read -r -a PARTS <<<"$ONLY"
    for p in "${PARTS[@]}"; do
        [[ " ${ALL_PARTS[*]} " == *" $p "* ]] || usage_error "unknown part '$p' (parts: ${ALL_PARTS[*]})"
    done
fi
require_tools python3

# part_command PART — the command of one part, in the array CMD
part_command() {
    local reps=() runtime=()
    if [ -n "$REPS" ]; then reps=(--reps "$REPS"); fi
    if [ -n "$RUNTIME" ]; then runtime=(--runtime "$RUNTIME"); fi
    case "$1" in
        iscsi) CMD=(bench/iscsi-bench.sh "${reps[@]}" "${runtime[@]}")
               if [ -n "$QUICK" ]; then CMD+=(--jwarmup 1 --size 128); fi ;;
        export) CMD=(bench/nbd-bench.sh --only 1 "${reps[@]}" "${runtime[@]}")
                if [ -n "$QUICK" ]; then CMD+=(--warmup 1 --size 256M); fi ;;
        chained) CMD=(bench/nbd-bench.sh --only 2 "${reps[@]}" "${runtime[@]}")
                 if [ -n "$QUICK" ]; then CMD+=(--warmup 1 --size 256M); fi ;;
        fuse) CMD=(bench/fuse-bench.sh "${reps[@]}" "${runtime[@]}")
              if [ -n "$QUICK" ]; then CMD+=(--warmup 1 --size 128M); fi ;;
        scaling) CMD=(bench/path-scaling.sh)   # repeated --reps times by us; one run measures both scenarios
                 if [ -n "$RUNTIME" ]; then CMD+=(--seconds "$RUNTIME"); fi ;;
    esac
}

STAMP="$(date -u '+%Y%m%dT%H%M%SZ')"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
LOGS="$OUT/compare-$STAMP"
mkdir -p "$LOGS"
REPORT="$OUT/compare-$STAMP.md"
RESULTS="$LOGS/results.tsv"   # part, name, ours, peer, ratio, goal, unit, what
RUNS="$LOGS/parts.tsv"        # part, command, load before, load after, seconds, exit status, log
: >"$RESULTS"
: >"$RUNS"

# The benchmarks share one build; doing it up front keeps build time out of the first part's
# load figures (and a compile error out of every part's log).
echo "compare: building the benchmark and daemon jars…" >&2
build_if_stale bench/target/benchmarks.jar bench core scsi iscsi nbd lab bench
build_if_stale daemon/target/mpath.jar daemon core scsi iscsi nbd fuse lab daemon

START=$SECONDS
echo "compare: $(date -u '+%F %T UTC'), parts: ${PARTS[*]}, reps ${REPS:-default}, runtime ${RUNTIME:-default}${QUICK:+ (quick)}, load $(load)" >&2
i=0
for part in "${PARTS[@]}"; do
    i=$((i + 1))
    part_command "$part"
    log="$LOGS/$part.log"   # stderr: progress, JVM logging
    out="$LOGS/$part.out"   # stdout: tables and RESULT lines, apart so that no log line splits one
    before="$(load)"
    t0=$SECONDS
    echo "[$i/${#PARTS[@]}] $part: $(printf '%q ' "${CMD[@]}")(log: $log)" >&2
    rc=0
    runs=1
    if [ "$part" = scaling ]; then runs="${REPS:-3}"; fi
    for _ in $(seq "$runs"); do
        "${CMD[@]}" >>"$out" 2>>"$log" </dev/null || { rc=$?; break; }
    done
    after="$(load)"
    grep -a $'^RESULT\t' "$out" | cut -f2- | sed "s/^/$part\t/" >>"$RESULTS" || true
    n="$(grep -ac $'^RESULT\t' "$out" || true)"
    if [ "$rc" = 0 ] && [ "$n" = 0 ]; then rc=99; fi   # ran, but measured nothing: a failure too
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$(printf '%q ' "${CMD[@]}")" "$before" "$after" \
        $((SECONDS - t0)) "$rc" "$log" >>"$RUNS"
    echo "[$i/${#PARTS[@]}] $part: exit $rc, $n result lines, $((SECONDS - t0)) s, load $before -> $after" >&2
done
TOTAL=$((SECONDS - START))

python3 - "$RESULTS" "$RUNS" "$REPORT" "$TOTAL" "$(date -u '+%F %T UTC')" "$(machine_info)" "$(jvm_version)" \
    "$(peer_versions)" "$(printf '%q ' "$0" "${ORIG_ARGS[@]}")" "${QUICK:+quick}" <<'EOF'
import statistics, sys
results_tsv, runs_tsv, report, total, when, machine, jvm, peers, command, quick = sys.argv[1:11]
rows = [l.rstrip("\n").split("\t") for l in open(results_tsv) if l.strip()]
runs = [l.rstrip("\n").split("\t") for l in open(runs_tsv) if l.strip()]

# one row per comparison name; repeated runs (path scaling with --reps) give the median of each
by_name = {}
for part, name, ours, peer, ratio, goal, unit, what in rows:
    by_name.setdefault((part, name), []).append((float(ours), float(peer), float(ratio), float(goal), unit, what))
table = []
for (part, name), rs in by_name.items():
    ours = statistics.median(r[0] for r in rs)
    peer = statistics.median(r[1] for r in rs)
    ratio = statistics.median(r[2] for r in rs)
    goal, unit, what = rs[0][3], rs[0][4], rs[0][5]
    verdict = "no result" if ratio != ratio else "met" if ratio >= goal else "missed"   # nan: a side measured nothing
    table.append((name, what, ours, peer, unit, ratio, goal, verdict, len(rs)))
failed = [r for r in runs if r[5] != "0"]

def fmt(x, unit):
    return f"{x:,.0f} {unit}" if x >= 100 else f"{x:,.1f} {unit}"

# the terminal table
head = ("comparison", "ours", "peer", "ratio", "goal", "")
lines = [(n, fmt(o, u), fmt(p, u), f"{r:.2f}x", f">= {g:.1f}x", v + (f" (median of {k})" if k > 1 else ""))
         for n, _, o, p, u, r, g, v, k in table]
lines += [(r[0], "FAILED", f"exit {r[5]}", "", "", f"log: {r[6]}") for r in failed]
widths = [max(len(str(x[c])) for x in [head] + lines) for c in range(6)]
print()
for l in [head] + lines:
    print("  ".join(str(x).ljust(w) for x, w in zip(l, widths)).rstrip())
print()
print(f"{len(table)} comparisons, goals met: {sum(1 for t in table if t[7] == 'met')} of {len(table)}, parts failed: {len(failed)}; "
      f"{int(total) // 60} min {int(total) % 60} s; report: {report}")

with open(report, "w") as f:
    label = "SMOKE RUN (--quick: 1 repetition, short runs; not a result)" if quick else "benchmark run"
    f.write(f"# All comparisons — {when} — {label}\n\n")
    f.write(f"- command: `{command.strip()}`\n- machine: {machine}\n- JVM: {jvm}\n- peers: {peers}\n")
    f.write(f"- total time: {int(total) // 60} min {int(total) % 60} s\n\n")
    f.write("| comparison | what | ours | peer | ratio (ours / peer) | goal | met? |\n|---|---|---|---|---|---|---|\n")
    for n, what, o, p, u, r, g, v, k in table:
        f.write(f"| {n} | {what}{f' (median of {k} runs)' if k > 1 else ''} | {fmt(o, u)} | {fmt(p, u)} | **{r:.2f}×** "
                f"| ≥ {g:.1f}× | {v} |\n")
    for r in failed:
        f.write(f"| {r[0]} | FAILED (exit {r[5]}), see `{r[6]}` | | | | | |\n")
    f.write("\n| part | exact command | load before (1/5/15 min) | load after | seconds | exit |\n|---|---|---|---|---|---|\n")
    for part, cmd, before, after, secs, rc, log in runs:
        f.write(f"| {part} | `{cmd.strip()}` | {before} | {after} | {secs} | {rc} |\n")
    f.write(f"\nLogs: `{runs[0][6].rsplit('/', 1)[0] if runs else ''}/`\n")
EOF
if cut -f6 "$RUNS" | grep -qvx 0; then exit 1; fi
