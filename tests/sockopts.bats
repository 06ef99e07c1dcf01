#!/usr/bin/env bats
# Socket options reach the socket: -I/-O buffer sizes, -T TOS/traffic
# class, -M TTL/hop limit, -m minimum TTL, -D SO_DEBUG, -b SO_BROADCAST,
# and -Z's DCCP.  Checked from outside where the kernel shows it (ss,
# the TOS and TTL of datagrams received, packets dropped), with strace
# for the rest (those tests skip without a working strace).

bats_require_minimum_version 1.5.0
load helpers

# A UDP receiver that prints the TOS/traffic class and TTL/hop limit of
# the first datagram (see its usage).
DGRAM_RECV=$SOCKCAT_SRCDIR/tests/dgramrecv.py

# wait_match SECONDS REGEX CMD...: poll until CMD's output matches REGEX.
wait_match() {
	local secs=$1 re=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" 2>/dev/null | grep -Eq -- "$re"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# trace FILE ARGS...: run sockcat ARGS under strace, setsockopt calls
# logged in FILE.  LeakSanitizer cannot run under ptrace: leaks off.
trace() {
	local file=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    timeout 10 strace -f -qq -e trace=setsockopt -o "$file" \
	    "$SOCKCAT" "$@" </dev/null >/dev/null 2>&1 || true
}

# tos_set WORD: the IP_TOS value sockcat -T WORD gives its socket.
tos_set() {
	local f=$BATS_TEST_TMPDIR/trace.$RANDOM
	trace "$f" -T "$1" 127.0.0.1 "$CLOSED_PORT"
	sed -n 's/.*IP_TOS, \[\([0-9]*\)\].*= 0$/\1/p' "$f" | head -n 1
}

@test "-I and -O set the receive and send buffers of a client's connection" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain hold
	wait_listen "$port"
	start_bg "$SOCKCAT" -d -I 40000 -O 50000 127.0.0.1 "$port"
	# The kernel doubles what SO_RCVBUF/SO_SNDBUF ask for.
	wait_match 10 'rb80000,.*tb100000,' \
	    ss -Htmn state established "dport = :$port"
}

@test "-I and -O reach the connection a listener accepts" {
	local port
	start_listener -I 40000 -O 50000 -l 127.0.0.1 0
	port=$PORT
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/peer" drain hold
	wait_match 10 'rb80000,.*tb100000,' \
	    ss -Htmn state established "sport = :$port"
}

@test "without -I and -O the kernel's buffer sizes are left alone" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain hold
	wait_listen "$port"
	start_bg "$SOCKCAT" -d 127.0.0.1 "$port"
	wait_match 10 'skmem' ss -Htmn state established "dport = :$port"
	run -0 ss -Htmn state established "dport = :$port"
	[[ $output != *rb80000,* ]]
}

@test "-T sets the TOS of a TCP connection" {
	ss --help 2>&1 | grep -q -- --tos || skip "this ss cannot show TOS"
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain hold
	wait_listen "$port"
	start_bg "$SOCKCAT" -d -T af11 127.0.0.1 "$port"
	wait_match 10 'tos:0x28' ss -Htn --tos state established "dport = :$port"
}

@test "-T and -M mark the UDP datagrams sent with that TOS and TTL" {
	local port
	port=$(free_port udp)
	start_bg python3 "$DGRAM_RECV" 4 "$port"
	local rx=$BG_PID rx_out=$BG_OUT
	wait_listen "$port" udp
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 -T ef -M 7 \
	    127.0.0.1 "$port" <<<probe
	wait_exit "$rx" 10
	[ "$(cat "$rx_out")" = "tos=184 ttl=7 data=probe" ]
}

@test "without -T and -M datagrams leave with the default TOS and TTL" {
	local port
	port=$(free_port udp)
	start_bg python3 "$DGRAM_RECV" 4 "$port"
	local rx=$BG_PID rx_out=$BG_OUT
	wait_listen "$port" udp
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 "$port" <<<probe
	wait_exit "$rx" 10
	[ "$(cat "$rx_out")" = "tos=0 ttl=$(sysctl -n net.ipv4.ip_default_ttl) data=probe" ]
}

