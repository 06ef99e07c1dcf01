#!/usr/bin/env bats
# -C: LF becomes CRLF on the way out (an LF already after CR is left
# alone), received data is never touched.  -t: telnet DO/WILL (and
# DONT/WONT) requests are answered with WONT/DONT.

bats_require_minimum_version 1.5.0
load helpers

# harness ACTION... -- ARGS...: run sockcat ARGS under tests/crlfpeer.py,
# which plays the peer and drives stdin in lockstep; its records are
# $BATS_TEST_TMPDIR/h.net and h.out.
harness() {
	local port
	port=$(free_port)
	run -0 --separate-stderr timeout 30 python3 \
	    "$SOCKCAT_SRCDIR/tests/crlfpeer.py" "$port" "$BATS_TEST_TMPDIR/h" "$@"
}

@test "-C sends each LF as CRLF" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	printf 'one\ntwo\n\nthree\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -C -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	cmp "$BATS_TEST_TMPDIR/peer" <(printf 'one\r\ntwo\r\n\r\nthree\r\n')
}

@test "without -C, LF is sent unchanged" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	cmp "$BATS_TEST_TMPDIR/peer" "$BATS_TEST_TMPDIR/in"
}

@test "-C leaves an existing CRLF alone and keeps a lone CR" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	printf 'dos\r\nunix\nmac\rend\r\n\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -C -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	cmp "$BATS_TEST_TMPDIR/peer" <(printf 'dos\r\nunix\r\nmac\rend\r\n\r\n')
}

@test "-C leaves CRLF alone when the CR and the LF arrive in separate reads" {
	harness 'in:x\r' waitnet:2 'in:\ny\n' waitnet:6 -- \
	    "$SOCKCAT" -C -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf 'x\r\ny\r\n')
}

@test "-C converts every LF in a large input" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	local peer=$BG_PID
	wait_listen "$port"
	python3 - "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/want" <<'PY'
import random, re, sys
rng = random.Random(7)
data = bytes(rng.choice(b"ab\n\n\r") for _ in range(600000)) + b"\n" * 200000
open(sys.argv[1], "wb").write(data)
open(sys.argv[2], "wb").write(re.sub(rb"(?<!\r)\n", b"\r\n", data))
PY
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -C -N 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	cmp "$BATS_TEST_TMPDIR/peer" "$BATS_TEST_TMPDIR/want"
}

@test "-C does not touch received data" {
	local port
	port=$(free_port)
	printf 'r1\nr2\r\nr3\r' >"$BATS_TEST_TMPDIR/reply"
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain sendfile:"$BATS_TEST_TMPDIR/reply" close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 bash -c \
	    '"$SOCKCAT" -C -N 127.0.0.1 "$1" <<<hi >"$2"' \
	    _ "$port" "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/reply" "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/peer" <(printf 'hi\r\n')
}

@test "-C converts LF in UDP datagrams too" {
	local port
	port=$(free_port udp)
	start_bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
d, _ = s.recvfrom(65536)
open(sys.argv[2], "wb").write(d)
' "$port" "$BATS_TEST_TMPDIR/peer"
	local peer=$BG_PID
	wait_listen "$port" udp
	printf 'a\nb\r\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 -C 127.0.0.1 "$port" \
	    <"$BATS_TEST_TMPDIR/in"
	wait_exit "$peer" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/peer" <(printf 'a\r\nb\r\n')
}

@test "-t answers IAC DO with IAC WONT and IAC WILL with IAC DONT" {
	# DO TERMINAL-TYPE (24), WILL ECHO (1), then a line of text.
	harness 'net:\xff\xfd\x18\xff\xfb\x01hello\n' waitout:12 waitnet:6 'in:end\n' -- \
	    "$SOCKCAT" -t -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf '\377\374\030\377\376\001end\n')
	grep -q hello "$BATS_TEST_TMPDIR/h.out"
}

@test "-t answers IAC DONT with IAC WONT and IAC WONT with IAC DONT" {
	harness 'net:\xff\xfe\x03\xff\xfc\x05ok\n' waitout:9 waitnet:6 'in:end\n' -- \
	    "$SOCKCAT" -t -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf '\377\374\003\377\376\005end\n')
}

@test "-t answers a request split across two reads" {
	harness 'net:\xff' waitout:1 'net:\xfd' waitout:2 'net:\x1f' waitnet:3 'in:end\n' -- \
	    "$SOCKCAT" -t -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf '\377\374\037end\n')
}

@test "-t does not answer other telnet commands or plain data" {
	# IAC NOP, IAC IAC (an escaped 255), then text.
	harness 'net:\xff\xf1\xff\xffplain\n' waitout:10 'in:end\n' -- \
	    "$SOCKCAT" -t -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf 'end\n')
}

@test "without -t, telnet requests get no answer" {
	harness 'net:\xff\xfd\x18\xff\xfb\x01hello\n' waitout:12 'in:end\n' -- \
	    "$SOCKCAT" -N 127.0.0.1 '{port}'
	cmp "$BATS_TEST_TMPDIR/h.net" <(printf 'end\n')
	cmp "$BATS_TEST_TMPDIR/h.out" <(printf '\377\375\030\377\373\001hello\n')
}
