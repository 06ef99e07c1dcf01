#!/usr/bin/env bats
# --retry TIME: a refused connect (TCP, Unix) or scanned port is tried
# again until TIME has passed, so that a script can wait for a service to
# come up; a connect that times out is not retried.  The listener is
# started only once strace has seen sockcat refused, so every test here
# sees a real retry whatever the machine's speed.

bats_require_minimum_version 1.5.0
load helpers

# traced_bg TRACE ARGS...: sockcat ARGS in the background (start_bg) under
# strace -f -e trace=connect,getsockopt (where a refusal shows), logged in
# TRACE.  LeakSanitizer cannot run under ptrace: leaks off.
traced_bg() {
	local trace=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    start_bg strace -f -qq -e trace=connect,getsockopt -o "$trace" \
	    "$SOCKCAT" "$@"
}

# traced_run TRACE ARGS...: the same in the foreground, under run, which
# expects status 1 and keeps stderr apart.
traced_run() {
	local trace=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run -1 --separate-stderr timeout 20 strace -f -qq \
	    -e trace=connect,getsockopt -o "$trace" "$SOCKCAT" "$@" </dev/null
}

# refused TRACE [N]: the trace shows at least N (1) refused connects.
refused() {
	[ "$(grep -Ec 'ECONNREFUSED|ENOENT' "$1")" -ge "${2:-1}" ]
}

@test "--retry: a TCP client waits for a listener that comes up later" {
	need_strace
	local port trace=$BATS_TEST_TMPDIR/trace client client_err
	port=$(free_port)
	printf 'late\n' >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in traced_bg "$trace" -v -N --retry 20 \
	    127.0.0.1 "$port"
	client=$BG_PID client_err=$BG_ERR
	wait_until 10 refused "$trace" 2
	start_bg "$SOCKCAT" -l 127.0.0.1 "$port"
	wait_exit "$client" 20
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BG_OUT")" = late ]
	# Refusals before the listener came are not reported.
	[ "$(sed -n 1p "$client_err")" = \
	    "Connection to 127.0.0.1 $port port [tcp/*] succeeded!" ]
	# -v's statistics line at the end (stats.bats), and nothing else.
	grep -Eqx 'sockcat: 5 bytes sent, 0 bytes received in [0-9]+\.[0-9]{2} seconds\.' \
	    <(sed -n 2p "$client_err")
	[ "$(wc -l <"$client_err")" -eq 2 ]
}

@test "--retry: when nothing comes up, one failure line and status 1 after TIME" {
	need_strace
	local port trace=$BATS_TEST_TMPDIR/trace
	port=$(free_port)
	traced_run "$trace" --retry 1 127.0.0.1 "$port"
	[ -z "$output" ]
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused" ]
	# Tried again and again (pauses of 0.1, 0.2, 0.4 s ...), not once.
	refused "$trace" 3
}

@test "without --retry a refused connect is tried once" {
	need_strace
	local port trace=$BATS_TEST_TMPDIR/trace
	port=$(free_port)
	traced_run "$trace" 127.0.0.1 "$port"
	[ "$(grep -c ECONNREFUSED "$trace")" -eq 1 ]
}

@test "--retry does not retry a connect that timed out: -w still bounds it" {
	local port
	port=$(free_port)
	tcp_filtered_on 127.0.0.1 "$port"
	# Retrying would take the whole 60 s; timeout ends the test at 20.
	run -1 --separate-stderr timeout 20 "$SOCKCAT" -w 1 --retry 60 \
	    127.0.0.1 "$port" </dev/null
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection timed out" ]
}

@test "--retry: a Unix-domain client waits for the socket file to appear" {
	need_strace
	local sock=$BATS_TEST_TMPDIR/s trace=$BATS_TEST_TMPDIR/trace client
	printf 'late\n' >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in traced_bg "$trace" -N --retry 20 -U "$sock"
	client=$BG_PID
	wait_until 10 refused "$trace" 2
	start_bg "$SOCKCAT" -l -U "$sock"
	wait_exit "$client" 20
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BG_OUT")" = late ]
}

@test "--retry with -z: a port that comes up is reported open" {
	need_strace
	local p trace=$BATS_TEST_TMPDIR/trace scan scan_out
	p=$(free_port)
	traced_bg "$trace" -z --scan-format=csv --retry 20 127.0.0.1 "$p"
	scan=$BG_PID scan_out=$BG_OUT
	wait_until 10 refused "$trace" 2
	tcp_listen 127.0.0.1 "$p"
	wait_exit "$scan" 20
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$scan_out")" = "127.0.0.1,$p,tcp,open" ]
}

@test "--retry with -z: ports still closed at the end are reported closed, in order" {
	local p
	p=$(free_port)
	run --separate-stderr timeout 20 "$SOCKCAT" -z --scan-format=csv \
	    --retry 1 127.0.0.1 "$p" "$p" </dev/null
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf '127.0.0.1,%s,tcp,closed\n' "$p" "$p")" ]
}

@test "--retry with -l, or with a bad TIME, is a usage error" {
	local bad
	for bad in "--retry 5 -l 127.0.0.1 9" "--retry x 127.0.0.1 9" \
	    "--retry -1 127.0.0.1 9" "--retry 127.0.0.1 9"; do
		# shellcheck disable=SC2086
		usage_error $bad
	done
}
