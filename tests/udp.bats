#!/usr/bin/env bats
# UDP (-u): client to listener, the listener's reply to its first peer,
# -W, one datagram per stdin read, -q after stdin's EOF, large datagrams
# whole, and a dual-stack listener.

bats_require_minimum_version 1.5.0
load helpers

# start_receiver PORT: a python3 UDP receiver on 127.0.0.1 PORT writing
# one line per datagram to $BG_OUT: its length, then its bytes as hex.
start_receiver() {
	start_bg python3 "$SOCKCAT_SRCDIR/tests/udprecv.py" "$1"
	RECV_OUT=$BG_OUT
	wait_listen "$1" udp
}

@test "a UDP client's stdin reaches a UDP listener's stdout" {
	start_listener -u -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 \
	    "$port" <<<"hello over udp"
	[ -z "$output" ]
	wait_line "$BG_OUT" '^hello over udp$'
	[ "$(cat "$BG_OUT")" = "hello over udp" ]
}

@test "a UDP listener's stdin goes back to its first peer" {
	echo "reply from listener" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -u -l 127.0.0.1 0
	port=$PORT
	# -W 1: the client quits once the reply has come.
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -W 1 127.0.0.1 \
	    "$port" <<<"first peer"
	[ "$output" = "reply from listener" ]
	wait_line "$BG_OUT" '^first peer$'
}

@test "-W 1 makes a UDP listener quit after one datagram" {
	start_listener -u -l -W 1 127.0.0.1 0
	listener=$BG_PID
	listener_out=$BG_OUT
	port=$PORT
	run -0 --separate-stderr udp_send "$port" first second
	wait_exit "$listener" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$listener_out")" = first ]
}

@test "each read from stdin is sent as one datagram" {
	port=$(free_port udp)
	start_receiver "$port"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	BG_STDIN=$fifo start_bg "$SOCKCAT" -u -q 0 127.0.0.1 "$port"
	client=$BG_PID
	exec {w}>"$fifo"
	# Each write waits for the previous datagram, so reads stay apart.
	printf 'a\n' >&"$w"
	wait_line "$RECV_OUT" '^2 610a$'
	# cat, not printf: bash's printf writes line by line.
	printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/two"
	cat "$BATS_TEST_TMPDIR/two" >&"$w"
	wait_line "$RECV_OUT" '^8 '
	printf 'c' >&"$w"
	wait_line "$RECV_OUT" '^1 63$'
	exec {w}>&-
	wait_exit "$client" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$RECV_OUT")" = "$(printf '2 610a\n8 6f6e650a74776f0a\n1 63')" ]
}

@test "-q with UDP quits after stdin's EOF" {
	port=$(free_port udp)
	start_receiver "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 1 127.0.0.1 \
	    "$port" <<<"then quit"
	wait_line "$RECV_OUT" "^10 $(printf 'then quit\n' | od -An -tx1 | tr -d ' \n')\$"
}

@test "a 60000-byte datagram arrives whole" {
	head -c 60000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	start_listener -u -l -W 1 127.0.0.1 0
	listener=$BG_PID
	listener_out=$BG_OUT
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 \
	    "$port" <"$BATS_TEST_TMPDIR/big"
	wait_exit "$listener" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/big" "$listener_out"
}

@test "a 60000-byte read from stdin is sent as one datagram" {
	port=$(free_port udp)
	head -c 60000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	start_receiver "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 \
	    "$port" <"$BATS_TEST_TMPDIR/big"
	wait_line "$RECV_OUT" '^[0-9]+ '
	[ "$(cut -d' ' -f1 "$RECV_OUT")" = 60000 ]
	[ "$(cut -d' ' -f2 "$RECV_OUT")" = "$(od -An -v -tx1 "$BATS_TEST_TMPDIR/big" | tr -d ' \n')" ]
}

