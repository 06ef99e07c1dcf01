#!/usr/bin/env bats
# -x/-X/-P: connecting through a SOCKS 4, SOCKS 5 or HTTP CONNECT proxy
# (tests/proxy.py, one client, on loopback): what is asked of the proxy,
# data both ways through it, the proxy's refusals, user and password, and
# that no byte after the proxy's answer is lost.

bats_require_minimum_version 1.5.0
load helpers

PROXY=$SOCKCAT_SRCDIR/tests/proxy.py

# start_proxy TYPE ARGS...: the test proxy in the background; its port in
# PROXY_PORT, what it was asked in PROXY_LOG (JSON).
start_proxy() {
	PROXY_LOG=$BATS_TEST_TMPDIR/proxy.json
	start_bg python3 "$PROXY" "$1" "$PROXY_LOG" "${@:2}"
	wait_line "$BG_OUT" '^port [0-9]+$'
	PROXY_PORT=$(awk '{ print $2 }' "$BG_OUT")
}

# asked KEY: what the proxy's log holds under KEY (lists space-separated).
asked() {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1])).get(sys.argv[2])
print(" ".join(map(str, v)) if isinstance(v, list) else v)
' "$PROXY_LOG" "$1"
}

# echo_peer: a TCP peer on 127.0.0.1 that echoes one client; its port in
# port.  On a port the kernel picks as it binds: one chosen beforehand
# (free_port) could be taken in between by the proxy, which binds port 0
# too.
echo_peer() {
	start_bg python3 "$PEER" listen 0 "$BATS_TEST_TMPDIR/peer" echo
	wait_line "$BG_OUT" '^port [0-9]+$'
	port=$(awk '{ print $2 }' "$BG_OUT")
}

# through ARGS...: run sockcat ARGS with a line on stdin, under run.
through() {
	run --separate-stderr timeout 20 "$SOCKCAT" "$@" <<<"through the proxy"
}

@test "-x alone is SOCKS 5: the host's address is asked for, data goes both ways" {
	local port
	echo_peer
	start_proxy socks5
	through -v -N -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "${stderr_lines[0]}" = "Connection to 127.0.0.1 $port port [tcp/*] succeeded!" ]
	# -v's statistics line at the end (stats.bats), and nothing else.
	[[ ${stderr_lines[1]} =~ ^sockcat:\ 18\ bytes\ sent,\ 18\ bytes\ received\ in\ [0-9]+\.[0-9]{2}\ seconds\.$ ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "$(asked methods)" = 0 ]
	[ "$(asked atyp)" = 1 ]
	[ "$(asked host)" = 127.0.0.1 ]
	[ "$(asked port)" = "$port" ]
}

@test "-X 5 sends a host name for the proxy to resolve, and a service as its number" {
	local port
	echo_peer
	start_proxy socks5
	through -N -X 5 -x "127.0.0.1:$PROXY_PORT" localhost "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked atyp)" = 3 ]
	[ "$(asked host)" = localhost ]
	start_proxy socks5
	run --separate-stderr timeout 20 "$SOCKCAT" -x "127.0.0.1:$PROXY_PORT" \
	    127.0.0.1 http </dev/null
	[ "$(asked port)" = 80 ]
}

@test "SOCKS 5 asks for an IPv6 host by address, and a proxy on ::1 is reached" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" -6 listen "$port" "$BATS_TEST_TMPDIR/peer" echo
	wait_listen "$port"
	start_proxy socks5 --host ::1
	through -N -x "[::1]:$PROXY_PORT" ::1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked atyp)" = 4 ]
	[ "$(asked host)" = ::1 ]
}

@test "a SOCKS 5 refusal is one line naming the proxy, host, port and reason; status 1" {
	start_proxy socks5 --fail 5
	through -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: connection refused" ]
	start_proxy socks5 --fail 2
	through -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9
	[ "$status" -eq 1 ]
	[[ $stderr == *"failed: connection not allowed by ruleset" ]]
}

@test "SOCKS 5 with -P USER:PASSWORD answers the proxy's demand for them (RFC 1929)" {
	local port
	echo_peer
	start_proxy socks5 --auth alice:s3cret
	through -N -P alice:s3cret -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked methods)" = "0 2" ]
	[ "$(asked user)" = alice ]
	[ "$(asked password)" = s3cret ]
	# Without -P there is no method both accept.
	start_proxy socks5 --auth alice:s3cret
	through -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[[ $stderr == *"failed: no authentication method the proxy accepts" ]]
	start_proxy socks5 --auth alice:s3cret
	through -P alice:wrong -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[[ $stderr == *"failed: the proxy refused the user and password" ]]
}

