#!/usr/bin/env bats
# -e PROG [ARGS] and -c CMD: the socket as the program's stdin and stdout,
# its stderr left as sockcat's, -e split on blanks without a shell, the
# UCSPI and ncat environment for TCP, UDP and Unix stream, no descriptor
# leaking into the program, and the program's exit status as sockcat's.

bats_require_minimum_version 1.5.0
load helpers

# exec_server ARGS...: a one-shot sockcat -v -l 127.0.0.1 on port 0 (the
# port it got in port) with ARGS (-e PROG, -c CMD ...), listening.
exec_server() {
	start_listener -l 127.0.0.1 0 "$@"
	port=$PORT
}

# quiet_client: connect to port with nothing to send, under run (status 0).
quiet_client() {
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
}

# "${ONLY_STD[@]}" CMD...: run CMD with nothing open but 0, 1 and 2.
# bats and the shell around it leave descriptors of their own open;
# closing them first means any other descriptor a program sees was
# opened by sockcat.
ONLY_STD=(python3 -c 'import os, sys
os.closerange(3, 1 << 16)
os.execvp(sys.argv[1], sys.argv[1:])')

# env_of FILE NAME: the value NAME=... has in an `env` listing FILE.
env_of() {
	sed -n "s/^$2=//p" "$1"
}

# other_port PORT: a free port that is not PORT.
other_port() {
	local p
	p=$(free_port)
	while [ "$p" = "$1" ]; do p=$(free_port); done
	echo "$p"
}

@test "-e /bin/cat on a listener echoes the client's data back" {
	exec_server -e /bin/cat
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"echo me"
	[ "$output" = "echo me" ]
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ ! -s "$BG_OUT" ]
}

