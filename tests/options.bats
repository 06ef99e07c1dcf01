#!/usr/bin/env bats
# Command-line contract: usage errors (status 2, one line, the --help
# hint), --help and --version, ports and service names, TIME units,
# resolution and connect failures (status 1), closed standard descriptors.

bats_require_minimum_version 1.5.0
load helpers

# A TCP port with nothing listening on 127.0.0.1: connects are refused.
closed_port() {
	free_port tcp
}

# offline_usage_error ARGS...: usage_error, run offline: a build that took
# a bad HOST for a name to look up fails to resolve (status 1) instead,
# and no query leaves the machine.
offline_usage_error() {
	usage_error_of offline timeout 10 "$SOCKCAT" "$@"
}

# not_usage_error ARGS...: sockcat ARGS, offline, is no usage error: it
# fails to resolve or to connect (status 1) without the --help hint.
not_usage_error() {
	run -1 --separate-stderr offline timeout 10 "$SOCKCAT" "$@" </dev/null
	[[ $stderr == "sockcat: "* ]]
	[[ $stderr != *"Try 'sockcat --help'"* ]]
}

@test "an unknown short option is a usage error" {
	usage_error -Q 127.0.0.1 80
	[[ $stderr == *"-Q"* ]]
}

@test "an unknown long option is a usage error" {
	usage_error --no-such-option 127.0.0.1 80
	[[ $stderr == *"--no-such-option"* ]]
}

@test "an option missing its argument is a usage error" {
	usage_error 127.0.0.1 80 -w
	usage_error -p
	usage_error --wait
	usage_error -o
}

@test "a source port above 65535 is a usage error" {
	usage_error -p 70000 127.0.0.1 80
	[[ $stderr == *70000* ]]
}

@test "a source port that is neither a number nor a service is a usage error" {
	usage_error -p abc 127.0.0.1 80
	[[ $stderr == *abc* ]]
}

@test "a bad -p range is a usage error, and a listener takes no range" {
	usage_error -p 5-1 127.0.0.1 80
	[[ $stderr == *"'5-1'"* ]]
	usage_error -p 1-70000 127.0.0.1 80
	usage_error -p x-9 127.0.0.1 80
	usage_error -l -p 4000-4001
}

@test "a destination port above 65535 is a usage error" {
	usage_error 127.0.0.1 70000
}

@test "port 0 is a usage error for a client, as destination or source" {
	usage_error 127.0.0.1 0
	usage_error -p 0 127.0.0.1 80
}

@test "an unknown service name as PORT is a usage error" {
	usage_error 127.0.0.1 no-such-service-name
}

@test "a TIME with an unknown unit is a usage error" {
	usage_error -w 1x 127.0.0.1 80
	[[ $stderr == *1x* ]]
	usage_error -i 2y 127.0.0.1 80
	usage_error --idle-timeout 3q 127.0.0.1 80
}

@test "an empty TIME is a usage error" {
	usage_error -w '' 127.0.0.1 80
	usage_error --idle-timeout '' 127.0.0.1 80
}

@test "a negative -w is a usage error" {
	usage_error -w -1 127.0.0.1 80
}

@test "a -q that is not a TIME is a usage error" {
	usage_error -q bad 127.0.0.1 80
	[[ $stderr == *bad* ]]
}

@test "an unknown -T keyword is a usage error" {
	usage_error -T bad 127.0.0.1 80
	usage_error -T 256 127.0.0.1 80
	usage_error --tos=lowdelayx 127.0.0.1 80
}

@test "bad -I and -O buffer sizes are usage errors" {
	usage_error -I x 127.0.0.1 80
	usage_error -I 12k 127.0.0.1 80
	usage_error -I 0 127.0.0.1 80
	usage_error -O x 127.0.0.1 80
	usage_error -O -5 127.0.0.1 80
}

@test "bad -M and -m TTLs are usage errors" {
	usage_error -M 0 127.0.0.1 80
	usage_error -M 256 127.0.0.1 80
	usage_error -M x 127.0.0.1 80
	usage_error -m 0 127.0.0.1 80
	usage_error -m 256 127.0.0.1 80
	usage_error -m 1.5 127.0.0.1 80
}

