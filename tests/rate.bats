#!/usr/bin/env bats
# --rate and --rate-recv: a token bucket for each direction, smooth over
# any second.  2,000,000 bytes at --rate 1M take 1.8-2.1 s end to end
# (issue 11's window); the bytes arrive whole, datagrams whole, and -N
# still half-closes after the last one.  ratemeter.py says how the bytes
# came over time: "TOTAL FIRST SECOND SPAN COUNT MIN MAX".

bats_require_minimum_version 1.5.0
load helpers

METER=$SOCKCAT_SRCDIR/tests/ratemeter.py

# ms_since T0: the milliseconds from T0 (date +%s%N) to now.
ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# near_second BYTES: BYTES is within 10 % of 1 MiB, a second at --rate 1M.
near_second() {
	[ "$1" -ge 943718 ]
	[ "$1" -le 1153434 ]
}

# in_window SPAN: SPAN, the seconds from the first byte's arrival to the
# last (ratemeter.py), is the issue's window for 2,000,000 bytes at 1M:
# 1.8 to 2.1.  The bucket opens full (25 ms of the rate), so the span is
# about 1.88 s; with no limit it is a few ms, at half the rate 3.8 s.
# The wall time from start to exit is not the measure: a sanitizer
# build's start and exit on a loaded machine vary by hundreds of ms
# (seen: 2.2 s end to end for a 1.88 s span), and no fixed cost taken
# off covers that.
in_window() {
	echo "first byte to last: $1 s"
	awk -v s="$1" 'BEGIN { exit !(s >= 1.8 && s <= 2.1) }'
}

# recv_metered PORT: sockcat --rate-recv 1M from 127.0.0.1 PORT, its
# stdout through a FIFO that the meter opens once it runs (sockcat starts
# only then, so Python's start-up is not counted); what came must be
# data, and the meter's line is in BG_OUT.
recv_metered() {
	local meter
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_bg python3 "$METER" read "$BATS_TEST_TMPDIR/fifo" \
	    "$BATS_TEST_TMPDIR/out"
	meter=$BG_PID
	run -0 --separate-stderr timeout 10 sh -c \
	    'exec "$1" --rate-recv 1M 127.0.0.1 "$2" </dev/null >"$3"' sh \
	    "$SOCKCAT" "$1" "$BATS_TEST_TMPDIR/fifo"
	wait_exit "$meter" 10
	cmp "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/out"
}

@test "--rate 1M sends 2,000,000 bytes whole in 1.8 to 2.1 seconds" {
	port=$(free_port)
	head -c 2000000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 1M -N \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	wait_exit "$BG_PID" 10
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
	read -r total _ _ span _ < <(python3 "$METER" times "$PEER_LOG")
	[ "$total" -eq 2000000 ]
	in_window "$span"
}

@test "--rate 1M is smooth: each second of a 2 MiB transfer carries 1 MiB" {
	port=$(free_port)
	head -c 2097152 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 1M -N \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	wait_exit "$BG_PID" 10
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
	read -r total first second _ < <(python3 "$METER" times "$PEER_LOG")
	echo "total $total, first second $first, second $second"
	[ "$total" -eq 2097152 ]
	near_second "$first"
	near_second "$second"
}

@test "--rate-recv 1M takes 2,000,000 bytes from a fast peer in 1.8-2.1 s" {
	head -c 2000000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	# The peer sends all it has at once, then its FIN.
	BG_STDIN=$BATS_TEST_TMPDIR/data start_listener -N -l 127.0.0.1 0
	listener=$BG_PID
	recv_metered "$PORT"
	wait_exit "$listener" 10
	read -r total _ _ span _ <"$BG_OUT"
	[ "$total" -eq 2000000 ]
	in_window "$span"
}

@test "--rate-recv 1M is smooth: stdout sees 1 MiB a second" {
	port=$(free_port)
	head -c 2097152 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" "sendfile:$BATS_TEST_TMPDIR/data" close
	recv_metered "$port"
	read -r total first second _ <"$BG_OUT"
	echo "total $total, first second $first, second $second"
	[ "$total" -eq 2097152 ]
	near_second "$first"
	near_second "$second"
}

