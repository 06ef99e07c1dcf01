#!/usr/bin/env python3
"""Unix-domain sockets for the sockcat tests, played by hand.

Usage: unixsock.py stale PATH
       unixsock.py listen PATH [--on-cue]
       unixsock.py send PATH TEXT [FROM [--unlink]]

"stale" binds a stream socket at PATH and closes it without unlink: a
socket file whose owner has gone.

"listen" binds a stream socket at PATH, listens (backlog 8), prints
"ready" and keeps it for 30 s without accepting.  With --on-cue it first
waits for a line on stdin, then removes what is at PATH and binds there.

"send" sends one datagram, TEXT and a newline, to the datagram socket
at PATH, from an unbound socket or one bound at FROM; with --unlink the
file FROM is removed once the socket is closed (a sender that is gone).
"""
import os
import socket
import sys
import time


def stale(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()


def listen(path, on_cue=False):
    if on_cue:
        sys.stdin.readline()
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(8)
    print("ready", flush=True)
    time.sleep(30)


def send(path, text, source=None, unlink=False):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if source is not None:
        s.bind(source)
    s.sendto(text.encode() + b"\n", path)
    s.close()
    if unlink:
        os.unlink(source)


def main(argv):
    if len(argv) == 2 and argv[0] == "stale":
        stale(argv[1])
    elif len(argv) in (2, 3) and argv[0] == "listen" and \
            argv[2:] in ([], ["--on-cue"]):
        listen(argv[1], len(argv) == 3)
    elif len(argv) in (3, 4, 5) and argv[0] == "send" and \
            argv[4:] in ([], ["--unlink"]):
        send(argv[1], argv[2], argv[3] if len(argv) > 3 else None,
             len(argv) == 5)
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv[1:])