@test "a bad -W count is a usage error" {
	usage_error -W 0 127.0.0.1 80
	usage_error -W many 127.0.0.1 80
}

@test "-U with -p is a usage error" {
	usage_error -U -p 1234 "$BATS_TEST_TMPDIR/sock"
}

@test "-U with -4 or -6 is a usage error" {
	usage_error -U -4 "$BATS_TEST_TMPDIR/sock"
	[[ $stderr == "sockcat: -U cannot be used with -4. "* ]]
	usage_error -6 -U -l "$BATS_TEST_TMPDIR/sock"
	[[ $stderr == "sockcat: -U cannot be used with -6. "* ]]
}

@test "a HOST that can never be a name or an address is a usage error, not a failed lookup" {
	need_offline
	local long
	long=$(printf 'a%.0s' {1..254})
	offline_usage_error "" 80
	[[ $stderr == "sockcat: empty host name. "* ]]
	offline_usage_error "$long" 80
	[[ $stderr == *"is longer than 253 characters"* ]]
	offline_usage_error "[::1" 80
	[[ $stderr == *"unclosed '[' in host '[::1'"* ]]
	offline_usage_error 1:2:3:4:5:6:7:8:9 80
	[[ $stderr == *"invalid IPv6 address '1:2:3:4:5:6:7:8:9'"* ]]
	offline_usage_error "a b" 80
	[[ $stderr == *"invalid character ' ' in host 'a b'"* ]]
	offline_usage_error "host/path" 80
	[[ $stderr == *"invalid character '/'"* ]]
	offline_usage_error "a%b" 80
	offline_usage_error "[::1]x" 80
	offline_usage_error "fe80::1%" 80
	offline_usage_error "::1:g" 80
}

@test "a HOST with a CR or LF is a usage error shown on one line, escaped" {
	need_offline
	offline_usage_error $'evil\r\nX-Injected: 1' 80
	[[ $stderr == *"invalid character '\\r' in host 'evil\\r\\nX-Injected: 1'"* ]]
	offline_usage_error $'a\nb' 80
	[[ $stderr == *"'a\\nb'"* ]]
}

@test "a listener's ADDR, -s, -x and a scanned host are checked as HOST is" {
	need_offline
	offline_usage_error -l "a b" 0
	[[ $stderr == *"in address 'a b'"* ]]
	offline_usage_error -l -s "[::1" -p 0
	offline_usage_error -s "a b" 127.0.0.1 80
	[[ $stderr == *"in -s address 'a b'"* ]]
	offline_usage_error -x "a b" 127.0.0.1 80
	[[ $stderr == *"in proxy address 'a b'"* ]]
	offline_usage_error -x "[1:2:3:4:5:6:7:8:9]:1080" 127.0.0.1 80
	offline_usage_error -z "a b" 80
	[[ $stderr == *"in host 'a b'"* ]]
	offline_usage_error -z "" 80
	offline_usage_error -z -s "a b" 127.0.0.1 80
}

@test "underscores, a final dot, a 253-character name, zones and brackets are no usage errors" {
	need_offline
	local long
	long=$(printf 'a%.0s' {1..253})
	not_usage_error my_host.invalid 80
	[[ $stderr == *my_host.invalid* ]]
	not_usage_error localhost. 80
	not_usage_error "$long" 80
	not_usage_error "$long." 80
	not_usage_error -w 1 fe80::1%lo 80
	not_usage_error -w 1 "[fe80::1%lo]" 80
	not_usage_error -w 1 "[::1]" 80
	not_usage_error -w 1 "[127.0.0.1]" 80
	not_usage_error -w 1 -s ::1 ::1 80
	not_usage_error -w 1 -x "[::1]:1080" 127.0.0.1 80
	not_usage_error -v -w 1 -z 127.0.0.1 80
}

@test "an extra positional argument is a usage error" {
	usage_error 127.0.0.1 80 81
	[[ $stderr == *81* ]]
	usage_error -l 127.0.0.1 80 81
	usage_error -U "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "connecting with no PORT, or no HOST at all, is a usage error" {
	usage_error 127.0.0.1
	usage_error
	usage_error -l
}

