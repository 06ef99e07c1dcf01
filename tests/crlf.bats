#!/usr/bin/env bats
# -C: LF becomes CRLF on the way out (an LF already after CR is left
# alone), received data is never touched.  -t: telnet DO/WILL (and
# DONT/WONT) requests are answered with WONT/DONT.

bats_require_minimum_version 1.5.0
load helpers

# A harness that plays the peer and drives sockcat's stdin in lockstep,
# so each step happens only after the previous one was seen.
# Usage: python3 -c "$HARNESS_PY" PORT LOG ACTION... -- SOCKCAT ARGS...
# It listens on 127.0.0.1 PORT, runs the command (with {port} replaced)
# with pipes for stdin and stdout, accepts its connection, then:
#   net:TEXT     sends TEXT to sockcat over the socket
#   in:TEXT      writes TEXT to sockcat's stdin
#   waitnet:N    waits until N bytes in all came from sockcat's socket
#   waitout:N    waits until N bytes in all came out of sockcat's stdout
# (TEXT takes backslash escapes: \n, \r, \xff.)  At the end it closes
# sockcat's stdin, reads the socket until sockcat's EOF (so use -N),
# closes the socket and waits for sockcat.  The bytes from the socket
# go to LOG.net, sockcat's stdout to LOG.out; the harness exits with
# sockcat's status.  Every wait gives up after 10 s.
HARNESS_PY='
import os, socket, subprocess, sys, threading
port, log = int(sys.argv[1]), sys.argv[2]
sep = sys.argv.index("--")
actions, cmd = sys.argv[3:sep], sys.argv[sep + 1:]
def unescape(t):
    return t.encode().decode("unicode_escape").encode("latin-1")
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1)
ls.settimeout(10)
p = subprocess.Popen([a.replace("{port}", str(port)) for a in cmd],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def fail(msg):
    p.kill()
    sys.exit("harness: " + msg)
try:
    c, _ = ls.accept()
except OSError as e:
    fail("no connection: %s" % e)
ls.close()
bufs = {"net": bytearray(), "out": bytearray()}
cond = threading.Condition()
def reader(read, key):
    while True:
        try:
            b = read(65536)
        except OSError:
            b = b""
        with cond:
            if not b:
                bufs[key + "_eof"] = True
                cond.notify_all()
                return
            bufs[key].extend(b)
            cond.notify_all()
threads = [threading.Thread(target=reader, args=(c.recv, "net"), daemon=True),
           threading.Thread(target=reader,
                            args=(lambda n: os.read(p.stdout.fileno(), n), "out"),
                            daemon=True)]
for t in threads:
    t.start()
def wait_for(what, pred):
    with cond:
        if not cond.wait_for(pred, timeout=10):
            fail("timed out waiting for %s; net=%r out=%r"
                 % (what, bytes(bufs["net"]), bytes(bufs["out"])))
for act in actions:
    verb, _, arg = act.partition(":")
    if verb == "net":
        c.sendall(unescape(arg))
    elif verb == "in":
        p.stdin.write(unescape(arg))
        p.stdin.flush()
    elif verb == "waitnet":
        wait_for(act, lambda: len(bufs["net"]) >= int(arg))
    elif verb == "waitout":
        wait_for(act, lambda: len(bufs["out"]) >= int(arg))
    else:
        fail("unknown action " + act)
p.stdin.close()
wait_for("EOF from sockcat", lambda: bufs.get("net_eof"))
c.close()
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    fail("sockcat did not exit after the peer closed")
threads[1].join(10)
with open(log + ".net", "wb") as f:
    f.write(bufs["net"])
with open(log + ".out", "wb") as f:
    f.write(bufs["out"])
sys.exit(rc)
'

# harness ACTION... -- ARGS...: run sockcat ARGS under the harness;
# its records are $BATS_TEST_TMPDIR/h.net and h.out.
harness() {
	local port
	port=$(free_port)
	run -0 --separate-stderr timeout 30 python3 -c "$HARNESS_PY" "$port" \
	    "$BATS_TEST_TMPDIR/h" "$@"
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