@test "-X 4 is SOCKS 4: the host resolved here to IPv4, -P as the user id" {
	local port
	need_unshare
	echo_peer
	start_proxy socks4
	# localhost from a hosts file of our own: never a DNS query
	run --separate-stderr with_hosts '127.0.0.1 localhost' timeout 20 \
	    "$SOCKCAT" -N -X 4 -P bob -x "127.0.0.1:$PROXY_PORT" localhost \
	    "$port" <<<"through the proxy"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked host)" = 127.0.0.1 ]
	[ "$(asked port)" = "$port" ]
	[ "$(asked user)" = bob ]
	start_proxy socks4 --fail 91
	through -X 4 -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: rejected or failed (SOCKS 4 code 91)" ]
}

@test "-X connect sends CONNECT HOST:PORT and a Host header, IPv6 in brackets" {
	local port
	echo_peer
	start_proxy connect
	through -N -X connect -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked request)" = "CONNECT 127.0.0.1:$port HTTP/1.0" ]
	[ "$(asked headers)" = "Host: 127.0.0.1:$port" ]
	port=$(free_port)
	start_bg python3 "$PEER" -6 listen "$port" "$BATS_TEST_TMPDIR/peer6" echo
	wait_listen "$port"
	start_proxy connect
	through -N -X connect -x "127.0.0.1:$PROXY_PORT" "[::1]" "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked request)" = "CONNECT [::1]:$port HTTP/1.0" ]
}

@test "-X connect with -P USER:PASSWORD sends Basic authorization" {
	local port
	echo_peer
	start_proxy connect --auth 'carol:p@ss:word'
	through -N -X connect -P 'carol:p@ss:word' -x "127.0.0.1:$PROXY_PORT" \
	    127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "through the proxy" ]
	[ "$(asked authorization)" = "Basic $(printf 'carol:p@ss:word' | base64)" ]
}

@test "an HTTP proxy's refusal is named by its status line; status 1" {
	start_proxy connect --auth a:b
	through -X connect -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: proxy error \"HTTP/1.1 407 Proxy Authentication Required\"" ]
	start_proxy connect --fail 502
	through -X connect -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9
	[ "$status" -eq 1 ]
	[[ $stderr == *'failed: proxy error "HTTP/1.1 502 Nope"' ]]
}

# refused_status LINE: the CONNECT proxy answers LINE; sockcat must refuse
# it, naming it (escaped) in one line, status 1.
refused_status() {
	start_proxy connect --status "$1"
	run -1 --separate-stderr timeout 20 "$SOCKCAT" -X connect \
	    -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9 </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: proxy error \"$2\"" ]
}

@test "an HTTP status must be exactly three digits and a space: 2000 or 200x is no 200" {
	refused_status 'HTTP/1.1 2000 OK' 'HTTP/1.1 2000 OK'
	refused_status 'HTTP/1.1 200x OK' 'HTTP/1.1 200x OK'
	refused_status 'HTTP/1.1 200OK' 'HTTP/1.1 200OK'
	refused_status 'HTTP/1.1 20 OK' 'HTTP/1.1 20 OK'
	refused_status 'HTTP/1.1  200 OK' 'HTTP/1.1  200 OK'
	refused_status 'HTTP/1.1 +200 OK' 'HTTP/1.1 +200 OK'
	# a 2xx status with an empty reason phrase still opens the tunnel
	start_proxy connect --status 'HTTP/1.0 204 '
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -X connect \
	    -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9 </dev/null
	[ -z "$stderr" ]
}

@test "bytes of the proxy's answer that are not printable are escaped in the message" {
	refused_status 'HTTP/1.1 403 \x1b]0;owned\x07 \x1b[2J\\ \x00x\xff' \
	    'HTTP/1.1 403 \x1b]0;owned\x07 \x1b[2J\\ \x00x\xff'
	[[ $stderr != *$'\e'* ]]
	[[ $stderr != *$'\a'* ]]
}

