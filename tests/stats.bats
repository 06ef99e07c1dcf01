#!/usr/bin/env bats
# The statistics line: under -v, one line per connection when it ends,
# ncat's words ("sockcat: S bytes sent, R bytes received in T seconds."),
# after nc.openbsd's -v lines; in every mode the pump serves (connect,
# once, -k, --fork, UDP); none without -v, none for a -e/-c program.  The
# same line on SIGUSR1 for the connection in progress, -v or not; a
# SIGUSR1 with no connection in progress changes nothing.

bats_require_minimum_version 1.5.0
load helpers

# stats_re SENT RECEIVED: the whole statistics line, as a regex.
stats_re() {
	printf '^sockcat: %s bytes sent, %s bytes received in [0-9]+\\.[0-9]{2} seconds\\.$' \
	    "$1" "$2"
}

# bytes_file NAME N: a file of N bytes in the test's directory.
bytes_file() {
	head -c "$2" /dev/urandom >"$BATS_TEST_TMPDIR/$1"
}

@test "-v: each end prints its statistics line with the exact counts at close" {
	bytes_file up 777
	bytes_file down 4321
	BG_STDIN=$BATS_TEST_TMPDIR/down start_listener -N -l 127.0.0.1 0
	srv=$BG_PID srv_err=$BG_ERR
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -v -N 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/up"
	[ "${#output}" -gt 0 ]
	[ "${stderr_lines[0]}" = "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!" ]
	[[ ${stderr_lines[1]} =~ $(stats_re 777 4321) ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	grep -Eq "$(stats_re 4321 777)" "$srv_err"
	# After the listener's own -v lines, and the last line of all.
	[[ $(sed -n 2p "$srv_err") =~ ^Connection\ received\ on\ 127\.0\.0\.1\ [0-9]+$ ]]
	tail -n 1 "$srv_err" | grep -Eq "$(stats_re 4321 777)"
	[ "$(wc -l <"$srv_err")" -eq 3 ]
}

@test "-v: the counts are the bytes that moved, over the copying path too" {
	bytes_file up 300000
	start_listener -l 127.0.0.1 0
	srv=$BG_PID srv_err=$BG_ERR srv_out=$BG_OUT
	run -0 --separate-stderr timeout 20 "$SOCKCAT" --no-splice -v -N \
	    127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/up"
	[[ ${stderr_lines[1]} =~ $(stats_re 300000 0) ]]
	wait_exit "$srv" 10
	cmp "$srv_out" "$BATS_TEST_TMPDIR/up"
	grep -Eq "$(stats_re 0 300000)" "$srv_err"
}

@test "without -v there is no statistics line" {
	start_quiet_listener tcp -l 127.0.0.1 0
	srv=$BG_PID srv_err=$BG_ERR
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    <<<"quiet"
	[ -z "$stderr" ]
	wait_exit "$srv" 10
	[ ! -s "$srv_err" ]
}

@test "-vv keeps its own byte-count line and adds the statistics line" {
	start_quiet_listener tcp -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -vv -N 127.0.0.1 \
	    "$PORT" <<<"twelve bytes"
	[[ $stderr =~ sockcat:\ 13\ bytes\ sent,\ 0\ bytes\ received\ in\ [0-9]+\.[0-9]{3}\ seconds ]]
	grep -Eq "$(stats_re 13 0)" <<<"$stderr"
}

@test "-k: one statistics line for each client, in turn" {
	start_listener -k -l 127.0.0.1 0
	srv_err=$BG_ERR
	run -0 timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" <<<"first"
	wait_line "$srv_err" "$(stats_re 0 6)"
	run -0 timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" <<<"second client"
	wait_line "$srv_err" "$(stats_re 0 14)"
	[ "$(grep -Ec "$(stats_re '[0-9]+' '[0-9]+')" "$srv_err")" -eq 2 ]
	# Each after its own "Connection received" line.
	[ "$(grep -E '^(Connection received|sockcat: )' "$srv_err" |
	    cut -c1-10 | tr '\n' ' ')" = "Connection sockcat: 0 Connection sockcat: 0 " ]
}

@test "--fork: each child prints the statistics line of its client" {
	start_listener --fork --recv-only -l 127.0.0.1 0
	srv_err=$BG_ERR
	run -0 timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" <<<"one"
	run -0 timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" <<<"number two"
	wait_line "$srv_err" "$(stats_re 0 4)"
	wait_line "$srv_err" "$(stats_re 0 11)"
}

@test "UDP: the client and a -W 1 listener print their statistics lines" {
	start_listener -u -W 1 -l 127.0.0.1 0
	srv=$BG_PID srv_err=$BG_ERR
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -v -u -q 0 127.0.0.1 \
	    "$PORT" <<<"hello over udp"
	[[ ${stderr_lines[-1]} =~ $(stats_re 15 0) ]]
	wait_exit "$srv" 10
	tail -n 1 "$srv_err" | grep -Eq "$(stats_re 0 15)"
}

@test "-e/-c: no statistics line, the program moved the bytes" {
	start_listener -l 127.0.0.1 0 -c 'echo from-program'
	srv=$BG_PID srv_err=$BG_ERR
	run -0 timeout 10 "$SOCKCAT" 127.0.0.1 "$PORT" </dev/null
	[ "$output" = from-program ]
	wait_exit "$srv" 10
	grep -q '^Connection received on' "$srv_err"
	! grep -q 'bytes sent' "$srv_err"
}

@test "SIGUSR1 prints the current counts of a connection, and the run goes on" {
	bytes_file up 1000
	port=$(free_port)
	start_peer "$port" 'send:hello\n' drain
	BG_STDIN=$BATS_TEST_TMPDIR/up start_bg "$SOCKCAT" 127.0.0.1 "$port"
	client=$BG_PID client_err=$BG_ERR
	pid=$(server_pid)
	wait_size "$BG_OUT" 6 10
	wait_size "$PEER_LOG" 1000 10
	kill -USR1 "$pid"
	wait_line "$client_err" "$(stats_re 1000 6)"
	kill -0 "$pid"
	[ "$(wc -l <"$client_err")" -eq 1 ]
	# Asked again: a second line, and still running.
	kill -USR1 "$pid"
	wait_until 10 test "$(wc -l <"$client_err")" -eq 2
	kill -0 "$pid"
}

@test "SIGUSR1 just before the pump's wait is answered in that wait" {
	need_gdb
	port=$(free_port)
	start_peer "$port" sleep:8 'send:late\n'
	# gdb stops the client after the pump's first look for the signal and
	# sends it there; the connection then stays idle for 8 s.  Caught
	# outside the wait, it would be answered only then.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    start_bg gdb -q -batch -nx -x "$SOCKCAT_SRCDIR/tests/usr1race.gdb" \
	    --args "$SOCKCAT" -d 127.0.0.1 "$port"
	wait_until 6 grep -Eq "$(stats_re 0 0)" "$BG_ERR"
	! grep -q late "$BG_OUT"
}

@test "SIGUSR1 during a bulk transfer: counts current, the transfer whole" {
	head -c 67108864 /dev/zero >"$BATS_TEST_TMPDIR/up"
	start_slow_listener 0.02
	srv=$BG_PID srv_out=$BG_OUT
	BG_STDIN=$BATS_TEST_TMPDIR/up start_bg "$SOCKCAT" -N 127.0.0.1 "$PORT"
	client=$BG_PID client_err=$BG_ERR
	pid=$(server_pid)
	wait_size "$srv_out" 1048576 20
	kill -USR1 "$pid"
	wait_line "$client_err" "$(stats_re '[0-9]+' 0)"
	kill -0 "$pid"
	sent=$(sed -nE 's/^sockcat: ([0-9]+) bytes sent.*/\1/p' "$client_err")
	[ "$sent" -ge 1048576 ]
	[ "$sent" -lt 67108864 ]
	wait_exit "$client" 60
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$srv" 30
	[ "$(stat -c %s "$srv_out")" -eq 67108864 ]
}

@test "SIGUSR1 to a listener waiting for its client neither kills it nor prints" {
	start_quiet_listener tcp -l 127.0.0.1 0
	srv=$BG_PID srv_err=$BG_ERR srv_out=$BG_OUT
	pid=$(server_pid)
	kill -USR1 "$pid"
	nap 0.3
	kill -0 "$pid"
	[ ! -s "$srv_err" ]
	run -0 timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" <<<"still serving"
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = "still serving" ]
	[ ! -s "$srv_err" ]
}
