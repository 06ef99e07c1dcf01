#!/usr/bin/env bash
# UDP receive benchmark, not a test: it prints numbers, it does not pass
# or fail.  A small C sender (compiled to a temporary directory with cc)
# offers COUNT datagrams of SIZE bytes to 127.0.0.1 at RATE MiB/s from one
# socket; the listener under test (`-u -l 127.0.0.1 PORT`, stdin closed
# with -d) writes them to /dev/null or to a file.  Per run: the share of
# the offered datagrams delivered (the socket's drop counter in
# /proc/net/udp for /dev/null, the file's size for a file) and the
# listener's CPU time (from /proc/PID/schedstat) per GiB
# delivered.  sockcat and nc.openbsd run interleaved, RUNS times each, for
# each sink; medians, min-max and sockcat's ratio to nc.openbsd.
# With --send, the other direction: `TOOL -q 0 -u 127.0.0.1 PORT <file` of
# COUNT*SIZE bytes (each tool's own read size makes the datagrams) to a
# sockcat listener that drains them: the sender's MiB/s and CPU s/GiB.
# With --drain, CPU per datagram with no race against the sender: the
# listener (SO_RCVBUF 4 MiB with -I) is stopped, COUNT datagrams (at most
# what fits) are queued, and the CPU it takes to drain them is measured.
# Usage: bench/udp.sh [--send|--drain] [SOCKCAT] [RUNS] [COUNT] [SIZE] [RATE]
set -eu

send=false
drain=false
case ${1:-} in
--send) send=true; shift ;;
--drain) drain=true; shift ;;
esac
sc=${1:-./src/sockcat}
runs=${2:-5}
count=${3:-300000}
size=${4:-1400}
rate=${5:-400}
nc=$(command -v nc.openbsd || :)
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

cat >"$dir/send.c" <<'CEOF'
/* send PORT COUNT SIZE MIBPS: COUNT datagrams of SIZE bytes to
 * 127.0.0.1:PORT, paced to MIBPS, each starting with its number. */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 16

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 to;
	struct mmsghdr		 m[BATCH];
	struct iovec		 iov[BATCH];
	static char		 buf[BATCH][65536];
	long			 count, size, i, sent = 0;
	double			 rate, t0, due;
	int			 fd, k;

	if (argc != 5)
		return 2;
	count = atol(argv[2]);
	size = atol(argv[3]);
	rate = atof(argv[4]) * 1048576.0 / size;	/* datagrams/s */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1)
		return 1;
	memset(m, 0, sizeof(m));
	for (k = 0; k < BATCH; k++) {
		memset(buf[k], 'a' + k, sizeof(buf[k]));
		iov[k].iov_base = buf[k];
		iov[k].iov_len = size;
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	while (sent < count) {
		due = t0 + sent / rate;
		while (now() < due)
			;
		k = count - sent < BATCH ? (int)(count - sent) : BATCH;
		for (i = 0; i < k; i++)
			snprintf(buf[i], 16, "%015ld", sent + i);
		k = sendmmsg(fd, m, k, 0);
		if (k > 0)
			sent += k;
	}
	printf("%.3f\n", now() - t0);
	return 0;
}
CEOF
cc -O2 -o "$dir/send" "$dir/send.c"

free_port() {
	python3 -c 'import socket; s = socket.socket(type=socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_udp() {
	local i
	for i in $(seq 500); do
		ss -Huln "sport = :$1" | grep -q . && return
		sleep 0.01
	done
	echo "bench: nothing listens on udp $1" >&2
	exit 1
}

# The drops counter (last field) of the UDP socket bound to port $1.
drops() {
	awk -v p="$(printf '%04X' "$1")" \
	    '$2 ~ ":"p"$" { print $NF; exit }' /proc/net/udp
}

# cpu_ns PID: the time it has run, in ns (schedstat: exact, not ticks).
cpu_ns() {
	awk '{ print $1 }' "/proc/$1/schedstat"
}

# one TOOL SINK: prints "delivered% cpu_s_per_GiB".
one() {
	local tool=$1 sink=$2 port lpid out d0 d cpu got
	port=$(free_port)
	out=/dev/null
	[ "$sink" = file ] && out=$dir/out && rm -f "$out"
	"$tool" -d -u -l 127.0.0.1 "$port" >"$out" &
	lpid=$!
	wait_udp "$port"
	"$dir/send" "$port" "$count" "$size" "$rate" >/dev/null
	sleep 0.5
	d=$(drops "$port")
	cpu=$(cpu_ns "$lpid")
	kill "$lpid"
	wait "$lpid" 2>/dev/null || :
	if [ "$sink" = file ]; then
		got=$(stat -c %s "$out")
	else
		got=$(( (count - d) * size ))
	fi
	awk -v g="$got" -v c="$count" -v s="$size" -v t="$cpu" \
	    'BEGIN { printf "%.1f %.3f\n", 100 * g / (c * s),
	    (g > 0 ? t / 1e9 / (g / 1073741824) : 0) }'
}

