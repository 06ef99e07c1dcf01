#!/usr/bin/env bats
# IPv6: ::1 and [::1] clients and listeners, -4/-6 limits, and the
# dual-stack wildcard listener that serves both families.

bats_require_minimum_version 1.5.0
load helpers

@test "a client given ::1 reaches a listener on ::1" {
	start_listener -l ::1 0
	port=$PORT
	send_to_listener ::1 "$port" "over ipv6"
}

@test "a client given [::1] in brackets reaches a listener on ::1" {
	start_listener -l ::1 0
	port=$PORT
	send_to_listener "[::1]" "$port" "bracketed address"
}

@test "a listener given [::1] in brackets listens on ::1" {
	start_listener -l "[::1]" 0
	port=$PORT
	wait_line "$BG_ERR" "^Listening on ::1 $port\$"
	send_to_listener ::1 "$port" "to a bracketed listener"
}

@test "-6 -l ::1 PORT listens on ::1 and receives data from the peer" {
	echo "reply over ipv6" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -N -6 -l ::1 0
	port=$PORT
	wait_line "$BG_ERR" "^Listening on ::1 $port\$"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N ::1 "$port" \
	    <<<"request over ipv6"
	[ "$output" = "reply over ipv6" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "request over ipv6" ]
	grep -Eqx 'Connection received on ::1 [0-9]+' "$BG_ERR"
}

@test "a wildcard listener without -4 or -6 accepts a 127.0.0.1 client" {
	start_listener -l 0
	port=$PORT
	send_to_listener 127.0.0.1 "$port" "ipv4 to the wildcard"
	grep -Eqx 'Connection received on 127\.0\.0\.1 [0-9]+' "$BG_ERR"
}

@test "a wildcard listener without -4 or -6 accepts a ::1 client" {
	start_listener -l 0
	port=$PORT
	send_to_listener ::1 "$port" "ipv6 to the wildcard"
	grep -Eqx 'Connection received on ::1 [0-9]+' "$BG_ERR"
}

@test "a -6 listener refuses an IPv4 client and still serves an IPv6 one" {
	port=$(free_port)
	start_bg "$SOCKCAT" -6 -l "$port"
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"ipv4 is not welcome"
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused" ]
	send_to_listener ::1 "$port" "ipv6 is"
}

@test "a -4 listener refuses an IPv6 client and still serves an IPv4 one" {
	port=$(free_port)
	start_bg "$SOCKCAT" -4 -l "$port"
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -N ::1 "$port" \
	    <<<"ipv6 is not welcome"
	[ "$stderr" = "sockcat: connect to ::1 port $port (tcp) failed: Connection refused" ]
	send_to_listener 127.0.0.1 "$port" "ipv4 is"
}

@test "-4 with the address ::1 fails with status 1 and one message" {
	port=$(free_port)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -4 ::1 "$port" </dev/null
	[[ "$stderr" == "sockcat: "*"::1"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ -z "$output" ]
}

@test "-6 with the address 127.0.0.1 fails with status 1 and one message" {
	port=$(free_port)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -6 127.0.0.1 "$port" \
	    </dev/null
	[[ "$stderr" == "sockcat: "*"127.0.0.1"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ -z "$output" ]
}

@test "-v on a wildcard listener prints Listening lines for 0.0.0.0 and ::" {
	start_listener -l 0
	port=$PORT
	wait_line "$BG_ERR" "^Listening on :: $port\$"
	grep -qxF "Listening on 0.0.0.0 $port" "$BG_ERR"
	[ "$(wc -l <"$BG_ERR")" -eq 2 ]
	[ ! -s "$BG_OUT" ]
}