@test "a dual-stack UDP listener receives from 127.0.0.1" {
	start_listener -u -l -W 1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 \
	    "$port" <<<"from ipv4"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "from ipv4" ]
}

@test "a dual-stack UDP listener receives from ::1" {
	start_listener -u -l -W 1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 ::1 \
	    "$port" <<<"from ipv6"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "from ipv6" ]
}

# burst PORT N EXPECTED OUT PID: from one socket to 127.0.0.1 PORT, "peer"
# (and a wait until OUT shows it: the listener has taken it for its
# peer), then, PID stopped so that it reads nothing meanwhile, N datagrams
# of distinct content and length at once, then PID goes on.  EXPECTED
# gets all their bytes, in order, as stdout should show them.
burst() {
	timeout 20 python3 - "$@" <<'PY'
import os, signal, socket, sys, time
port, n, expected, out, pid = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"peer\n", ("127.0.0.1", int(port)))
while open(out, "rb").read() != b"peer\n":
    time.sleep(0.02)
os.kill(int(pid), signal.SIGSTOP)
data = b"peer\n"
for i in range(int(n)):
    d = (b"datagram %04d " % i) + bytes([65 + i % 26]) * (i % 53) + b"\n"
    s.sendto(d, ("127.0.0.1", int(port)))
    data += d
os.kill(int(pid), signal.SIGCONT)
open(expected, "wb").write(data)
PY
}

# big_rcvbuf: the system lets a socket queue a burst of hundreds.
big_rcvbuf() {
	[ "$(cat /proc/sys/net/core/rmem_max 2>/dev/null || echo 0)" \
	    -ge 1048576 ] || skip "net.core.rmem_max is under 1 MiB"
}

@test "a burst of 500 datagrams queued at once reaches stdout in order, each whole" {
	big_rcvbuf
	start_listener -u -l -I 2097152 127.0.0.1 0
	expected=$BATS_TEST_TMPDIR/expected
	run -0 burst "$PORT" 500 "$expected" "$BG_OUT" "$(bg_child "$BG_PID")"
	wait_size "$BG_OUT" "$(stat -c %s "$expected")" 10
	nap 0.2
	cmp "$expected" "$BG_OUT"
}

@test "-W 3 writes exactly 3 of a burst of 10 queued before the listener reads" {
	start_listener -u -l -W 3 127.0.0.1 0
	listener=$BG_PID
	out=$BG_OUT
	port=$PORT
	kill -STOP "$(bg_child "$listener")"
	run -0 udp_send "$port" d1 d2 d3 d4 d5 d6 d7 d8 d9 d10
	kill -CONT "$(bg_child "$listener")"
	wait_exit "$listener" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$out")" = $'d1\nd2\nd3' ]
}

@test "a burst is read with recvmmsg where built with it and written a batch a write" {
	need_strace
	big_rcvbuf
	trace=$BATS_TEST_TMPDIR/trace
	expected=$BATS_TEST_TMPDIR/expected
	start_bg strace -f -qq -o "$trace" -e trace=recvmmsg,recvfrom,write \
	    "$SOCKCAT" -v -u -l -I 2097152 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	sc=$(pgrep -P "$(bg_child "$BG_PID")" -x sockcat)
	run -0 burst "$port" 100 "$expected" "$BG_OUT" "$sc"
	wait_size "$BG_OUT" "$(stat -c %s "$expected")" 10
	cmp "$expected" "$BG_OUT"
	# A write to stdout of more than ten datagrams (67 bytes at most
	# each): one a pass would write two at most.
	awk '/ write\(1, / && $NF + 0 > 670 { f = 1 } END { exit !f }' "$trace"
	config=${SOCKCAT%/src/sockcat}/config.h
	if grep -q '^#define HAVE_RECVMMSG 1' "$config" 2>/dev/null; then
		# One call took more than one datagram.
		awk '/recvmmsg\(/ && $NF + 0 > 1 { f = 1 } END { exit !f }' \
		    "$trace"
	fi
}
