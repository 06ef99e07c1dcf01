"""Helpers for tests/broker.bats: clients of a --broker, checked from Python.
Each test is one script run after `from brokerlib import *`, under
`timeout`; it fails (non-zero) on the first broken expectation."""
import hashlib, os, re, select, socket, sys, time

ERR = os.environ.get("BROKER_ERR", "/dev/null")

def nap(secs):
    """A margin of secs, scaled by SOCKCAT_TIME_SCALE (see helpers.bash)."""
    time.sleep(secs * float(os.environ.get("SOCKCAT_TIME_SCALE", "1")))

def log():
    with open(ERR, errors="replace") as f:
        return f.read()

def wait_log(pattern, n=1, secs=10):
    """Until the broker's stderr has n lines matching pattern."""
    end = time.monotonic() + secs
    while len(re.findall(pattern, log(), re.M)) < n:
        assert time.monotonic() < end, "want %d x %r in:\n%s" % (
            n, pattern, log())
        time.sleep(0.02)

def conn(port, host="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((host, port))
    return s

def uconn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s

def joined(s):
    """Wait until the broker has logged s as accepted; returns s."""
    wait_log(r"^Connection received on (127\.0\.0\.1|::1) %d$" %
        s.getsockname()[1])
    return s

def recv_exact(s, n, secs=10):
    data, end = b"", time.monotonic() + secs
    while len(data) < n:
        s.settimeout(max(end - time.monotonic(), 0.01))
        b = s.recv(n - len(data))
        assert b, "EOF after %r, wanted %d bytes" % (data[:80], n)
        data += b
    return data

def recv_eof(s, secs=10):
    """All bytes until the broker closes (a reset counts as a close)."""
    data, end = b"", time.monotonic() + secs
    while True:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            b = s.recv(1 << 20)
        except ConnectionResetError:
            return data
        if not b:
            return data
        data += b

def relay(sender, receivers, data, window=128 << 10, secs=40):
    """Send data through the broker, never more than window bytes ahead
    of the slowest receiver (under the broker's queue bound, so that only
    a client that really stops reading can be dropped); returns what each
    receiver got."""
    got = {r: bytearray() for r in receivers}
    sent, end = 0, time.monotonic() + secs
    sender.setblocking(False)
    while min(len(v) for v in got.values()) < len(data):
        assert time.monotonic() < end, "stalled: sent %d, got %s" % (
            sent, [len(v) for v in got.values()])
        ahead = sent < len(data) and sent - min(
            len(v) for v in got.values()) < window
        r, w, _ = select.select(list(got), [sender] if ahead else [], [], 1)
        if w:
            try:
                sent += sender.send(data[sent:sent + 65536])
            except BlockingIOError:
                pass
        for s in r:
            chunk = s.recv(1 << 20)
            assert chunk, "receiver dropped after %d bytes" % len(got[s])
            got[s] += chunk
    sender.setblocking(True)
    sender.settimeout(10)
    return [bytes(got[r]) for r in receivers]

def exchange(sent, secs=50):
    """Every socket in sent (socket -> bytes) sends its bytes as fast as
    the broker takes them while reading all the time, though in smaller
    pieces than it writes (a reader slower than its peers, but never
    stopping); returns what each received, once it has all the others'
    bytes."""
    want = {s: sum(len(d) for o, d in sent.items() if o is not s)
        for s in sent}
    got = {s: bytearray() for s in sent}
    off = {s: 0 for s in sent}
    end = time.monotonic() + secs
    for s in sent:
        s.setblocking(False)
    while any(len(got[s]) < want[s] for s in sent):
        assert time.monotonic() < end, "stalled: sent %s, got %s" % (
            list(off.values()), [len(v) for v in got.values()])
        w = [s for s in sent if off[s] < len(sent[s])]
        r, w, _ = select.select(list(sent), w, [], 1)
        for s in w:
            try:
                off[s] += s.send(sent[s][off[s]:off[s] + 65536])
            except BlockingIOError:
                pass
        for s in r:
            chunk = s.recv(8192)
            assert chunk, "EOF after %d bytes" % len(got[s])
            got[s] += chunk
    for s in sent:
        s.settimeout(10)
    return {s: bytes(got[s]) for s in sent}

def digest(data):
    return hashlib.sha256(data).hexdigest()

def still_open(s):
    """Nothing pending and no EOF: the broker keeps s."""
    r, _, _ = select.select([s], [], [], 0)
    return not r
