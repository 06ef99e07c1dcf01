#!/usr/bin/env bats
# Signals during a transfer: SIGCHLD, SIGWINCH and SIGALRM sent again and
# again to the sockcat at each end, while 64 MiB cross a connection and a
# slow reader keeps the receiver's writes to stdout blocking.  No byte may
# be lost and neither end may die.  The storm is bounded in count and time.

bats_require_minimum_version 1.5.0
load helpers

# sockcat_in SESSION: the PID of the sockcat process in the session that
# start_bg made (its leader's PID is SESSION), once it is there.
sockcat_in() {
	SC_PID=
	wait_until 10 found_sockcat "$1"
}

found_sockcat() {
	SC_PID=$(pgrep -s "$1" -x "$(basename "$SOCKCAT")" | head -1)
	[ -n "$SC_PID" ]
}

@test "64 MiB arrive intact while both ends get a storm of SIGCHLD, SIGWINCH and SIGALRM" {
	T=$BATS_TEST_TMPDIR
	head -c 67108864 /dev/urandom >"$T/data"
	# The reader takes 256 KiB every 10 ms: a few seconds for it all.
	start_slow_listener 0.01
	local listener=$BG_PID listener_out=$BG_OUT
	port=$PORT
	sockcat_in "$listener"
	local receiver=$SC_PID
	BG_STDIN=$T/data start_bg "$SOCKCAT" -N 127.0.0.1 "$port"
	local sender_session=$BG_PID
	sockcat_in "$sender_session"
	local sender=$SC_PID
	# Only the two sockcat processes: timeout(1) itself lives by SIGALRM.
	# The pause between rounds is a read that times out on a FIFO that
	# never gets data, not sleep(1): a fork a round would leave a loaded
	# machine (CI under ASan) too few rounds before the transfer ends.
	local rounds=0 deadline=$((SECONDS + 60)) sig pause
	mkfifo "$T/pause"
	exec {pause}<>"$T/pause"
	while kill -0 "$sender" 2>/dev/null && [ "$rounds" -lt 5000 ] &&
	    [ "$SECONDS" -lt "$deadline" ]; do
		for sig in CHLD WINCH ALRM; do
			kill -s "$sig" "$sender" "$receiver" 2>/dev/null || :
		done
		rounds=$((rounds + 1))
		read -r -t 0.005 -u "$pause" _ || :
	done
	exec {pause}<&-
	wait_exit "$sender_session" 60
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$listener" 60
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$rounds" -ge 20 ]
	cmp "$T/data" "$listener_out"
}
