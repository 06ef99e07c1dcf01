r"""heldclients.py PORT N KIND DIR: N clients of 127.0.0.1 PORT connected at
once, each sending its own line.  With KIND `echo-now` each must get its
line back at once (N servers at work together), then "ready" is
printed; with `echo` or `none`, "ready" comes as soon as all are
connected.  Once DIR/release exists, each shuts down its write side and
reads to EOF: all it got must be its line (`echo`, `echo-now`) or
nothing (`none`).  Ends with "done".  Run in the background:
start_bg_for SECONDS python3 tests/heldclients.py PORT N KIND DIR."""
import os, socket, sys, time
port, n, kind, release = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                          os.path.join(sys.argv[4], "release"))

def read_until(s, count=None):
    got = b""
    while count is None or len(got) < count:
        b = s.recv(4096)
        if not b:
            break
        got += b
    return got

conns = [socket.create_connection(("127.0.0.1", port), timeout=25)
         for _ in range(n)]
early = [b""] * n
for i, s in enumerate(conns):
    s.sendall(b"client %d\n" % i)
if kind == "echo-now":
    for i, s in enumerate(conns):
        early[i] = read_until(s, len(b"client %d\n" % i))
print("ready", flush=True)
while not os.path.exists(release):
    time.sleep(0.02)
for s in conns:
    s.shutdown(socket.SHUT_WR)
for i, s in enumerate(conns):
    got = early[i] + read_until(s)
    want = b"" if kind == "none" else b"client %d\n" % i
    if got != want:
        sys.exit("client %d: got %r, wanted %r" % (i, got, want))
    s.close()
print("done", flush=True)
