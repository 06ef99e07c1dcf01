#!/usr/bin/env bats
# --broker: one process relays every client's bytes to all the others and
# never back, with back-pressure: busy readers lose nothing, a client that
# stops reading is dropped after the stall timeout; --max-conns,
# --allow/--deny, per-client -w/--idle-timeout; the select() limit and
# running out of descriptors are survived (without spinning); Unix sockets.

bats_require_minimum_version 1.5.0
load helpers

# py ARGS... <<'PY' script PY: a Python client script, run after the
# helpers of tests/brokerlib.py under a timeout; it fails (non-zero) on the
# first broken expectation.  The broker's stderr (BG_ERR of the latest
# start_bg) is BROKER_ERR.
py() {
	BROKER_ERR=$BG_ERR PYTHONPATH=$SOCKCAT_SRCDIR/tests \
	    timeout 60 python3 -c "from brokerlib import *
$(cat)" "$@"
}

# broker ARGS...: start sockcat -l --broker ARGS in the background.
broker() {
	start_bg "$SOCKCAT" -l --broker "$@"
}

@test "what one client sends reaches every other client, never itself" {
	broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port)); b = joined(conn(port)); c = joined(conn(port))
a.sendall(b"from-a\n")
assert recv_exact(b, 7) == b"from-a\n"
assert recv_exact(c, 7) == b"from-a\n"
b.sendall(b"from-b\n")
# A's first bytes are B's: its own line never came back.
assert recv_exact(a, 7) == b"from-b\n"
assert recv_exact(c, 7) == b"from-b\n"
c.sendall(b"from-c\n")
assert recv_exact(b, 7) == b"from-c\n"
assert recv_exact(a, 7) == b"from-c\n"
assert still_open(a) and still_open(b) and still_open(c)
PY
}

@test "a MiB of random bytes from one client reaches the others intact" {
	broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port)); b = joined(conn(port)); c = joined(conn(port))
data = os.urandom(1 << 20)
assert relay(a, [b, c], data) == [data, data]
assert still_open(a)
PY
}

@test "a client that stops reading is dropped and does not stall the others" {
	broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
total = 24 << 20
# The stalled one never reads and offers a tiny window.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
joined(s)
a = joined(conn(port)); b = joined(conn(port))
data = bytes(range(256)) * (total // 256)
assert relay(a, [b], data) == [data]
wait_log(r"^Connection from 127\.0\.0\.1 %d closed: not reading" %
    s.getsockname()[1])
# The stalled client gets what was in flight, then the end.
assert len(recv_eof(s)) < total
# The two active ones are untouched.
b.sendall(b"still here\n")
assert recv_exact(a, 11) == b"still here\n"
PY
}

@test "two clients sending 10 MiB to each other at once both get every byte" {
	broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port)); b = joined(conn(port))
da = os.urandom(10 << 20); db = os.urandom(10 << 20)
got = exchange({a: da, b: db})
assert digest(got[b]) == digest(da)
assert digest(got[a]) == digest(db)
assert still_open(a)
assert still_open(b)
assert " closed" not in log(), log()
PY
}

@test "a client that never reads is dropped after the stall timeout and two busy clients lose nothing" {
	broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
joined(s)
a = joined(conn(port)); b = joined(conn(port))
da = os.urandom(10 << 20); db = os.urandom(10 << 20)
t0 = time.monotonic()
got = exchange({a: da, b: db})
assert digest(got[b]) == digest(da)
assert digest(got[a]) == digest(db)
# Only the silent one went, and only after holding the others up 5 s.
closed = re.findall(r"^Connection from .* closed.*$", log(), re.M)
assert closed == ["Connection from 127.0.0.1 %d closed: not reading "
    "for 5 s" % s.getsockname()[1]], closed
assert time.monotonic() - t0 >= 5
assert len(recv_eof(s)) < 20 << 20
assert still_open(a)
assert still_open(b)
PY
}

@test "--max-conns 2 accepts two clients and closes a third at once" {
	broker -vv --max-conns 2 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port)); b = joined(conn(port))
c = conn(port)
wait_log(r"^Connection from 127\.0\.0\.1 %d refused \(--max-conns" %
    c.getsockname()[1])
assert recv_eof(c) == b""
a.sendall(b"hi\n")
assert recv_exact(b, 3) == b"hi\n"
# A slot frees when a client leaves.
a.close()
wait_log(r"^Connection from 127\.0\.0\.1 \d+ closed$")
d = joined(conn(port))
b.sendall(b"to d\n")
assert recv_exact(d, 5) == b"to d\n"
assert "Connection received on 127.0.0.1 %d" % c.getsockname()[1] not in log()
PY
}

