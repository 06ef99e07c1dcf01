#!/usr/bin/env bats
# --allow and --deny: addresses and CIDR blocks, IPv4 and IPv6, checked
# right after accept.  A refused client is closed before any data or
# program, with a -v line; deny wins over allow; with any --allow only
# matches get in; a dual-stack listener matches IPv4 clients as IPv4,
# and a rule in IPv4-mapped form (::ffff:a.b.c.d) as IPv4.
# The IPv4 clients come from different loopback addresses (-s 127.0.0.N).

bats_require_minimum_version 1.5.0
load helpers

# acl_server OPTIONS...: a -v -k listener on the dual-stack wildcard (or
# the ADDR among OPTIONS), port 0, whose program greets each client by
# address; port gets the port it was given.
acl_server() {
	start_listener -k -l "$@" 0 -c 'echo "welcome $TCPREMOTEIP"'
	SERVER_ERR=$BG_ERR
	port=$PORT
}

# let_in SRC DST PORT: a client bound to SRC is greeted and logged.
let_in() {
	local sport
	sport=$(free_port)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s "$1" -p "$sport" \
	    "$2" "$3" </dev/null
	[ "$output" = "welcome $1" ]
	wait_line "$SERVER_ERR" "^Connection received on ${1//./\\.} $sport\$"
}

# kept_out SRC DST PORT: a client bound to SRC is closed with nothing
# said to it, and the -v log names it as refused.
kept_out() {
	local sport
	sport=$(free_port)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s "$1" -p "$sport" \
	    "$2" "$3" </dev/null
	[ -z "$output" ]
	wait_line "$SERVER_ERR" \
	    "^Connection from ${1//./\\.} $sport refused by --allow/--deny\$"
	[ "$(grep -c "^Connection received on ${1//./\\.} $sport\$" \
	    "$SERVER_ERR")" -eq 0 ]
}

@test "--allow lets a listed IPv4 client in and closes the others unserved" {
	acl_server --allow 127.0.0.1
	let_in 127.0.0.1 127.0.0.1 "$port"
	kept_out 127.0.0.2 127.0.0.1 "$port"
	kept_out 127.0.0.3 127.0.0.1 "$port"
	let_in 127.0.0.1 127.0.0.1 "$port"
}

@test "--deny refuses a listed IPv4 client and lets the others in" {
	acl_server --deny 127.0.0.2
	let_in 127.0.0.1 127.0.0.1 "$port"
	kept_out 127.0.0.2 127.0.0.1 "$port"
	let_in 127.0.0.3 127.0.0.1 "$port"
}

@test "--allow takes an IPv4 CIDR block" {
	acl_server --allow 127.0.0.0/30
	let_in 127.0.0.1 127.0.0.1 "$port"
	let_in 127.0.0.3 127.0.0.1 "$port"
	kept_out 127.0.0.4 127.0.0.1 "$port"
	kept_out 127.1.0.1 127.0.0.1 "$port"
}

@test "--deny takes an IPv4 CIDR block" {
	acl_server --deny 127.0.0.2/31
	let_in 127.0.0.1 127.0.0.1 "$port"
	kept_out 127.0.0.2 127.0.0.1 "$port"
	kept_out 127.0.0.3 127.0.0.1 "$port"
	let_in 127.0.0.4 127.0.0.1 "$port"
}

@test "a client matched by both --allow and --deny is denied, in either order" {
	acl_server --allow 127.0.0.0/8 --deny 127.0.0.2
	let_in 127.0.0.1 127.0.0.1 "$port"
	kept_out 127.0.0.2 127.0.0.1 "$port"
	teardown
	acl_server --deny 127.0.0.2 --allow 127.0.0.2
	kept_out 127.0.0.2 127.0.0.1 "$port"
	kept_out 127.0.0.1 127.0.0.1 "$port"
}

@test "repeated --allow options accumulate, and a list takes commas" {
	acl_server --allow 127.0.0.1 --allow 127.0.0.3,127.0.0.5
	let_in 127.0.0.1 127.0.0.1 "$port"
	let_in 127.0.0.3 127.0.0.1 "$port"
	let_in 127.0.0.5 127.0.0.1 "$port"
	kept_out 127.0.0.2 127.0.0.1 "$port"
	kept_out 127.0.0.4 127.0.0.1 "$port"
}

@test "repeated --deny options accumulate" {
	acl_server --deny 127.0.0.2 --deny 127.0.0.3,127.0.0.4/32
	kept_out 127.0.0.2 127.0.0.1 "$port"
	kept_out 127.0.0.3 127.0.0.1 "$port"
	kept_out 127.0.0.4 127.0.0.1 "$port"
	let_in 127.0.0.5 127.0.0.1 "$port"
}

@test "--allow ::1 lets the IPv6 client in and keeps IPv4 clients out" {
	acl_server --allow ::1
	let_in ::1 ::1 "$port"
	kept_out 127.0.0.1 127.0.0.1 "$port"
}

@test "--deny ::1 refuses the IPv6 client on an IPv6 listener" {
	acl_server ::1 --deny ::1
	kept_out ::1 ::1 "$port"
	teardown
	acl_server ::1 --deny 127.0.0.1
	let_in ::1 ::1 "$port"
}

@test "--allow and --deny take IPv6 CIDR blocks" {
	acl_server --allow ::/127
	let_in ::1 ::1 "$port"
	teardown
	acl_server --allow ::2/127
	kept_out ::1 ::1 "$port"
	teardown
	acl_server --allow ::/0 --deny 0:0:0:0:0:0:0:1/128
	kept_out ::1 ::1 "$port"
	kept_out 127.0.0.1 127.0.0.1 "$port"
}

@test "an IPv4-only --allow keeps IPv6 clients out" {
	acl_server --allow 127.0.0.0/8
	kept_out ::1 ::1 "$port"
	let_in 127.0.0.9 127.0.0.1 "$port"
}

@test "a dual-stack listener matches IPv4 clients as IPv4, not as mapped IPv6" {
	# ::/0 is every IPv6 address, and an IPv4 client is not one.
	acl_server --allow ::/0
	kept_out 127.0.0.1 127.0.0.1 "$port"
	let_in ::1 ::1 "$port"
}

@test "a rule in IPv4-mapped form is the IPv4 rule it spells" {
	# Else it could never match: a deny that silently lets in.
	acl_server --deny ::ffff:127.0.0.2
	kept_out 127.0.0.2 127.0.0.1 "$port"
	let_in 127.0.0.3 127.0.0.1 "$port"
	teardown
	acl_server --allow ::ffff:127.0.0.0/120,::1
	let_in 127.0.0.5 127.0.0.1 "$port"
	let_in ::1 ::1 "$port"
	teardown
	acl_server --deny ::ffff:0:0/96
	kept_out 127.0.0.1 127.0.0.1 "$port"
	let_in ::1 ::1 "$port"
}

@test "an IPv4-only listener applies the lists too" {
	acl_server 127.0.0.1 --deny 127.0.0.2
	kept_out 127.0.0.2 127.0.0.1 "$port"
	let_in 127.0.0.3 127.0.0.1 "$port"
}

@test "a refused client's data never reaches stdout" {
	start_listener -k -l 127.0.0.1 0 --deny 127.0.0.2
	port=$PORT
	# The refused client may see a reset: its status is not the point.
	run --separate-stderr timeout 10 "$SOCKCAT" -N -s 127.0.0.2 \
	    127.0.0.1 "$port" <<<"secret"
	wait_line "$BG_ERR" 'refused by --allow/--deny$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -s 127.0.0.1 \
	    127.0.0.1 "$port" <<<"public"
	wait_line "$BG_OUT" '^public$'
	[ "$(cat "$BG_OUT")" = public ]
}

@test "a refused client gets nothing from the listener's stdin" {
	echo "for the admitted only" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -N -k -l \
	    127.0.0.1 0 --allow 127.0.0.1
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.2 \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.1 \
	    127.0.0.1 "$port" </dev/null
	[ "$output" = "for the admitted only" ]
}

@test "a refused client never starts the program" {
	log=$BATS_TEST_TMPDIR/log
	start_listener -k -l 127.0.0.1 0 --deny 127.0.0.2 \
	    -c "echo \"\$TCPREMOTEIP\" >>'$log'; echo hi"
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.2 \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.3 \
	    127.0.0.1 "$port" </dev/null
	[ "$output" = hi ]
	[ "$(cat "$log")" = 127.0.0.3 ]
}

@test "a one-shot listener waits past a refused client for an admitted one" {
	start_listener -l 127.0.0.1 0 --allow 127.0.0.1
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.2 \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	kill -0 "$BG_PID"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -s 127.0.0.1 \
	    127.0.0.1 "$port" <<<"admitted"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = admitted ]
}