@test "-l -p PORT together with a positional port is a usage error" {
	usage_error -l -p 4000 4001
}

@test "server options without -l are usage errors" {
	usage_error -k 127.0.0.1 80
	[[ $stderr == *"-k needs -l"* ]]
	usage_error --fork -e /bin/cat 127.0.0.1 80
	usage_error --broker 127.0.0.1 80
	usage_error --chat 127.0.0.1 80
	usage_error --allow 127.0.0.1 127.0.0.1 80
	usage_error --deny ::1 127.0.0.1 80
}

@test "server options that cannot go together are usage errors" {
	usage_error --fork -l 127.0.0.1 4000
	[[ $stderr == *"--fork needs -e, -c or --recv-only"* ]]
	usage_error --broker -e /bin/cat -l 127.0.0.1 4000
	usage_error --chat -c cat -l 127.0.0.1 4000
	usage_error --broker --fork -e cat -l 127.0.0.1 4000
	usage_error --broker -u -l 127.0.0.1 4000
	usage_error --fork -u -e cat -l 127.0.0.1 4000
	usage_error -k -u -c cat -l 127.0.0.1 4000
	usage_error --max-conns 3 -k -l 127.0.0.1 4000
	usage_error --max-conns 0 --fork -e cat -l 127.0.0.1 4000
	usage_error -o "$BATS_TEST_TMPDIR/d" -e cat 127.0.0.1 80
	usage_error --output "$BATS_TEST_TMPDIR/d" -c cat -l 127.0.0.1 4000
	usage_error -o "$BATS_TEST_TMPDIR/d" --broker -l 127.0.0.1 4000
	usage_error --output "$BATS_TEST_TMPDIR/d" --chat -l 127.0.0.1 4000
}

@test "--allow and --deny reject words that are not addresses or CIDR blocks" {
	local bad
	for bad in 10.0.0.0/33 ::1/129 localhost 10.0.0.1/ /8 1.2.3 \
	    '127.0.0.1,,::1' 127.0.0.1/-1 ''; do
		usage_error -l --allow "$bad" 127.0.0.1 4000
		usage_error -l --deny "$bad" 127.0.0.1 4000
	done
	[[ $stderr == *"for --deny"* ]]
}

@test "-S is refused as a usage error with the --help hint" {
	usage_error -S 127.0.0.1 80
}

@test "-Z together with -u is a usage error" {
	usage_error -Z -u 127.0.0.1 80
}

@test "-h and --help print the usage on stdout and exit 0" {
	local opt
	for opt in -h --help; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" "$opt"
		[[ ${lines[0]} == usage:* ]]
		[[ $output == *--listen* ]]
		[ -z "$stderr" ]
	done
}

@test "-V and --version print the version on stdout and exit 0" {
	local opt
	for opt in -V --version; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" "$opt"
		[[ $output =~ ^sockcat\ [0-9]+\.[0-9]+ ]]
		[ "${#lines[@]}" -eq 1 ]
		[ -z "$stderr" ]
	done
}

@test "a listener on port 0 reports the kernel's port with -v and serves it" {
	start_bg "$SOCKCAT" -v -l 127.0.0.1 0
	local srv_out=$BG_OUT srv_err=$BG_ERR srv=$BG_PID
	wait_line "$srv_err" '^Listening on 127\.0\.0\.1 [0-9]+$'
	local port
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 \([0-9][0-9]*\)$/\1/p' "$srv_err")
	[ "$port" -gt 0 ]
	printf 'via port zero\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$srv" 10
	cmp "$BATS_TEST_TMPDIR/in" "$srv_out"
}

@test "a service name works as a listener's PORT" {
	# http-alt is 8080/tcp in /etc/services.
	getent services http-alt/tcp | grep -q '8080/tcp' ||
	    skip "http-alt is not 8080/tcp here"
	! ss -H -tln 'sport = :8080' | grep -q . || skip "port 8080 is busy"
	start_bg "$SOCKCAT" -v -l 127.0.0.1 http-alt
	local srv_out=$BG_OUT srv_err=$BG_ERR srv=$BG_PID
	wait_line "$srv_err" '^Listening on 127\.0\.0\.1 8080$'
	printf 'by name\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 8080 \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$srv" 10
	cmp "$BATS_TEST_TMPDIR/in" "$srv_out"
}

