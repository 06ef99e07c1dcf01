r"""tests/takefd.py: for passfd.bats (take_fd).
take_fd MESSAGE SOCKCAT-ARGS...: run sockcat ARGS with a socketpair on
its stdout, receive the socket it passes, send MESSAGE through that
socket, and print "status N", "blocking True|False" and "type T" (or
"nothing passed").  sockcat's stderr goes to $BATS_TEST_TMPDIR/err."""
import array, socket, subprocess, sys
err, sockcat, message = sys.argv[1], sys.argv[2], sys.argv[3]
a, b = socket.socketpair()
with open(err, "wb") as e:
    p = subprocess.Popen([sockcat] + sys.argv[4:], stdin=subprocess.DEVNULL,
                         stdout=b, stderr=e)
b.close()
a.settimeout(20)
data, anc, _, _ = a.recvmsg(16, socket.CMSG_SPACE(4 * 4))
fds = array.array("i")
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[:len(payload) - len(payload) % 4])
print("status", p.wait(20))
if not fds:
    print("nothing passed", repr(data))
    sys.exit(0)
print("bytes", repr(data), "fds", len(fds))
s = socket.socket(fileno=fds[0])
print("blocking", s.getblocking())
print("type", "tcp" if s.type == socket.SOCK_STREAM else "udp")
s.sendall(message.encode())
s.close()
