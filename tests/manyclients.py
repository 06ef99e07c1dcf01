r"""tests/manyclients.py: for fork.bats (many_clients).
many_clients PORT N SIZE: open N connections to 127.0.0.1 PORT and keep
them all open; each must echo a first line while all N are connected
(so N children serve at once); then each sends SIZE random bytes of its
own, shuts down, and must read exactly those bytes back before EOF."""
import os, socket, sys, threading
port, n, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def read_exactly(s, count):
    got = b""
    while len(got) < count:
        b = s.recv(count - len(got))
        if not b:
            break
        got += b
    return got

conns = [socket.create_connection(("127.0.0.1", port), timeout=30)
         for _ in range(n)]
for i, s in enumerate(conns):
    s.sendall(b"hello %d\n" % i)
for i, s in enumerate(conns):
    want = b"hello %d\n" % i
    got = read_exactly(s, len(want))
    if got != want:
        sys.exit("client %d: first line %r, wanted %r" % (i, got, want))

failures = []
def run(i, s):
    data = os.urandom(size)
    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    t.join()
    s.close()
    if got != data:
        failures.append("client %d: %d bytes back of %d, %s" % (
            i, len(got), len(data), "prefix equal" if
            data.startswith(got) else "different bytes"))

threads = [threading.Thread(target=run, args=(i, s))
           for i, s in enumerate(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit("\n".join(failures))
print("%d clients echoed" % n)
