#!/usr/bin/env bats
# --exit-detail: each failure provoked, with its own status under the
# option (1 refused, 3 timed out, 4 cannot resolve, 5 bind or listen
# failed, 6 reset by the peer, 7 a local write failed) and status 1
# without it.  Names are resolved offline (a private hosts file, no
# network): never a DNS query.

bats_require_minimum_version 1.5.0
load helpers

# status_for WANT OPT: the last run's status is WANT when OPT is
# --exit-detail, 1 when OPT is empty.
status_for() {
	if [ -n "$2" ]; then
		[ "$status" -eq "$1" ]
	else
		[ "$status" -eq 1 ]
	fi
}

# both STATUS ARGS...: sockcat ARGS (stdin /dev/null) exits STATUS with
# --exit-detail and 1 without it, with the same one message.
both() {
	local want=$1 msg
	shift
	run "-$want" --separate-stderr timeout 20 "$SOCKCAT" --exit-detail \
	    "$@" </dev/null
	msg=$stderr
	[ -n "$msg" ]
	run -1 --separate-stderr timeout 20 "$SOCKCAT" "$@" </dev/null
	[ "$stderr" = "$msg" ]
}

@test "a refused connect: 1 either way" {
	both 1 127.0.0.1 "$(free_port)"
}

@test "a connect timed out by -w: 3 (1 without --exit-detail)" {
	local f
	f=$(free_port)
	tcp_filtered_on 127.0.0.1 "$f"
	both 3 -w 1 127.0.0.1 "$f"
}

@test "a listener with no client within --accept-timeout: 3 (1 without)" {
	both 3 --accept-timeout 0.3 -l 127.0.0.1 0
	[ "$stderr" = "sockcat: no client within 300ms, giving up" ]
}

@test "a name that cannot be resolved: 4 (1 without), connecting, listening and scanning" {
	need_offline
	run -4 --separate-stderr offline timeout 10 "$SOCKCAT" --exit-detail \
	    nosuchhost.test 80
	[[ $stderr == "sockcat: cannot resolve nosuchhost.test"* ]]
	run -1 --separate-stderr offline timeout 10 "$SOCKCAT" \
	    nosuchhost.test 80
	[[ $stderr == "sockcat: cannot resolve nosuchhost.test"* ]]
	run -4 --separate-stderr offline timeout 10 "$SOCKCAT" --exit-detail \
	    -l nosuchhost.test 0
	run -4 --separate-stderr offline timeout 10 "$SOCKCAT" --exit-detail \
	    -z nosuchhost.test 80
	run -1 --separate-stderr offline timeout 10 "$SOCKCAT" \
	    -z nosuchhost.test 80
}

@test "a listener whose port is taken: 5 (1 without)" {
	local p
	p=$(free_port)
	tcp_listen 127.0.0.1 "$p"
	both 5 -l 127.0.0.1 "$p"
}

@test "a -s address that is not this host's: 5 (1 without)" {
	both 5 -s 192.0.2.1 127.0.0.1 "$(free_port)"
}

@test "a peer that resets the connection: 6 (1 without)" {
	local port
	for opt in --exit-detail ""; do
		port=$(free_port)
		start_peer "$port" sleep:0.3 reset
		run --separate-stderr timeout 20 "$SOCKCAT" $opt 127.0.0.1 \
		    "$port" </dev/null
		[ "$stderr" = "sockcat: connection failed: Connection reset by peer" ]
		status_for 6 "$opt"
		wait_exit "$BG_PID" 10
	done
}

@test "standard output that cannot be written (/dev/full): 7 (1 without)" {
	local port
	[ -w /dev/full ] || skip "no /dev/full"
	for opt in --exit-detail ""; do
		port=$(free_port)
		start_peer "$port" 'send:hello\n' close
		run --separate-stderr bash -c 'exec timeout 20 "$@" >/dev/full' \
		    _ "$SOCKCAT" $opt 127.0.0.1 "$port" </dev/null
		[[ $stderr == "sockcat: write to standard output failed: "* ]]
		status_for 7 "$opt"
		wait_exit "$BG_PID" 10
	done
}

@test "scan results that cannot be written: 7 (1 without)" {
	local c
	[ -w /dev/full ] || skip "no /dev/full"
	c=$(free_port)
	run -7 --separate-stderr bash -c 'exec timeout 20 "$@" >/dev/full' \
	    _ "$SOCKCAT" --exit-detail -z --format json 127.0.0.1 "$c"
	[[ $stderr == "sockcat: cannot write the scan results: "* ]]
	run -1 --separate-stderr bash -c 'exec timeout 20 "$@" >/dev/full' \
	    _ "$SOCKCAT" -z --format json 127.0.0.1 "$c"
}

@test "a scan with no port open stays 1, one open is 0, under --exit-detail" {
	local o
	o=$(free_port)
	run -1 --separate-stderr timeout 20 "$SOCKCAT" --exit-detail -z \
	    127.0.0.1 "$o"
	tcp_listen 127.0.0.1 "$o"
	run -0 --separate-stderr timeout 20 "$SOCKCAT" --exit-detail -z \
	    127.0.0.1 "$o"
}

@test "a transfer that ends well is 0 under --exit-detail" {
	start_quiet_listener tcp --exit-detail -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --exit-detail -N \
	    127.0.0.1 "$PORT" <<<"hi"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = hi ]
}

@test "a peer that resets while sockcat sends: 6 (1 without)" {
	local port
	head -c 8000000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	for opt in --exit-detail ""; do
		port=$(free_port)
		start_peer "$port" sleep:0.5 reset
		run --separate-stderr timeout 20 "$SOCKCAT" $opt -N 127.0.0.1 \
		    "$port" <"$BATS_TEST_TMPDIR/big"
		[[ $stderr == "sockcat: "*"reset by peer"* ||
		    $stderr == "sockcat: "*"Broken pipe"* ]]
		status_for 6 "$opt"
		wait_exit "$BG_PID" 10
	done
}

@test "a proxy that never answers within -w: 3 (1 without)" {
	local p
	p=$(free_port)
	tcp_listen 127.0.0.1 "$p"
	both 3 -w 1 -x "127.0.0.1:$p" 192.0.2.1 80
}
