#!/usr/bin/env bash
# Fork-server benchmark, not a test: it prints numbers, it does not pass
# or fail.  A listener runs /bin/cat for every client (sockcat --fork -e,
# busybox nc -ll -e, nc.openbsd where it can); a small C client (built
# here with cc) connects, sends a line, half-closes, reads the echo to
# EOF and closes, CLIENTS connections one after another, then
# CONC clients at once.  The servers take turns (A B A B ...), RUNS
# rounds; medians.  Per server:
#   conn/s       sequential connections per second
#   cpu ms/conn  CPU of the listener and every process under it (the
#                programs), per connection: perf stat's task-clock,
#                which counts children however they are reaped (busybox
#                leaves them to the kernel); without perf, /proc/PID/stat
#                of the listener and its reaped children
#   sys/conn     system calls per connection, listener and children
#                (strace -f -c over a separate, shorter run; "-" without
#                strace)
#   conc conn/s, p99 ms, failed: CONC clients at once, CLIENTS each
# -B OTHER adds another sockcat binary (a build before a change) as
# "baseline".
# Usage: bench/fork.sh [-r RUNS] [-n CLIENTS] [-c CONC] [-s STRACE_N]
#                      [-B OTHER] [SOCKCAT]
#        (SOCKCAT: default ./src/sockcat; -s 0: no strace)
set -eu

runs=5 n=2000 conc=50 sn=200 base=
while getopts r:n:c:s:B: o; do
	case $o in
	r) runs=$OPTARG ;;
	n) n=$OPTARG ;;
	c) conc=$OPTARG ;;
	s) sn=$OPTARG ;;
	B) base=$(realpath "$OPTARG") ;;
	*) echo "usage: bench/fork.sh [-r RUNS] [-n CLIENTS] [-c CONC]" \
	    "[-s STRACE_N] [-B OTHER] [SOCKCAT]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sc=$(realpath "${1:-./src/sockcat}")
# The program's own start-up is the same for every server; in the C
# locale it reads no locale files, so what the servers add stands out.
export LC_ALL=C
unset LANG
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || :; rm -rf "$dir"' EXIT

cat >"$dir/client.c" <<'EOF'
/* client PORT N CONC: CONC processes, N sequential echo connections
 * each; prints "secs ok failed p50_ms p99_ms". */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
one(int port)
{
	static const char msg[] = "hello fork server\n";
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	char buf[256];
	size_t got = 0;
	ssize_t r;
	int s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    write(s, msg, sizeof(msg) - 1) != sizeof(msg) - 1 ||
	    shutdown(s, SHUT_WR) == -1)
		goto fail;
	while ((r = read(s, buf + got, sizeof(buf) - got)) > 0)
		got += r;
	if (r == -1 || got != sizeof(msg) - 1 || memcmp(buf, msg, got) != 0)
		goto fail;
	close(s);
	return 0;
fail:
	close(s);
	return -1;
}

static int
cmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int port = atoi(argv[1]), n = atoi(argv[2]), conc = atoi(argv[3]);
	int i, j, p[2], failed = 0, ok = 0;
	float *lat = calloc((size_t)n * conc, sizeof(float)), l;
	double t0, t;

	pipe(p);
	t0 = now();
	for (j = 0; j < conc; j++) {
		if (fork() != 0)
			continue;
		close(p[0]);
		for (i = 0; i < n; i++) {
			t = now();
			l = one(port) == 0 ? (float)((now() - t) * 1e3) : -1;
			write(p[1], &l, sizeof(l));
		}
		_exit(0);
	}
	close(p[1]);
	while (read(p[0], &l, sizeof(l)) == sizeof(l)) {
		if (l < 0)
			failed++;
		else
			lat[ok++] = l;
	}
	while (wait(NULL) > 0)
		;
	t = now() - t0;
	qsort(lat, ok, sizeof(float), cmp);
	printf("%.4f %d %d %.2f %.2f\n", t, ok, failed,
	    ok ? lat[ok / 2] : 0, ok ? lat[(ok * 99) / 100] : 0);
	return 0;
}
EOF
"${CC:-cc}" -O2 -o "$dir/client" "$dir/client.c"

free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {
	local i
	for i in $(seq 500); do
		ss -Htln "sport = :$1" | grep -q . && return
		sleep 0.01
	done
	echo "bench: nothing listens on $1" >&2
	exit 1
}

# start NAME PORT [WRAPPER...]: the server NAME on PORT; sets spid.
start() {
	local name=$1 port=$2
	shift 2
	case $name in
	sockcat) "$@" "$sc" -l 127.0.0.1 "$port" --fork -e /bin/cat \
	    </dev/null >/dev/null 2>&1 & ;;
	baseline) "$@" "$base" -l 127.0.0.1 "$port" --fork -e /bin/cat \
	    </dev/null >/dev/null 2>&1 & ;;
	busybox) "$@" busybox nc -ll -p "$port" -e /bin/cat \
	    </dev/null >/dev/null 2>&1 & ;;
	esac
	spid=$!
	wait_for "$port"
}

