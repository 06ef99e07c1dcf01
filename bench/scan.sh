#!/usr/bin/env bash
# Port-scan benchmark (issue 4), not a test: it prints timings, it does
# not pass or fail.  Two scans, each run RUNS times, sockcat and
# nc.openbsd interleaved, medians and their ratio printed:
#   1. the whole range 1-65535 on 127.0.0.1;
#   2. 200 filtered ports (-w 1) on the loopback of a network namespace
#      this script makes, where nft drops SYNs to those ports.  nc.openbsd
#      waits -w for each port in turn (about 200 s a run), so it runs on 10
#      of those ports and its time is scaled up, unless NC_FILTERED_FULL=1.
# Usage: bench/scan.sh [SOCKCAT] [RUNS]   (root, for the namespace)
set -eu

sc=${1:-./src/sockcat}
runs=${2:-5}
nc=$(command -v nc.openbsd || :)
ns=sockcat-bench-$$

# ms CMD...: run CMD (output discarded), print its wall time in ms.
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || :
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# row NAME SOCKCAT_TIMES NC_TIMES [NC_SCALE]: medians and the ratio.
row() {
	local a b scale=${4:-1}
	a=$(tr ' ' '\n' <<<"$2" | grep . | median)
	if [ -n "$3" ]; then
		b=$(( $(tr ' ' '\n' <<<"$3" | grep . | median) * scale ))
		printf '%-34s sockcat %6d ms  nc.openbsd %7d ms%s  ratio %s\n' \
		    "$1" "$a" "$b" "$( [ "$scale" -gt 1 ] && echo " (x$scale)")" \
		    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')"
	else
		printf '%-34s sockcat %6d ms  (nc.openbsd not installed)\n' \
		    "$1" "$a"
	fi
}

echo "sockcat: $sc; nc.openbsd: ${nc:-none}; $runs runs each, interleaved"

# 1. The whole range on 127.0.0.1.
s_times= n_times=
for _ in $(seq "$runs"); do
	s_times="$s_times $(ms "$sc" -z 127.0.0.1 1-65535)"
	[ -z "$nc" ] || n_times="$n_times $(ms "$nc" -z 127.0.0.1 1-65535)"
done
row "1-65535 on 127.0.0.1" "$s_times" "$n_times"

# 2. 200 filtered ports in a namespace of our own.
if ! command -v nft >/dev/null || ! ip netns add "$ns" 2>/dev/null; then
	echo "filtered ports: skipped (needs root, ip netns and nft)"
	exit 0
fi
trap 'ip netns del "$ns" 2>/dev/null || :' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" nft -f - <<'NFT'
table inet bench {
	chain input {
		type filter hook input priority 0;
		tcp dport 20000-20199 tcp flags & (syn | ack) == syn drop
	}
}
NFT
s_times= n_times= scale=1
nc_ports=20000-20199
if [ "${NC_FILTERED_FULL:-0}" != 1 ]; then
	nc_ports=20000-20009
	scale=20
fi
for _ in $(seq "$runs"); do
	s_times="$s_times $(ms ip netns exec "$ns" "$sc" -z -w 1 127.0.0.1 20000-20199)"
	[ -z "$nc" ] ||
	    n_times="$n_times $(ms ip netns exec "$ns" "$nc" -z -w 1 127.0.0.1 $nc_ports)"
done
row "200 filtered ports, -w 1" "$s_times" "$n_times" "$scale"
