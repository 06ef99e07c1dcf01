#!/usr/bin/env bats
# Port scanning (-z): open, closed and filtered ports, lists, ranges and
# service names, results in the order given whatever order they complete
# in, exit status, --max-parallel, -i and -r, --scan-format=csv, no false
# open on a self-connected socket, UDP (-u) and IPv6.  A filtered port is
# a listener with backlog 0 and one client already queued: the kernel
# drops every further SYN, so a probe of it times out under -w.

bats_require_minimum_version 1.5.0
load helpers

# quiet_range N: print LO such that LO..LO+N-1 lies just below the
# kernel's ephemeral range, where free_port never looks: a wide scan there
# cannot take the client slot of another test's one-shot listener.  Fails
# if the ephemeral range starts too low for that.
quiet_range() {
	local low
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	[ "$low" -gt $(($1 + 1024)) ] || return 1
	echo $((low - $1 - 8))
}

# free_port_in LO HI: print a TCP port in LO..HI free on 127.0.0.1.
free_port_in() {
	python3 - "$1" "$2" <<'PY'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
for p in random.sample(range(lo, hi + 1), hi + 1 - lo):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
}

# tcp_filtered PORT...: on 127.0.0.1, ports whose SYNs go unanswered.
tcp_filtered() {
	tcp_filtered_on 127.0.0.1 "$@"
}

# udp_listen HOST PORT: a python3 UDP socket on PORT reading and
# discarding datagrams, so no ICMP port unreachable comes back.
udp_listen() {
	start_bg python3 "$SOCKCAT_SRCDIR/tests/udplisten.py" "$1" "$2"
	wait_line "$BG_OUT" '^ready$'
	wait_listen "$2" udp
}

# svc PORT PROTO: the service name sockcat shows in [PROTO/SERVICE].
svc() {
	getent services "$1/$2" | awk '{ print $1; f = 1; exit } END { if (!f) print "*" }'
}

# The -v lines for HOST PORT [PROTO].
open_line() {
	echo "Connection to $1 $2 port [${3:-tcp}/$(svc "$2" "${3:-tcp}")] succeeded!"
}
refused_line() {
	echo "sockcat: connect to $1 port $2 (${3:-tcp}) failed: Connection refused"
}
timedout_line() {
	echo "sockcat: connect to $1 port $2 (tcp) failed: Connection timed out"
}

# lines TEXT...: the TEXTs one per line, as $output or $stderr hold them.
lines() {
	printf '%s\n' "$@"
}

# scan ARGS...: run a scan under `run`, the status left to the caller.
scan() {
	run --separate-stderr timeout 60 "$SOCKCAT" -z "$@" </dev/null
}

@test "a scan of an open port prints nothing and exits 0" {
	local port
	port=$(free_port)
	tcp_listen 127.0.0.1 "$port"
	scan 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "a scan of a closed port prints nothing and exits 1" {
	local port
	port=$(free_port)
	scan 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "-v reports an open port with nc.openbsd's succeeded line on stderr" {
	local port
	port=$(free_port)
	tcp_listen 127.0.0.1 "$port"
	scan -v 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "$(open_line 127.0.0.1 "$port")" ]
}

@test "-v reports a closed port as refused and the scan exits 1" {
	local port
	port=$(free_port)
	scan -v 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "$(refused_line 127.0.0.1 "$port")" ]
}

@test "a mixed list is reported port by port in the order given, and exits 0" {
	local a b c d
	a=$(free_port) b=$(free_port) c=$(free_port) d=$(free_port)
	tcp_listen 127.0.0.1 "$b" "$d"
	scan -v 127.0.0.1 "$c" "$b" "$a" "$d"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$c")" \
	    "$(open_line 127.0.0.1 "$b")" "$(refused_line 127.0.0.1 "$a")" \
	    "$(open_line 127.0.0.1 "$d")")" ]
}

