#!/usr/bin/env bash
# mpath4j test bed: N network paths between one initiator namespace and N target namespaces.
#
#   testbed.sh [-p PREFIX] create N        make PREFIX-init, PREFIX-t1..N and one veth pair per path
#   testbed.sh [-p PREFIX] create N shared one target namespace PREFIX-t holds the target ends of all N paths
#   testbed.sh [-p PREFIX] addr I [init]   print path I's target address (or its initiator address)
#   testbed.sh [-p PREFIX] run-target I CMD…   run CMD inside PREFIX-tI
#   testbed.sh [-p PREFIX] run-init CMD…       run CMD inside PREFIX-init
#   testbed.sh [-p PREFIX] cut I           take path I's link down: a silent cut (no RST, no FIN)
#   testbed.sh [-p PREFIX] restore I       bring path I's link back up
#   testbed.sh [-p PREFIX] rate I RATE     shape what target I sends (tc htb, RATE in tc units: 10mbit, 1gbit)
#   testbed.sh [-p PREFIX] rate I off      remove the shaping
#   testbed.sh [-p PREFIX] delay I MS      delay what target I sends by MS milliseconds (tc netem; needs sch_netem)
#   testbed.sh [-p PREFIX] delay I off     remove the delay
#   testbed.sh [-p PREFIX] status          links, addresses and qdiscs of every path
#   testbed.sh [-p PREFIX] destroy         kill what runs inside, delete the namespaces (idempotent)
#
# Addressing: path I (1..254) is the /30 10.200.I.0/30; the initiator end (PREFIX-init, device
# PREFIXiI) is 10.200.I.1, the target end (PREFIX-tI, device PREFIXtI) is 10.200.I.2. The veth
# pairs are created directly inside the namespaces, so nothing, not even for a moment, is configured
# in the root namespace, and two beds with different prefixes never collide. The default prefix is
# mp4j (PREFIX: 1-10 of [a-z0-9]). With `create N shared` the N target ends live in one namespace,
# PREFIX-t, so that one target process (tgtd with N portals) is reached through N links; run-target I
# then runs in PREFIX-t for every I. Needs root (ip netns); see docs/testbed.md.
set -euo pipefail

prefix=mp4j
net=10.200

die() { echo "testbed: $*" >&2; exit 2; }

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

while getopts "p:h" opt; do
    case $opt in
        p) prefix=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[[ $prefix =~ ^[a-z0-9]{1,10}$ ]] || die "prefix '$prefix' must be 1-10 of [a-z0-9] (it is part of 15-character device names)"
