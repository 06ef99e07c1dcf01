#!/usr/bin/env python3
"""A one-client proxy for the -x tests: SOCKS 4, SOCKS 5 or HTTP CONNECT.

usage: proxy.py TYPE LOG [--host H] [--fail CODE] [--auth USER:PASS]
                [--banner TEXT] [--status LINE]

Listens on H (127.0.0.1) port 0 and prints "port N".  Takes one client,
reads its request and writes what it asked for to LOG as JSON (type,
host, port, atyp, user, password, authorization, raw request bytes in hex,
request line and headers for CONNECT).  With --fail it answers with that
SOCKS reply code or HTTP status and closes; otherwise it connects to the
target, answers success, and relays both ways until both sides are done.
--auth makes SOCKS 5 demand RFC 1929 user and password, and CONNECT demand
a Proxy-Authorization header (407 otherwise).  --banner sends TEXT through
the tunnel right after the success answer, in the same send, so a client
that reads past the answer would swallow it.  --status (CONNECT) answers
with LINE (Python escapes such as \\r or \\x1b allowed), an empty line,
and a close, without connecting anywhere: what the client makes of a
status line.

It never looks a name up: a target that is not an IP address is refused
(localhost is taken as 127.0.0.1), so no test sends a DNS query.
"""
import argparse
import base64
import json
import socket
import sys
import threading


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("client closed")
        data += chunk
    return data


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def connect_target(host, port):
    """The target, by address only: never a DNS query."""
    if host == "localhost":
        host = "127.0.0.1"
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(fam, host)
            break
        except OSError:
            pass
    else:
        raise OSError("not an IP address: %r" % host)
    return socket.create_connection((host, port), timeout=10)


def relay(client, target):
    t = threading.Thread(target=pipe, args=(target, client))
    t.start()
    pipe(client, target)
    t.join()


def socks5(c, args, log):
    head = recv_exact(c, 2)
    methods = list(recv_exact(c, head[1]))
    log["methods"] = methods
    if args.auth:
        if 2 not in methods:
            c.sendall(b"\x05\xff")
            return None
        c.sendall(b"\x05\x02")
        ver, ulen = recv_exact(c, 2)
        user = recv_exact(c, ulen).decode()
        plen = recv_exact(c, 1)[0]
        password = recv_exact(c, plen).decode()
        log["user"], log["password"] = user, password
        ok = "%s:%s" % (user, password) == args.auth
        c.sendall(b"\x01" + (b"\x00" if ok else b"\x01"))
        if not ok:
            return None
    else:
        c.sendall(b"\x05\x00")
    ver, cmd, _, atyp = recv_exact(c, 4)
    log["atyp"] = atyp
    if atyp == 1:
        host = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4))
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
    else:
        host = recv_exact(c, recv_exact(c, 1)[0]).decode()
    port = int.from_bytes(recv_exact(c, 2), "big")
    log.update(host=host, port=port, cmd=cmd)
    if args.fail is not None:
        c.sendall(bytes([5, args.fail, 0, 1, 0, 0, 0, 0, 0, 0]))
        return None
    target = connect_target(host, port)
    # A bound address given as a name, to exercise the variable length.
    name = b"bound.example"
    return target, bytes([5, 0, 0, 3, len(name)]) + name + b"\x12\x34"


def socks4(c, args, log):
    ver, cmd = recv_exact(c, 2)
    port = int.from_bytes(recv_exact(c, 2), "big")
    host = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4))
    user = b""
    while True:
        b = recv_exact(c, 1)
        if b == b"\x00":
            break
        user += b
    log.update(host=host, port=port, cmd=cmd, user=user.decode())
    if args.fail is not None:
        c.sendall(bytes([0, args.fail, 0, 0, 0, 0, 0, 0]))
        return None
    target = connect_target(host, port)
    return target, bytes([0, 90, 0, 0, 0, 0, 0, 0])


def http_connect(c, args, log):
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += recv_exact(c, 1)
    lines = head.decode().split("\r\n")
    log["request"] = lines[0]
    log["headers"] = [h for h in lines[1:] if h]
    auth = [h.split(":", 1)[1].strip() for h in log["headers"]
            if h.lower().startswith("proxy-authorization:")]
    if auth:
        log["authorization"] = auth[0]
        if auth[0].startswith("Basic "):
            log["credentials"] = base64.b64decode(auth[0][6:]).decode()
    hostport = lines[0].split()[1]
    host, _, port = hostport.rpartition(":")
    host = host.strip("[]")
    log.update(host=host, port=int(port))
    if args.auth and log.get("credentials") != args.auth:
        c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                  b"Proxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
        return None
    if args.fail is not None:
        c.sendall(b"HTTP/1.1 %d Nope\r\nContent-Length: 0\r\n\r\n"
                  % args.fail)
        return None
    if args.status is not None:
        line = args.status.encode().decode("unicode_escape")
        c.sendall(line.encode("latin-1") + b"\r\n\r\n")
        return None
    target = connect_target(host, int(port))
    return target, b"HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("type", choices=["socks4", "socks5", "connect"])
    ap.add_argument("log")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--fail", type=int)
    ap.add_argument("--auth")
    ap.add_argument("--banner", default="")
    ap.add_argument("--status")
    args = ap.parse_args()
    fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.host, 0))
    ls.listen(1)
    print("port", ls.getsockname()[1], flush=True)
    c, _ = ls.accept()
    ls.close()
    log = {"type": args.type}
    handler = {"socks4": socks4, "socks5": socks5,
               "connect": http_connect}[args.type]
    try:
        done = handler(c, args, log)
    except (EOFError, OSError) as e:
        log["error"] = str(e)
        done = None
    with open(args.log, "w") as f:
        json.dump(log, f)
        f.write("\n")
    if done is None:
        c.close()
        return
    target, answer = done
    c.sendall(answer + args.banner.encode())
    relay(c, target)


if __name__ == "__main__":
    sys.exit(main())
