r"""A harness that plays the peer and drives sockcat's stdin in lockstep,
so each step happens only after the previous one was seen.
Usage: python3 tests/crlfpeer.py PORT LOG ACTION... -- SOCKCAT ARGS...
It listens on 127.0.0.1 PORT, runs the command (with {port} replaced)
with pipes for stdin and stdout, accepts its connection, then:
  net:TEXT     sends TEXT to sockcat over the socket
  in:TEXT      writes TEXT to sockcat's stdin
  waitnet:N    waits until N bytes in all came from sockcat's socket
  waitout:N    waits until N bytes in all came out of sockcat's stdout
(TEXT takes backslash escapes: \n, \r, \xff.)  At the end it closes
sockcat's stdin, reads the socket until sockcat's EOF (so use -N),
closes the socket and waits for sockcat.  The bytes from the socket
go to LOG.net, sockcat's stdout to LOG.out; the harness exits with
sockcat's status.  Every wait gives up after 10 s."""
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