# acl_case LIST-OPTIONS... -- ADMITTED REFUSED: a dual-stack broker with
# those options admits a client from ADMITTED and closes one from REFUSED
# before any data, saying so under -v with its address and port.
acl_case() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	broker -v "${opts[@]}" 0
	port=$(bound_port "$BG_ERR")
	py "$port" "$2" "$3" <<'PY'
port, ok, bad = int(sys.argv[1]), sys.argv[2], sys.argv[3]
a = joined(conn(port, ok)); b = joined(conn(port, ok))
r = conn(port, bad)
wait_log(r"^Connection from %s %d refused by --allow/--deny$" %
    (re.escape(bad), r.getsockname()[1]))
a.sendall(b"secret\n")
assert recv_exact(b, 7) == b"secret\n"
assert recv_eof(r) == b""
assert "Connection received on %s %d" % (bad, r.getsockname()[1]) not in log()
PY
}

@test "--allow 127.0.0.1 admits IPv4 loopback and refuses ::1" {
	acl_case --allow 127.0.0.1 -- 127.0.0.1 ::1
}

@test "--allow ::1 admits IPv6 loopback and refuses 127.0.0.1" {
	acl_case --allow ::1 -- ::1 127.0.0.1
}

@test "--deny 127.0.0.0/8 refuses IPv4 loopback and admits ::1" {
	acl_case --deny 127.0.0.0/8 -- ::1 127.0.0.1
}

@test "--deny ::1 refuses IPv6 loopback and admits 127.0.0.1" {
	acl_case --deny ::1 -- 127.0.0.1 ::1
}

# idle_case OPTION: the idle limit closes each client on its own clock.
idle_case() {
	broker -v "$@" 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port))
t0 = time.monotonic()
time.sleep(1)			# B's clock starts a second after A's
b = joined(conn(port))
assert recv_eof(a) == b""
assert time.monotonic() - t0 >= 1.5, "closed too early"
wait_log(r"^Connection from 127\.0\.0\.1 %d closed: idle timeout$" %
    a.getsockname()[1])
time.sleep(0.3)			# B has 0.7 s left
assert still_open(b), "B was closed with A"
assert recv_eof(b) == b""
PY
}

@test "--idle-timeout closes an idle client and leaves a younger one open" {
	idle_case --idle-timeout 2
}

@test "-w closes an idle client and leaves a younger one open" {
	idle_case -w 2
}

@test "traffic either way keeps broker clients from the idle timeout" {
	broker -v --idle-timeout 1.5 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port)); b = joined(conn(port))
# B talks, A only listens: both stay well past the limit.
for i in range(12):
    b.sendall(b"x")
    assert recv_exact(a, 1) == b"x"
    time.sleep(0.3)
assert still_open(a) and still_open(b)
assert recv_eof(a) == b"" and recv_eof(b) == b""
PY
}

@test "the broker's stdin goes to the connected clients" {
	printf 'from stdin\n' >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
a = joined(conn(port))
assert recv_exact(a, 11) == b"from stdin\n"
PY
	[ ! -s "$BG_OUT" ]
}

@test "a Unix-domain broker relays between its clients" {
	sock=$BATS_TEST_TMPDIR/broker.sock
	start_bg "$SOCKCAT" -v -U -l --broker "$sock"
	wait_unix_listen "$sock"
	py "$sock" <<'PY'
path = sys.argv[1]
a = uconn(path); b = uconn(path); c = uconn(path)
wait_log(r"^Connection received on %s$" % re.escape(path), 3)
a.sendall(b"over unix\n")
assert recv_exact(b, 10) == b"over unix\n"
assert recv_exact(c, 10) == b"over unix\n"
c.sendall(b"back\n")
assert recv_exact(a, 5) == b"back\n"
assert recv_exact(b, 5) == b"back\n"
PY
}

@test "clients beyond select()'s FD_SETSIZE are refused, the rest served" {
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1300 ] ||
	    skip "hard descriptor limit below 1300"
	start_bg bash -c 'ulimit -n 1300 && exec "$@"' sh \
	    "$SOCKCAT" -v -l --broker 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
import resource
resource.setrlimit(resource.RLIMIT_NOFILE, (1300, 1300))
port = int(sys.argv[1])
clients = [conn(port) for _ in range(1100)]
wait_log(r"^Connection from 127\.0\.0\.1 \d+ refused \(beyond", 1, 30)
wait_log(r"^Connection (received on|from) 127\.0\.0\.1 \d+", 1100, 30)
refused = [s for s in clients if "Connection from 127.0.0.1 %d refused" %
    s.getsockname()[1] in log()]