@test "a list with no port open exits 1 after reporting every port" {
	local a b c
	a=$(free_port) b=$(free_port) c=$(free_port)
	scan -v 127.0.0.1 "$a" "$b" "$c"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$a")" \
	    "$(refused_line 127.0.0.1 "$b")" "$(refused_line 127.0.0.1 "$c")")" ]
}

@test "a range LO-HI scans every port in it, in ascending order" {
	local p
	p=$(free_ports 3)
	tcp_listen 127.0.0.1 $((p + 1))
	scan -v 127.0.0.1 "$p-$((p + 2))"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$p")" \
	    "$(open_line 127.0.0.1 $((p + 1)))" \
	    "$(refused_line 127.0.0.1 $((p + 2)))")" ]
	scan --scan-format=csv 127.0.0.1 "$p-$((p + 2))"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$p,tcp,closed" \
	    "127.0.0.1,$((p + 1)),tcp,open" "127.0.0.1,$((p + 2)),tcp,closed")" ]
}

@test "a one-port range LO-LO scans that port" {
	local port
	port=$(free_port)
	tcp_listen 127.0.0.1 "$port"
	scan --scan-format=csv 127.0.0.1 "$port-$port"
	[ "$status" -eq 0 ]
	[ "$output" = "127.0.0.1,$port,tcp,open" ]
}

@test "service names, numbers and ranges mix in one scan, each in its place" {
	getent services http-alt/tcp | grep -q '8080/tcp' ||
	    skip "http-alt is not 8080/tcp here"
	# Our own listener on 8080, or none: never probe someone else's.
	start_bg python3 -c '
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 8080))
s.listen(16)
print("ready", flush=True)
time.sleep(30)
'
	wait_until 10 grep -q '^ready$' "$BG_OUT" ||
	    skip "port 8080 is busy"
	local p q
	p=$(free_ports 3)
	q=$(free_port)
	tcp_listen 127.0.0.1 "$((p + 2))"
	scan -v 127.0.0.1 "$q" http-alt "$p-$((p + 2))"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$q")" \
	    "Connection to 127.0.0.1 8080 port [tcp/http-alt] succeeded!" \
	    "$(refused_line 127.0.0.1 "$p")" \
	    "$(refused_line 127.0.0.1 $((p + 1)))" \
	    "$(open_line 127.0.0.1 $((p + 2)))")" ]
	scan --scan-format=csv 127.0.0.1 "$q" http-alt "$p-$((p + 2))"
	[ "$output" = "$(lines "127.0.0.1,$q,tcp,closed" "127.0.0.1,8080,tcp,open" \
	    "127.0.0.1,$p,tcp,closed" "127.0.0.1,$((p + 1)),tcp,closed" \
	    "127.0.0.1,$((p + 2)),tcp,open")" ]
}

@test "a closed port given by service name is reported by its number" {
	getent services http/tcp | grep -q '80/tcp' || skip "http is not 80/tcp here"
	! ss -H -tln 'sport = :80' | grep -q . || skip "port 80 is busy"
	scan -v --scan-format=csv 127.0.0.1 http
	[ "$status" -eq 1 ]
	[ "$output" = "127.0.0.1,80,tcp,closed" ]
	[ "$stderr" = "$(refused_line 127.0.0.1 80)" ]
}

@test "a filtered port is reported as timed out, not closed, and exits 1" {
	local port
	port=$(free_port)
	tcp_filtered "$port"
	scan -v -w 1 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$(timedout_line 127.0.0.1 "$port")" ]
	scan --scan-format=csv -w 1 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$output" = "127.0.0.1,$port,tcp,filtered" ]
}

@test "without -w a filtered port still times out instead of hanging" {
	local port
	port=$(free_port)
	tcp_filtered "$port"
	run -1 --separate-stderr timeout 30 "$SOCKCAT" -z -v 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "$(timedout_line 127.0.0.1 "$port")" ]
}