# one_send TOOL: MiB/s of `TOOL -u 127.0.0.1 PORT <file`, and its CPU s/GiB.
one_send() {
	local tool=$1 port lpid t0 t1 bytes
	port=$(free_port)
	"$sc" -d -u -l 127.0.0.1 "$port" >/dev/null &
	lpid=$!
	wait_udp "$port"
	bytes=$(stat -c %s "$dir/data")
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$dir/time" \
	    timeout 300 "$tool" -q 0 -u 127.0.0.1 "$port" <"$dir/data" \
	    >/dev/null 2>&1 || :
	t1=$(date +%s%N)
	kill "$lpid"
	wait "$lpid" 2>/dev/null || :
	awk -v b="$bytes" -v ns=$((t1 - t0)) '{ printf "%.1f %.3f\n",
	    b / 1048576 / (ns / 1e9), ($1 + $2) / (b / 1073741824) }' \
	    "$dir/time"
}

# one_drain TOOL: CPU ns per datagram to drain a queued backlog.
one_drain() {
	local tool=$1 port lpid
	port=$(free_port)
	"$tool" -d -u -l -I 4194304 127.0.0.1 "$port" >/dev/null &
	lpid=$!
	wait_udp "$port"
	python3 - "$port" "$lpid" "$count" "$size" <<'PY'
import os, signal, socket, sys, time
port, pid, n, size = (int(a) for a in sys.argv[1:])
def ran():
    return int(open("/proc/%d/schedstat" % pid).read().split()[0])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", port))
s.send(b"x" * size)
time.sleep(0.3)
os.kill(pid, signal.SIGSTOP)
for i in range(n):
    s.send(b"x" * size)
t0 = ran()
os.kill(pid, signal.SIGCONT)
time.sleep(1)
print("%.0f" % ((ran() - t0) / n))
PY
	kill "$lpid"
	wait "$lpid" 2>/dev/null || :
}

median() {
	sort -n | awk '{ v[NR] = $1 } END {
	if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%s (%s-%s)", m, v[1], v[NR] }'
}

tools="$sc"
[ -n "$nc" ] && tools="$tools $nc"

if $drain; then
	for r in $(seq "$runs"); do
		for t in $tools; do
			echo "$t $(one_drain "$t")" >>"$dir/res"
		done
		tools="${tools#* } ${tools%% *}"
	done
	printf 'UDP drain: %s queued datagrams of %s bytes\n' "$count" "$size"
	printf '%-24s %s\n' tool 'CPU ns/datagram'
	for t in $sc $nc; do
		printf '%-24s %s\n' "$(basename "$t")" \
		    "$(awk -v t="$t" '$1 == t { print $2 }' "$dir/res" | median)"
	done
	exit 0
fi

if $send; then
	head -c $((count * size)) /dev/zero >"$dir/data"
	for r in $(seq "$runs"); do
		for t in $tools; do
			echo "$t $(one_send "$t")" >>"$dir/res"
		done
		tools="${tools#* } ${tools%% *}"
	done
	printf 'UDP send %s bytes from a file\n' "$((count * size))"
	printf '%-24s %-24s %s\n' tool 'MiB/s' 'CPU s/GiB'
	for t in $sc $nc; do
		printf '%-24s %-24s %s\n' "$(basename "$t")" \
		    "$(awk -v t="$t" '$1 == t { print $2 }' "$dir/res" | median)" \
		    "$(awk -v t="$t" '$1 == t { print $3 }' "$dir/res" | median)"
	done
	exit 0
fi

for sink in null file; do
	for r in $(seq "$runs"); do
		for t in $tools; do
			echo "$sink $t $(one "$t" "$sink")" >>"$dir/res"
		done
		tools="${tools#* } ${tools%% *}"
	done
done
printf 'UDP receive: %s datagrams of %s bytes offered at %s MiB/s\n' \
    "$count" "$size" "$rate"
printf '%-5s %-12s %-22s %-22s\n' sink tool 'delivered %' 'CPU s/GiB'
for sink in null file; do
	for t in $sc $nc; do
		printf '%-5s %-12s %-22s %-22s\n' "$sink" "$(basename "$t")" \
		    "$(awk -v s=$sink -v t="$t" '$1 == s && $2 == t \
		    { print $3 }' "$dir/res" | median)" \
		    "$(awk -v s=$sink -v t="$t" '$1 == s && $2 == t \
		    { print $4 }' "$dir/res" | median)"
	done
	[ -n "$nc" ] && awk -v s=$sink -v a="$sc" -v b="$nc" '
	    function med(x, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
		return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
	    }
	    $1 == s && $2 == a { ca[++na] = $4 }
	    $1 == s && $2 == b { cb[++nb] = $4 }
	    END {
		if (nb && (m = med(cb, nb)) > 0)
			printf "%-5s CPU ratio sockcat/nc.openbsd: %.2f\n", s,
			    med(ca, na) / m
	    }' "$dir/res"
done
