#!/usr/bin/env bats
# What the SECURITY section of the man page promises about processes:
# signals that were ignored when sockcat started (nohup) stay ignored, in
# the listener and in its --fork children, and neither loses the socket
# file.  The environment of -e/-c programs is in exec.bats, the socket
# file's rules in unix.bats.

bats_require_minimum_version 1.5.0
load helpers

# start_ignoring CMD...: start_bg CMD with SIGHUP, SIGINT and SIGTERM
# ignored from the start, as under nohup; ignoring_pid then gives its
# pid.  CMD ignores teardown's SIGTERM too: the inner timeout -k answers
# that signal with SIGKILL a second later.
start_ignoring() {
	start_bg timeout -k 1 25 bash -c 'trap "" HUP INT TERM; exec "$@"' \
	    sh "$@"
	IGNORING_BG=$BG_PID
}

# ignoring_pid: the pid of CMD (start_bg's timeout, the inner timeout, CMD).
ignoring_pid() {
	local inner
	inner=$(ps -o pid= --ppid "$IGNORING_BG" | tr -d ' ')
	[ -n "$inner" ] && ps -o pid= --ppid "$inner" | tr -d ' ' | grep .
}

# ignored PID SIG: PID's mask of ignored signals has SIG.
ignored() {
	local mask
	mask=$(awk '/^SigIgn:/ { print $2 }' "/proc/$1/status")
	(( (0x$mask >> ($(kill -l "$2") - 1)) & 1 ))
}

@test "a Unix listener started with SIGHUP, SIGINT and SIGTERM ignored survives them and keeps its socket file" {
	sock=$BATS_TEST_TMPDIR/s
	start_ignoring "$SOCKCAT" -v -U -l "$sock"
	# -v's line comes after any signal handler is in place.
	wait_line "$BG_ERR" "^Listening on $sock\$"
	pid=$(ignoring_pid)
	kill -HUP "$pid"
	kill -INT "$pid"
	kill -TERM "$pid"
	ignored "$pid" HUP
	ignored "$pid" TERM
	[ -S "$sock" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U -N "$sock" \
	    <<<"still here"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "still here" ]
}

# ignoring_child: the --fork child of ignoring_pid, once there is one.
ignoring_child() {
	ps -o pid= --ppid "$(ignoring_pid)" | tr -d ' ' | grep .
}

@test "--fork children keep SIGHUP, SIGINT and SIGTERM ignored when sockcat started with them ignored" {
	sock=$BATS_TEST_TMPDIR/s
	start_ignoring "$SOCKCAT" --fork -U -l "$sock" \
	    -c 'while read -r x; do echo "got $x"; done'
	wait_unix_listen "$sock"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_bg "$SOCKCAT" -U "$sock"
	client_out=$BG_OUT
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	# An answer: the child runs the program, past any change it makes.
	echo one >&"$hold"
	wait_line "$client_out" '^got one$'
	child=$(ignoring_child)
	kill -HUP "$child"
	kill -INT "$child"
	kill -TERM "$child"
	echo two >&"$hold"
	wait_line "$client_out" '^got two$'
	exec {hold}>&-
}

@test "a TCP --fork child keeps SIGHUP ignored when sockcat started with it ignored" {
	start_ignoring "$SOCKCAT" -v --fork -l 127.0.0.1 0 \
	    -c 'while read -r x; do echo "got $x"; done'
	port=$(bound_port "$BG_ERR")
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	BG_STDIN=$BATS_TEST_TMPDIR/fifo start_bg "$SOCKCAT" 127.0.0.1 "$port"
	client_out=$BG_OUT
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	echo one >&"$hold"
	wait_line "$client_out" '^got one$'
	kill -HUP "$(ignoring_child)"
	echo two >&"$hold"
	wait_line "$client_out" '^got two$'
	exec {hold}>&-
}

@test "a --fork listener started with SIGHUP ignored keeps serving after SIGHUP" {
	sock=$BATS_TEST_TMPDIR/s
	start_ignoring "$SOCKCAT" -v --fork -U -l "$sock" -c 'echo hello'
	wait_line "$BG_ERR" "^Listening on $sock\$"
	kill -HUP "$(ignoring_pid)"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -U "$sock" </dev/null
	[ "$output" = hello ]
	[ -S "$sock" ]
}