@test "-T and -M set the traffic class and hop limit over IPv6" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' \
	    2>/dev/null || skip "no IPv6 loopback"
	local port
	port=$(free_port udp)
	start_bg python3 "$DGRAM_RECV" 6 "$port"
	local rx=$BG_PID rx_out=$BG_OUT
	wait_listen "$port" udp
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 -T af41 -M 9 \
	    ::1 "$port" <<<probe6
	wait_exit "$rx" 10
	[ "$(cat "$rx_out")" = "tos=136 ttl=9 data=probe6" ]
}

@test "every -T keyword and DSCP name sets its nc.openbsd value" {
	need_strace
	CLOSED_PORT=$(free_port)
	local pair name want got
	for pair in lowdelay=16 throughput=8 reliability=4 critical=160 \
	    inetcontrol=192 netcontrol=224 \
	    af11=40 af12=48 af13=56 af21=72 af22=80 af23=88 \
	    af31=104 af32=112 af33=120 af41=136 af42=144 af43=152 \
	    cs0=0 cs1=32 cs2=64 cs3=96 cs4=128 cs5=160 cs6=192 cs7=224 \
	    ef=184 va=176 lowcost=2; do
		name=${pair%=*} want=${pair#*=}
		got=$(tos_set "$name")
		[ "$got" = "$want" ] || {
			echo "-T $name set IP_TOS '$got', want $want" >&2
			return 1
		}
	done
}

@test "-T takes a number in decimal or in hex with 0x" {
	need_strace
	CLOSED_PORT=$(free_port)
	[ "$(tos_set 0)" = 0 ]
	[ "$(tos_set 46)" = 46 ]
	[ "$(tos_set 255)" = 255 ]
	[ "$(tos_set 0x10)" = 16 ]
	[ "$(tos_set 0xb8)" = 184 ]
}

@test "-T reads a number with a leading zero as decimal, like nc.openbsd" {
	need_strace
	CLOSED_PORT=$(free_port)
	[ "$(tos_set 010)" = 10 ]
}

@test "-T, -M and -m reach the socket as IP_TOS, IP_TTL and IP_MINTTL" {
	need_strace
	local port
	port=$(free_port)
	trace "$BATS_TEST_TMPDIR/trace" -T lowdelay -M 33 -m 22 127.0.0.1 "$port"
	grep -q 'IP_TOS, \[16\], 4) = 0' "$BATS_TEST_TMPDIR/trace"
	grep -q 'IP_TTL, \[33\], 4) = 0' "$BATS_TEST_TMPDIR/trace"
	grep -q 'IP_MINTTL, \[22\], 4) = 0' "$BATS_TEST_TMPDIR/trace"
}

@test "-m makes a listener ignore a client whose packets arrive with a lower TTL" {
	local port
	# Loopback packets carry TTL 64 by default.
	start_listener -m 65 -l 127.0.0.1 0
	local srv=$BG_PID srv_out=$BG_OUT
	port=$PORT
	run -0 timeout 20 python3 -c '
import socket, sys
port = int(sys.argv[1])
c = socket.socket()
c.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 64)
c.settimeout(1.5)
try:
    c.connect(("127.0.0.1", port))
    print("connected with TTL 64")
except socket.timeout:
    print("dropped")
c.close()
c = socket.socket()
c.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
c.settimeout(10)
c.connect(("127.0.0.1", port))
c.sendall(b"high ttl\n")
c.close()
print("sent")
' "$port"
	[ "$output" = $'dropped\nsent' ]
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = "high ttl" ]
}

@test "-m makes a client ignore a server whose packets arrive with a lower TTL" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/low" drain hold
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -m 65 -w 1 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $port (tcp) failed: Connection timed out" ]

	port=$(free_port)
	start_bg python3 "$PEER" --ttl 255 listen "$port" "$BATS_TEST_TMPDIR/high" drain close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -m 65 -w 5 127.0.0.1 "$port" <<<fine
	[ -z "$stderr" ]
	[ "$(cat "$BATS_TEST_TMPDIR/high")" = fine ]
}

