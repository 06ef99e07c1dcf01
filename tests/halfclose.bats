#!/usr/bin/env bats
# Half-close: -N and -q shut the write side after stdin's EOF and keep
# printing the reply; without them the peer sees no EOF (nc.openbsd).  A
# peer's EOF ends sockcat after all it sent is out, stdin open or not;
# under -N/-q stdin goes on to its end first, unless the peer refuses it.

bats_require_minimum_version 1.5.0
load helpers

@test "-N sends EOF after stdin ends and still prints the reply" {
	port=$(free_port)
	start_peer "$port" drain 'send:reply after EOF\n'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"hi"
	[ "$output" = "reply after EOF" ]
	[ -z "$stderr" ]
	[ "$(cat "$PEER_LOG")" = hi ]
}

@test "without -N or -q the peer sees no EOF after stdin ends" {
	port=$(free_port)
	# Reads until EOF or 2 s of silence, then says which came first.
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    eofcheck:2 close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    <<<"hi"
	[ "$output" = "no eof" ]
}

@test "-q TIME also sends EOF after stdin ends and prints the reply" {
	port=$(free_port)
	start_peer "$port" drain 'send:reply to -q\n'
	# Long enough that a slow peer's reply still counts.
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -q 3 127.0.0.1 "$port" \
	    <<<"quit later"
	[ "$output" = "reply to -q" ]
	[ "$(cat "$PEER_LOG")" = "quit later" ]
}

@test "-N sends EOF only after all of stdin has gone out" {
	port=$(free_port)
	head -c 4194304 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" drain 'send:done\n'
	run -0 --separate-stderr timeout 30 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	[ "$output" = done ]
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
}

@test "a peer's EOF ends sockcat after all it sent is written, with stdin still open" {
	port=$(free_port)
	head -c 2097152 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# Hold the fifo open for writing so sockcat's stdin never ends.
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	start_peer "$port" "sendfile:$BATS_TEST_TMPDIR/data" close
	run -0 --separate-stderr timeout 20 sh -c 'exec "$1" 127.0.0.1 "$2" \
	    <"$3/fifo" >"$3/out"' sh "$SOCKCAT" "$port" "$BATS_TEST_TMPDIR"
	exec {hold}>&-
	cmp "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/out"
}

@test "a listener ends when its peer sends EOF, with its own stdin still open" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_listener -l 127.0.0.1 0
	port=$PORT
	# The peer sends, shuts its write side, and reads until sockcat closes.
	run -0 --separate-stderr timeout 10 python3 "$PEER" connect "$port" \
	    "$BATS_TEST_TMPDIR/peer.log" 'send:last words\n' shut drain
	wait_exit "$BG_PID" 10
	status_bg=$WAIT_STATUS
	exec {hold}>&-
	[ "$status_bg" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "last words" ]
}

@test "-N keeps sending stdin after the peer's EOF, until stdin ends" {
	port=$(free_port)
	head -c 16777216 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	# The peer shuts its side at once, then reads all it is sent.
	start_peer "$port" 'send:ready\n' shut drain
	run -0 --separate-stderr timeout 60 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	[ "$output" = ready ]
	[ -z "$stderr" ]
	# sockcat is done once the kernel has it all; the peer reads on.
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
}

@test "-q TIME keeps sending stdin after the peer's EOF, until stdin ends" {
	port=$(free_port)
	head -c 16777216 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" shut drain
	run -0 --separate-stderr timeout 60 "$SOCKCAT" -q 30 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/data" "$PEER_LOG"
}

@test "a file sent with -N to a listener given -N and no stdin arrives whole" {
	head -c 67108864 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	# The receiver's stdin is empty: it sends its FIN at once.
	start_listener -l -N 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 60 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 60
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/data" "$BG_OUT"
}

@test "-N: a peer that closes without reading the rest of stdin ends sockcat with status 1 and one message" {
	port=$(free_port)
	head -c 16777216 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	# Shuts its side, reads nothing, then closes: its kernel resets.
	start_peer "$port" 'send:bye\n' shut sleep:1 close
	run -1 --separate-stderr timeout 30 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	[ "$output" = bye ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: peer closed before all of standard input was sent: "* ]]
}