@test "filtered ports listed first are still reported first, after they time out" {
	local f1 f2 o c
	f1=$(free_port) f2=$(free_port) o=$(free_port) c=$(free_port)
	tcp_filtered "$f1" "$f2"
	tcp_listen 127.0.0.1 "$o"
	scan -v -w 1 127.0.0.1 "$f1" "$o" "$f2" "$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "$(lines "$(timedout_line 127.0.0.1 "$f1")" \
	    "$(open_line 127.0.0.1 "$o")" "$(timedout_line 127.0.0.1 "$f2")" \
	    "$(refused_line 127.0.0.1 "$c")")" ]
	scan --scan-format=csv -w 1 127.0.0.1 "$f1" "$o" "$f2" "$c"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$f1,tcp,filtered" "127.0.0.1,$o,tcp,open" \
	    "127.0.0.1,$f2,tcp,filtered" "127.0.0.1,$c,tcp,closed")" ]
}

@test "--max-parallel 1 prints exactly what the default parallel scan prints" {
	local f o c p
	f=$(free_port) o=$(free_port) c=$(free_port) p=$(free_ports 3)
	tcp_filtered "$f"
	tcp_listen 127.0.0.1 "$o" $((p + 1))
	local ports=("$f" "$c" "$p-$((p + 2))" "$o")
	scan -v --scan-format=csv -w 1 127.0.0.1 "${ports[@]}"
	[ "$status" -eq 0 ]
	local par_out=$output par_err=$stderr
	[ "${#lines[@]}" -eq 6 ]
	[ "${#stderr_lines[@]}" -eq 6 ]
	scan -v --scan-format=csv -w 1 --max-parallel 1 127.0.0.1 "${ports[@]}"
	[ "$status" -eq 0 ]
	[ "$output" = "$par_out" ]
	[ "$stderr" = "$par_err" ]
}

# pending_witness: a filtered port f and an open port o (the caller's
# locals f, o and witness).  The listener on o writes to the file witness,
# on each connection, "pending" if a connect to f is still in SYN-SENT at
# that moment, else "idle": a probe of f running alongside, or already
# given up.
pending_witness() {
	f=$(free_port) o=$(free_port)
	tcp_filtered "$f"
	start_bg python3 -c '
import socket, subprocess, sys
o, f = sys.argv[1], sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(o)))
s.listen(16)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    r = subprocess.run(["ss", "-Htn", "state", "syn-sent", "dport = :" + f],
        capture_output=True, text=True).stdout
    print("pending" if r.strip() else "idle", flush=True)
    c.close()
' "$o" "$f"
	wait_line "$BG_OUT" '^ready$'
	witness=$BG_OUT
}

# witnessed: what the witness said at the scan's probe of o.
witnessed() {
	wait_line "$witness" '^(pending|idle)$'
	sed 1d "$witness"
}

@test "by default the ports are probed at once: a slow port does not hold up the next" {
	local f o witness
	pending_witness
	scan --scan-format=csv -w 2 127.0.0.1 "$f" "$o"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$f,tcp,filtered" "127.0.0.1,$o,tcp,open")" ]
	[ "$(witnessed)" = pending ]
}

@test "--max-parallel 1 probes one port at a time" {
	local f o witness
	pending_witness
	scan --scan-format=csv -w 1 --max-parallel 1 127.0.0.1 "$f" "$o"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$f,tcp,filtered" "127.0.0.1,$o,tcp,open")" ]
	[ "$(witnessed)" = idle ]
}

@test "-i probes one port at a time, whatever --max-parallel says" {
	local f o witness
	pending_witness
	scan -v -w 1 -i 0.2 --max-parallel 64 127.0.0.1 "$f" "$o"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(lines "$(timedout_line 127.0.0.1 "$f")" \
	    "$(open_line 127.0.0.1 "$o")")" ]
	[ "$(witnessed)" = idle ]
}

