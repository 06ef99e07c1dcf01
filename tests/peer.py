#!/usr/bin/env python3
"""A scripted TCP peer for the sockcat tests.

Usage: peer.py [-6] [--ttl N] listen|connect PORT LOG ACTION...

"listen" accepts one client on 127.0.0.1 (::1 with -6) PORT (0: one the
kernel picks, printed first as "port N" on stdout); "connect" connects
there.  --ttl sets IP_TTL (IPv6: the hop limit) on the socket
first.  Bytes received go to LOG; LOG.times gets one line per read,
"<monotonic seconds> <hex bytes>".  Actions, in order:

  send:TEXT   send TEXT (backslash escapes: \\n, \\r, \\xff)
  sendfile:F  send the bytes of file F
  sleep:SEC   pause
  drain       read until the other side's EOF
  echo        read until EOF, sending each chunk straight back
  eofcheck:S  read until EOF or S seconds of silence, then send back
              "eof\n" or "no eof\n", whichever came first
  shut        shutdown(SHUT_WR): the other side sees EOF
  reset       close with SO_LINGER 0: the other side gets an RST
  hold        keep the connection open, without reading, for up to 25 s
  close       close the connection (also done at the end)
"""
import socket
import struct
import sys
import time


def main(argv):
    family, host, ttl = socket.AF_INET, "127.0.0.1", 0
    while argv and argv[0].startswith("-"):
        opt = argv.pop(0)
        if opt == "-6":
            family, host = socket.AF_INET6, "::1"
        elif opt == "--ttl":
            ttl = int(argv.pop(0))
        else:
            sys.exit("peer.py: unknown option " + opt)
    role, port, log = argv[0], int(argv[1]), argv[2]
    s = socket.socket(family, socket.SOCK_STREAM)
    if ttl:
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    if role == "listen":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        s.listen(1)
        if port == 0:
            print("port %d" % s.getsockname()[1], flush=True)
        c, _ = s.accept()
        s.close()
    else:
        s.settimeout(10)
        s.connect((host, port))
        s.settimeout(None)
        c = s
    with open(log, "wb") as raw, open(log + ".times", "w") as times:
        def receive(echo, silence=None):
            c.settimeout(silence)
            while True:
                try:
                    b = c.recv(65536)
                except socket.timeout:
                    c.settimeout(None)
                    return False
                if not b:
                    c.settimeout(None)
                    return True
                times.write("%.3f %s\n" % (time.monotonic(), b.hex()))
                times.flush()
                raw.write(b)
                raw.flush()
                if echo:
                    c.sendall(b)

        for act in argv[3:]:
            verb, _, arg = act.partition(":")
            if verb == "send":
                text = arg.encode().decode("unicode_escape")
                c.sendall(text.encode("latin-1"))
            elif verb == "sendfile":
                with open(arg, "rb") as f:
                    c.sendall(f.read())
            elif verb == "sleep":
                time.sleep(float(arg))
            elif verb in ("drain", "echo"):
                receive(verb == "echo")
            elif verb == "eofcheck":
                got_eof = receive(False, float(arg))
                c.sendall(b"eof\n" if got_eof else b"no eof\n")
            elif verb == "reset":
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
                c.close()
            elif verb == "shut":
                c.shutdown(socket.SHUT_WR)
            elif verb == "hold":
                time.sleep(25)
            elif verb == "close":
                c.close()
            else:
                sys.exit("peer.py: unknown action " + act)
    c.close()


if __name__ == "__main__":
    main(sys.argv[1:])
