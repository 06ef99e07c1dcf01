r"""tests/udplisten.py: for scan.bats (udp_listen).
udp_listen HOST PORT: a python3 UDP socket on PORT reading and
discarding datagrams, so no ICMP port unreachable comes back."""
import socket, sys
host = sys.argv[1]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((host, int(sys.argv[2])))
print("ready", flush=True)
while True:
    s.recv(65536)