@test "a range wider than the parallel window is reported whole and in order" {
	local lo hi p
	lo=$(quiet_range 1000) || skip "no room below the ephemeral ports"
	hi=$((lo + 999))
	p=$(free_port_in "$lo" "$hi")
	tcp_listen 127.0.0.1 "$p"
	scan --scan-format=csv -w 2 --max-parallel 16 127.0.0.1 "$lo-$hi"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1000 ]
	[ "$(cut -d, -f2 <<<"$output")" = "$(seq "$lo" "$hi")" ]
	grep -qx "127.0.0.1,$p,tcp,open" <<<"$output"
	[ "$(grep -c ',open$' <<<"$output")" -eq 1 ]
	scan --scan-format=csv -w 2 127.0.0.1 "$lo-$hi"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1000 ]
	[ "$(cut -d, -f2 <<<"$output")" = "$(seq "$lo" "$hi")" ]
	grep -qx "127.0.0.1,$p,tcp,open" <<<"$output"
	[ "$(grep -c ',open$' <<<"$output")" -eq 1 ]
}

# calls FILE SYSCALL: how many calls of SYSCALL (or "total") the
# strace -c summary in FILE counted.
calls() {
	awk -v s="$2" '$NF == s { print $4; f = 1 } END { if (!f) print 0 }' "$1"
}

# straced_scan FILE ARGS...: scan under strace -f -c, the summary in FILE.
# LeakSanitizer cannot run under ptrace: leaks off.
straced_scan() {
	local file=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run --separate-stderr timeout 60 strace -f -c -o "$file" \
	    "$SOCKCAT" -z "$@" </dev/null
}

@test "a scan of 2000 closed ports makes at most 5 system calls a port" {
	need_strace
	local lo f=$BATS_TEST_TMPDIR/strace
	lo=$(quiet_range 2000) || skip "no room below the ephemeral ports"
	straced_scan "$f" --scan-format=csv 127.0.0.1 "$lo-$((lo + 1999))"
	[ "${#lines[@]}" -eq 2000 ]
	[ "$(grep -c ',closed$' <<<"$output")" -eq 2000 ]
	[ "$status" -eq 1 ]
	[ "$(calls "$f" connect)" -ge 2000 ]
	[ "$(calls "$f" total)" -le 10000 ]
}

@test "on Linux a refused socket is connected again: 2000 closed ports, at most 256 sockets" {
	[ "${SOCKCAT_TCP_RECONNECT:-}" = yes ] ||
	    skip "built without tcp reconnect (configure --disable-tcp-reconnect, or not Linux)"
	need_strace
	local lo f=$BATS_TEST_TMPDIR/strace
	lo=$(quiet_range 2000) || skip "no room below the ephemeral ports"
	straced_scan "$f" --scan-format=csv 127.0.0.1 "$lo-$((lo + 1999))"
	[ "$(grep -c ',closed$' <<<"$output")" -eq 2000 ]
	# Two connect() calls a port: one starts it, one asks how it ended.
	# The resolver's lookups (nscd, say) may add a few sockets and
	# connects of their own.
	[ "$(calls "$f" connect)" -ge 4000 ]
	[ "$(calls "$f" connect)" -le 4010 ]
	[ "$(calls "$f" socket)" -le $((256 + 10)) ]
	[ "$(calls "$f" getsockopt)" -eq 0 ]
	[ "$(calls "$f" total)" -le 6000 ]
	# One at a time, a single socket serves every port.
	straced_scan "$f" --scan-format=csv --max-parallel 1 127.0.0.1 \
	    "$lo-$((lo + 1999))"
	[ "$(grep -c ',closed$' <<<"$output")" -eq 2000 ]
	[ "$(calls "$f" socket)" -le 10 ]
}

