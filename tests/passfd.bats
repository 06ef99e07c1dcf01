#!/usr/bin/env bats
# -F / --pass-fd: connect, hand the socket to the process on stdout with
# sendmsg(2) SCM_RIGHTS, and exit (ssh's ProxyUseFdpass).  The receiver
# here is python3 at the other end of a socketpair, as ssh would be.

bats_require_minimum_version 1.5.0
load helpers

# take_fd MESSAGE SOCKCAT-ARGS...: run sockcat ARGS with a socketpair on
# its stdout, receive the socket it passes, send MESSAGE through that
# socket, and print "status N", "blocking True|False" and "type T" (or
# "nothing passed").  sockcat's stderr goes to $BATS_TEST_TMPDIR/err.
take_fd() {
	python3 "$SOCKCAT_SRCDIR/tests/takefd.py" "$BATS_TEST_TMPDIR/err" \
	    "$SOCKCAT" "$@"
}

@test "-F passes the connected TCP socket, blocking, on stdout and exits 0" {
	local port
	start_listener -l 127.0.0.1 0
	port=$PORT
	run -0 take_fd "through the passed socket" -v -F 127.0.0.1 "$port"
	[ "$output" = "$(printf '%s\n' "status 0" "bytes b'\\x00' fds 1" \
	    "blocking True" "type tcp")" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = \
	    "Connection to 127.0.0.1 $port port [tcp/*] succeeded!" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "through the passed socket" ]
}

@test "-F -u passes a connected UDP socket" {
	local port
	start_listener -u -l 127.0.0.1 0
	port=$PORT
	run -0 take_fd "one datagram" -u -F 127.0.0.1 "$port"
	[ "${lines[0]}" = "status 0" ]
	[ "${lines[3]}" = "type udp" ]
	wait_size "$BG_OUT" 12 10
	[ "$(cat "$BG_OUT")" = "one datagram" ]
}

@test "-F where the connect fails passes nothing and exits 1" {
	local port
	port=$(free_port)
	run -0 take_fd unused -F 127.0.0.1 "$port"
	[ "$output" = "$(printf '%s\n' "status 1" "nothing passed b''")" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = \
	    "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused" ]
}

@test "-F with stdout that is not a Unix socket fails with one line and status 1" {
	local port
	start_listener -l 127.0.0.1 0
	port=$PORT
	run -1 --separate-stderr bash -c 'timeout 10 "$0" -F 127.0.0.1 "$1" \
	    </dev/null | cat; exit "${PIPESTATUS[0]}"' "$SOCKCAT" "$port"
	[ -z "$output" ]
	[ "$stderr" = "sockcat: cannot pass the socket on standard output: Socket operation on non-socket" ]
	run -1 timeout 10 "$SOCKCAT" -F 127.0.0.1 "$port" </dev/null \
	    >"$BATS_TEST_TMPDIR/file"
}

@test "-F with -l, -z, -U, -e, -c, -o or --output is a usage error" {
	local args
	for args in "-l 127.0.0.1 9" "-z 127.0.0.1 9" "-U /tmp/x" \
	    "-e /bin/cat 127.0.0.1 9" "-c cat 127.0.0.1 9" \
	    "-o /dev/null 127.0.0.1 9" "--output /dev/null 127.0.0.1 9"; do
		# shellcheck disable=SC2086
		usage_error -F $args
		[[ $stderr == "sockcat: -F cannot be used with "* ]]
	done
}
