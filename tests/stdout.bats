#!/usr/bin/env bats
# Standard output: a write that fails (disk full) ends sockcat with
# status 1 and one message; a reader that goes away (| head) ends it
# quietly with status 0, at once, even while the peer is silent and there
# is nothing to write; a reader that stays is never taken for gone.

bats_require_minimum_version 1.5.0
load helpers

@test "a client whose stdout is full exits 1 with one message" {
	port=$(free_port)
	start_peer "$port" 'send:lost\n' close
	run -1 --separate-stderr timeout 10 sh -c \
	    'exec "$1" 127.0.0.1 "$2" </dev/null >/dev/full' sh "$SOCKCAT" "$port"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "sockcat: write to standard output failed: No space left on device" ]
}

@test "a listener whose stdout is full exits 1 with one message" {
	start_bg sh -c 'exec "$1" -v -l 127.0.0.1 0 </dev/null >/dev/full' \
	    sh "$SOCKCAT"
	local srv=$BG_PID srv_err=$BG_ERR
	wait_line "$srv_err" '^Listening on 127\.0\.0\.1 [0-9]+$'
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 \([0-9]*\)$/\1/p' "$srv_err")
	run -0 timeout 10 python3 "$PEER" connect "$port" \
	    "$BATS_TEST_TMPDIR/peer.log" 'send:lost\n' drain
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 1 ]
	# The one failure, and -v's statistics line (stats.bats).
	[ "$(grep -c '^sockcat: ' "$srv_err")" -eq 2 ]
	grep -qx 'sockcat: write to standard output failed: No space left on device' \
	    "$srv_err"
	grep -Eqx 'sockcat: 0 bytes sent, 5 bytes received in [0-9]+\.[0-9]{2} seconds\.' \
	    "$srv_err"
}

@test "a reader that stops early (| head -c 10) ends sockcat quietly with status 0" {
	port=$(free_port)
	head -c 4194304 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	start_peer "$port" "sendfile:$BATS_TEST_TMPDIR/data" hold
	run -0 --separate-stderr bash -c 'set -o pipefail
	    timeout 20 "$1" 127.0.0.1 "$2" </dev/null | head -c 10 >"$3"' \
	    bash "$SOCKCAT" "$port" "$BATS_TEST_TMPDIR/got"
	[ -z "$stderr" ]
	cmp "$BATS_TEST_TMPDIR/got" <(head -c 10 "$BATS_TEST_TMPDIR/data")
}

@test "sockcat | head -1 ends once head has its line, though the peer says no more" {
	port=$(free_port)
	# A banner, then silence with the connection open (an sshd waiting
	# for the client's version).
	start_peer "$port" 'send:SSH-2.0-banner\r\n' hold
	run -0 --separate-stderr bash -c 'set -o pipefail
	    timeout 10 "$1" 127.0.0.1 "$2" </dev/null | head -1' \
	    bash "$SOCKCAT" "$port"
	[ "$output" = $'SSH-2.0-banner\r' ]
	[ -z "$stderr" ]
}

@test "sockcat -d | head -1 ends once head has its line, with stdin never ending" {
	port=$(free_port)
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# Hold the fifo open for writing so that stdin never ends.
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	start_peer "$port" 'send:banner\n' hold
	run --separate-stderr bash -c 'set -o pipefail
	    timeout 10 "$1" -d 127.0.0.1 "$2" <"$3" | head -1' \
	    bash "$SOCKCAT" "$port" "$BATS_TEST_TMPDIR/fifo"
	exec {hold}>&-
	[ "$status" -eq 0 ]
	[ "$output" = banner ]
	[ -z "$stderr" ]
}

@test "a pipe whose reader stays is written to across a silence" {
	port=$(free_port)
	start_peer "$port" 'send:one\n' sleep:1 'send:two\n' close
	run -0 --separate-stderr bash -c 'set -o pipefail
	    timeout 10 "$1" 127.0.0.1 "$2" </dev/null | cat' \
	    bash "$SOCKCAT" "$port"
	[ "$output" = $'one\ntwo' ]
	[ -z "$stderr" ]
}

@test "a FIFO open for reading and writing as stdout, full of unread data, is not taken for gone" {
	port=$(free_port)
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# Read-write: select() finds it readable as soon as it holds data.
	exec {rw}<>"$BATS_TEST_TMPDIR/fifo"
	start_peer "$port" 'send:one\n' sleep:1 'send:two\n' close
	run -0 --separate-stderr timeout 10 sh -c \
	    'exec "$1" 127.0.0.1 "$2" </dev/null 1<>"$3"' \
	    sh "$SOCKCAT" "$port" "$BATS_TEST_TMPDIR/fifo"
	[ -z "$stderr" ]
	run -0 timeout 5 head -c 8 <&"$rw"
	exec {rw}>&-
	[ "$output" = $'one\ntwo' ]
}
