#!/usr/bin/env bats
# --fork: the parent only accepts and each client is served by a child
# (its program, or with --recv-only a copy of its data to stdout); children
# are reaped, never left as zombies; --max-conns bounds how many run at
# once; -w and --idle-timeout close one idle client, not the others.

bats_require_minimum_version 1.5.0
load helpers

# wait_children PID N [SECONDS]: poll until PID has at most N children,
# zombies included: a child that is never reaped keeps the count up.
wait_children() {
	local pid=$1 n=$2 secs=${3:-10}
	local deadline=$((SECONDS + secs))
	while [ "$(child_pids "$pid" | wc -l)" -gt "$n" ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# many_clients PORT N SIZE: open N connections to 127.0.0.1 PORT and keep
# them all open; each must echo a first line while all N are connected
# (so N children serve at once); then each sends SIZE random bytes of its
# own, shuts down, and must read exactly those bytes back before EOF.
many_clients() {
	timeout 60 python3 "$SOCKCAT_SRCDIR/tests/manyclients.py" "$@"
}

@test "--fork -e /bin/cat echoes 30 concurrent clients and leaves no zombie" {
	start_quiet_listener tcp --fork -l 127.0.0.1 0 -e /bin/cat
	port=$PORT
	server=$(server_pid)
	[ "$(cat "/proc/$server/comm")" = sockcat ]
	run -0 --separate-stderr many_clients "$port" 30 65536
	[ "$output" = "30 clients echoed" ]
	wait_children "$server" 0
	[ -z "$(child_pids "$server")" ]
	kill -0 "$server"
	[ ! -s "$BG_ERR" ]
}

@test "--fork reaps a burst of clients that all end at once" {
	start_listener --fork -l 127.0.0.1 0 -c 'echo bye'
	port=$PORT
	server=$(server_pid)
	run -0 --separate-stderr timeout 60 python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
conns = [socket.create_connection(("127.0.0.1", port), timeout=30)
         for _ in range(50)]
for s in conns:
    got = b""
    while True:
        b = s.recv(100)
        if not b:
            break
        got += b
    if got != b"bye\n":
        sys.exit("got %r" % got)
print("ok")
PY
	[ "$output" = ok ]
	wait_children "$server" 0
	[ "$(zombie_count "$server")" -eq 0 ]
	kill -0 "$server"
}

@test "--fork serves a new client while an earlier one is still connected" {
	start_listener --fork -l 127.0.0.1 0 -e /bin/cat
	port=$PORT
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/first" \
	    'send:first\n' drain
	wait_line "$BATS_TEST_TMPDIR/first" '^first$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"second"
	[ "$output" = second ]
	kill -0 "$BG_PID"
}

@test "--fork runs each client's program in a child of the server" {
	start_listener --fork -l 127.0.0.1 0 -c 'echo "$$ $PPID"'
	port=$PORT
	server=$(server_pid)
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	one=$output
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	two=$output
	[ "${one#* }" = "$server" ]
	[ "${two#* }" = "$server" ]
	[ "${one% *}" != "${two% *}" ]
	[ "${one% *}" != "$server" ]
}

@test "--fork with --recv-only copies each client's data to stdout" {
	start_listener --fork --recv-only -l 127.0.0.1 0
	server_out=$BG_OUT
	port=$PORT
	# The first client stays connected while the others come and go.
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/log" \
	    'send:from one\n' drain
	wait_line "$server_out" '^from one$'
	for n in two three; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 \
		    "$port" <<<"from $n"
		[ -z "$output" ]
		wait_line "$server_out" "^from $n\$"
	done
	[ "$(sort "$server_out")" = $'from one\nfrom three\nfrom two' ]
}

@test "--max-conns refuses an extra client at once and frees a slot when a child ends" {
	start_listener --fork --max-conns 2 -l 127.0.0.1 0 \
	    -e /bin/cat
	server_err=$BG_ERR
	port=$PORT
	server=$(server_pid)
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/a" \
	    'send:a\n' drain
	a=$BG_PID
	wait_line "$BATS_TEST_TMPDIR/a" '^a$'
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/b" \
	    'send:b\n' drain
	wait_line "$BATS_TEST_TMPDIR/b" '^b$'
	# A third client is let in and closed: it sees EOF with no echo.
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ -z "$output" ]
	wait_line "$server_err" '^Connection from 127\.0\.0\.1 [0-9]+ refused \(--max-conns reached\)$'
	# A leaves; once its child is reaped there is room again.
	kill -- "-$a"
	wait_exit "$a" 10
	wait_children "$server" 1
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"d"
	[ "$output" = d ]
	[ "$(grep -cE '^Connection from 127\.0\.0\.1 [0-9]+ refused \(--max-conns reached\)$' "$server_err")" -eq 1 ]
}

@test "--max-conns 1 serves clients one at a time and refuses the overlap" {
	start_listener --fork --max-conns 1 -l 127.0.0.1 0 \
	    -e /bin/cat
	server_err=$BG_ERR
	port=$PORT
	server=$(server_pid)
	for word in one two three; do
		wait_children "$server" 0
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 \
		    "$port" <<<"$word"
		[ "$output" = "$word" ]
	done
	[ "$(grep -cE '^Connection from 127\.0\.0\.1 [0-9]+ refused \(--max-conns reached\)$' "$server_err")" -eq 0 ]
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/a" \
	    'send:a\n' drain
	wait_line "$BATS_TEST_TMPDIR/a" '^a$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ -z "$output" ]
	wait_line "$server_err" '^Connection from 127\.0\.0\.1 [0-9]+ refused \(--max-conns reached\)$'
}

# idle_one_of_two OPTION: with OPTION 2 on a --fork --recv-only server,
# an idle client is closed while a talking one, connected all along, is
# left alone, and the server goes on.
idle_one_of_two() {
	start_listener --fork --recv-only "$1" 2 -l 127.0.0.1 0
	server=$BG_PID server_out=$BG_OUT
	port=$PORT
	# The idle one waits for an EOF that only the timeout brings.
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/idle" \
	    'send:idle\n' drain
	idle=$BG_PID
	wait_line "$server_out" '^idle$'
	# The busy one talks every 0.25 s for 4 s: past the idle one's end.
	# Closed early, its later sends would fail and it would exit 1.
	actions=()
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		actions+=(send:x sleep:0.25)
	done
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/busy" \
	    "${actions[@]}" 'send:busy\n'
	busy=$BG_PID
	wait_exit "$idle" 15
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$busy" 15
	[ "$WAIT_STATUS" -eq 0 ]
	wait_line "$server_out" '^x{16}busy$'
	kill -0 "$server"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"later"
	wait_line "$server_out" '^later$'
}

@test "--idle-timeout with --fork closes an idle client and spares a busy one" {
	idle_one_of_two --idle-timeout
}

@test "-w with --fork closes an idle client and spares a busy one" {
	idle_one_of_two -w
}

@test "--fork over a Unix stream socket serves clients in children" {
	sock=$BATS_TEST_TMPDIR/s
	start_bg "$SOCKCAT" --fork -U -l "$sock" -e /bin/cat
	wait_unix_listen "$sock"
	# The first client stays: its stdin is a fifo we keep open.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_bg "$SOCKCAT" -U "$sock"
	first_out=$BG_OUT
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	echo first >&"$hold"
	wait_line "$first_out" '^first$'
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" \
	    <<<"second"
	[ "$output" = second ]
	exec {hold}>&-
}

@test "--fork without -e, -c or --recv-only is a usage error" {
	usage_error --fork -l 127.0.0.1 "$(free_port)"
	[[ $stderr == *--fork* ]]
}

@test "--fork without -l, or with -u, is a usage error" {
	usage_error --fork -e /bin/cat 127.0.0.1 "$(free_port)"
	usage_error --fork -u -e /bin/cat -l 127.0.0.1 "$(free_port udp)"
}

@test "--max-conns without --fork or --broker, or below 1, is a usage error" {
	usage_error --max-conns 2 -k -l 127.0.0.1 "$(free_port)"
	[[ $stderr == *--max-conns* ]]
	usage_error --max-conns 0 --fork -e /bin/cat -l 127.0.0.1 "$(free_port)"
}

@test "a --fork child that leaves through exit() keeps the parent's socket file" {
	command -v prlimit >/dev/null || skip "prlimit is not installed"
	sock=$BATS_TEST_TMPDIR/s
	start_bg "$SOCKCAT" --fork --recv-only -U -l "$sock"
	wait_unix_listen "$sock"
	pid=$(server_pid)
	# No room in the address space for a child's buffers: the child says
	# "out of memory" and leaves through exit(3), atexit handlers and all.
	vm=$(awk '/^VmSize:/ { print $2 }' "/proc/$pid/status")
	prlimit --pid "$pid" --as=$(((vm + 64) * 1024)):
	run --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" <<<"first"
	wait_line "$BG_ERR" 'out of memory'
	wait_children "$pid" 0
	prlimit --pid "$pid" --as=unlimited:
	[ -S "$sock" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" <<<"second"
	wait_line "$BG_OUT" '^second$'
}

# seq_clients PORT N: N connections to 127.0.0.1 PORT one after another,
# each sending a line, half-closing and reading the line back to EOF.
seq_clients() {
	timeout 120 python3 "$SOCKCAT_SRCDIR/tests/clients.py" "$1" "$2" 1 echo
}

@test "--fork -e: 300 clients one after another leave no zombie and no descriptor behind" {
	start_quiet_listener tcp --fork -l 127.0.0.1 0 -e /bin/cat
	port=$PORT
	server=$(server_pid)
	run -0 --separate-stderr seq_clients "$port" 5
	wait_children "$server" 0
	fds=$(fd_count "$server")
	run -0 --separate-stderr seq_clients "$port" 300
	[ "$output" = "300 clients served" ]
	wait_children "$server" 0
	[ "$(zombie_count "$server")" -eq 0 ]
	[ "$(fd_count "$server")" -eq "$fds" ]
	kill -0 "$server"
	[ ! -s "$BG_ERR" ]
}

@test "a --fork program gets a blocking socket, SIGPIPE at default and no blocked signal" {
	start_listener --fork -l 127.0.0.1 0 \
	    -c 'grep -E "^(SigBlk|SigIgn)" /proc/self/status;
		sed -n "s/^flags:/flags/p" /proc/self/fdinfo/0'
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' <<<"$output")
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' <<<"$output")
	flags=$(sed -n 's/^flags[[:space:]]*//p' <<<"$output")
	[ "$((16#$blk))" -eq 0 ]
	# SIGPIPE is 13: bit 12 of the ignored mask.
	[ $(((16#$ign >> 12) & 1)) -eq 0 ]
	# O_NONBLOCK is 04000.
	[ -n "$flags" ]
	[ $((8#$flags & 8#4000)) -eq 0 ]
}

@test "--fork -e naming a missing program says so for each client and keeps serving" {
	start_listener --fork -l 127.0.0.1 0 -e /no/such/program
	port=$PORT
	server=$(server_pid)
	for i in 1 2; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 \
		    "$port" </dev/null
		[ -z "$output" ]
	done
	msg='^sockcat: cannot run /no/such/program: No such file or directory$'
	wait_until 10 test "$(grep -c "$msg" "$BG_ERR")" -ge 2
	[ "$(grep -c "$msg" "$BG_ERR")" -eq 2 ]
	wait_children "$server" 0
	kill -0 "$server"
}

@test "--fork -e finds a program named without a slash along PATH" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "found $1"\n' >"$BATS_TEST_TMPDIR/bin/greet"
	chmod +x "$BATS_TEST_TMPDIR/bin/greet"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH start_listener --fork \
	    -l 127.0.0.1 0 -e 'greet you'
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = "found you" ]
	PATH=$BATS_TEST_TMPDIR/bin:$PATH start_listener --fork \
	    -l 127.0.0.1 0 -e nosuchprogram
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ -z "$output" ]
	msg='^sockcat: cannot run nosuchprogram: No such file or directory$'
	wait_until 10 grep -q "$msg" "$BG_ERR"
}