[[ $# -ge 1 ]] || usage

init_ns="$prefix-init"
# PREFIX-t exists only in a shared bed: then it holds every path's target end
target_ns() {
    if ip netns list | awk '{print $1}' | grep -qx "$prefix-t"; then echo "$prefix-t"; else echo "$prefix-t$1"; fi
}
init_dev() { echo "${prefix}i$1"; }
target_dev() { echo "${prefix}t$1"; }

need_root() {
    [[ $(id -u) -eq 0 ]] || die "needs root (ip netns add); run it with sudo or as root"
}

path_index() {
    if ! [[ ${1:-} =~ ^[0-9]+$ ]] || (( $1 < 1 || $1 > 254 )); then
        die "path '${1:-}' must be a number from 1 to 254"
    fi
    ip -n "$(target_ns "$1")" link show "$(target_dev "$1")" >/dev/null 2>&1 || die "no path $1 in test bed '$prefix' (see: status)"
}

# Our namespaces, one per line: exactly PREFIX-init and PREFIX-tN, never anything else.
our_namespaces() {
    ip netns list | awk '{print $1}' | grep -E "^$prefix-(init|t[0-9]*)\$" | sort -V || true
}

# Waits (at most 5 s) until a device's operational state is UP: the kernel's link watch sets it
# asynchronously after `link set up`, and callers of create/restore expect a usable path.
wait_up() {
    local ns=$1 dev=$2
    for _ in $(seq 50); do
        ip -n "$ns" -o link show dev "$dev" | grep -q "state UP" && return 0
        sleep 0.1
    done
    die "$dev in $ns did not come up within 5 s"
}

cmd_create() {
    local n=${1:-} shared=${2:-}
    if ! [[ $n =~ ^[0-9]+$ ]] || (( n < 1 || n > 254 )); then
        die "create needs a path count from 1 to 254, got '${n}'"
    fi
    [[ -z $shared || $shared == shared ]] || die "create N [shared], got '$shared'"
    need_root
    [[ -z $(our_namespaces) ]] || die "test bed '$prefix' exists already (destroy it first, or use -p PREFIX)"
    # a half-made bed is removed again
    trap 'echo "testbed: create failed; removing what was made" >&2; cmd_destroy >/dev/null 2>&1 || true' ERR
    ip netns add "$init_ns"
    ip -n "$init_ns" link set lo up
    local i t
    if [[ -n $shared ]]; then
        ip netns add "$prefix-t"
        ip -n "$prefix-t" link set lo up
    fi
    for ((i = 1; i <= n; i++)); do
        t=$(target_ns "$i")
        if [[ -z $shared ]]; then
            ip netns add "$t"
            ip -n "$t" link set lo up
        fi
        ip link add "$(init_dev "$i")" netns "$init_ns" type veth peer name "$(target_dev "$i")" netns "$t"
        ip -n "$init_ns" addr add "$net.$i.1/30" dev "$(init_dev "$i")"
        ip -n "$t" addr add "$net.$i.2/30" dev "$(target_dev "$i")"
        ip -n "$init_ns" link set "$(init_dev "$i")" up
        ip -n "$t" link set "$(target_dev "$i")" up
    done
    for ((i = 1; i <= n; i++)); do
        wait_up "$(target_ns "$i")" "$(target_dev "$i")"
        wait_up "$init_ns" "$(init_dev "$i")"
    done
    trap - ERR
    echo "test bed '$prefix': $n paths${shared:+ to one target namespace}; initiator namespace $init_ns"
    for ((i = 1; i <= n; i++)); do
        echo "  path $i: $init_ns $(init_dev "$i") $net.$i.1/30 <-> $(target_ns "$i") $(target_dev "$i") $net.$i.2/30"
    done
}

cmd_addr() {
    path_index "${1:-}"
    case ${2:-target} in
        target) echo "$net.$1.2" ;;
        init) echo "$net.$1.1" ;;
        *) die "addr I [init|target]" ;;
    esac
}

cmd_run_target() {
    need_root
    path_index "${1:-}"
    local t
    t=$(target_ns "$1")
    shift
    [[ $# -ge 1 ]] || die "run-target I CMD…"
    exec ip netns exec "$t" "$@"
}

cmd_run_init() {
    need_root
    [[ $# -ge 1 ]] || die "run-init CMD…"
    ip netns list | awk '{print $1}' | grep -qx "$init_ns" || die "no test bed '$prefix' (create it first)"
    exec ip netns exec "$init_ns" "$@"
}

# The target end goes down: the initiator end keeps its address and route and sees no carrier;
# what it sends is lost silently and TCP retransmits, as with a pulled cable. (Once the ARP entry
# of the target end has expired, a new connect fails with "No route to host" after ~3 s of ARP
# probes, as on a real LAN; an established connection just goes on retransmitting.)
cmd_cut() {
    need_root
    path_index "${1:-}"
    ip -n "$(target_ns "$1")" link set "$(target_dev "$1")" down
    echo "path $1 cut"
}

cmd_restore() {
    need_root
    path_index "${1:-}"
    ip -n "$(target_ns "$1")" link set "$(target_dev "$1")" up
    wait_up "$(target_ns "$1")" "$(target_dev "$1")"
    wait_up "$init_ns" "$(init_dev "$1")"
    # ARP entries that failed during the cut would answer "No route to host" for a while yet
    ip -n "$init_ns" neigh flush dev "$(init_dev "$1")"
    ip -n "$(target_ns "$1")" neigh flush dev "$(target_dev "$1")"
    echo "path $1 restored"
}

# htb on the target end shapes its egress: what the target sends (read data, replies). The
# initiator's writes are limited by the replies' pace only through TCP's window.
cmd_rate() {
    need_root
    path_index "${1:-}"
    local t dev
    t=$(target_ns "$1")
    dev=$(target_dev "$1")
    case ${2:-} in
        "") die "rate I RATE|off (RATE in tc units: 10mbit, 1gbit)" ;;
        off)
            ip netns exec "$t" tc qdisc del dev "$dev" root 2>/dev/null || true
            echo "path $1 rate unlimited" ;;
        *)
            [[ $2 =~ ^[0-9]+(\.[0-9]+)?([kmgt]?(bit|bps))$ ]] || die "rate '$2' must be in tc units, e.g. 10mbit, 500kbit, 1gbit"
            # a root netem (delay without rate) cannot become an htb in place: set rate first, then delay
            if ip netns exec "$t" tc qdisc show dev "$dev" | grep -q "^qdisc netem 2: root"; then
                die "path $1 has a delay as its root qdisc; 'delay $1 off' first, then rate, then delay again"
            fi
            ip netns exec "$t" tc qdisc replace dev "$dev" root handle 1: htb default 10
            ip netns exec "$t" tc class replace dev "$dev" parent 1: classid 1:10 htb rate "$2" ceil "$2"
            echo "path $1 rate $2 (target to initiator)" ;;
    esac
}

# netem on the target end delays its egress, like rate: each reply comes MS later, so a request's
# round trip grows by MS. Under an htb (rate) the delay goes below its class, so both hold at once;
# alone it is the root qdisc. A kernel without sch_netem (ours: no modules) cannot do it: that is
# refused with a clear message and nothing changes; the fault proxy's latency is the fallback.
cmd_delay() {
    need_root
    path_index "${1:-}"
    local t dev parent
    t=$(target_ns "$1")
    dev=$(target_dev "$1")
    if ip netns exec "$t" tc qdisc show dev "$dev" | grep -q "^qdisc htb 1: root"; then
        parent=(parent 1:10 handle 10:)
    else
        parent=(root handle 2:)
    fi
    case ${2:-} in
        "") die "delay I MS|off (MS: whole milliseconds, 1-10000)" ;;
        off)
            if [[ ${parent[0]} == parent ]]; then
                ip netns exec "$t" tc qdisc del dev "$dev" parent 1:10 2>/dev/null || true
            elif ip netns exec "$t" tc qdisc show dev "$dev" | grep -q "^qdisc netem 2: root"; then
                ip netns exec "$t" tc qdisc del dev "$dev" root 2>/dev/null || true
            fi
            echo "path $1 delay off" ;;
        *)
            if ! [[ $2 =~ ^[0-9]+$ ]] || (( $2 < 1 || $2 > 10000 )); then
                die "delay '$2' must be whole milliseconds from 1 to 10000 (or off)"
            fi
            local err
            if ! err=$(ip netns exec "$t" tc qdisc replace dev "$dev" "${parent[@]}" netem delay "${2}ms" 2>&1); then
                if [[ $err == *"unknown"* ]]; then
                    die "this kernel has no netem (sch_netem), so no delay on a link; use the fault proxy's latency (docs/testbed.md)"
                fi
                die "tc netem on path $1 failed: $err"
            fi
            echo "path $1 delay ${2} ms (target to initiator)" ;;
    esac
}

