#!/usr/bin/env bats
# For scripts: --port-file and --ready-fd say "ADDR PORT" (or a -U path)
# once the listener listens, whatever the listen strategy; the file
# appears whole; the descriptor is closed after.  --accept-timeout ends
# a listener no client came to; --max-conns with -k -e/-c serves N
# programs at once; --no-shutdown is the default said aloud.

bats_require_minimum_version 1.5.0
load helpers

# ready SOCKCAT-ARGS...: a listener with --port-file $T/port; LINES gets
# the file's lines once it is there, PORT the first line's port.
ready() {
	PF=$BATS_TEST_TMPDIR/port
	start_bg "$SOCKCAT" --port-file "$PF" "$@"
	wait_until 10 test -e "$PF"
	mapfile -t LINES <"$PF"
	PORT=${LINES[0]##* }
}

@test "--port-file: an IPv4 listener on port 0 writes its address and the kernel's port" {
	ready -l 127.0.0.1 0
	[ "${#LINES[@]}" -eq 1 ]
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	[ "$PORT" -gt 0 ]
	send_to_listener 127.0.0.1 "$PORT" "over v4"
}

@test "--port-file: an IPv6 listener writes ::1 and its port" {
	ready -l ::1 0
	[ "${#LINES[@]}" -eq 1 ]
	[[ ${LINES[0]} =~ ^::1\ [0-9]+$ ]]
	send_to_listener ::1 "$PORT" "over v6"
}

@test "--port-file: the dual-stack wildcard is written as both families, IPv4 first" {
	ready -l 0
	[ "${#LINES[@]}" -eq 2 ]
	[[ ${LINES[0]} =~ ^0\.0\.0\.0\ [0-9]+$ ]]
	[ "${LINES[1]}" = ":: $PORT" ]
	send_to_listener 127.0.0.1 "$PORT" "to the wildcard"
}

@test "--port-file: a UDP listener writes the port it is bound to" {
	ready -u -l -W 1 127.0.0.1 0
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	udp_send "$PORT" "a datagram"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "a datagram" ]
}

@test "--port-file: -U listeners, stream and datagram, write their path" {
	ready -U -l "$BATS_TEST_TMPDIR/s"
	[ "${#LINES[@]}" -eq 1 ]
	[ "${LINES[0]}" = "$BATS_TEST_TMPDIR/s" ]
	[ -S "$BATS_TEST_TMPDIR/s" ]
	rm "$PF"
	ready -U -u -l "$BATS_TEST_TMPDIR/d"
	[ "${LINES[0]}" = "$BATS_TEST_TMPDIR/d" ]
	[ -S "$BATS_TEST_TMPDIR/d" ]
}

