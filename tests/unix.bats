#!/usr/bin/env bats
# Unix-domain sockets (-U): stream and datagram both ways, the datagram
# client's reply socket (temporary or -s PATH), abstract @names, and what
# a listener does with the file at PATH.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	SOCK=$BATS_TEST_TMPDIR/s.sock
}

@test "-U carries a client's stdin to a Unix stream listener" {
	start_bg "$SOCKCAT" -U -l "$SOCK"
	wait_unix_listen "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK" \
	    <<<"to the listener"
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "to the listener" ]
}

@test "-U carries a Unix stream listener's stdin back to the client" {
	echo "to the client" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_bg "$SOCKCAT" -U -N -l "$SOCK"
	wait_unix_listen "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U "$SOCK" </dev/null
	[ "$output" = "to the client" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "-U -u carries a client's datagram to a Unix datagram listener and leaves no reply socket behind" {
	tmp=$BATS_TEST_TMPDIR/tmp
	mkdir "$tmp"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	listener_out=$BG_OUT
	listener_err=$BG_ERR
	wait_file "$SOCK"
	# The client stays until the datagram is in: the listener answers
	# its first peer, so the peer's reply socket must still be there.
	TMPDIR=$tmp BG_STDIN=$fifo start_bg "$SOCKCAT" -U -u -q 0 "$SOCK"
	client=$BG_PID
	exec {w}>"$fifo"
	echo "datagram in" >&"$w"
	wait_line "$listener_out" '^datagram in$'
	exec {w}>&-
	wait_exit "$client" 10
	[ "$WAIT_STATUS" -eq 0 ]
	# The reply socket lived in $TMPDIR, and is gone now.
	grep -q "^Connection received on $tmp/" "$listener_err"
	[ -z "$(ls -A "$tmp")" ]
}

@test "a Unix datagram listener keeps the first datagram even when its sender has gone" {
	start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	wait_line "$BG_ERR" "^Bound on $SOCK\$"
	listener=$(bg_child "$BG_PID")
	# Stopped, the listener sees the datagram only after its sender is gone.
	kill -STOP "$listener"
	run -0 --separate-stderr unix_send "$SOCK" "orphan datagram" \
	    "$BATS_TEST_TMPDIR/gone.sock" --unlink
	kill -CONT "$listener"
	wait_line "$BG_OUT" '^orphan datagram$'
}

@test "-U -u: the listener's reply reaches the client's temporary socket, removed afterwards" {
	tmp=$BATS_TEST_TMPDIR/tmp
	mkdir "$tmp"
	echo "datagram back" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	wait_file "$SOCK"
	run -0 --separate-stderr env TMPDIR="$tmp" timeout 10 "$SOCKCAT" \
	    -U -u -W 1 "$SOCK" <<<"datagram out"
	[ "$output" = "datagram back" ]
	wait_line "$BG_OUT" '^datagram out$'
	# The reply socket lived in $TMPDIR, and is gone now.
	grep -q "^Connection received on $tmp/" "$BG_ERR"
	[ -z "$(ls -A "$tmp")" ]
}

@test "-U -u -s PATH binds the client's reply socket at PATH" {
	reply=$BATS_TEST_TMPDIR/reply.sock
	echo "to the named socket" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	wait_file "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -u -W 1 \
	    -s "$reply" "$SOCK" <<<"from the named socket"
	[ "$output" = "to the named socket" ]
	wait_line "$BG_OUT" '^from the named socket$'
	grep -qxF "Connection received on $reply" "$BG_ERR"
}

@test "-U with @name uses a Linux abstract socket and creates no file" {
	[ "$(uname -s)" = Linux ] || skip "abstract Unix sockets are Linux-only"
	name=@sockcat-test-$$-$RANDOM
	cd "$BATS_TEST_TMPDIR"
	start_bg "$SOCKCAT" -U -l "$name"
	wait_unix_listen "$name"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$name" \
	    <<<"abstract"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = abstract ]
	[ ! -e "$name" ]
}

@test "a listener replaces a stale socket file left at PATH" {
	# A socket file whose owner has gone: bound, then closed without unlink.
	python3 "$UNIXSOCK" stale "$SOCK"
	[ -S "$SOCK" ]
	start_bg "$SOCKCAT" -U -l "$SOCK"
	wait_unix_listen "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK" \
	    <<<"after the stale one"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "after the stale one" ]
}

@test "a second listener on a live socket path exits 1 and leaves the path alone" {
	start_bg "$SOCKCAT" -U -l "$SOCK"
	wait_unix_listen "$SOCK"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -U -l "$SOCK"
	[[ "$stderr" == "sockcat: "* ]]
	[ -S "$SOCK" ]
}

@test "the first listener still serves its client after a second one tried its path" {
	start_bg "$SOCKCAT" -U -l "$SOCK"
	first=$BG_PID
	first_out=$BG_OUT
	wait_unix_listen "$SOCK"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -U -l "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK" \
	    <<<"for the first listener"
	wait_exit "$first" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$first_out")" = "for the first listener" ]
}