@test "a kept socket that goes on to an open port reports it open, and closed after it closed" {
	local lo p
	lo=$(quiet_range 50) || skip "no room below the ephemeral ports"
	p=$(free_port_in $((lo + 10)) $((lo + 39)))
	tcp_listen 127.0.0.1 "$p"
	scan --scan-format=csv --max-parallel 1 127.0.0.1 "$lo-$((lo + 49))"
	[ "$status" -eq 0 ]
	[ "$(cut -d, -f2 <<<"$output")" = "$(seq "$lo" $((lo + 49)))" ]
	[ "$(grep ',open$' <<<"$output")" = "127.0.0.1,$p,tcp,open" ]
	[ "$(grep -c ',closed$' <<<"$output")" -eq 49 ]
}

@test "with -p, a kept socket that reaches its own port is reported closed" {
	local p
	p=$(free_ports 3)
	scan --scan-format=csv --max-parallel 1 -p $((p + 1)) 127.0.0.1 \
	    "$p-$((p + 2))"
	[ "$status" -eq 1 ]
	[ "$output" = "$(lines "127.0.0.1,$p,tcp,closed" \
	    "127.0.0.1,$((p + 1)),tcp,closed" "127.0.0.1,$((p + 2)),tcp,closed")" ]
}

@test "a host with IPv6 and IPv4 addresses: each port tried on both, sockets of both kinds kept" {
	need_unshare
	local lo p4 p6 par
	lo=$(quiet_range 60) || skip "no room below the ephemeral ports"
	p4=$(free_port_in $((lo + 5)) $((lo + 25)))
	p6=$(free_port_in $((lo + 30)) $((lo + 55)))
	tcp_listen 127.0.0.1 "$p4"
	tcp_listen ::1 "$p6"
	for par in 1 4 256; do
		run --separate-stderr with_hosts $'::1 dual.test\n127.0.0.1 dual.test' \
		    timeout 60 "$SOCKCAT" -z --scan-format=csv --max-parallel "$par" \
		    dual.test "$lo-$((lo + 59))" </dev/null
		[ "$status" -eq 0 ]
		[ "$(cut -d, -f2 <<<"$output")" = "$(seq "$lo" $((lo + 59)))" ]
		[ "$(grep ',open$' <<<"$output")" = "$(lines \
		    "dual.test,$p4,tcp,open" "dual.test,$p6,tcp,open")" ]
		[ "$(grep -c ',closed$' <<<"$output")" -eq 58 ]
	done
}

@test "-r scans and reports every port exactly once" {
	local p o
	p=$(free_ports 3) o=$(free_port)
	tcp_listen 127.0.0.1 "$o" $((p + 1))
	scan -r -v --scan-format=csv 127.0.0.1 "$o" "$p-$((p + 2))"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(sort <<<"$output")" = "$(sort <<<"$(lines "127.0.0.1,$o,tcp,open" \
	    "127.0.0.1,$p,tcp,closed" "127.0.0.1,$((p + 1)),tcp,open" \
	    "127.0.0.1,$((p + 2)),tcp,closed")")" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
	[ "$(sort <<<"$stderr")" = "$(sort <<<"$(lines "$(open_line 127.0.0.1 "$o")" \
	    "$(refused_line 127.0.0.1 "$p")" "$(open_line 127.0.0.1 $((p + 1)))" \
	    "$(refused_line 127.0.0.1 $((p + 2)))")")" ]
}

@test "-r reports a long range in an order that is not ascending, each port once" {
	local lo hi
	lo=$(quiet_range 200) || skip "no room below the ephemeral ports"
	hi=$((lo + 199))
	scan -r --scan-format=csv -w 2 127.0.0.1 "$lo-$hi"
	[ "${#lines[@]}" -eq 200 ]
	local ports
	ports=$(cut -d, -f2 <<<"$output")
	# All 200 present once; ascending by chance has odds 1 in 200!.
	[ "$(sort -n <<<"$ports")" = "$(seq "$lo" "$hi")" ]
	[ "$ports" != "$(seq "$lo" "$hi")" ]
}

