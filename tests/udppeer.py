"""UDP peers for the datagram tests' scripts (dgram.bats, keepopen.bats):
`from udppeer import peer, got`, with tests/ on PYTHONPATH."""
import socket


def peer(src="127.0.0.1"):
    """A UDP socket bound to src on a port the kernel picks."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    return s


def got(s, secs):
    """The next datagram s receives within secs, as text, or None."""
    s.settimeout(secs)
    try:
        return s.recv(100).decode()
    except socket.timeout:
        return None
