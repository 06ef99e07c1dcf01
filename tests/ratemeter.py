#!/usr/bin/env python3
"""How data arrives over time, for tests/rate.bats.

Usage: ratemeter.py stdin OUT   copy stdin to OUT as it comes
       ratemeter.py read IN OUT  the same from IN, opened once running
                                (a FIFO: its writer waits until then)
       ratemeter.py times LOG   read peer.py's LOG.times afterwards
       ratemeter.py udp N       bind a UDP socket on 127.0.0.1, print its
                                port (one line), take N datagrams (or
                                what comes in 20 s)

Each then prints one line: "TOTAL FIRST SECOND SPAN COUNT MIN MAX": the
bytes in all, those that came in the first second (from the first
arrival on) and in the second after it, the seconds from the first
arrival to the last, and how many reads or datagrams there were with
their smallest and largest size.
"""
import socket
import sys
import time


def report(arrivals):
    """arrivals: (monotonic seconds, bytes) a read or datagram."""
    if not arrivals:
        print("0 0 0 0 0 0 0")
        return
    t0 = arrivals[0][0]
    total = sum(n for _, n in arrivals)
    first = sum(n for t, n in arrivals if t - t0 < 1.0)
    second = sum(n for t, n in arrivals if 1.0 <= t - t0 < 2.0)
    sizes = [n for _, n in arrivals]
    print("%d %d %d %.3f %d %d %d" % (total, first, second,
          arrivals[-1][0] - t0, len(sizes), min(sizes), max(sizes)))


def from_stream(src, out):
    arrivals = []
    with open(out, "wb") as f:
        while True:
            b = src.read(1 << 16)
            if not b:
                break
            arrivals.append((time.monotonic(), len(b)))
            f.write(b)
    report(arrivals)


def from_times(log):
    arrivals = []
    with open(log + ".times") as f:
        for line in f:
            t, hexed = line.split()
            arrivals.append((float(t), len(hexed) // 2))
    report(arrivals)


def from_udp(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    arrivals = []
    end = time.monotonic() + 20
    while len(arrivals) < count and time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        arrivals.append((time.monotonic(), len(b)))
    report(arrivals)


def main(argv):
    if argv[:1] == ["read"] and len(argv) == 3:
        with open(argv[1], "rb", buffering=0) as src:
            from_stream(src, argv[2])
        return
    if len(argv) != 2 or argv[0] not in ("stdin", "times", "udp"):
        sys.exit(__doc__)
    if argv[0] == "stdin":
        from_stream(sys.stdin.buffer.raw, argv[1])
    elif argv[0] == "times":
        from_times(argv[1])
    else:
        from_udp(int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
