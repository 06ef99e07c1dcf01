#!/usr/bin/env bats
# Binary safety at volume: 32 MiB of random bytes through TCP in each
# direction and both at once, and through a Unix stream socket, compared
# byte for byte.  Waits are generous: sanitizer builds are slow.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	head -c 33554432 /dev/urandom >"$T/up"
}

# client ARGS...: run sockcat ARGS with stdin from $CLIENT_IN (default
# /dev/null) and stdout into $T/client.out, bounded by 60 s.
client() {
	run -0 --separate-stderr timeout 60 sh -c \
	    'in=$1 out=$2; shift 2; exec "$@" <"$in" >"$out"' \
	    sh "${CLIENT_IN:-/dev/null}" "$T/client.out" "$SOCKCAT" "$@"
}

@test "32 MiB of random bytes go from a TCP client to a listener unchanged" {
	start_listener -l 127.0.0.1 0
	port=$PORT
	CLIENT_IN=$T/up client -N 127.0.0.1 "$port"
	wait_exit "$BG_PID" 60
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$T/up" "$BG_OUT"
	[ ! -s "$T/client.out" ]
}

@test "32 MiB of random bytes go from a TCP listener to its client unchanged" {
	BG_STDIN=$T/up start_listener -N -l 127.0.0.1 0
	port=$PORT
	client 127.0.0.1 "$port"
	wait_exit "$BG_PID" 60
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$T/up" "$T/client.out"
	[ ! -s "$BG_OUT" ]
}

# both_ways LISTENER_ARGS -- CLIENT_ARGS: 32 MiB each way at once.  No
# -N: a peer's EOF ends sockcat, so whichever side finished first would
# cut the other short; the test waits for every byte instead.
both_ways() {
	local largs=() cargs=()
	while [ "$1" != -- ]; do largs+=("$1"); shift; done
	shift
	cargs=("$@")
	head -c 33554432 /dev/urandom >"$T/down"
	BG_STDIN=$T/down start_bg "$SOCKCAT" "${largs[@]}"
	listener_out=$BG_OUT
	if [ "${largs[0]}" = -U ]; then
		wait_unix_listen "${largs[-1]}"
	else
		wait_listen "${largs[-1]}"
	fi
	BG_STDIN=$T/up start_bg "$SOCKCAT" "${cargs[@]}"
	client_out=$BG_OUT
	wait_size "$listener_out" 33554432 60
	wait_size "$client_out" 33554432 60
	cmp "$T/up" "$listener_out"
	cmp "$T/down" "$client_out"
}

@test "32 MiB each way cross one TCP connection at once unchanged" {
	port=$(free_port)
	both_ways -l 127.0.0.1 "$port" -- 127.0.0.1 "$port"
}

@test "32 MiB each way cross a Unix stream socket at once unchanged" {
	both_ways -U -l "$T/s.sock" -- -U "$T/s.sock"
}

@test "32 MiB of random bytes go from a Unix stream client to its listener unchanged" {
	sock=$T/s.sock
	start_bg "$SOCKCAT" -U -l "$sock"
	wait_unix_listen "$sock"
	CLIENT_IN=$T/up client -N -U "$sock"
	wait_exit "$BG_PID" 60
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$T/up" "$BG_OUT"
}

@test "32 MiB arrive unchanged while the sender is stopped and continued again and again" {
	# The listener's reader takes about 2 s, so the sender spends that
	# time blocked on a full socket, where the stops land.
	start_slow_listener 0.015
	listener=$BG_PID listener_out=$BG_OUT
	port=$PORT
	BG_STDIN=$T/up start_bg "$SOCKCAT" -N 127.0.0.1 "$port"
	sender=$BG_PID
	# SIGSTOP/SIGCONT interrupt blocking calls; not a byte may be lost.
	local deadline=$((SECONDS + 60)) stops=0
	while kill -0 "$sender" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
		# (the group exists once setsid has run in the new process)
		if kill -STOP -- "-$sender" 2>/dev/null; then
			sleep 0.02
			kill -CONT -- "-$sender" 2>/dev/null || :
			stops=$((stops + 1))
		fi
		sleep 0.02
	done
	kill -CONT -- "-$sender" 2>/dev/null || :
	wait_exit "$sender" 60
	[ "$WAIT_STATUS" -eq 0 ]
	wait_exit "$listener" 60
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$stops" -ge 10 ]
	cmp "$T/up" "$listener_out"
}