@test "a listener never removes a regular file at PATH and exits 1" {
	echo "precious" >"$SOCK"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -U -l "$SOCK"
	[[ "$stderr" == "sockcat: "*"$SOCK"* ]]
	[ -f "$SOCK" ]
	[ "$(cat "$SOCK")" = precious ]
}

@test "a datagram client never removes a regular file given as -s PATH" {
	file=$BATS_TEST_TMPDIR/precious
	echo "precious" >"$file"
	start_bg "$SOCKCAT" -U -u -l "$SOCK"
	wait_file "$SOCK"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -U -u -q 0 \
	    -s "$file" "$SOCK" </dev/null
	[ -f "$file" ]
	[ "$(cat "$file")" = precious ]
}

@test "a listener removes its socket file when it exits" {
	start_bg "$SOCKCAT" -U -l "$SOCK"
	wait_unix_listen "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK" <<<"bye"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ ! -e "$SOCK" ]
}

@test "a listener removes its socket file on SIGTERM" {
	start_bg "$SOCKCAT" -v -U -l "$SOCK"
	# -v's line comes after the signal handlers are in place.
	wait_line "$BG_ERR" "^Listening on $SOCK\$"
	kill -TERM "$(bg_child "$BG_PID")"
	# In a condition, so the signal's non-zero status does not trip set -e.
	wait_exit "$BG_PID" 10 || false
	[ ! -e "$SOCK" ]
}

@test "a datagram listener removes its socket file on SIGTERM" {
	start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	wait_line "$BG_ERR" "^Bound on $SOCK\$"
	kill -TERM "$(bg_child "$BG_PID")"
	# In a condition, so the signal's non-zero status does not trip set -e.
	wait_exit "$BG_PID" 10 || false
	[ ! -e "$SOCK" ]
}

@test "-v names a Unix client with its path's control bytes escaped, on one line" {
	local reply=$BATS_TEST_TMPDIR/r$'\e[31m\n'x.sock
	echo "to the client" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_bg "$SOCKCAT" -v -U -u -l "$SOCK"
	wait_file "$SOCK"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -u -W 1 \
	    -s "$reply" "$SOCK" <<<"from the client"
	wait_line "$BG_OUT" '^from the client$'
	grep -qxF "Connection received on $BATS_TEST_TMPDIR/r\\x1b[31m\\nx.sock" "$BG_ERR"
	run ! grep -q $'\e' "$BG_ERR"
}

# unix_server PATH: a python3 stream listener bound at PATH that says
# "ready" once listening, then keeps the socket for 30 s.
unix_server() {
	start_bg python3 "$UNIXSOCK" listen "$1"
	wait_line "$BG_OUT" '^ready$'
}

