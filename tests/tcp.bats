#!/usr/bin/env bats
# TCP: client to listener and back, every listen form, -s/-p on a client,
# port 0, the -v lines, a listener's exit after its peer closes, connect
# over every address a name gives, and a reset peer.

bats_require_minimum_version 1.5.0
load helpers

# A free port with no /etc/services name, so -v says [tcp/*].
free_port_unnamed() {
	local port
	while :; do
		port=$(free_port)
		getent services "$port/tcp" >/dev/null || break
	done
	echo "$port"
}

@test "a client's stdin reaches the stdout of a listener given ADDR PORT" {
	start_listener -l 127.0.0.1 0
	port=$PORT
	send_to_listener 127.0.0.1 "$port" "hello over tcp"
}

@test "a listener given only PORT receives a client's data" {
	start_listener -l 0
	port=$PORT
	send_to_listener 127.0.0.1 "$port" "plain port form"
}

@test "a listener given -p PORT receives a client's data" {
	start_listener -l -p 0
	port=$PORT
	send_to_listener 127.0.0.1 "$port" "traditional -p form"
}

@test "a listener given -s ADDR -p PORT listens on ADDR and receives data" {
	start_listener -l -s 127.0.0.1 -p 0
	port=$PORT
	wait_line "$BG_ERR" "^Listening on 127\.0\.0\.1 $port\$"
	send_to_listener 127.0.0.1 "$port" "source and port form"
}

@test "data from the listener's stdin reaches the client's stdout" {
	printf 'from the listener\nsecond line\n' >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -N -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = $'from the listener\nsecond line' ]
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ ! -s "$BG_OUT" ]
}

@test "client and listener exchange data both ways over one connection" {
	echo "pong from listener" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -N -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"ping from client"
	[ "$output" = "pong from listener" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "ping from client" ]
}

@test "-s ADDR -p PORT binds the client's local end to that port" {
	start_listener -l 127.0.0.1 0
	port=$PORT
	sport=$(free_port)
	while [ "$sport" = "$port" ]; do sport=$(free_port); done
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -s 127.0.0.1 \
	    -p "$sport" 127.0.0.1 "$port" <<<"bound"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	grep -qx "Connection received on 127\.0\.0\.1 $sport" "$BG_ERR"
	[ "$(cat "$BG_OUT")" = bound ]
}

# received_port ERRFILE: the client port a -v listener reported.
received_port() {
	sed -n 's/^Connection received on 127\.0\.0\.1 \([0-9]*\)$/\1/p' "$1"
}

@test "-p LO-HI binds the first free port of the range, from LO up" {
	local lo sport
	lo=$(free_ports 3)
	# LO and LO+1 are taken by listeners: the client gets LO+2.
	tcp_listen 127.0.0.1 "$lo" $((lo + 1))
	start_listener -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -p "$lo-$((lo + 2))" \
	    127.0.0.1 "$port" <<<"ranged"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(received_port "$BG_ERR")" = $((lo + 2)) ]
	[ "$(cat "$BG_OUT")" = ranged ]
}

@test "-p LO-HI with every port taken fails with bind's reason, status 1" {
	local lo
	port=$(free_port)
	lo=$(free_ports 2)
	tcp_listen 127.0.0.1 "$lo" $((lo + 1))
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -p "$lo-$((lo + 1))" \
	    127.0.0.1 "$port" </dev/null
	[ "$stderr" = "sockcat: bind to 127.0.0.1 port $port (tcp) failed: Address already in use" ]
}

@test "-r -p LO-HI picks the source port at random within the range" {
	local lo i seen=()
	lo=$(free_ports 200)
	for i in 1 2 3 4 5 6; do
		start_listener -l 127.0.0.1 0
		port=$PORT
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -r \
		    -p "$lo-$((lo + 199))" 127.0.0.1 "$port" </dev/null
		wait_exit "$BG_PID" 10
		seen+=("$(received_port "$BG_ERR")")
		[ "${seen[-1]}" -ge "$lo" ]
		[ "${seen[-1]}" -le $((lo + 199)) ]
	done
	# Six draws from 200 all equal: odds of 1 in 200^5.
	[ "$(printf '%s\n' "${seen[@]}" | sort -u | wc -l)" -gt 1 ]
}

@test "a listener on port 0 prints the real port with -v and a client can use it" {
	start_bg "$SOCKCAT" -l 127.0.0.1 0 -v
	wait_line "$BG_ERR" '^Listening on 127\.0\.0\.1 [0-9]+$'
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 \([0-9]*\)$/\1/p' "$BG_ERR")
	[ "$port" -gt 0 ]
	[ "$port" -le 65535 ]
	send_to_listener 127.0.0.1 "$port" "to a kernel-chosen port"
}