@test "-e moves binary data through the program unchanged" {
	head -c 262144 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	exec_server -e /bin/cat
	timeout 20 "$SOCKCAT" -N 127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/data" \
	    >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/got"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "-e splits its argument string on blanks and runs no shell" {
	exec_server -e $'/usr/bin/printf  [%s]\ta;b  $HOME *'
	quiet_client
	[ "$output" = '[a;b][$HOME][*]' ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "-c runs its command through /bin/sh" {
	exec_server -c 'read line; echo "got $line"; echo second | tr a-z A-Z'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"first"
	[ "$output" = $'got first\nSECOND' ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "the program's stderr is sockcat's stderr, not the socket" {
	# Not exec_server: its -v lines would join the program's stderr.
	start_quiet_listener tcp -l 127.0.0.1 0 \
	    -c 'echo to-stderr >&2; echo to-socket'
	port=$PORT
	quiet_client
	[ "$output" = to-socket ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BG_ERR")" = to-stderr ]
	[ ! -s "$BG_OUT" ]
}

@test "a one-shot listener exits with its program's status" {
	exec_server -c 'exit 7'
	quiet_client
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 7 ]
}

@test "a program killed by a signal makes sockcat exit 128 plus the signal" {
	exec_server -c 'kill -TERM $$'
	quiet_client
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 143 ]
}

@test "in connect mode -c talks to the server and its status is sockcat's" {
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/log" \
	    'send:question\n' drain
	wait_listen "$port"
	run -5 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    -c 'read q; echo "answer to $q"; exit 5' </dev/null
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = "answer to question" ]
}

@test "in connect mode -e /bin/cat echoes what the server sends" {
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/log" \
	    'send:round trip\n' shut drain
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -e /bin/cat \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = "round trip" ]
}

@test "a TCP listener's program gets the UCSPI and ncat environment" {
	env=$BATS_TEST_TMPDIR/env
	exec_server -c "env >'$env'"
	sport=$(other_port "$port")
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.1 \
	    -p "$sport" 127.0.0.1 "$port" </dev/null
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(env_of "$env" PROTO)" = TCP ]
	[ "$(env_of "$env" TCPREMOTEIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" TCPREMOTEPORT)" = "$sport" ]
	[ "$(env_of "$env" TCPLOCALIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" TCPLOCALPORT)" = "$port" ]
	[ "$(env_of "$env" NCAT_PROTO)" = TCP ]
	[ "$(env_of "$env" NCAT_REMOTE_ADDR)" = 127.0.0.1 ]
	[ "$(env_of "$env" NCAT_REMOTE_PORT)" = "$sport" ]
	[ "$(env_of "$env" NCAT_LOCAL_ADDR)" = 127.0.0.1 ]
	[ "$(env_of "$env" NCAT_LOCAL_PORT)" = "$port" ]
}

@test "an IPv6 listener's program sees ::1 in its environment" {
	env=$BATS_TEST_TMPDIR/env
	start_listener -l ::1 0 -c "env >'$env'"
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" ::1 "$port" </dev/null
	wait_exit "$BG_PID" 10
	[ "$(env_of "$env" TCPREMOTEIP)" = ::1 ]
	[ "$(env_of "$env" TCPLOCALIP)" = ::1 ]
	[ "$(env_of "$env" NCAT_REMOTE_ADDR)" = ::1 ]
	[ "$(env_of "$env" TCPLOCALPORT)" = "$port" ]
}

@test "a connecting program's environment names the server as remote" {
	port=$(free_port)
	env=$BATS_TEST_TMPDIR/env
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/log" drain
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    -c "env >'$env'" </dev/null
	wait_exit "$BG_PID" 10
	[ "$(env_of "$env" PROTO)" = TCP ]
	[ "$(env_of "$env" TCPREMOTEIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" TCPREMOTEPORT)" = "$port" ]
	[ "$(env_of "$env" NCAT_REMOTE_PORT)" = "$port" ]
	[ -n "$(env_of "$env" TCPLOCALPORT)" ]
	[ "$(env_of "$env" TCPLOCALPORT)" != "$port" ]
}

@test "a UDP listener runs its program for the first peer with the UDP environment" {
	env=$BATS_TEST_TMPDIR/env
	start_listener -u -l 127.0.0.1 0 \
	    -c "env >'$env'; echo \"reply over \$PROTO\""
	port=$PORT
	server=$BG_PID
	sport=$(free_port udp)
	while [ "$sport" = "$port" ]; do sport=$(free_port udp); done
	echo ping >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_bg "$SOCKCAT" -u -W 1 \
	    -p "$sport" 127.0.0.1 "$port"
	client=$BG_PID
	wait_exit "$client" 10
	[ "$(cat "$BG_OUT")" = "reply over UDP" ]
	wait_exit "$server" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(env_of "$env" PROTO)" = UDP ]
	[ "$(env_of "$env" UDPREMOTEIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" UDPREMOTEPORT)" = "$sport" ]
	[ "$(env_of "$env" UDPLOCALIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" UDPLOCALPORT)" = "$port" ]
	[ "$(env_of "$env" NCAT_PROTO)" = UDP ]
	[ "$(env_of "$env" NCAT_REMOTE_PORT)" = "$sport" ]
	[ -z "$(env_of "$env" TCPREMOTEIP)" ]
}

@test "a UDP listener's -e program reads the first datagram from the socket" {
	start_listener -u -l 127.0.0.1 0 -e /bin/cat
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -W 1 127.0.0.1 \
	    "$port" <<<"datagram"
	[ "$output" = datagram ]
}

@test "a Unix stream listener's program gets PROTO=UNIX and the socket" {
	sock=$BATS_TEST_TMPDIR/s
	start_bg "$SOCKCAT" -U -l "$sock" \
	    -c 'read x; echo "$PROTO $NCAT_PROTO $x"'
	wait_unix_listen "$sock"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" <<<"hi"
	[ "$output" = "UNIX UNIX hi" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "a listener's program inherits no descriptor but its socket on 0 and 1" {
	start_bg "${ONLY_STD[@]}" "$SOCKCAT" -v -l 127.0.0.1 0 \
	    -c 'ls /proc/self/fd'
	port=$(bound_port "$BG_ERR")
	quiet_client
	[ "$output" = $'0\n1\n2\n3' ]
}

@test "a connecting program inherits no descriptor but its socket on 0 and 1" {
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/log" drain
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "${ONLY_STD[@]}" "$SOCKCAT" \
	    127.0.0.1 "$port" -c 'ls /proc/self/fd' </dev/null
	wait_exit "$BG_PID" 10
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = $'0\n1\n2\n3' ]
}

@test "a -k listener's program does not inherit the listening socket" {
	start_bg "${ONLY_STD[@]}" "$SOCKCAT" -v -k -l 127.0.0.1 0 \
	    -c 'ls /proc/self/fd'
	port=$(bound_port "$BG_ERR")
	quiet_client
	[ "$output" = $'0\n1\n2\n3' ]
}

@test "a --fork child's program sees neither the listener nor other clients" {
	start_bg "${ONLY_STD[@]}" "$SOCKCAT" -v --fork -l 127.0.0.1 0 \
	    -c 'ls /proc/self/fd; cat >/dev/null'
	port=$(bound_port "$BG_ERR")
	# A first client stays connected while the second one looks.
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/first" \
	    drain
	wait_line "$BATS_TEST_TMPDIR/first" '^3$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = $'0\n1\n2\n3' ]
	[ "$(cat "$BATS_TEST_TMPDIR/first")" = $'0\n1\n2\n3' ]
}

@test "-e or -c with --output or -o is a usage error" {
	for args in "-e /bin/cat --output $BATS_TEST_TMPDIR/o" \
	    "-c cat --output $BATS_TEST_TMPDIR/o" \
	    "-e /bin/cat -o $BATS_TEST_TMPDIR/o"; do
		# shellcheck disable=SC2086
		usage_error -l 127.0.0.1 "$(free_port)" $args
	done
	[ ! -e "$BATS_TEST_TMPDIR/o" ]
}

@test "-e naming a missing program is reported and fails" {
	exec_server -e /no/such/program
	quiet_client
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -ne 0 ]
	grep -q '^sockcat: .*/no/such/program' "$BG_ERR"
}

@test "a Unix stream listener's program gets no remote path for an unnamed client" {
	sock=$BATS_TEST_TMPDIR/s
	env=$BATS_TEST_TMPDIR/env
	start_bg "$SOCKCAT" -U -l "$sock" -c "env >'$env'"
	wait_unix_listen "$sock"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U "$sock" </dev/null
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(env_of "$env" PROTO)" = UNIX ]
	[ "$(env_of "$env" UNIXLOCALPATH)" = "$sock" ]
	[ "$(env_of "$env" NCAT_LOCAL_ADDR)" = "$sock" ]
	run ! grep -E '^(UNIXREMOTEPATH|NCAT_REMOTE_ADDR)=' "$env"
}

@test "connection variables sockcat inherits never reach its program" {
	env=$BATS_TEST_TMPDIR/env
	# What an outer tcpserver, ncat or inetd-style wrapper would have set,
	# beside unrelated names that merely look alike.
	start_bg env PROTO=SCTP TCPREMOTEHOST=evil.example TCPREMOTEINFO=root \
	    TCP6REMOTEIP=2001:db8::1 TCPREMOTEIP=192.0.2.1 UDPREMOTEPORT=9 \
	    UNIXREMOTEUID=0 UNIXREMOTEPATH=/run/other \
	    NCAT_REMOTE_ADDR=192.0.2.1 NCAT_EXTRA=x \
	    PROTOCOL=keep1 TCL_LIBRARY=keep2 Unix_note=keep3 \
	    "$SOCKCAT" -v -l 127.0.0.1 0 -c "env >'$env'"
	port=$(bound_port "$BG_ERR")
	quiet_client
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(env_of "$env" PROTO)" = TCP ]
	[ "$(env_of "$env" TCPREMOTEIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" NCAT_REMOTE_ADDR)" = 127.0.0.1 ]
	run ! grep -E '^(TCPREMOTEHOST|TCPREMOTEINFO|TCP6REMOTEIP)=' "$env"
	run ! grep -E '^(UDPREMOTEPORT|UNIXREMOTEUID|UNIXREMOTEPATH)=' "$env"
	run ! grep -E '^NCAT_EXTRA=' "$env"
	[ "$(env_of "$env" PROTOCOL)" = keep1 ]
	[ "$(env_of "$env" TCL_LIBRARY)" = keep2 ]
	[ "$(env_of "$env" Unix_note)" = keep3 ]
}

@test "a --fork program's environment describes its own connection, and nothing inherited" {
	env=$BATS_TEST_TMPDIR/env
	start_bg env PROTO=SCTP TCPREMOTEHOST=evil.example \
	    NCAT_REMOTE_ADDR=192.0.2.1 TCL_LIBRARY=keep2 \
	    "$SOCKCAT" -v --fork -l 127.0.0.1 0 -c "env >'$env'; echo done"
	port=$(bound_port "$BG_ERR")
	run -0 --separate-stderr timeout 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1])
