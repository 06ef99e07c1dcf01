r"""A UDP receiver.  Usage: python3 tests/dgramrecv.py FAMILY PORT
FAMILY is 4 (127.0.0.1) or 6 (::1).  Prints "tos=N ttl=N data=..."
for the first datagram, TOS/traffic class and TTL/hop limit as the
kernel saw them arrive."""
import socket, sys
fam, port = sys.argv[1], int(sys.argv[2])
IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)
if fam == "6":
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    s.bind(("::1", port))
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    s.bind(("127.0.0.1", port))
data, anc, _, _ = s.recvmsg(65536, 1024)
tos = ttl = None
for level, kind, d in anc:
    if level == socket.IPPROTO_IP and kind == socket.IP_TOS:
        tos = d[0]
    elif level == socket.IPPROTO_IP and kind == socket.IP_TTL:
        ttl = int.from_bytes(d[:4], sys.byteorder)
    elif level == socket.IPPROTO_IPV6 and kind == socket.IPV6_TCLASS:
        tos = int.from_bytes(d[:4], sys.byteorder)
    elif level == socket.IPPROTO_IPV6 and kind == socket.IPV6_HOPLIMIT:
        ttl = int.from_bytes(d[:4], sys.byteorder)
print("tos=%s ttl=%s data=%s" % (tos, ttl, data.decode(errors="replace").strip()), flush=True)