@test "a HOST with a CR or LF is a usage error, and the proxy is never asked" {
	start_proxy connect
	usage_error -X connect -x "127.0.0.1:$PROXY_PORT" \
	    $'evil\r\nX-Injected: 1' 80
	[ ! -e "$PROXY_LOG" ]
	run -2 --separate-stderr timeout 20 "$SOCKCAT" -X connect \
	    -x "127.0.0.1:$PROXY_PORT" $'a\nb' 80 </dev/null
	[ ! -e "$PROXY_LOG" ]
}

@test "bytes that follow the proxy's answer in the same packet are the peer's, kept" {
	local type port
	for type in socks5 socks4 connect; do
		echo_peer
		start_proxy "$type" --banner $'hello from the tunnel\n'
		run --separate-stderr timeout 20 "$SOCKCAT" -N -X "${type#socks}" \
		    -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 "$port" </dev/null
		[ "$status" -eq 0 ]
		[ "$output" = "hello from the tunnel" ]
	done
}

@test "-x PROXY without a port uses 1080 for SOCKS and 3128 for CONNECT" {
	local type want
	for type in 5 4 connect; do
		want=1080
		[ "$type" = connect ] && want=3128
		run -1 --separate-stderr timeout 10 "$SOCKCAT" -w 1 -X "$type" \
		    -x 127.0.0.254 127.0.0.1 9 </dev/null
		[ "$stderr" = "sockcat: connect to 127.0.0.254 port $want (tcp) failed: Connection refused" ]
	done
}

@test "a proxy that never answers is bounded by -w" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/quiet" hold
	wait_listen "$port"
	run -1 --separate-stderr timeout 20 "$SOCKCAT" -w 1 \
	    -x "127.0.0.1:$port" 127.0.0.1 9 </dev/null
	[ "$stderr" = "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: Connection timed out" ]
}

@test "-P without a password and no terminal fails with one line, asking for USER:PASSWORD" {
	start_proxy connect
	run -1 --separate-stderr timeout 20 setsid "$SOCKCAT" -X connect -P dave \
	    -x "127.0.0.1:$PROXY_PORT" 127.0.0.1 9 </dev/null
	[[ $stderr == "sockcat: proxy 127.0.0.1: connect to 127.0.0.1 port 9 (tcp) failed: no terminal to ask the password on (give -P USER:PASSWORD)" ]]
}

@test "-P without a password asks for it on the terminal, without echo" {
	local port
	echo_peer
	start_proxy connect --auth dave:hunter2
	run -0 timeout 20 python3 - "$SOCKCAT" "$PROXY_PORT" "$port" <<'PY'
import os, pty, sys, time
sockcat, pport, port = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sockcat, [sockcat, "-N", "-d", "-X", "connect", "-P", "dave",
                       "-x", "127.0.0.1:" + pport, "127.0.0.1", port])
seen = b""
while b"Proxy password for dave@127.0.0.1: " not in seen:
    seen += os.read(fd, 1024)
os.write(fd, b"hunter2\n")
out = b""
try:
    while True:
        chunk = os.read(fd, 1024)
        if not chunk:
            break
        out += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
print("status", os.waitstatus_to_exitcode(status))
print("echoed", b"hunter2" in out)
PY
	[ "${lines[0]}" = "status 0" ]
	[ "${lines[1]}" = "echoed False" ]
	[ "$(asked credentials)" = dave:hunter2 ]
}

@test "-x with -u, -l, -z or -U, and -X or -P without -x, are usage errors" {
	local args
	for args in "-u 127.0.0.1 9" "-l 9" "-z 127.0.0.1 9" "-U /tmp/x"; do
		# shellcheck disable=SC2086
		usage_error -x 127.0.0.1 $args
		[[ $stderr == "sockcat: -x cannot be used with "* ]]
	done
	usage_error -X 5 127.0.0.1 9
	[[ $stderr == "sockcat: -X needs -x. Try 'sockcat --help'" ]]
	usage_error -P u 127.0.0.1 9
	[[ $stderr == "sockcat: -P needs -x. Try 'sockcat --help'" ]]
	usage_error -X 6 -x h 127.0.0.1 9
	[[ $stderr == "sockcat: unknown proxy type '6' (4, 5 or connect). Try 'sockcat --help'" ]]
	for args in "[::1" "h:" ":1080" "[]:1" "[::1]x" "h:0" "h:99999"; do
		usage_error -x "$args" 127.0.0.1 9
	done
}
