#!/usr/bin/env bats
# -k: the iterative server.  After a client ends it accepts the next, one
# at a time, forever (TCP and Unix stream); with -e/-c one program per
# client, in turn; stdin goes to the current client until stdin's EOF;
# -w and --idle-timeout close an idle client, never the server.

bats_require_minimum_version 1.5.0
load helpers

# wait_lines FILE REGEX N [SECONDS]: poll until N lines of FILE match.
wait_lines() {
	local file=$1 re=$2 n=$3 secs=${4:-10}
	local deadline=$((SECONDS + secs))
	while [ "$(grep -Ec -- "$re" "$file" 2>/dev/null)" -lt "$n" ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# send_line PORT TEXT: a -N client sends TEXT; it must print nothing.
send_line() {
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$1" \
	    <<<"$2"
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "-k serves three clients one after another and keeps listening" {
	start_listener -k -l 127.0.0.1 0
	port=$PORT
	send_line "$port" one
	wait_line "$BG_OUT" '^one$'
	send_line "$port" two
	wait_line "$BG_OUT" '^two$'
	send_line "$port" three
	wait_line "$BG_OUT" '^three$'
	[ "$(cat "$BG_OUT")" = $'one\ntwo\nthree' ]
	wait_lines "$BG_ERR" '^Connection received on 127\.0\.0\.1 [0-9]+$' 3
	kill -0 "$BG_PID"
	wait_listen "$port" tcp 1
}

@test "-k with -c runs a new program for each of three clients" {
	start_listener -k -l 127.0.0.1 0 -c 'echo "pid $$"; cat'
	port=$PORT
	pids=()
	for word in alpha beta gamma; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 \
		    "$port" <<<"$word"
		[ "${#lines[@]}" -eq 2 ]
		[[ ${lines[0]} =~ ^pid\ [0-9]+$ ]]
		[ "${lines[1]}" = "$word" ]
		pids+=("${lines[0]}")
	done
	[ "$(printf '%s\n' "${pids[@]}" | sort -u | wc -l)" -eq 3 ]
	kill -0 "$BG_PID"
}

@test "-k with -e /bin/cat echoes each of three clients in turn" {
	start_listener -k -l 127.0.0.1 0 -e /bin/cat
	port=$PORT
	for word in first second third; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 \
		    "$port" <<<"$word"
		[ "$output" = "$word" ]
	done
	kill -0 "$BG_PID"
}

@test "-k starts the next client's program only after the current one ends" {
	log=$BATS_TEST_TMPDIR/log
	start_listener -k -l 127.0.0.1 0 \
	    -c "echo start >>'$log'; cat; echo end >>'$log'"
	port=$PORT
	# Client A stays until we close its stdin, a fifo only we write to:
	# opened after A starts and kept from B, so neither client holds it.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_bg "$SOCKCAT" -N 127.0.0.1 "$port"
	a=$BG_PID a_out=$BG_OUT
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	wait_line "$log" '^start$'
	echo from-a >&"$hold"
	wait_line "$a_out" '^from-a$'
	# Client B connects (the kernel queues it) and has said all it has.
	echo from-b >"$BATS_TEST_TMPDIR/b.in"
	BG_STDIN=$BATS_TEST_TMPDIR/b.in start_bg "$SOCKCAT" -v -N 127.0.0.1 \
	    "$port" {hold}>&-
	b=$BG_PID b_out=$BG_OUT
	wait_line "$BG_ERR" 'succeeded!$'
	[ "$(cat "$log")" = start ]
	exec {hold}>&-
	wait_exit "$a" 10
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$b" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$a_out")" = from-a ]
	[ "$(cat "$b_out")" = from-b ]
	wait_lines "$log" . 4
	[ "$(cat "$log")" = $'start\nend\nstart\nend' ]
}

@test "-k gives stdin to the first client until its EOF and none to later clients" {
	echo "from the server" >"$BATS_TEST_TMPDIR/in"
	BG_STDIN=$BATS_TEST_TMPDIR/in start_listener -N -k -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = "from the server" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"second"
	[ -z "$output" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"third"
	[ -z "$output" ]
	wait_line "$BG_OUT" '^third$'
	[ "$(cat "$BG_OUT")" = $'second\nthird' ]
	kill -0 "$BG_PID"
}

@test "-k hands stdin on to the next client when a client leaves before stdin's EOF" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_listener -k -l 127.0.0.1 0
	server_err=$BG_ERR
	port=$PORT
	start_bg "$SOCKCAT" 127.0.0.1 "$port"
	c1=$BG_PID c1_out=$BG_OUT
	wait_lines "$server_err" '^Connection received' 1
	echo one >&"$hold"
	wait_line "$c1_out" '^one$'
	kill -- "-$c1"
	wait_exit "$c1" 10
	start_bg "$SOCKCAT" 127.0.0.1 "$port"
	c2_out=$BG_OUT
	wait_lines "$server_err" '^Connection received' 2
	echo two >&"$hold"
	wait_line "$c2_out" '^two$'
	exec {hold}>&-
	[ "$(cat "$c1_out")" = one ]
	[ "$(cat "$c2_out")" = two ]
}

@test "-k on port 0 keeps its kernel-chosen port for every client" {
	start_bg "$SOCKCAT" -v -k -l 127.0.0.1 0
	wait_line "$BG_ERR" '^Listening on 127\.0\.0\.1 [0-9]+$'
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 \([0-9]*\)$/\1/p' "$BG_ERR")
	send_line "$port" one
	send_line "$port" two
	wait_line "$BG_OUT" '^two$'
	[ "$(cat "$BG_OUT")" = $'one\ntwo' ]
}

@test "-k over a Unix stream socket serves clients one after another" {
	sock=$BATS_TEST_TMPDIR/s
	start_bg "$SOCKCAT" -k -U -l "$sock"
	wait_unix_listen "$sock"
	for word in one two three; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" \
		    <<<"$word"
		wait_line "$BG_OUT" "^$word\$"
	done
	[ "$(cat "$BG_OUT")" = $'one\ntwo\nthree' ]
	[ -S "$sock" ]
	kill -0 "$BG_PID"
}

@test "-k with -c over a Unix stream socket runs one program per client" {
	sock=$BATS_TEST_TMPDIR/s
	start_bg "$SOCKCAT" -k -U -l "$sock" -c 'read x; echo "$PROTO $x"'
	wait_unix_listen "$sock"
	for word in one two; do
		run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" \
		    <<<"$word"
		[ "$output" = "UNIX $word" ]
	done
}

@test "--idle-timeout in -k closes an idle client and the server serves the next" {
	start_listener -k --idle-timeout 1 -l 127.0.0.1 0
	server=$BG_PID server_out=$BG_OUT
	port=$PORT
	# An idle client waits for an EOF that only the timeout brings.
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/idle" drain
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	kill -0 "$server"
	send_line "$port" "after the timeout"
	wait_line "$server_out" '^after the timeout$'
	kill -0 "$server"
}

@test "--idle-timeout in -k spares a client that keeps talking" {
	start_listener -k --idle-timeout 2 -l 127.0.0.1 0
	server_out=$BG_OUT
	port=$PORT
	# 3 s of data in all, never 2 s apart: longer than one timeout.
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/log" \
	    send:a sleep:0.5 send:b sleep:0.5 send:c sleep:0.5 send:d \
	    sleep:0.5 send:e sleep:0.5 send:f sleep:0.5 'send:g\n' shut drain
	wait_exit "$BG_PID" 15
	[ "$WAIT_STATUS" -eq 0 ]
	wait_line "$server_out" '^abcdefg$'
}

@test "-w in -k closes an idle client, not the listener waiting for the next" {
	start_listener -k -w 1 -l 127.0.0.1 0
	server=$BG_PID server_out=$BG_OUT
	port=$PORT
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/idle" drain
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	# No client now: the server must outlive several -w periods.
	if wait_exit "$server" 3; then false; fi
	send_line "$port" "still here"
	wait_line "$server_out" '^still here$'
	kill -0 "$server"
}

@test "-u -k takes datagrams from any peer and replies to the latest sender" {
	fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	exec {hold}<>"$fifo"	# a writer stays: stdin never ends
	BG_STDIN=$fifo start_listener -u -k -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr env PYTHONPATH="$SOCKCAT_SRCDIR/tests" \
	    timeout 20 python3 - "$port" "$fifo" "$BG_OUT" <<'PY'
import socket, sys, time
from udppeer import peer, got
port, fifo, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def wait_out(text):
    for _ in range(500):
        if text in open(out).read():
            return
        time.sleep(0.02)
    sys.exit("listener never printed %r" % text)
def say(line):
    with open(fifo, "w") as f:
        f.write(line)
a, b = peer(), peer()
a.sendto(b"from a\n", ("127.0.0.1", port)); wait_out("from a\n")
b.sendto(b"from b\n", ("127.0.0.1", port)); wait_out("from b\n")
say("to the latest\n")
assert got(b, 5) == "to the latest\n", "b, the latest sender, got no reply"
assert got(a, 0.5) is None, "a is no longer the latest sender"
a.sendto(b"a again\n", ("127.0.0.1", port)); wait_out("a again\n")
say("back to a\n")
assert got(a, 5) == "back to a\n", "a, now the latest, got no reply"
PY
	exec {hold}>&-
	[ "$(cat "$BG_OUT")" = $'from a\nfrom b\na again' ]
	kill -0 "$BG_PID"
}

@test "-k without -l is a usage error" {
	usage_error -k 127.0.0.1 "$(free_port)"
	[[ $stderr == *-k* ]]
}