cmd_status() {
    local nss
    nss=$(our_namespaces)
    if [[ -z $nss ]]; then
        echo "test bed '$prefix': none"
        return
    fi
    echo "test bed '$prefix':"
    local ns
    for ns in $nss; do
        echo "$ns:"
        ip -n "$ns" -brief addr show | sed 's/^/  /'
        ip netns exec "$ns" tc qdisc show | grep -E 'htb|netem' | sed 's/^/  /' || true
        echo "  processes: $(ip netns pids "$ns" | tr '\n' ' ')"
    done
}

# Kills what runs inside our namespaces (only they hold these pids), then deletes them; a
# namespace some process still holds would keep its veth alive after `ip netns del`.
cmd_destroy() {
    need_root
    local ns
    local -a pids
    for ns in $(our_namespaces); do
        mapfile -t pids < <(ip netns pids "$ns" || true)
        if (( ${#pids[@]} > 0 )); then
            kill "${pids[@]}" 2>/dev/null || true
            for _ in $(seq 10); do
                mapfile -t pids < <(ip netns pids "$ns" || true)
                (( ${#pids[@]} == 0 )) && break
                sleep 0.2
            done
            if (( ${#pids[@]} > 0 )); then
                kill -9 "${pids[@]}" 2>/dev/null || true
            fi
        fi
        ip netns del "$ns"
    done
    echo "test bed '$prefix' destroyed"
}

command=$1
shift
case $command in
    create) cmd_create "$@" ;;
    addr) cmd_addr "$@" ;;
    run-target) cmd_run_target "$@" ;;
    run-init) cmd_run_init "$@" ;;
    cut) cmd_cut "$@" ;;
    restore) cmd_restore "$@" ;;
    rate) cmd_rate "$@" ;;
    delay) cmd_delay "$@" ;;
    status) cmd_status ;;
    destroy) cmd_destroy ;;
    help | -h | --help) usage ;;
    *) die "unknown command '$command' (create, addr, run-target, run-init, cut, restore, rate, delay, status, destroy)" ;;
esac
