r"""tests/peerthenothers.py: for dgram.bats (peer_then_others).
peer_then_others PORT: to 127.0.0.1 PORT, "first" from the peer (from
127.0.0.1), then "refused" from 127.0.0.2 and "stranger" from another
127.0.0.1 port, then "second" from the peer: one datagram each."""
import socket, sys
port = int(sys.argv[1])
def sock(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    return s
peer, refused, stranger = sock("127.0.0.1"), sock("127.0.0.2"), sock("127.0.0.1")
peer.sendto(b"first\n", ("127.0.0.1", port))
refused.sendto(b"refused\n", ("127.0.0.1", port))
stranger.sendto(b"stranger\n", ("127.0.0.1", port))
peer.sendto(b"second\n", ("127.0.0.1", port))