@test "--scan-format=csv prints host,port,proto,state on stdout and nothing on stderr" {
	local o c
	o=$(free_port) c=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	scan --scan-format=csv 127.0.0.1 "$o" "$c"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$o,tcp,open" "127.0.0.1,$c,tcp,closed")" ]
	[ -z "$stderr" ]
	scan --scan-format=csv 127.0.0.1 "$c"
	[ "$status" -eq 1 ]
	[ "$output" = "127.0.0.1,$c,tcp,closed" ]
	[ -z "$stderr" ]
}

@test "--scan-format=csv with -v prints the CSV lines and the -v lines, each in order" {
	local o c
	o=$(free_port) c=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	scan -v --scan-format=csv 127.0.0.1 "$c" "$o"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$c,tcp,closed" "127.0.0.1,$o,tcp,open")" ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$c")" \
	    "$(open_line 127.0.0.1 "$o")")" ]
}

@test "csv names HOST as given; -v lines add the address, as nc.openbsd" {
	need_unshare
	local o c
	o=$(free_port) c=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	# localhost from a hosts file of our own: never a DNS query
	run --separate-stderr with_hosts '127.0.0.1 localhost' timeout 60 \
	    "$SOCKCAT" -z -4 -v --scan-format=csv localhost "$o" "$c" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "localhost,$o,tcp,open" "localhost,$c,tcp,closed")" ]
	[ "$stderr" = "$(lines "$(open_line "localhost (127.0.0.1)" "$o")" \
	    "$(refused_line "localhost (127.0.0.1)" "$c")")" ]
}

@test "with a name of two addresses, -v names the one that answered or failed last" {
	need_unshare
	local o c
	o=$(free_port) c=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	run --separate-stderr with_hosts $'::1 dual.test\n127.0.0.1 dual.test' \
	    timeout 20 "$SOCKCAT" -z -v dual.test "$o" "$c" </dev/null
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "$(open_line "dual.test (127.0.0.1)" "$o")" ]
	[[ "${stderr_lines[1]}" == "sockcat: connect to dual.test ("*") port $c (tcp) failed: Connection refused" ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "a socket that connects to itself is reported closed, not open" {
	# The kernel does connect a socket bound to port P to 127.0.0.1 P
	# (TCP simultaneous open): what a naive scanner takes for open.
	local q
	q=$(free_port)
	run -0 python3 -c '
import socket, sys
p = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", p))
s.settimeout(5)
s.connect(("127.0.0.1", p))
print(s.getsockname() == s.getpeername())
' "$q"
	[ "$output" = True ]
	local p
	p=$(free_port)
	scan -v -p "$p" 127.0.0.1 "$p"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: connect to 127.0.0.1 port $p (tcp) failed: "* ]]
	p=$(free_port)
	scan --scan-format=csv -p "$p" 127.0.0.1 "$p"
	[ "$status" -eq 1 ]
	[ "$output" = "127.0.0.1,$p,tcp,closed" ]
}

@test "-u reports a UDP port with a listener as open" {
	local port
	port=$(free_port udp)
	udp_listen 127.0.0.1 "$port"
	scan -u -v -w 1 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "$(open_line 127.0.0.1 "$port" udp)" ]
}

@test "-u reports a closed UDP port as refused and exits 1" {
	local port
	port=$(free_port udp)
	scan -u -v -w 1 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "$(refused_line 127.0.0.1 "$port" udp)" ]
}

@test "-u with a range reports each UDP port in order, in CSV too" {
	local p
	p=$(free_ports 3)
	udp_listen 127.0.0.1 $((p + 1))
	scan -u -v --scan-format=csv -w 1 127.0.0.1 "$p-$((p + 2))"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "127.0.0.1,$p,udp,closed" \
	    "127.0.0.1,$((p + 1)),udp,open" "127.0.0.1,$((p + 2)),udp,closed")" ]
	[ "$stderr" = "$(lines "$(refused_line 127.0.0.1 "$p" udp)" \
	    "$(open_line 127.0.0.1 $((p + 1)) udp)" \
	    "$(refused_line 127.0.0.1 $((p + 2)) udp)")" ]
}