served = [s for s in clients if s not in refused]
assert 900 < len(served) < 1024, len(served)
assert recv_eof(refused[-1]) == b""
served[0].sendall(b"ping\n")
assert recv_exact(served[-1], 5) == b"ping\n"
PY
}

@test "out of descriptors, extra clients are refused and the rest served" {
	start_bg bash -c 'ulimit -n 20 && exec "$@"' sh \
	    "$SOCKCAT" -vv -l --broker 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" <<'PY'
port = int(sys.argv[1])
clients = [conn(port) for _ in range(30)]
wait_log(r"^Connection from 127\.0\.0\.1 \d+ refused \(out of descriptors\)$")
wait_log(r"^Connection (received on|from) 127\.0\.0\.1 \d+", 30)
refused = [s for s in clients if "Connection from 127.0.0.1 %d refused" %
    s.getsockname()[1] in log()]
served = [s for s in clients if s not in refused]
assert len(served) >= 2 and len(refused) >= 1
assert recv_eof(refused[0]) == b""
served[0].sendall(b"ping\n")
assert recv_exact(served[1], 5) == b"ping\n"
# A freed slot is usable again.
gone = served[0].getsockname()[1]
served[0].close()
wait_log(r"^Connection from 127\.0\.0\.1 %d closed$" % gone)
late = joined(conn(port))
late.sendall(b"late\n")
assert recv_exact(served[1], 5) == b"late\n"
PY
}

@test "with 64 descriptors and 100 clients the broker neither dies nor spins, and serves again when the load drops" {
	start_bg bash -c 'ulimit -n 64 && exec "$@"' sh \
	    "$SOCKCAT" -v -l --broker 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	# timeout(1) runs bash, which became sockcat.
	child=$(pgrep -P "$BG_PID")
	py "$port" "$child" <<'PY'
import threading
port, child = int(sys.argv[1]), sys.argv[2]
def cpu_ticks():
    with open("/proc/%s/stat" % child) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])	# utime + stime
stop, refusals = threading.Event(), [0]
def client():
    """Hold a slot; when refused, knock again at once."""
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            continue
        while not stop.is_set():
            r, _, _ = select.select([s], [], [], 0.1)
            if r and not s.recv(1):
                refusals[0] += 1
                break
        s.close()
threads = [threading.Thread(target=client) for _ in range(100)]
for t in threads:
    t.start()
wait_log(r"^Connection from 127\.0\.0\.1 \d+ refused \(out of descriptors\)$")
wait_log(r"^Connection received on", 50)
nap(0.5)
ticks, knocks, t0 = cpu_ticks(), refusals[0], time.monotonic()
time.sleep(2)
busy = (cpu_ticks() - ticks) / os.sysconf("SC_CLK_TCK")
knocks, secs = refusals[0] - knocks, time.monotonic() - t0
stop.set()
for t in threads:
    t.join()
assert knocks > 0, "no refused client knocked again: no load"
assert busy < 0.1 * secs, "%.2f s of CPU in %.2f s" % (busy, secs)
# The load is gone: the broker serves as before.  Until it has seen every
# old client leave, a new one may still be refused (EOF at once), and a
# knock still in the backlog may be taken first: so A says it again until
# B hears, with a new pair after a refusal.
end = time.monotonic() + 10
heard = b""
while heard != b"ping\n":
    assert time.monotonic() < end, "no service after the load"
    a = conn(port); b = conn(port)
    while not select.select([b], [], [], 0.2)[0]:
        assert time.monotonic() < end, "no service after the load"
        try:
            a.sendall(b"ping\n")
        except OSError:
            break		# A was refused: a new pair
    try:
        heard = b.recv(5)
    except OSError:
        heard = b""
    a.close(); b.close()
    if heard != b"ping\n":
        time.sleep(0.2)
PY
	kill -0 "$child"
}

@test "the broker's stdin goes at the pace of a slow reader and arrives whole" {
	head -c $((8 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in broker -v 127.0.0.1 0
	port=$(bound_port "$BG_ERR")
	py "$port" "$BATS_TEST_TMPDIR/in" <<'PY'
port, path = int(sys.argv[1]), sys.argv[2]
want = open(path, "rb").read()
a = joined(conn(port))
got = bytearray()
while len(got) < len(want):
    chunk = a.recv(8192)	# small pieces: slower than a file is read
    assert chunk, "dropped after %d of %d bytes" % (len(got), len(want))
    got += chunk
assert digest(bytes(got)) == digest(want)
PY
}
