#!/usr/bin/env python3
"""Datagrams to a UDP listener, for the sockcat tests.

Usage: udpsend.py [-s SRC] PORT LINE...

From one UDP socket (bound to SRC, a port of the kernel's choice, with
-s; unbound otherwise), each LINE and a newline goes to 127.0.0.1 PORT as
one datagram, in order.
"""
import socket
import sys


def main(argv):
    source = None
    if argv[:1] == ["-s"] and len(argv) > 1:
        source, argv = argv[1], argv[2:]
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit(__doc__.split("\n\n")[1])
    port = int(argv[0])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if source is not None:
        s.bind((source, 0))
    for line in argv[1:]:
        s.sendto(line.encode() + b"\n", ("127.0.0.1", port))
    s.close()


if __name__ == "__main__":
    main(sys.argv[1:])
