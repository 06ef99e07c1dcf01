#!/usr/bin/env bats
# select(2) takes descriptors below FD_SETSIZE (1024) only: FD_SET on a
# higher one writes past the fd_set.  With descriptors inherited up to
# that limit, a scan waits for a free number instead, and connect, listen
# and scan fail with one clear message when none is left.

bats_require_minimum_version 1.5.0
load helpers

@test "a wide scan with few descriptors below FD_SETSIZE free still reports every port right" {
	local o c f1 f2 f3 f4 f5 f6
	o=$(free_port) c=$(free_port)
	f1=$(free_port) f2=$(free_port) f3=$(free_port)
	f4=$(free_port) f5=$(free_port) f6=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	tcp_filtered_on 127.0.0.1 "$f1" "$f2" "$f3" "$f4" "$f5" "$f6"
	# Three numbers free: the six filtered probes go three at a time.
	run --separate-stderr fds_taken 3 timeout 30 "$SOCKCAT" -z -w 1 \
	    --max-parallel 2000 --scan-format csv 127.0.0.1 \
	    "$f1" "$f2" "$o" "$f3" "$c" "$f4" "$f5" "$f6" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(printf '127.0.0.1,%s,tcp,%s\n' "$f1" filtered \
	    "$f2" filtered "$o" open "$f3" filtered "$c" closed \
	    "$f4" filtered "$f5" filtered "$f6" filtered)" ]
}

@test "-v says once that the scan runs fewer probes at a time for want of descriptors" {
	local f1 f2 f3
	f1=$(free_port) f2=$(free_port) f3=$(free_port)
	tcp_filtered_on 127.0.0.1 "$f1" "$f2" "$f3"
	run --separate-stderr fds_taken 2 timeout 30 "$SOCKCAT" -z -v -w 1 \
	    127.0.0.1 "$f1" "$f2" "$f3" </dev/null
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "sockcat: out of descriptors: scanning 2 ports at a time" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
}

@test "a scan with no descriptor below FD_SETSIZE free exits 1 with one clear line" {
	local c
	c=$(free_port)
	run --separate-stderr fds_taken 0 timeout 10 "$SOCKCAT" -z \
	    --scan-format csv 127.0.0.1 "$c" </dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "sockcat: cannot open a socket for port $c: Too many open files (select() takes descriptors 0 to 1023 only)" ]
}

@test "connect with no descriptor below FD_SETSIZE free fails with one line, exit 1" {
	local port
	port=$(free_port)
	tcp_listen 127.0.0.1 "$port"
	run --separate-stderr fds_taken 0 timeout 10 "$SOCKCAT" -w 2 \
	    127.0.0.1 "$port" </dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "sockcat: socket to 127.0.0.1 port $port (tcp) failed: Too many open files" ]
}

@test "a listener with no descriptor below FD_SETSIZE free fails with one line, exit 1" {
	run --separate-stderr fds_taken 0 timeout 10 "$SOCKCAT" -l \
	    127.0.0.1 0 </dev/null
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "sockcat: "*"Too many open files"* ]]
}

@test "a client whose descriptor would pass FD_SETSIZE is refused, and the listener goes on" {
	# One number free: the listener takes it, so an accepted client
	# would get 1024 or more.  sockcat must neither write past its
	# fd_set nor serve it; the client sees its connection closed.
	need_fd_limit
	start_bg bash -c 'ulimit -n 4096 && exec "$@"' sh \
	    python3 "$BATS_TEST_DIRNAME/fdfill.py" 1 "$SOCKCAT" -v -l 127.0.0.1 0
	wait_line "$BG_ERR" '^Listening on '
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 //p' "$BG_ERR")
	run -0 timeout 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.settimeout(5)
try:
    d = s.recv(10)
except ConnectionResetError:
    d = b""
sys.exit(0 if d == b"" else 1)
' "$port"
	wait_line "$BG_ERR" "^Connection from 127\.0\.0\.1 [0-9]+ refused [(]beyond select[(][)]'s FD_SETSIZE[)]$"
	kill -0 "$BG_PID"
}