# stop: end the server (under strace, the traced server: strace then
# writes its summary and exits).
stop() {
	local child
	child=$(pgrep -P "$spid" | head -1 || :)
	case $(cat "/proc/$spid/comm" 2>/dev/null) in
	strace|perf) kill "$child" 2>/dev/null || : ;;
	*) kill "$spid" 2>/dev/null || : ;;
	esac
	wait "$spid" 2>/dev/null || :
}

# CPU ticks of PID and its reaped children.
ticks() {
	awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"
}

servers="sockcat"
[ -n "$base" ] && servers="$servers baseline"
command -v busybox >/dev/null && servers="$servers busybox"
# nc.openbsd has no -e: it cannot serve this workload.
hz=$(getconf CLK_TCK)
perf=
perf stat -e task-clock -x, -o "$dir/probe" true >/dev/null 2>&1 && perf=1

for r in $(seq "$runs"); do
	# Interleaved, the first server first in odd rounds, last in even.
	order=$servers
	[ $((r % 2)) -eq 0 ] && order=$(printf '%s\n' $servers | tac)
	for s in $order; do
		port=$(free_port)
		if [ -n "$perf" ]; then
			start "$s" "$port" perf stat -e task-clock -x, \
			    -o "$dir/perf"
		else
			start "$s" "$port"
		fi
		"$dir/client" "$port" 20 1 >/dev/null	# warm up
		sleep 0.2
		c0=$(ticks "$spid")
		set -- $("$dir/client" "$port" "$n" 1)
		sleep 0.2			# the last children reaped
		c1=$(ticks "$spid")
		stop
		ms=$(awk -v c="$((c1 - c0))" -v hz="$hz" \
		    'BEGIN { print c * 1000 / hz }')
		# perf: the whole run, the 20 warm-up clients too.
		[ -n "$perf" ] && ms=$(awk -F, -v k="$((n + 20))" -v n="$n" \
		    '$3 == "task-clock" { print $1 * n / k }' "$dir/perf")
		echo "$s seq $(awk -v t="$1" -v n="$2" -v f="$3" -v ms="$ms" \
		    'BEGIN { printf "%.0f %.3f %d", n / t, ms / n, f }')" \
		    >>"$dir/results"
		port=$(free_port)
		start "$s" "$port"
		set -- $("$dir/client" "$port" "$((n / conc + 1))" "$conc")
		echo "$s conc $(awk -v t="$1" -v n="$2" \
		    'BEGIN { printf "%.0f", n / t }') $3 $5" >>"$dir/results"
		stop
	done
done

if [ "$sn" -gt 0 ] && command -v strace >/dev/null; then
	for s in $servers; do
		port=$(free_port)
		start "$s" "$port" strace -f -c -o "$dir/strace.$s"
		"$dir/client" "$port" "$sn" 1 >/dev/null
		sleep 0.5
		stop
		awk -v n="$sn" '$NF == "total" { printf "%.1f", $(NF-2) / n }' \
		    "$dir/strace.$s" >"$dir/sys.$s"
	done
fi

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

col() {	# SERVER KIND FIELD
	awk -v s="$1" -v k="$2" -v f="$3" '$1 == s && $2 == k { print $f }' \
	    "$dir/results" | median
}

printf '%-8s %8s %12s %9s %10s %7s %7s\n' server conn/s "cpu ms/conn" \
    sys/conn "conc c/s" "p99 ms" failed
for s in $servers; do
	printf '%-8s %8s %12s %9s %10s %7s %7s\n' "$s" "$(col "$s" seq 3)" \
	    "$(col "$s" seq 4)" "$(cat "$dir/sys.$s" 2>/dev/null || echo -)" \
	    "$(col "$s" conc 3)" "$(col "$s" conc 5)" \
	    "$(awk -v s="$s" '$1 == s && $2 == "conc" { f += $4 }
		$1 == s && $2 == "seq" { f += $5 } END { print f + 0 }' \
		"$dir/results")"
done
for s in $servers; do
	[ "$s" = sockcat ] && continue
	awk -v a="$(col sockcat seq 3)" -v b="$(col "$s" seq 3)" \
	    -v ca="$(col sockcat seq 4)" -v cb="$(col "$s" seq 4)" -v s="$s" \
	    'BEGIN { printf "sockcat/%s: rate %.2fx, cpu %.2fx\n", s,
	    a / b, ca / cb }'
done
