#!/usr/bin/env bash
# Throughput benchmark, not a test: it prints rates, it does not pass or
# fail.  SIZE bytes (a sparse file: zeros from the page cache, no disk)
# go from a -N sender to a one-shot listener on loopback, for sockcat and,
# where installed, nc.openbsd, interleaved, RUNS times each; medians in
# MiB/s and their ratio.  Cases: TCP with files on both ends, TCP with
# pipes on both ends (cat | sender, listener | cat), and a Unix-domain
# stream socket.  The time is from the sender's start to the listener's
# exit, so every byte has arrived.
# Usage: bench/throughput.sh [SOCKCAT] [RUNS] [SIZE]   (SIZE as truncate -s)
set -eu

sc=${1:-./src/sockcat}
runs=${2:-5}
size=${3:-1G}
nc=$(command -v nc.openbsd || :)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
truncate -s "$size" "$dir/data"
bytes=$(stat -c %s "$dir/data")

free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for WHAT: a TCP port or a Unix socket path is being listened on.
wait_for() {
	local i
	for i in $(seq 500); do
		case $1 in
		/*) ss -Hxl | grep -qF " $1 " && return ;;
		*) ss -Htln "sport = :$1" | grep -q . && return ;;
		esac
		sleep 0.01
	done
	echo "bench: nothing listens on $1" >&2
	exit 1
}

# one TOOL CASE: print the MiB/s of one transfer.
one() {
	local tool=$1 kind=$2 port lpid t0 t1
	case $kind in
	unix)
		port=$dir/sock
		rm -f "$port"
		timeout 120 "$tool" -l -U "$port" >/dev/null </dev/null &
		lpid=$!
		wait_for "$port"
		t0=$(date +%s%N)
		timeout 120 "$tool" -N -U "$port" <"$dir/data"
		;;
	pipes)
		port=$(free_port)
		timeout 120 "$tool" -l 127.0.0.1 "$port" </dev/null |
		    cat >/dev/null &
		lpid=$!
		wait_for "$port"
		t0=$(date +%s%N)
		cat "$dir/data" | timeout 120 "$tool" -N 127.0.0.1 "$port"
		;;
	*)
		port=$(free_port)
		timeout 120 "$tool" -l 127.0.0.1 "$port" >/dev/null </dev/null &
		lpid=$!
		wait_for "$port"
		t0=$(date +%s%N)
		timeout 120 "$tool" -N 127.0.0.1 "$port" <"$dir/data"
		;;
	esac
	wait "$lpid"
	t1=$(date +%s%N)
	awk -v b="$bytes" -v ns=$((t1 - t0)) \
	    'BEGIN { printf "%d", b / 1048576 / (ns / 1e9) }'
}

median() {
	tr ' ' '\n' | grep . | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "sockcat: $sc; nc.openbsd: ${nc:-none}; $bytes bytes, $runs runs each, interleaved"
for kind in files pipes unix; do
	s= n=
	for _ in $(seq "$runs"); do
		s="$s $(one "$sc" "$kind")"
		[ -z "$nc" ] || n="$n $(one "$nc" "$kind")"
	done
	a=$(median <<<"$s")
	if [ -n "$nc" ]; then
		b=$(median <<<"$n")
		printf '%-6s sockcat %6d MiB/s  nc.openbsd %6d MiB/s  ratio %s\n' \
		    "$kind" "$a" "$b" \
		    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
	else
		printf '%-6s sockcat %6d MiB/s\n' "$kind" "$a"
	fi
done
