#!/usr/bin/env bash
# The benchmark (issue 10): sockcat against every netcat installed
# (nc.openbsd, ncat, nc.traditional, socat, busybox), not a test: it
# measures, it does not pass or fail, except that a transfer whose sink's
# SHA-256 differs from its source's is shown as LOST.
#
# Workloads (--only takes these names):
#   tcp      a tmpfs file -> sender -> loopback TCP -> one-shot listener
#            -> /dev/null: MiB/s, CPU s per GiB (both ends), peak RSS,
#            system calls per MiB
#   pipes    the same with pipes on both ends (cat | sender, listener | cat)
#   unix     the same on a Unix-domain stream socket
#   random   random data to a file sink
#   fork     fork + exec /bin/cat echo server: sequential and 50 clients
#   udp      UDP receive: 1400-byte datagrams offered at ~400 MiB/s
#   udpsend  UDP send: a file sent with -u to a counting receiver
#   scan     -z over 1-65535 on 127.0.0.1, all closed (--quick: 1-16384)
#   filtered -z -w 1 over 200 filtered ports in a network namespace
#            (root, ip netns and nft; skipped otherwise)
#   start    start-up: a refused connect, many times
#   digest   --digest's cost: the tcp transfer between two sockcats with
#            --digest at both ends, beside sockcat --no-splice and sockcat
#            as it is (no peers: sockcat against itself)
#
# Method: each run goes through the tools in a rotated order (A B C, then
# B C A, ...); medians with min-max over the runs, and sockcat's median
# divided by the best peer's (the best being the highest rate or the
# lowest cost).  Two yardsticks join the bulk workloads: ref-rw and
# ref-splice (bench/lib/refcat.c), the least a copy costs by read/write
# or by splice(2); ref-rw also receives UDP (recvmmsg and writev) and
# serves fork + exec (vfork and exec): the floors under any listener and
# any inetd-style server.  They are shown, never counted as peers.  Every bulk
# workload checks SHA-256 of the sink once per tool, in an extra run that
# also counts system calls (perf, else strace; never timed).  Small C programs (bench/lib/*.c) are compiled on the fly:
# the wrapper that takes wait4 and cgroup CPU figures and the load
# generators.
#
# Usage: bench/run.sh [--quick] [--install-peers] [--runs N]
#        [--only WORKLOAD,...] [--tools TOOL,...] [--sockcat PATH]
#        [--out FILE]
# --tools: sockcat and only these (names as in the tables: nc.openbsd,
# ncat, nc.traditional, socat, busybox, ref-rw, ref-splice).
set -u
# shellcheck source-path=SCRIPTDIR

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/lib/peers.sh
. "$here/lib/peers.sh"
# shellcheck source=SCRIPTDIR/lib/work.sh
. "$here/lib/work.sh"
# shellcheck source=SCRIPTDIR/lib/load.sh
. "$here/lib/load.sh"
# shellcheck source=SCRIPTDIR/lib/table.sh
. "$here/lib/table.sh"
# shellcheck source=SCRIPTDIR/lib/util.sh
. "$here/lib/util.sh"

WORKLOADS=(tcp pipes unix random fork udp udpsend scan filtered start
    digest)

usage() {
	sed -n '/^# Usage:/,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit "${1:-2}"
}

die() {
	echo "bench: $*" >&2
	exit 1
}

quick=0 install=0 RUNS='' only='' SC=${SOCKCAT:-} out='' pick=''
cmdline=$(printf '%q ' "$0" "$@")
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--install-peers) install=1 ;;
	--runs) RUNS=${2:?}; shift ;;
	--only) only=${2:?}; shift ;;
	--tools) pick=${2:?}; shift ;;
	--sockcat) SC=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
	shift
done

if [ "$install" = 1 ]; then
	if ! apt-get update -qq ||
	    ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    netcat-openbsd ncat netcat-traditional socat busybox >/dev/null
	then
		die "apt-get could not install the peers"
	fi
fi

if [ -z "$SC" ]; then
	for c in "$PWD/src/sockcat" "$here/../src/sockcat"; do
		[ -x "$c" ] && SC=$c && break
	done
fi
if [ -z "$SC" ] || [ ! -x "$SC" ]; then
	die "no sockcat binary: give --sockcat PATH or set SOCKCAT"
fi
SC=$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")

# Sizes: full, or --quick (small: meant to take minutes, not tens).
if [ "$quick" = 1 ]; then
	RUNS=${RUNS:-3} BULK_MIB=64 RAND_MIB=32 NSEQ=30 NCONC=40 CLIENTS=20
	UDP_COUNT=50000 UDPS_MIB=32 NSTART=10 NSYS=20
	FILTERED_PEER=1 CONN_TIMEOUT=2 SCAN_TOP=16384
else
	RUNS=${RUNS:-5} BULK_MIB=2048 RAND_MIB=256 NSEQ=500 NCONC=1000
	CLIENTS=50 UDP_COUNT=400000 UDPS_MIB=256 NSTART=200 NSYS=200
	FILTERED_PEER=10 CONN_TIMEOUT=10 SCAN_TOP=65535
fi
UDP_RATE=400
case $RUNS in ''|*[!0-9]*|0) die "--runs wants a positive number" ;; esac

if [ -n "$only" ]; then
	IFS=, read -r -a sel <<<"$only"
	for w in "${sel[@]}"; do
		[[ " ${WORKLOADS[*]} " == *" $w "* ]] ||
		    die "unknown workload $w (${WORKLOADS[*]})"
	done
	WORKLOADS=("${sel[@]}")
fi

for c in cc ss sha256sum; do
	command -v "$c" >/dev/null || die "$c is needed"
done

base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
W=$(mktemp -d "$base/sockcat-bench.XXXXXX") || die "no temporary directory"
CG='' NETNS=''
cleanup() {
	kill_cgroup
	[ -z "$NETNS" ] || ip netns del "$NETNS"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkfifo "$W/hold" "$W/pipe"
HOLD=$W/hold
mkdir "$W/bin" "$W/res"
for p in ru conn udpblast udpsink refcat; do
	cc -O2 -o "$W/bin/$p" "$here/lib/$p.c" -pthread ||
	    die "cannot compile bench/lib/$p.c"
done
RU=$W/bin/ru

TOOLS=()
for t in "${TOOLS_ALL[@]}"; do
	# --tools: sockcat and those listed only
	[ -z "$pick" ] || [ "$t" = sockcat ] || [[ ,$pick, == *",$t,"* ]] ||
	    continue
	tool_present "$t" && TOOLS+=("$t")
done
setup_counters

# Each table is printed (and --out rewritten) as soon as it is done.
header >"$W/report"
off=0
for w in "${WORKLOADS[@]}"; do
	echo "bench: $w ($(date -u +%T))" >&2
	"work_$w" >>"$W/report"
	tail -c +$((off + 1)) "$W/report"
	off=$(stat -c %s "$W/report")
	[ -z "$out" ] || cp "$W/report" "$out"
done