@test "--port-file with -k, -u -k, --fork and --broker: written once listening, and they serve" {
	ready -k -l 127.0.0.1 0
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    <<<"to -k"
	wait_line "$BG_OUT" '^to -k$'
	rm "$PF"
	ready -u -k -l 127.0.0.1 0
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	udp_send "$PORT" "to -u -k"
	wait_line "$BG_OUT" '^to -u -k$'
	rm "$PF"
	ready --fork -l 127.0.0.1 0 -e /bin/cat
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    <<<"echoed"
	[ "$output" = echoed ]
	rm "$PF"
	ready --broker -l 127.0.0.1 0
	[[ ${LINES[0]} =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	wait_listen "$PORT"
}

@test "--port-file replaces the file by rename: a link to the old one keeps the old text" {
	PF=$BATS_TEST_TMPDIR/dir/port
	mkdir "$BATS_TEST_TMPDIR/dir"
	echo stale >"$PF"
	ln "$PF" "$BATS_TEST_TMPDIR/old"
	start_bg "$SOCKCAT" --port-file "$PF" -l 127.0.0.1 0
	wait_until 10 grep -q 127 "$PF"
	[ "$(cat "$BATS_TEST_TMPDIR/old")" = stale ]
	[[ $(cat "$PF") =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	# No temporary file is left beside it.
	[ "$(ls "$BATS_TEST_TMPDIR/dir")" = port ]
}

@test "--port-file is never seen empty or partial by a reader polling for it" {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		PF=$BATS_TEST_TMPDIR/poll.$i
		# Reads the file as soon as it opens; says what it first read.
		start_bg python3 -c '
import os, sys, time
path = sys.argv[1]
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        with open(path) as f:
            print(repr(f.read()))
            break
    except FileNotFoundError:
        pass
' "$PF"
		poller=$BG_PID
		poller_out=$BG_OUT
		start_bg "$SOCKCAT" --port-file "$PF" -l 127.0.0.1 0
		wait_exit "$poller" 15
		[[ $(cat "$poller_out") =~ ^\'127\.0\.0\.1\ [0-9]+\\n\'$ ]]
	done
}

@test "--ready-fd: the lines go to the descriptor, which is closed while the listener runs" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_bg sh -c 'exec "$1" -l 127.0.0.1 0 --ready-fd 7 7>"$2"' sh \
	    "$SOCKCAT" "$BATS_TEST_TMPDIR/fifo"
	listener=$BG_PID
	# cat ends only at EOF: when sockcat, the only writer, closes it.
	run -0 timeout 10 cat "$BATS_TEST_TMPDIR/fifo"
	[[ $output =~ ^127\.0\.0\.1\ [0-9]+$ ]]
	port=${output##* }
	kill -0 "$listener"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <<<"after ready"
	wait_exit "$listener" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "after ready" ]
}

@test "--ready-fd and --port-file together: the same text in both" {
	exec {fd}>"$BATS_TEST_TMPDIR/fdout"
	start_bg "$SOCKCAT" -l 0 --ready-fd "$fd" \
	    --port-file "$BATS_TEST_TMPDIR/port"
	exec {fd}>&-
	wait_until 10 test -e "$BATS_TEST_TMPDIR/port"
	wait_until 10 test -s "$BATS_TEST_TMPDIR/fdout"
	cmp "$BATS_TEST_TMPDIR/port" "$BATS_TEST_TMPDIR/fdout"
}

@test "--ready-fd: a program run for a client does not inherit the descriptor" {
	exec {fd}>"$BATS_TEST_TMPDIR/fdout"
	start_bg "$SOCKCAT" -l 127.0.0.1 0 --ready-fd "$fd" \
	    -c "test -e /proc/self/fd/$fd && echo inherited || echo clean"
	exec {fd}>&-
	wait_until 10 test -s "$BATS_TEST_TMPDIR/fdout"
	port=$(awk '{ print $2 }' "$BATS_TEST_TMPDIR/fdout")
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = clean ]
}

@test "--ready-fd whose reader is gone: one message, exit 1, no client served" {
	run -1 --separate-stderr timeout 10 python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call([sys.argv[1], "-k", "-l", "127.0.0.1", "0",
    "--ready-fd", str(w)], pass_fds=[w], stdin=subprocess.DEVNULL))
' "$SOCKCAT"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: cannot write to --ready-fd "[0-9]*": Broken pipe" ]]
}

@test "--port-file that cannot be written: one message and exit 1 before any client" {
	touch "$BATS_TEST_TMPDIR/file"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -k -l 127.0.0.1 0 \
	    --port-file "$BATS_TEST_TMPDIR/file/port"
	[ -z "$output" ]
	[ "$stderr" = "sockcat: cannot write the port file $BATS_TEST_TMPDIR/file/port: Not a directory" ]
	# Renaming over a directory fails after the temporary is written:
	# it is removed.
	mkdir -p "$BATS_TEST_TMPDIR/d/port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" --fork -e /bin/cat \
	    -l 127.0.0.1 0 --port-file "$BATS_TEST_TMPDIR/d/port"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: cannot write the port file $BATS_TEST_TMPDIR/d/port: "* ]]
	[ "$(ls "$BATS_TEST_TMPDIR/d")" = port ]
}

# timed_out SECONDS SOCKCAT-ARGS...: run a listener that no client comes
# to; it must exit 1 with the one message, not before SECONDS.
timed_out() {
	local secs=$1 start end
	shift
	start=$(date +%s%N)
	run -1 --separate-stderr timeout 20 "$SOCKCAT" "$@" </dev/null
	end=$(date +%s%N)
	ELAPSED_MS=$(((end - start) / 1000000))
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: no client within "*", giving up" ]]
	[ "$ELAPSED_MS" -ge "$(awk -v s="$secs" 'BEGIN { print s * 1000 }')" ]
}

@test "--accept-timeout: a TCP listener with no client exits 1 after TIME" {
	timed_out 1 -l 127.0.0.1 0 --accept-timeout 1
	[ "$stderr" = "sockcat: no client within 1s, giving up" ]
	timed_out 0.5 -k -l 127.0.0.1 0 --accept-timeout 500ms
	[ "$stderr" = "sockcat: no client within 500ms, giving up" ]
}

@test "--accept-timeout: --fork, --broker, -U and UDP listeners give up too" {
	timed_out 0.5 --fork -e /bin/cat -l 127.0.0.1 0 --accept-timeout 0.5
	timed_out 0.5 --broker -l 127.0.0.1 0 --accept-timeout 0.5
	timed_out 0.5 --chat -l 127.0.0.1 0 --accept-timeout 0.5
	timed_out 0.5 -U -l "$BATS_TEST_TMPDIR/s" --accept-timeout 0.5
	[ ! -e "$BATS_TEST_TMPDIR/s" ]
	timed_out 0.5 -u -l 127.0.0.1 0 --accept-timeout 0.5
	timed_out 0.5 -u -k -l 127.0.0.1 0 --accept-timeout 0.5
}

@test "--accept-timeout does not fire while a client is being served" {
	start_listener -l 127.0.0.1 0 --accept-timeout 1
	# Connected at once, silent for 3 s, then one line and EOF.
	run -0 --separate-stderr timeout 20 sh -c \
	    '(sleep 3; echo late) | "$1" -N 127.0.0.1 "$2"' sh "$SOCKCAT" "$PORT"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = late ]
	run ! grep -q 'giving up' "$BG_ERR"
}

@test "--accept-timeout with -k bounds the first client only" {
	BG_STDIN=/dev/null start_listener -k -l 127.0.0.1 0 --accept-timeout 1
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    <<<"first"
	wait_line "$BG_OUT" '^first$'
	sleep 2
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    <<<"second"
	wait_line "$BG_OUT" '^second$'
	kill -0 "$BG_PID"
}

@test "--accept-timeout with -u: a datagram in time is served" {
	start_listener -u -l -W 1 127.0.0.1 0 --accept-timeout 5
	udp_send "$PORT" "in time"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "in time" ]
}

@test "--max-conns 2 with -k -c: two programs run at once, a third client is closed at once" {
	local d=$BATS_TEST_TMPDIR/alive
	mkdir "$d"
	# Each program counts itself in, waits (10 s at most) until it sees
	# two, says how many it saw, and holds until released.
	start_listener -k --max-conns 2 -l 127.0.0.1 0 -c "
touch '$d'/\$\$; n=0
while [ \$(ls '$d' | wc -l) -lt 2 ] && [ \$n -lt 100 ]; do
	sleep 0.1; n=\$((n + 1)); done
echo seen \$(ls '$d' | wc -l)
n=0
while [ ! -e '$BATS_TEST_TMPDIR/release' ] && [ \$n -lt 100 ]; do
	sleep 0.1; n=\$((n + 1)); done"
	server_err=$BG_ERR
	port=$PORT
	server=$(server_pid)
	start_bg "$SOCKCAT" 127.0.0.1 "$port"
	a=$BG_PID
	a_out=$BG_OUT
	start_bg "$SOCKCAT" 127.0.0.1 "$port"
	b=$BG_PID
	b_out=$BG_OUT
	wait_line "$a_out" '^seen 2$'
	wait_line "$b_out" '^seen 2$'
	# The third is let in and closed: it sees EOF with nothing.
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ -z "$output" ]
	wait_line "$server_err" '^Connection from 127\.0\.0\.1 [0-9]+ refused \(--max-conns reached\)$'
	touch "$BATS_TEST_TMPDIR/release"
	wait_exit "$a" 15
	wait_exit "$b" 15
	# Once a program has ended there is room again.
	wait_until 10 no_children "$server"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" 127.0.0.1 "$port" \
	    </dev/null
	[ "$output" = "seen 3" ]
}

@test "--no-shutdown: the peer sees no EOF after stdin ends, as by default" {
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    eofcheck:2 close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --no-shutdown \
	    127.0.0.1 "$port" <<<"hi"
	[ "$output" = "no eof" ]
	[ -z "$stderr" ]
}