@test "-u --rate sends each datagram whole and holds the pace" {
	# 10 datagrams of 65507 bytes at 512 KiB/s: one each 0.125 s.
	head -c 655070 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_bg python3 "$METER" udp 10
	meter=$BG_PID
	wait_until 10 test -s "$BG_OUT"
	port=$(head -n 1 "$BG_OUT")
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 --rate 512k \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	wait_exit "$meter" 25
	read -r total _ _ span count min max < <(sed -n 2p "$BG_OUT")
	echo "total $total in $count datagrams of $min-$max over $span s"
	[ "$count" -eq 10 ]
	[ "$min" -eq 65507 ]
	[ "$max" -eq 65507 ]
	[ "$total" -eq 655070 ]
	# Nine gaps of 0.125 s: 1.125 s; at full speed it is nothing.
	awk -v s="$span" 'BEGIN { exit !(s >= 0.8) }'
}

@test "-u --rate-recv writes each datagram whole and holds the pace" {
	# 12 datagrams of 8000 bytes at 64 KiB/s: one each 0.122 s.
	start_bg sh -c '"$1" -v -u -l -W 12 --rate-recv 64k 127.0.0.1 0 |
	    python3 "$2" stdin "$3"' sh "$SOCKCAT" "$METER" \
	    "$BATS_TEST_TMPDIR/out"
	port=$(bound_port "$BG_ERR")
	python3 - "$port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(12):
    s.sendto(bytes([65 + i]) * 8000, ("127.0.0.1", int(sys.argv[1])))
PY
	wait_exit "$BG_PID" 20
	read -r total _ _ span _ <"$BG_OUT"
	echo "total $total over $span s"
	# Each whole, in order: 8000 A's, 8000 B's, ...
	for c in A B C D E F G H I J K L; do head -c 8000 /dev/zero |
	    tr '\0' "$c"; done >"$BATS_TEST_TMPDIR/expected"
	cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out"
	# Eleven gaps of 0.122 s: 1.34 s; at full speed it is nothing.
	awk -v s="$span" 'BEGIN { exit !(s >= 1.0) }'
}

@test "--rate with -N half-closes after the last byte, and the reply comes" {
	port=$(free_port)
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain 'send:done\n'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 512k -N \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	[ "$output" = done ]
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
}

@test "--rate with -q half-closes after the last byte, and the reply comes" {
	port=$(free_port)
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain 'send:done\n'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 512k -q 5 \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	[ "$output" = done ]
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
}

@test "a rate far above the link still moves every byte" {
	head -c 33554432 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_listener -l --rate-recv 8589934591G 127.0.0.1 0
	run -0 --separate-stderr timeout 30 "$SOCKCAT" --rate 8589934591G -N \
	    127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/data"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/data" "$BG_OUT"
}

@test "a rate-limited transfer waits in select(), it does not spin" {
	need_strace
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_listener -l 127.0.0.1 0
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run -0 --separate-stderr timeout 20 strace -f -qq -e \
	    trace=select,pselect6 -o "$BATS_TEST_TMPDIR/trace" \
	    "$SOCKCAT" --rate 1M -N 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/data"
	wait_exit "$BG_PID" 10
	cmp "$BATS_TEST_TMPDIR/data" "$BG_OUT"
	calls=$(grep -c 'select' "$BATS_TEST_TMPDIR/trace")
	echo "$calls select calls"
	# About three a 10 ms refill: some 250 in the second it takes (a
	# loop that spins makes thousands, even slowed by strace).
	[ "$calls" -le 600 ]
}

@test "--rate and -i both apply: the slower wins" {
	port=$(free_port)
	# 3 lines of 1000 bytes at 2 KiB/s: about 1.45 s; -i 0.1 alone: 0.2 s.
	for i in 1 2 3; do head -c 999 /dev/zero | tr '\0' x; echo; done \
	    >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain
	t0=$(date +%s%N)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 2k -i 0.1 -N \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data"
	ms=$(ms_since "$t0")
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
	[ "$ms" -ge 1200 ]
	# 3 short lines at -i 0.3 with a fast rate: -i's two pauses remain.
	port=$(free_port)
	start_peer "$port" drain
	t0=$(date +%s%N)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --rate 1M -i 0.3 -N \
	    127.0.0.1 "$port" <<<$'a\nb\nc'
	ms=$(ms_since "$t0")
	[ "$(cat "$PEER_LOG")" = $'a\nb\nc' ]
	[ "$ms" -ge 600 ]
}