@test "a hyphenated service name is accepted as a client's PORT" {
	# Nothing may listen there: refused (1) or idle close (0), never 2.
	run --separate-stderr timeout 10 "$SOCKCAT" -w 1 -d 127.0.0.1 http-alt </dev/null
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	[[ $stderr != *"Try 'sockcat --help'"* ]]
	run --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 netbios-ns </dev/null
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	[[ $stderr != *"Try 'sockcat --help'"* ]]
}

@test "TIME accepts seconds, fractions and the ms, s, m and h units" {
	local port t
	port=$(closed_port)
	for t in 0.5 500ms 1s 1m 1h 2 .25; do
		run -1 --separate-stderr timeout 10 "$SOCKCAT" -w "$t" 127.0.0.1 "$port" </dev/null
		[[ $stderr == *"Connection refused"* ]]
		run -1 --separate-stderr timeout 10 "$SOCKCAT" --idle-timeout "$t" \
		    -i "$t" -q "$t" 127.0.0.1 "$port" </dev/null
		[[ $stderr == *"Connection refused"* ]]
	done
}

@test "-q accepts a negative TIME" {
	local port
	port=$(closed_port)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -q -1 127.0.0.1 "$port" </dev/null
	[[ $stderr == *"Connection refused"* ]]
}

@test "an unresolvable host under -n exits 1 with one line naming it" {
	need_offline
	run -1 --separate-stderr offline timeout 20 "$SOCKCAT" -n nosuch.invalid 80 </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: "*nosuch.invalid* ]]
	[[ $stderr != *"Try 'sockcat --help'"* ]]
}

@test "an unresolvable host name exits 1 with one line naming it" {
	need_offline
	run -1 --separate-stderr offline timeout 30 "$SOCKCAT" nosuch.invalid 80 </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: "*nosuch.invalid* ]]
}

@test "a refused connection exits 1 and says so, even without -v" {
	local port
	port=$(closed_port)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection refused" ]
}

# std_peer: a peer on a free port (port) that sends "from the server",
# shuts down its sending side and records what arrives in recv; its PID
# is peer.  What a client may send is in $BATS_TEST_TMPDIR/in.
std_peer() {
	port=$(free_port)
	printf 'from the server\n' >"$BATS_TEST_TMPDIR/send"
	printf 'from the client\n' >"$BATS_TEST_TMPDIR/in"
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/recv" \
	    sendfile:"$BATS_TEST_TMPDIR/send" shut drain
	peer=$BG_PID
	wait_listen "$port"
}

@test "started with stdin closed, sockcat still prints what the peer sends" {
	local port peer
	std_peer
	# Closed inside bash -c: under run, a closed fd 0 would be reused
	# by the pipe that captures stdout.
	run -0 --separate-stderr bash -c \
	    'exec <&-; exec timeout 10 "$SOCKCAT" 127.0.0.1 "$1"' _ "$port"
	[ "$output" = "from the server" ]
	[ -z "$stderr" ]
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
	# Nothing was read from a socket that landed on descriptor 0.
	[ ! -s "$BATS_TEST_TMPDIR/recv" ]
}

@test "started with stdout closed, sockcat still sends its stdin unchanged" {
	local port peer
	std_peer
	run -0 --separate-stderr bash -c \
	    'exec >&-; exec timeout 10 "$SOCKCAT" 127.0.0.1 "$1" <"$2"' \
	    _ "$port" "$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
	# The reply did not go back into the socket as if it were stdout.
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/recv"
}

@test "started with stderr closed, -v messages never reach the peer" {
	local port peer
	std_peer
	run -0 --separate-stderr bash -c \
	    'exec 2>&-; exec timeout 10 "$SOCKCAT" -v -v -N 127.0.0.1 "$1" <"$2"' \
	    _ "$port" "$BATS_TEST_TMPDIR/in"
	[ "$output" = "from the server" ]
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/recv"
}

@test "started with all three standard descriptors closed, sockcat still connects" {
	local port peer
	std_peer
	run -0 --separate-stderr bash -c \
	    'exec <&- >&- 2>&-; exec timeout 10 "$SOCKCAT" -v 127.0.0.1 "$1"' \
	    _ "$port"
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/recv" ]
}