@test "a scan of ::1 reports open and closed ports" {
	local o c
	o=$(free_port) c=$(free_port)
	tcp_listen ::1 "$o"
	scan -v ::1 "$c" "$o"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(lines "$(refused_line ::1 "$c")" "$(open_line ::1 "$o")")" ]
	scan -6 --scan-format=csv ::1 "$c" "$o"
	[ "$status" -eq 0 ]
	[ "$output" = "$(lines "::1,$c,tcp,closed" "::1,$o,tcp,open")" ]
}

@test "-4 and -6 choose the family a port is scanned on" {
	local o
	o=$(free_port)
	tcp_listen ::1 "$o"
	scan -4 -v 127.0.0.1 "$o"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$(refused_line 127.0.0.1 "$o")" ]
	scan -6 -v ::1 "$o"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(open_line ::1 "$o")" ]
	# -4 cannot reach an IPv6 literal: nothing is open.
	scan -4 -v ::1 "$o"
	[ "$status" -eq 1 ]
	[[ $stderr != *succeeded* ]]
}

@test "-u scans of ::1 report open and closed UDP ports" {
	local o c
	o=$(free_port udp) c=$(free_port udp)
	udp_listen ::1 "$o"
	scan -6 -u -v -w 1 ::1 "$o" "$c"
	[ "$status" -eq 0 ]
	[ "$stderr" = "$(lines "$(open_line ::1 "$o" udp)" \
	    "$(refused_line ::1 "$c" udp)")" ]
}

@test "bad ranges and port 0 are usage errors, and nothing is scanned" {
	local port bad
	port=$(free_port)
	tcp_listen 127.0.0.1 "$port"
	for bad in 5-1 0-10 1-70000 1- -5 a-b 0 70000 1-2-3 no-such-service-name; do
		usage_error -z -- 127.0.0.1 "$bad"
		usage_error -z -v -- 127.0.0.1 "$port" "$bad"
		[[ $stderr != *succeeded* ]]
	done
	usage_error -z 127.0.0.1 5-1
	[[ $stderr == *5-1* ]]
	usage_error -z 127.0.0.1 1-70000
	[[ $stderr == *70000* ]]
}

@test "-z with -l, or with no PORT, is a usage error" {
	usage_error -z -l 127.0.0.1 4000
	usage_error -z -l -p 4000
	usage_error -z 127.0.0.1
}

@test "bad --max-parallel and --scan-format values are usage errors" {
	usage_error -z --max-parallel 0 127.0.0.1 80
	usage_error -z --max-parallel x 127.0.0.1 80
	usage_error -z --scan-format=xml 127.0.0.1 80
}

@test "csv results that cannot be written (disk full) give one message and exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	local o
	o=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	run --separate-stderr bash -c 'exec "$@" </dev/null >/dev/full' sh \
	    timeout 10 "$SOCKCAT" -z --scan-format csv 127.0.0.1 "$o"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockcat: cannot write the scan results: No space left on device" ]
}

@test "csv results into a reader that has gone end the scan quietly" {
	local lo
	lo=$(quiet_range 3000) || skip "ephemeral range starts too low"
	run --separate-stderr bash -c '"$1" -z --scan-format csv 127.0.0.1 \
	    "$2-$(($2 + 2999))" </dev/null | head -1; echo "status ${PIPESTATUS[0]}"' \
	    sh "$SOCKCAT" "$lo"
	[ "${lines[0]}" = "127.0.0.1,$lo,tcp,closed" ]
	[ "${lines[1]}" = "status 1" ]
	[ -z "$stderr" ]
}
