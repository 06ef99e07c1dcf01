#!/usr/bin/env bats
# Time limits: -w (connect and idle), --idle-timeout, -w ignored while
# a listener waits for its client, -q after stdin's EOF, -i pacing and
# -W's count of reads.  Upper bounds are loose (timeout); lower bounds
# only check that a wait really happened.

bats_require_minimum_version 1.5.0
load helpers

# Milliseconds since the epoch.
ms() {
	date +%s%3N
}

@test "-w bounds a connect that gets no answer, and the failure exits 1" {
	local port
	port=$(free_port)
	# A listener with backlog 0 and one queued client drops further SYNs.
	tcp_filtered_on 127.0.0.1 "$port"
	local t0 t1
	t0=$(ms)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -w 1 127.0.0.1 "$port" </dev/null
	t1=$(ms)
	[ -z "$output" ]
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection timed out" ]
	[ $((t1 - t0)) -ge 800 ]
}

@test "-w closes a connection the peer leaves silent, with status 0" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	local t0 t1
	t0=$(ms)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -w 1 127.0.0.1 "$port" </dev/null
	t1=$(ms)
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ $((t1 - t0)) -ge 800 ]
	# sockcat closed the connection: the peer saw EOF and ended.
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "-w idle time restarts with every byte received" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:t1\n' sleep:0.6 'send:t2\n' sleep:0.6 'send:t3\n' \
	    sleep:0.6 'send:t4\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -w 1.2 127.0.0.1 "$port" </dev/null
	[ "$output" = $'t1\nt2\nt3\nt4' ]
	[ -z "$stderr" ]
}

@test "--idle-timeout closes a silent connection, with status 0" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:hello\n' drain
	local peer=$BG_PID
	wait_listen "$port"
	local t0 t1
	t0=$(ms)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --idle-timeout 1 127.0.0.1 "$port" </dev/null
	t1=$(ms)
	[ "$output" = hello ]
	[ -z "$stderr" ]
	[ $((t1 - t0)) -ge 800 ]
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "--idle-timeout also closes a listener's silent client connection" {
	local port
	start_quiet_listener tcp --idle-timeout 1 -l 127.0.0.1 0
	port=$PORT
	local srv=$BG_PID srv_out=$BG_OUT srv_err=$BG_ERR
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:ping\n' hold
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = ping ]
	[ ! -s "$srv_err" ]
}

@test "-w is ignored while listening for the first client" {
	local port
	start_quiet_listener tcp -w 1 -l 127.0.0.1 0
	port=$PORT
	local srv=$BG_PID srv_out=$BG_OUT srv_err=$BG_ERR
	# Still listening two seconds and more after a -w of one second.
	if wait_exit "$srv" 3; then
		echo "the listener quit before any client: $WAIT_STATUS" >&2
		return 1
	fi
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:late\n' hold
	# Once the client is in, -w closes the idle connection.
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = late ]
	[ ! -s "$srv_err" ]
}

@test "-q 1 quits after the reply while the server keeps the connection open" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:reply\n' hold
	wait_listen "$port"
	local t0 t1
	t0=$(ms)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 1 127.0.0.1 "$port" <<<hi
	t1=$(ms)
	[ "$output" = reply ]
	[ -z "$stderr" ]
	[ $((t1 - t0)) -ge 800 ]
	# -q implies -N: the server saw stdin's bytes and then EOF.
	[ "$(cat "$BATS_TEST_TMPDIR/peer")" = hi ]
}

@test "-q counts its time from the last byte received, not from stdin's EOF" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:one\n' sleep:1.2 'send:two\n' sleep:1.2 'send:three\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 15 "$SOCKCAT" -q 2 127.0.0.1 "$port" <<<hi
	[ "$output" = $'one\ntwo\nthree' ]
	[ -z "$stderr" ]
}

@test "-q 0 waits for the peer to close and prints the whole delayed reply" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:part1\n' sleep:1.5 'send:part2\n' close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 0 127.0.0.1 "$port" <<<hi
	[ "$output" = $'part1\npart2' ]
	[ -z "$stderr" ]
}

@test "a negative -q also waits for the peer to close" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain sleep:1.5 'send:late\n' close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q -1 127.0.0.1 "$port" <<<hi
	[ "$output" = late ]
	[ -z "$stderr" ]
}

@test "-q 0 does not quit while the peer stays open" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:reply\n' hold
	wait_listen "$port"
	run -124 --separate-stderr timeout 2 "$SOCKCAT" -q 0 127.0.0.1 "$port" <<<hi
	[ "$output" = reply ]
}

@test "-i sends one line at a time with the delay between lines" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	printf 'a\nb\nc\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -i 0.4 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/peer"
	# Three separate arrivals, one line each, spread over two delays.
	local -a when data
	local t d
	while read -r t d; do
		when+=("$t")
		data+=("$d")
	done <"$BATS_TEST_TMPDIR/peer.times"
	[ "${#data[@]}" -eq 3 ]
	[ "${data[*]}" = "610a 620a 630a" ]
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) >= 0.6 else 1)' \
	    "${when[0]}" "${when[2]}"
}

@test "-W N quits after N datagrams received" {
	local port
	start_quiet_listener udp -u -W 2 -l 127.0.0.1 0
	port=$PORT
	local srv=$BG_PID srv_out=$BG_OUT srv_err=$BG_ERR
	udp_send "$port" one two three
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = $'one\ntwo' ]
	[ ! -s "$srv_err" ]
}

@test "-W N quits after N reads on a TCP connection the peer keeps open" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:one\n' sleep:1 'send:two\n' sleep:1 'send:three\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -W 2 127.0.0.1 "$port" </dev/null
	[ "$output" = $'one\ntwo' ]
	[ -z "$stderr" ]
}