@test "--port-file, --ready-fd and --accept-timeout need -l; bad values are usage errors" {
	usage_error --port-file "$BATS_TEST_TMPDIR/p" 127.0.0.1 80
	[[ $stderr == *"--port-file needs -l"* ]]
	usage_error --port-file "$BATS_TEST_TMPDIR/p" -z 127.0.0.1 80
	usage_error --ready-fd 5 127.0.0.1 80 5>/dev/null
	[[ $stderr == *"--ready-fd needs -l"* ]]
	usage_error --accept-timeout 1 127.0.0.1 80
	[[ $stderr == *"--accept-timeout needs -l"* ]]
	usage_error --accept-timeout 1 -z 127.0.0.1 80
	usage_error --port-file "" -l 127.0.0.1 0
	usage_error --accept-timeout soon -l 127.0.0.1 0
	usage_error --accept-timeout -1 -l 127.0.0.1 0
	usage_error --ready-fd -1 -l 127.0.0.1 0
	usage_error --ready-fd 1 -l 127.0.0.1 0
	usage_error --ready-fd x -l 127.0.0.1 0
	# A descriptor that is not open can never be written to.
	usage_error --ready-fd 57 -l 127.0.0.1 0
	[[ $stderr == *"--ready-fd 57 is not an open descriptor"* ]]
}

@test "--no-shutdown cannot be used with -N or -q; --max-conns with -k needs -e or -c" {
	usage_error --no-shutdown -N 127.0.0.1 80
	[[ $stderr == *"--no-shutdown cannot be used with -N or -q"* ]]
	usage_error -q 1 --no-shutdown 127.0.0.1 80
	[[ $stderr == *"--no-shutdown cannot be used with -N or -q"* ]]
	usage_error --max-conns 2 -k -l 127.0.0.1 0
	[[ $stderr == *"--max-conns with -k needs -e or -c"* ]]
	usage_error --max-conns 2 -l 127.0.0.1 0 -e /bin/cat
	[[ $stderr == *"--max-conns needs --fork, --broker or -k"* ]]
	usage_error --max-conns 2 -k -u -l 127.0.0.1 0 -e /bin/cat
}

@test "--progress takes only =force, and not with -z, -e, -c, -F, --broker, --chat or --fork" {
	usage_error --progress=fast 127.0.0.1 80
	[[ $stderr == *"unknown --progress 'fast'"* ]]
	usage_error --progress -z 127.0.0.1 80
	[[ $stderr == *"--progress cannot be used with -z"* ]]
	usage_error --progress -l -e /bin/cat 127.0.0.1 0
	[[ $stderr == *"--progress cannot be used with -e"* ]]
	usage_error --progress -c cat 127.0.0.1 80
	[[ $stderr == *"--progress cannot be used with -c"* ]]
	usage_error --progress -F 127.0.0.1 80
	[[ $stderr == *"--progress cannot be used with -F"* ]]
	usage_error --progress --broker -l 127.0.0.1 0
	[[ $stderr == *"--progress cannot be used with --broker"* ]]
	usage_error --progress --chat -l 127.0.0.1 0
	[[ $stderr == *"--progress cannot be used with --chat"* ]]
	usage_error --progress --fork --recv-only -l 127.0.0.1 0
	[[ $stderr == *"--progress cannot be used with --fork"* ]]
}

@test "--format takes json or csv; csv outside -z and a missing value are usage errors" {
	usage_error --format xml 127.0.0.1 80
	[[ $stderr == "sockcat: unknown --format 'xml' (json or csv)."* ]]
	usage_error --format JSON -z 127.0.0.1 80
	usage_error --format csv 127.0.0.1 80
	[[ $stderr == "sockcat: --format csv needs -z (use json)."* ]]
	usage_error --format csv -l 127.0.0.1 80
	usage_error --scan-format csv 127.0.0.1 80
	[[ $stderr == "sockcat: --scan-format needs -z."* ]]
	usage_error -z 127.0.0.1 80 --format
	[[ $stderr == "sockcat: option '--format' needs an argument."* ]]
}

