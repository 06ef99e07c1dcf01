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
