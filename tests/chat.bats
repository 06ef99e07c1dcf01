#!/usr/bin/env bats
# --chat: the broker with each line relayed as "<userN> line" (N: the
# sender's descriptor, as ncat), never back to its sender; partial lines
# held until their newline, over-long ones passed on; ncat's join and
# leave notices; the server's stdin as <user0>.

bats_require_minimum_version 1.5.0
load helpers

# py ARGS... <<'PY' script PY: a Python client script, run after the
# helpers of tests/chatlib.py under a timeout; it fails (non-zero) on the
# first broken expectation.
py() {
	PYTHONPATH=$SOCKCAT_SRCDIR/tests timeout 60 python3 -c "from chatlib import *
$(cat)" "$@"
}

chat() {
	start_listener -l --chat "$@" 127.0.0.1 0
	port=$PORT
}

@test "each line goes to the others as <userN> line, never back to its sender" {
	chat
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port); b = Client(port); c = Client(port)
a.send(b"hello\n")
assert b.said() == b"<user%d> hello\n" % a.n
assert c.said() == b"<user%d> hello\n" % a.n
b.send(b"world\n")
# A's next words are B's: its own line never came back.
assert a.said() == b"<user%d> world\n" % b.n
assert c.said() == b"<user%d> world\n" % b.n
assert len({a.n, b.n, c.n}) == 3
PY
}

@test "N in <userN> is the client's descriptor in the server" {
	chat
	# timeout(1) runs sockcat as its only child.
	child=$(pgrep -P "$BG_PID")
	py "$port" "$child" <<'PY'
import os
port, child = int(sys.argv[1]), sys.argv[2]
a = Client(port); b = Client(port)
fds = os.listdir("/proc/%s/fd" % child)
assert str(a.n) in fds and str(b.n) in fds, (a.n, b.n, fds)
inode = os.readlink("/proc/%s/fd/%d" % (child, a.n))
assert inode.startswith("socket:"), inode
PY
}

@test "a partial line is held until its newline" {
	chat
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port); b = Client(port)
a.send(b"par")
nap(0.5)
a.send(b"tial\n")
assert b.said() == b"<user%d> partial\n" % a.n
PY
}

@test "an over-long line is passed on before its newline, as it is" {
	chat
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port); b = Client(port)
a.send(b"x" * 40000)
# Some of it comes before any newline is sent.
got, end = b"", time.monotonic() + 10
while b"x" not in got:
    assert time.monotonic() < end, "nothing before the newline"
    b.s.settimeout(1)
    try:
        got += b.s.recv(65536)
    except socket.timeout:
        pass
assert got.startswith(b"<user%d> x" % a.n), got[:40]
a.send(b"\n")
b.buf = got
text = b""
while not text.endswith(b"\n"):
    text += b.said()
assert re.sub(rb"<user%d> " % a.n, b"", text) == b"x" * 40000 + b"\n"
PY
}

@test "joins and leaves are announced as ncat does" {
	chat
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port)
assert a.here == b"<announce> already connected: nobody.\n"
b = Client(port)
assert b.here == (b"<announce> already connected: 127.0.0.1 %d as "
    b"<user%d>.\n" % (a.port, a.n))
assert a.line() == b"<announce> 127.0.0.1 %d is connected as <user%d>.\n" % (
    b.port, b.n)
assert a.line() == b.here
b.s.close()
assert a.line() == b"<announce> <user%d> is disconnected.\n" % b.n
PY
}

@test "a client's unfinished line still goes out when it leaves" {
	chat
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port); b = Client(port)
a.line(); a.line()		# B's arrival
b.send(b"last words")
b.s.shutdown(socket.SHUT_WR)
assert a.line() == (b"<user%d> last words<announce> <user%d> is "
    b"disconnected.\n" % (b.n, b.n))
PY
}

@test "the server's stdin reaches the clients as <user0>" {
	printf 'from the server\n' >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -l --chat 127.0.0.1 0
	port=$PORT
	py "$port" <<'PY'
port = int(sys.argv[1])
a = Client(port)
assert a.said() == b"<user0> from the server\n"
PY
	[ ! -s "$BG_OUT" ]
}

@test "a Unix-domain chat prefixes lines the same way" {
	sock=$BATS_TEST_TMPDIR/chat.sock
	start_bg "$SOCKCAT" -U -l --chat "$sock"
	wait_unix_listen "$sock"
	timeout 30 python3 - "$sock" <<'PY'
import re, socket, sys
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sys.argv[1])
    f = s.makefile("rb")
    m = re.fullmatch(rb"<announce> .* is connected as <user(\d+)>\.\n",
        f.readline())
    assert m
    f.readline()
    return s, f, int(m.group(1))
a, af, an = conn()
b, bf, bn = conn()
assert af.readline().endswith(b"is connected as <user%d>.\n" % bn)
af.readline()
a.sendall(b"over unix\n")
assert bf.readline() == b"<user%d> over unix\n" % an
PY
}

@test "a flood of bare newlines reaches a reader whole, prefixed, with nobody dropped and memory bounded" {
	chat
	child=$(pgrep -P "$BG_PID")
	py "$port" "$child" <<'PY'
import threading
port, child = int(sys.argv[1]), sys.argv[2]
def rss_kib():
    with open("/proc/%s/status" % child) as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))
a = Client(port); b = Client(port)
a.line(); a.line()		# B's arrival
lines = 2 << 20
threading.Thread(target=a.send, args=(b"\n" * lines,), daemon=True).start()
want = b"<user%d> \n" % a.n * lines
got, peak = bytearray(b.buf), 0
b.buf = b""
b.s.settimeout(20)
while len(got) < len(want):
    chunk = b.s.recv(65536)
    assert chunk, "EOF after %d of %d bytes" % (len(got), len(want))
    got += chunk
    peak = max(peak, rss_kib())
assert got == want, "lines lost or mangled"
assert peak < 64 << 10, "broker RSS %d KiB" % peak
# Both are still there.
b.send(b"done\n")
assert a.said() == b"<user%d> done\n" % b.n
PY
}

@test "a chat client that never reads holds the others up only for the stall timeout" {
	chat -v
	py "$port" "$BG_ERR" <<'PY'
import threading
port, err = int(sys.argv[1]), sys.argv[2]
# The silent one: a tiny window, never read.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
a = Client(port); b = Client(port)
a.line(); a.line()		# B's arrival
lines = 1 << 20
line = b"%07d\n"
threading.Thread(target=a.send, daemon=True,
    args=(b"".join(line % i for i in range(lines)),)).start()
t0 = time.monotonic()
for i in range(lines):
    got = b.said(20)
    assert got == b"<user%d> " % a.n + line % i, (i, got[:80])
assert time.monotonic() - t0 >= 5, "the silent client held nobody up"
# Someone coming now is greeted at once, and the silent one is gone.
c = Client(port)
assert re.search(rb" as <user%d>[,.]" % a.n, c.here), c.here
assert b" %d as" % s.getsockname()[1] not in c.here, c.here
log = open(err).read()
assert re.search(r"^Connection from 127\.0\.0\.1 %d closed: not reading "
    r"for 5 s$" % s.getsockname()[1], log, re.M), log
assert log.count("closed") == 1, log
PY
}