@test "--exit-detail takes no value" {
	usage_error --exit-detail=yes 127.0.0.1 80
}

@test "--rate and --rate-recv take BYTES: a number with k (or K), M or G" {
	local v port
	port=$(closed_port)
	for v in 1 100 1k 1K 1M 1G 8589934591G 9223372036854775807; do
		run -1 --separate-stderr timeout 10 "$SOCKCAT" --rate "$v" \
		    --rate-recv "$v" 127.0.0.1 "$port" </dev/null
		[[ $stderr != *"Try 'sockcat --help'"* ]]
	done
}

@test "a --rate or --rate-recv that is not BYTES is a usage error" {
	local v
	for v in 1x 1m 1g 1KB 1KiB 1.5M 1e3 ' 1' '1 ' +1 -1 '' k 1kk 0x10; do
		usage_error --rate "$v" 127.0.0.1 80
		[[ $stderr == "sockcat: invalid rate '$v' for --rate "* ]]
		usage_error --rate-recv "$v" 127.0.0.1 80
		[[ $stderr == "sockcat: invalid rate '$v' for --rate-recv "* ]]
	done
}

@test "a zero or overflowing --rate or --rate-recv is a usage error" {
	local v
	for v in 0 000 0k 0G 9223372036854775808 99999999999999999999 \
	    8589934592G 9007199254740992k; do
		usage_error --rate "$v" 127.0.0.1 80
		[[ $stderr == "sockcat: rate '$v' for --rate out of range "* ]]
		usage_error --rate-recv "$v" 127.0.0.1 80
		[[ $stderr == "sockcat: rate '$v' for --rate-recv out of "* ]]
	done
}

@test "--rate and --rate-recv need the pump: not -z, -e, -c, -F, --broker" {
	local o
	for o in --rate --rate-recv; do
		usage_error "$o" 1k -z 127.0.0.1 80
		[[ $stderr == *"$o cannot be used with -z"* ]]
		usage_error "$o" 1k -e cat 127.0.0.1 80
		[[ $stderr == *"$o cannot be used with -e"* ]]
		usage_error "$o" 1k -c cat -l 127.0.0.1 0
		[[ $stderr == *"$o cannot be used with -c"* ]]
		usage_error "$o" 1k -F 127.0.0.1 80
		[[ $stderr == *"$o cannot be used with -F"* ]]
		usage_error "$o" 1k --broker -l 127.0.0.1 0
		[[ $stderr == *"$o cannot be used with --broker"* ]]
		usage_error "$o" 1k --chat -l 127.0.0.1 0
		[[ $stderr == *"$o cannot be used with --chat"* ]]
	done
}

@test "--rate needs stdin read; --rate-recv not with --send-only or -Z" {
	usage_error --rate 1k -d 127.0.0.1 80
	[[ $stderr == *"--rate cannot be used with -d or --recv-only"* ]]
	usage_error --rate 1k --recv-only 127.0.0.1 80
	[[ $stderr == *"--rate cannot be used with -d or --recv-only"* ]]
	usage_error --rate-recv 1k --send-only 127.0.0.1 80
	[[ $stderr == *"--rate-recv cannot be used with --send-only"* ]]
	usage_error --rate-recv 1k -Z 127.0.0.1 80
	[[ $stderr == *"--rate-recv cannot be used with -Z"* ]]
}

@test "--digest where the pump does not move the bytes is a usage error" {
	usage_error --digest -l -e /bin/cat 127.0.0.1 0
	[[ $stderr == *"--digest cannot be used with -e"* ]]
	usage_error --digest -c cat 127.0.0.1 9
	[[ $stderr == *"--digest cannot be used with -c"* ]]
	usage_error --digest -F 127.0.0.1 9
	[[ $stderr == *"--digest cannot be used with -F"* ]]
	usage_error --digest --broker -l 127.0.0.1 0
	[[ $stderr == *"--digest cannot be used with --broker"* ]]
	usage_error --digest --chat -l 127.0.0.1 0
	[[ $stderr == *"--digest cannot be used with --chat"* ]]
	usage_error --digest -z 127.0.0.1 9
	[[ $stderr == *"--digest cannot be used with -z"* ]]
}