while s.recv(100):
    pass' "$port"
	cport=$output
	[ "$(env_of "$env" PROTO)" = TCP ]
	[ "$(env_of "$env" NCAT_PROTO)" = TCP ]
	[ "$(env_of "$env" TCPREMOTEIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" TCPREMOTEPORT)" = "$cport" ]
	[ "$(env_of "$env" TCPLOCALIP)" = 127.0.0.1 ]
	[ "$(env_of "$env" TCPLOCALPORT)" = "$port" ]
	[ "$(env_of "$env" NCAT_REMOTE_ADDR)" = 127.0.0.1 ]
	[ "$(env_of "$env" NCAT_REMOTE_PORT)" = "$cport" ]
	[ "$(env_of "$env" NCAT_LOCAL_ADDR)" = 127.0.0.1 ]
	[ "$(env_of "$env" NCAT_LOCAL_PORT)" = "$port" ]
	[ "$(env_of "$env" TCL_LIBRARY)" = keep2 ]
	[ "$(grep -c '^PROTO=' "$env")" -eq 1 ]
	[ "$(grep -c '^NCAT_REMOTE_ADDR=' "$env")" -eq 1 ]
	run ! grep -q '^TCPREMOTEHOST=' "$env"
}

@test "a Unix --fork listener's program has its socket on 0 and 1 and nothing else of sockcat's" {
	sock=$BATS_TEST_TMPDIR/s
	start_bg "${ONLY_STD[@]}" "$SOCKCAT" --fork -U -l "$sock" \
	    -c 'ls /proc/self/fd; echo "$PROTO"'
	wait_unix_listen "$sock"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U "$sock" </dev/null
	[ "$output" = $'0\n1\n2\n3\nUNIX' ]
}