@test "--fork refuses a denied client without running its program" {
	log=$BATS_TEST_TMPDIR/log
	start_listener --fork -l 127.0.0.1 0 --deny 127.0.0.2 \
	    -c "echo \"\$TCPREMOTEIP\" >>'$log'; echo hi"
	SERVER_ERR=$BG_ERR
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.2 \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	wait_line "$SERVER_ERR" \
	    '^Connection from 127\.0\.0\.2 [0-9]+ refused by --allow/--deny$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -s 127.0.0.1 \
	    127.0.0.1 "$port" </dev/null
	[ "$output" = hi ]
	[ "$(cat "$log")" = 127.0.0.1 ]
}

@test "a bad address or prefix in --allow or --deny is a usage error" {
	port=$(free_port)
	for word in 127.0.0.256 127.0.0.1/33 127.0.0.1/ 127.0.0.1/-1 \
	    127.0.0.1/8x ::1/129 ::g localhost '' 127.0.0.1, ,::1; do
		usage_error -l 127.0.0.1 "$port" --allow "$word"
		[[ $stderr == *--allow* ]]
		usage_error -l 127.0.0.1 "$port" --deny "$word"
		[[ $stderr == *--deny* ]]
	done
}

@test "--allow and --deny without -l are usage errors" {
	port=$(free_port)
	usage_error --allow 127.0.0.1 127.0.0.1 "$port"
	usage_error --deny ::1 ::1 "$port"
}