@test "a listener that exits leaves alone a socket file that replaced its own" {
	start_bg "$SOCKCAT" -U -l "$SOCK"
	first=$BG_PID
	first_out=$BG_OUT
	wait_unix_listen "$SOCK"
	mv "$SOCK" "$SOCK.moved"
	start_bg "$SOCKCAT" -v -k -U -l "$SOCK"
	second_out=$BG_OUT
	wait_line "$BG_ERR" "^Listening on $SOCK\$"
	# The first listener's client finds it under its new name.
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK.moved" \
	    <<<"to the first"
	wait_exit "$first" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$first_out")" = "to the first" ]
	[ -S "$SOCK" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$SOCK" \
	    <<<"to the second"
	wait_line "$second_out" '^to the second$'
}

@test "a listener killed by SIGTERM leaves alone a socket file that replaced its own" {
	start_bg "$SOCKCAT" -v -U -l "$SOCK"
	first=$BG_PID
	wait_line "$BG_ERR" "^Listening on $SOCK\$"
	rm "$SOCK"
	unix_server "$SOCK"
	ino=$(stat -c %i "$SOCK")
	kill -TERM "$(bg_child "$first")"
	# In a condition, so the signal's non-zero status does not trip set -e.
	wait_exit "$first" 10 || false
	[ -S "$SOCK" ]
	[ "$(stat -c %i "$SOCK")" = "$ino" ]
}

# open_dir_fd PID DIR: PID has DIR open (a listener about to lock it).
open_dir_fd() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd")" = "$2" ] && return 0
	done
	return 1
}

@test "a listener replaces a stale file under the directory's lock, never a socket bound meanwhile" {
	# Without the lock, replacing a stale file races: two listeners find
	# it stale, one replaces it with its live socket, the other removes
	# that and binds its own.  Sockcat looks, probes, unlinks and binds
	# holding an flock(2) on the directory, and so does every sockcat
	# replacing or removing a socket file there.  Here the test holds
	# that lock while it plays the other listener: the stale file goes,
	# a live socket takes its place.  The listener, waiting for the lock
	# meanwhile, must then find that socket live and leave it.
	dir=$BATS_TEST_TMPDIR/d
	mkdir "$dir"
	sock=$dir/s
	python3 "$UNIXSOCK" stale "$sock"
	mkfifo "$BATS_TEST_TMPDIR/hold" "$BATS_TEST_TMPDIR/go"
	exec {hold}<>"$BATS_TEST_TMPDIR/hold" {go}<>"$BATS_TEST_TMPDIR/go"
	# The other listener, ready before the race so that it is quick:
	# on a line, it replaces the stale file with its live socket.
	BG_STDIN=$BATS_TEST_TMPDIR/go start_bg python3 "$UNIXSOCK" listen \
	    "$sock" --on-cue
	other_out=$BG_OUT
	# The lock's holder lets go when a line arrives on its fifo.
	BG_STDIN=$BATS_TEST_TMPDIR/hold start_bg flock -x "$dir" \
	    sh -c 'echo locked; read x'
	holder=$BG_PID
	wait_line "$BG_OUT" '^locked$'
	start_bg "$SOCKCAT" -U -l "$sock"
	listener=$BG_PID
	listener_err=$BG_ERR
	wait_until 10 bg_child "$listener" >/dev/null
	wait_until 10 open_dir_fd "$(bg_child "$listener")" "$dir"
	echo >&"$go"
	wait_line "$other_out" '^ready$'
	ino=$(stat -c %i "$sock")
	echo >&"$hold"
	wait_exit "$holder" 10
	wait_exit "$listener" 20
	[ "$WAIT_STATUS" -eq 1 ]
	[ -S "$sock" ]
	[ "$(stat -c %i "$sock")" = "$ino" ]
	grep -q 'address already in use' "$listener_err"
	exec {hold}>&- {go}>&-
}
