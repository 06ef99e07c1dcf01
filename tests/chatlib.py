"""Helpers for tests/chat.bats: --chat clients, checked from Python.
Each test is one script run after `from chatlib import *`, under
`timeout`; it fails (non-zero) on the first broken expectation."""
import os, re, socket, sys, time

def nap(secs):
    """A margin of secs, scaled by SOCKCAT_TIME_SCALE (see helpers.bash)."""
    time.sleep(secs * float(os.environ.get("SOCKCAT_TIME_SCALE", "1")))

class Client:
    """A chat client reading whole lines, each within a deadline."""
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.port = self.s.getsockname()[1]
        self.buf = b""
        # ncat's greeting names us first, then who is already here.
        m = re.fullmatch(rb"<announce> 127\.0\.0\.1 %d is connected as "
            rb"<user(\d+)>\.\n" % self.port, self.line())
        assert m, "no greeting"
        self.n = int(m.group(1))
        self.here = self.line()
        assert self.here.startswith(b"<announce> already connected: ")

    def line(self, secs=10):
        end = time.monotonic() + secs
        while b"\n" not in self.buf:
            self.s.settimeout(max(end - time.monotonic(), 0.01))
            b = self.s.recv(65536)
            assert b, "EOF after %r" % self.buf[:200]
            self.buf += b
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def said(self, secs=10):
        """The next line that is not an <announce>."""
        while True:
            line = self.line(secs)
            if not line.startswith(b"<announce> "):
                return line

    def send(self, data):
        self.s.sendall(data)
