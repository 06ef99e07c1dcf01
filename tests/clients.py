"""Usage: python3 tests/clients.py PORT N AT-ONCE KIND: N clients of
127.0.0.1 PORT, AT-ONCE of them connected at a time.  Each sends its own
line, shuts down its write side and reads to EOF; KIND says what it must
get back: `echo` its line, `none` nothing, or any other word: that word
and a newline (without sending).  Prints "N clients served"."""
import socket, sys, threading
port, n, width, kind = (int(sys.argv[1]), int(sys.argv[2]),
                        int(sys.argv[3]), sys.argv[4])
failures = []

def one(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    line = b"client %d\n" % i
    if kind in ("echo", "none"):
        s.sendall(line)
        s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
    s.close()
    want = {"echo": line, "none": b""}.get(kind, kind.encode() + b"\n")
    if got != want:
        failures.append("client %d: got %r, wanted %r" % (i, got, want))

def worker(k):
    for i in range(k, n, width):
        try:
            one(i)
        except OSError as e:
            failures.append("client %d: %s" % (i, e))

threads = [threading.Thread(target=worker, args=(k,)) for k in range(width)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit("\n".join(failures[:10]))
print("%d clients served" % n)