@test "-v on a client prints nc.openbsd's connection line on stderr only" {
	port=$(free_port_unnamed)
	start_bg "$SOCKCAT" -l 127.0.0.1 "$port"
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -v -N 127.0.0.1 \
	    "$port" <<<"data"
	[ "${stderr_lines[0]}" = "Connection to 127.0.0.1 $port port [tcp/*] succeeded!" ]
	# -v's statistics line at the end (stats.bats), and nothing else.
	[[ ${stderr_lines[1]} =~ ^sockcat:\ 5\ bytes\ sent,\ 0\ bytes\ received\ in\ [0-9]+\.[0-9]{2}\ seconds\.$ ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$(cat "$BG_OUT")" = data ]
}

@test "-v on a listener reports the client's address and port" {
	start_listener -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"x"
	wait_exit "$BG_PID" 10
	grep -Eqx "Connection received on 127\.0\.0\.1 [0-9]+" "$BG_ERR"
	[ "$(cat "$BG_OUT")" = x ]
}

@test "a listener exits after its peer closes, with stdin still open, having written all data" {
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# Hold the fifo open for writing so the listener's stdin never ends.
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_listener -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/data"
	wait_exit "$BG_PID" 20
	status_bg=$WAIT_STATUS
	exec {hold}>&-
	[ "$status_bg" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/data" "$BG_OUT"
}

# Connect must go on to the next address when the first is refused.  The
# name dual.test comes from a hosts file of our own (with_hosts).
@test "a client tries the next address when the first is refused (::1, then 127.0.0.1)" {
	need_unshare
	port=$(free_port)
	start_bg "$SOCKCAT" -4 -l 127.0.0.1 "$port"
	wait_listen "$port"
	run -0 --separate-stderr with_hosts \
	    $'::1 dual.test\n127.0.0.1 dual.test' \
	    timeout 10 "$SOCKCAT" -v -N dual.test "$port" <<<"via dual.test"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "via dual.test" ]
	[ "${stderr_lines[0]}" = "sockcat: connect to dual.test (::1) port $port (tcp) failed: Connection refused" ]
	[ "${stderr_lines[1]}" = "Connection to dual.test (127.0.0.1) $port port [tcp/*] succeeded!" ]
}

@test "a client tries the next address when the first is refused (127.0.0.1, then ::1)" {
	need_unshare
	port=$(free_port)
	start_bg "$SOCKCAT" -6 -l ::1 "$port"
	wait_listen "$port"
	# Prefer IPv4-mapped addresses: 127.0.0.1 comes first.
	GAI_CONF='precedence ::ffff:0:0/96 100' run -0 --separate-stderr with_hosts \
	    $'127.0.0.1 dual.test\n::1 dual.test' \
	    timeout 10 "$SOCKCAT" -v -N dual.test "$port" <<<"via dual.test"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "via dual.test" ]
	[ "${stderr_lines[0]}" = "sockcat: connect to dual.test (127.0.0.1) port $port (tcp) failed: Connection refused" ]
	[ "${stderr_lines[1]}" = "Connection to dual.test (::1) $port port [tcp/*] succeeded!" ]
}

@test "when every address is refused the last failure names host, address and port, exit 1" {
	need_unshare
	port=$(free_port)
	run -1 --separate-stderr with_hosts \
	    $'127.0.0.1 dual.test\n::1 dual.test' \
	    timeout 10 "$SOCKCAT" dual.test "$port" </dev/null
	[ "$stderr" = "sockcat: connect to dual.test (127.0.0.1) port $port (tcp) failed: Connection refused" ]
}

# Happy Eyeballs (RFC 8305): an address that never answers holds the next
# one back 250 ms, not -w.  The -w 60 here is far past the 20 s the test
# allows: trying one address after the other cannot pass.
@test "an IPv6 address that never answers does not hold up IPv4: the addresses are raced" {
	need_unshare
	port=$(free_port)
	tcp_filtered_on ::1 "$port"
	start_bg "$SOCKCAT" -4 -l 127.0.0.1 "$port"
	local srv=$BG_PID srv_out=$BG_OUT
	wait_listen "$port"
	run -0 --separate-stderr with_hosts \
	    $'::1 dual.test\n127.0.0.1 dual.test' \
	    timeout 20 "$SOCKCAT" -v -w 60 -N dual.test "$port" <<<"raced"
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = raced ]
	# The attempt that lost the race is dropped, not reported.
	[ "${stderr_lines[0]}" = "Connection to dual.test (127.0.0.1) $port port [tcp/*] succeeded!" ]
	# -v's statistics line at the end (stats.bats), and nothing else.
	[[ ${stderr_lines[1]} =~ ^sockcat:\ 6\ bytes\ sent,\ 0\ bytes\ received\ in\ [0-9]+\.[0-9]{2}\ seconds\.$ ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "an IPv4 address that never answers does not hold up IPv6 when IPv4 comes first" {
	need_unshare
	port=$(free_port)
	tcp_filtered_on 127.0.0.1 "$port"
	start_bg "$SOCKCAT" -6 -l ::1 "$port"
	local srv=$BG_PID srv_out=$BG_OUT
	wait_listen "$port"
	GAI_CONF='precedence ::ffff:0:0/96 100' run -0 --separate-stderr \
	    with_hosts $'127.0.0.1 dual.test\n::1 dual.test' \
	    timeout 20 "$SOCKCAT" -v -w 60 -N dual.test "$port" <<<"raced"
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = raced ]
	[ "${stderr_lines[0]}" = "Connection to dual.test (::1) $port port [tcp/*] succeeded!" ]
	# -v's statistics line at the end (stats.bats), and nothing else.
	[[ ${stderr_lines[1]} =~ ^sockcat:\ 6\ bytes\ sent,\ 0\ bytes\ received\ in\ [0-9]+\.[0-9]{2}\ seconds\.$ ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

# three_addr_net CMD...: run CMD where t.test is fd00::1, fd00::2 and
# 127.0.0.1, in that order of preference, all on the loopback of a network
# namespace of its own (nothing listens there).  192.0.2.1 is there only
# so that getaddrinfo's AI_ADDRCONFIG, which does not count loopback
# addresses, sees IPv4 configured.
three_addr_net() {
	GAI_CONF=$'precedence ::1/128 50\nprecedence fd00::/8 45\nprecedence ::/0 40\nprecedence ::ffff:0:0/96 10' \
	    with_hosts $'fd00::1 t.test\nfd00::2 t.test\n127.0.0.1 t.test' \
	    unshare -n sh -c 'ip link set lo up &&
	    ip addr add fd00::1/128 dev lo nodad &&
	    ip addr add fd00::2/128 dev lo nodad &&
	    ip addr add 192.0.2.1/32 dev lo && exec "$@"' sh "$@"
}

@test "the families take turns: IPv6, IPv4, then the second IPv6 address (RFC 8305)" {
	need_unshare
	unshare -n true 2>/dev/null || skip "no private network namespace here"
	# getaddrinfo gives both IPv6 addresses first ...
	run -0 three_addr_net getent ahosts t.test
	[ "$(awk '$2 == "STREAM" { print $1 }' <<<"$output" | tr '\n' ' ')" = \
	    "fd00::1 fd00::2 127.0.0.1 " ]
	# ... and they are tried IPv6, IPv4, IPv6.
	run -1 --separate-stderr three_addr_net timeout 20 "$SOCKCAT" -v t.test 9 \
	    </dev/null
	[ "${stderr_lines[0]}" = "sockcat: connect to t.test (fd00::1) port 9 (tcp) failed: Connection refused" ]
	[ "${stderr_lines[1]}" = "sockcat: connect to t.test (127.0.0.1) port 9 (tcp) failed: Connection refused" ]
	[ "${stderr_lines[2]}" = "sockcat: connect to t.test (fd00::2) port 9 (tcp) failed: Connection refused" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
}

@test "when every address times out, each is bounded by -w and the last one is named" {
	need_unshare
	port=$(free_port)
	tcp_filtered_on ::1 "$port"
	tcp_filtered_on 127.0.0.1 "$port"
	run -1 --separate-stderr with_hosts \
	    $'::1 dual.test\n127.0.0.1 dual.test' \
	    timeout 20 "$SOCKCAT" -v -w 1 dual.test "$port" </dev/null
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "sockcat: connect to dual.test (::1) port $port (tcp) failed: Connection timed out" ]
	[ "${stderr_lines[1]}" = "sockcat: connect to dual.test (127.0.0.1) port $port (tcp) failed: Connection timed out" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "a connection reset by the peer ends the client with status 1" {
	port=$(free_port)
	# Accept one client, then close with SO_LINGER 0: an RST, not a FIN.
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" reset
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[[ "$stderr" == "sockcat: "*"reset"* ]]
	[ -z "$output" ]
}
