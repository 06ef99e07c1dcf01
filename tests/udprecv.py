r"""tests/udprecv.py: for udp.bats (start_receiver).
start_receiver PORT: a python3 UDP receiver on 127.0.0.1 PORT writing
one line per datagram to $BG_OUT: its length, then its bytes as hex."""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data = s.recv(70000)
    print(len(data), data.hex(), flush=True)