@test "-D turns SO_DEBUG on, or fails with a clear message without the privilege" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain close
	wait_listen "$port"
	run --separate-stderr timeout 10 "$SOCKCAT" -D -N 127.0.0.1 "$port" <<<debug
	if [ "$status" -eq 0 ]; then
		# Linux lets only CAP_NET_ADMIN set SO_DEBUG: we have it.
		[ "$(cat "$BATS_TEST_TMPDIR/peer")" = debug ]
		[ -z "$stderr" ]
	else
		[ "$status" -eq 1 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "sockcat: "*SO_DEBUG* ]]
		[[ $stderr == *"Permission denied"* || $stderr == *"Operation not permitted"* ]]
	fi
}

@test "-D sets SO_DEBUG on the socket" {
	need_strace
	local port
	port=$(free_port)
	trace "$BATS_TEST_TMPDIR/trace" -D 127.0.0.1 "$port"
	grep -Eq 'SO_DEBUG, \[1\], 4\) = (0|-1 E(ACCES|PERM))' "$BATS_TEST_TMPDIR/trace"
	trace "$BATS_TEST_TMPDIR/trace0" 127.0.0.1 "$port"
	run -1 grep -q SO_DEBUG "$BATS_TEST_TMPDIR/trace0"
}

@test "-D without CAP_NET_ADMIN exits 1 with one line naming SO_DEBUG" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to an unprivileged user"
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null ||
	    skip "cannot switch to uid 65534"
	local port
	port=$(free_port)
	run -1 --separate-stderr timeout 10 setpriv --reuid=65534 --regid=65534 \
	    --clear-groups --inh-caps=-all "$SOCKCAT" -D 127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: "*SO_DEBUG* ]]
	[[ $stderr == *"Permission denied"* || $stderr == *"Operation not permitted"* ]]
}

@test "-b sets SO_BROADCAST on a UDP socket, and only with -b" {
	need_strace
	local port
	port=$(free_port udp)
	trace "$BATS_TEST_TMPDIR/trace" -u -b -q 0 127.0.0.1 "$port"
	grep -q 'SO_BROADCAST, \[1\], 4) = 0' "$BATS_TEST_TMPDIR/trace"
	trace "$BATS_TEST_TMPDIR/trace0" -u -q 0 127.0.0.1 "$port"
	run -1 grep -q SO_BROADCAST "$BATS_TEST_TMPDIR/trace0"
}

@test "-b leaves ordinary UDP traffic working" {
	local port
	port=$(free_port udp)
	start_bg python3 "$DGRAM_RECV" 4 "$port"
	local rx=$BG_PID rx_out=$BG_OUT
	wait_listen "$port" udp
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -b -q 0 127.0.0.1 "$port" <<<bcast
	[ -z "$stderr" ]
	wait_exit "$rx" 10
	[[ $(cat "$rx_out") == *"data=bcast" ]]
}

@test "-Z exits 1 with a clear message where DCCP is missing, or carries data where it exists" {
	if python3 -c 'import socket; socket.socket(socket.AF_INET, 6, 33)' 2>/dev/null; then
		local port
		start_listener -Z -l 127.0.0.1 0
		local srv=$BG_PID srv_out=$BG_OUT
		port=$PORT
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -Z -N 127.0.0.1 "$port" <<<dccp
		wait_exit "$srv" 10
		[ "$(cat "$srv_out")" = dccp ]
	else
		run -1 --separate-stderr timeout 10 "$SOCKCAT" -Z 127.0.0.1 80 </dev/null
		[ -z "$output" ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "sockcat: "*DCCP* ]]
		run -1 --separate-stderr timeout 10 "$SOCKCAT" -Z -l 127.0.0.1 0 </dev/null
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "sockcat: "*DCCP* ]]
	fi
}
