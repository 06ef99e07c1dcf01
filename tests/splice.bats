#!/usr/bin/env bats
# Zero copy: where both ends of a direction are files, pipes or stream
# sockets, the bytes move by splice(2), straight where an end is a pipe,
# or by sendfile(2) from a regular file to a socket (seen with strace),
# unchanged and in order, with -N, -q, -w, a gone reader and a reset
# peer as on the copying path; options that must see the bytes,
# --no-splice and SOCKCAT_NO_SPLICE copy instead; an end splice refuses
# (O_APPEND) falls back to copying without losing a byte.  Run twice by
# CI: as is, and with SOCKCAT_NO_SPLICE=1 (make check-nosplice), where
# every transfer test here checks the copying path; the strace tests
# that expect splice clear the switch for their own runs.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	DATA=$BATS_TEST_TMPDIR/data
	head -c $((8 * 1024 * 1024 + 4099)) /dev/urandom >"$DATA"
	OUT=$BATS_TEST_TMPDIR/out
	# ST TRACE SOCKCAT ARGS...: its splice and sendfile calls in TRACE;
	# the default
	# path (SOCKCAT_NO_SPLICE unset) unless ST_ENV says otherwise, and no
	# LeakSanitizer, which cannot run under ptrace.
	export ST=$BATS_TEST_TMPDIR/st
	cat >"$ST" <<'SH'
#!/bin/sh
t=$1
shift
exec env ${ST_ENV:--u SOCKCAT_NO_SPLICE} \
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -e trace=splice,sendfile -o "$t" "$@"
SH
	chmod +x "$ST"
}

# need_splice: skip unless this build calls splice(2) at all (configure
# found it; ac_cv_func_splice=no builds the copying path only).
need_splice() {
	need_strace
	command -v nm >/dev/null || skip "nm is not installed"
	nm -D "$SOCKCAT" | grep -qw splice ||
	    skip "this build has no splice (HAVE_SPLICE unset)"
}

# need_sendfile: skip unless this build calls sendfile(2) (Linux's).
need_sendfile() {
	need_splice
	nm -D "$SOCKCAT" | grep -qw sendfile ||
	    skip "this build has no sendfile (HAVE_SENDFILE unset)"
}

# sent_file TRACE: TRACE shows bytes sent by sendfile(2) from stdin.
sent_file() {
	grep -Eq "^([0-9]+ +)?sendfile\([0-9]+, 0, NULL, [0-9]+\) += [1-9]" "$1"
}

# zero_copied TRACE: stdin's bytes left by splice(2) or sendfile(2).
zero_copied() {
	spliced "$1" 0 in || sent_file "$1"
}

# spliced TRACE FD in|out: TRACE shows bytes spliced from (in) or to (out)
# descriptor FD.
spliced() {
	case $3 in
	in) grep -Eq "^([0-9]+ +)?splice\\($2, .*\\) = [1-9]" "$1" ;;
	out) grep -Eq "^([0-9]+ +)?splice\\([0-9]+, NULL, $2, .*\\) = [1-9]" \
	    "$1" ;;
	esac
}

@test "a file goes file -> TCP -> file unchanged, both directions" {
	start_listener -l 127.0.0.1 0
	run -0 timeout 30 "$SOCKCAT" -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
	# The listener sends, the client receives.
	BG_STDIN=$DATA start_listener -N -l 127.0.0.1 0
	timeout 30 "$SOCKCAT" 127.0.0.1 "$PORT" </dev/null >"$OUT"
	cmp "$DATA" "$OUT"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "pipe -> TCP -> pipe keeps every byte, both directions" {
	start_bg sh -c 'cat "$1" | "$2" -v -N -l 127.0.0.1 0 | cat >"$3"' \
	    sh "$DATA" "$SOCKCAT" "$OUT"
	PORT=$(bound_port "$BG_ERR")
	run -0 --separate-stderr timeout 30 sh -c \
	    'cat "$1" | "$2" -N 127.0.0.1 "$3" | cat >"$4"' \
	    sh "$DATA" "$SOCKCAT" "$PORT" "$OUT.client"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$OUT"
	cmp "$DATA" "$OUT.client"
}

@test "a Unix stream socket carries a file unchanged, both directions" {
	sock=$BATS_TEST_TMPDIR/s
	BG_STDIN=$DATA start_bg "$SOCKCAT" -N -l -U "$sock"
	wait_unix_listen "$sock"
	timeout 30 "$SOCKCAT" -N -U "$sock" <"$DATA" >"$OUT"
	cmp "$DATA" "$OUT"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
}

# straight TRACE: every splice in TRACE has stdin as its source or stdout
# as its sink: none goes into or out of a pipe of sockcat's own.
straight() {
	spliced "$1" 0 in
	spliced "$1" 1 out
	! grep -E '^([0-9]+ +)?splice\(' "$1" |
	    grep -Ev '^([0-9]+ +)?splice\((0, |[0-9]+, NULL, 1, )'
}

@test "strace: splice moves each eligible direction; a pipe end with no pipe between" {
	need_splice
	# The listener: socket -> file (out to 1); the client: file -> socket
	# (in from 0), then pipe -> socket and socket -> pipe.
	start_bg "$ST" "$BATS_TEST_TMPDIR/l.trace" "$SOCKCAT" -v -l 127.0.0.1 0
	PORT=$(bound_port "$BG_ERR")
	run -0 timeout 30 "$ST" "$BATS_TEST_TMPDIR/c.trace" \
	    "$SOCKCAT" -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
	zero_copied "$BATS_TEST_TMPDIR/c.trace"
	spliced "$BATS_TEST_TMPDIR/l.trace" 1 out
	# Pipes on the client's side: stdin -> socket and socket -> stdout.
	BG_STDIN=$DATA start_listener -N -l 127.0.0.1 0
	run -0 timeout 30 sh -c \
	    'cat "$5" | "$ST" "$1" "$2" -N 127.0.0.1 "$3" | cat >"$4"' \
	    sh "$BATS_TEST_TMPDIR/p.trace" "$SOCKCAT" "$PORT" "$OUT" "$DATA"
	cmp "$DATA" "$OUT"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
	straight "$BATS_TEST_TMPDIR/p.trace"
}

@test "strace: no splice under --no-splice, -C, -o, --output, -i, -t, -W" {
	need_splice
	for opts in --no-splice -C "-o $BATS_TEST_TMPDIR/hex" \
	    "--output $BATS_TEST_TMPDIR/raw" "-i 0.001" -t "-W 100000"; do
		start_listener -l 127.0.0.1 0
		# shellcheck disable=SC2086 # opts: words on purpose
		run -0 timeout 60 "$ST" "$BATS_TEST_TMPDIR/t" "$SOCKCAT" \
		    $opts -N 127.0.0.1 "$PORT" <"$SOCKCAT_SRCDIR/README"
		wait_exit "$BG_PID" 30
		[ "$WAIT_STATUS" -eq 0 ]
		[ -s "$BG_OUT" ]
		! grep -Eq 'splice|sendfile' "$BATS_TEST_TMPDIR/t"
	done
}

@test "SOCKCAT_NO_SPLICE=1 forces the copying path, other values do not" {
	need_splice
	start_listener -l 127.0.0.1 0
	run -0 timeout 30 env ST_ENV=SOCKCAT_NO_SPLICE=1 "$ST" \
	    "$BATS_TEST_TMPDIR/t" "$SOCKCAT" \
	    -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 30
	cmp "$DATA" "$BG_OUT"
	! grep -Eq 'splice|sendfile' "$BATS_TEST_TMPDIR/t"
	start_listener -l 127.0.0.1 0
	run -0 timeout 30 env ST_ENV=SOCKCAT_NO_SPLICE=0 "$ST" \
	    "$BATS_TEST_TMPDIR/t0" "$SOCKCAT" \
	    -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 30
	cmp "$DATA" "$BG_OUT"
	zero_copied "$BATS_TEST_TMPDIR/t0"
}

@test "--send-only splices what it sends, reads what it discards" {
	need_splice
	BG_STDIN=$SOCKCAT_SRCDIR/README start_listener -N -l 127.0.0.1 0
	run -0 timeout 30 "$ST" "$BATS_TEST_TMPDIR/t" "$SOCKCAT" --send-only \
	    -N 127.0.0.1 "$PORT" <"$DATA"
	[ -z "$output" ]
	wait_exit "$BG_PID" 30
	cmp "$DATA" "$BG_OUT"
	zero_copied "$BATS_TEST_TMPDIR/t"
	! spliced "$BATS_TEST_TMPDIR/t" 1 out
}

@test "strace: a regular-file stdin goes to the socket by sendfile, no pipe" {
	need_sendfile
	start_listener -l 127.0.0.1 0
	run -0 timeout 30 "$ST" "$BATS_TEST_TMPDIR/t" "$SOCKCAT" \
	    -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
	sent_file "$BATS_TEST_TMPDIR/t"
	! spliced "$BATS_TEST_TMPDIR/t" 0 in
	# stdin as a pipe: splice, not sendfile.
	start_listener -l 127.0.0.1 0
	run -0 timeout 30 sh -c 'cat "$1" | "$ST" "$2" "$3" -N 127.0.0.1 "$4"' \
	    sh "$DATA" "$BATS_TEST_TMPDIR/p" "$SOCKCAT" "$PORT"
	wait_exit "$BG_PID" 30
	cmp "$DATA" "$BG_OUT"
	spliced "$BATS_TEST_TMPDIR/p" 0 in
	! grep -q sendfile "$BATS_TEST_TMPDIR/p"
}

@test "a trickling pipe on stdin, a slow reader on stdout: every byte, no spin" {
	need_splice
	# stdin: 16 chunks of 64 KiB, 50 ms apart (the socket waits on the
	# pipe); stdout: read 64 KiB every 50 ms (the socket waits on it).
	head -c 1048576 "$DATA" >"$BATS_TEST_TMPDIR/up"
	cat >"$BATS_TEST_TMPDIR/slow.py" <<'PY'
import os, sys, time
with open(sys.argv[1], "wb") as out:
    while True:
        b = os.read(0, 65536)
        if not b:
            break
        out.write(b)
        time.sleep(0.05)
PY
	BG_STDIN=$DATA start_listener -N -l 127.0.0.1 0
	run -0 timeout 60 sh -c '
	    for i in $(seq 0 15); do
		dd if="$4" bs=65536 skip=$i count=1 2>/dev/null; sleep 0.05
	    done | "$ST" "$1" "$2" -N 127.0.0.1 "$3" |
	    python3 "$5" "$6"' sh "$BATS_TEST_TMPDIR/t" "$SOCKCAT" "$PORT" \
	    "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/slow.py" "$OUT"
	cmp "$DATA" "$OUT"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/up" "$BG_OUT"
	straight "$BATS_TEST_TMPDIR/t"
	# Some 130 pauses in all, each worth an EAGAIN or two; a loop that
	# spun on one would make thousands.
	again=$(grep -c EAGAIN "$BATS_TEST_TMPDIR/t")
	echo "$again EAGAINs"
	[ "$again" -le 1000 ]
}

@test "strace: sendfile to a slow reader waits when the socket is full" {
	need_sendfile
	# The socket fills again and again: sendfile says EAGAIN and the
	# pump waits for the socket, not the file (always readable).
	start_slow_listener 0.02
	run -0 --separate-stderr timeout 60 "$ST" "$BATS_TEST_TMPDIR/t" \
	    "$SOCKCAT" -N 127.0.0.1 "$PORT" <"$DATA"
	wait_exit "$BG_PID" 60
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
	grep -Eq "sendfile\([0-9]+, 0, NULL, [0-9]+\) += -1 EAGAIN" \
	    "$BATS_TEST_TMPDIR/t"
	# No spin: far fewer refused calls than the transfer took seconds.
	[ "$(grep -c EAGAIN "$BATS_TEST_TMPDIR/t")" -lt 2000 ]
}

@test "-N: the peer sees EOF only after every spliced byte" {
	port=$(free_port)
	start_peer "$port" drain 'send:got it\n'
	run -0 --separate-stderr timeout 30 "$SOCKCAT" -N 127.0.0.1 "$port" \
	    <"$DATA"
	[ "$output" = "got it" ]
	[ -z "$stderr" ]
	cmp "$DATA" "$PEER_LOG"
}

@test "-q 1 quits a second after stdin's end, all of it sent" {
	port=$(free_port)
	start_peer "$port" drain hold
	SECONDS=0
	run -0 --separate-stderr timeout 30 "$SOCKCAT" -q 1 127.0.0.1 "$port" \
	    <"$DATA"
	[ -z "$stderr" ]
	[ "$SECONDS" -lt 20 ]
	cmp "$DATA" "$PEER_LOG"
}

@test "-w 1 closes an idle connection after a spliced transfer" {
	start_listener -w 1 -l 127.0.0.1 0
	# No -N: only the listener's idle limit ends the run.
	run -0 --separate-stderr timeout 30 "$SOCKCAT" 127.0.0.1 "$PORT" \
	    <"$DATA"
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
}

@test "stdout's reader gone (| head -c 1000): status as on the copying path" {
	for path in "" --no-splice; do
		BG_STDIN=$DATA start_listener -l 127.0.0.1 0
		run -0 --separate-stderr timeout 30 bash -c \
		    '"$1" $2 127.0.0.1 "$3" </dev/null | head -c 1000 >"$4"
		    echo "${PIPESTATUS[0]}"' \
		    sh "$SOCKCAT" "$path" "$PORT" "$OUT"
		[ "$output" = 0 ]
		[ -z "$stderr" ]
		cmp -n 1000 "$DATA" "$OUT"
		[ "$(stat -c %s "$OUT")" -eq 1000 ]
	done
}

@test "stdout opened O_APPEND: splice refuses it, every byte still lands" {
	BG_STDIN=$DATA start_listener -N -l 127.0.0.1 0
	printf 'before\n' >"$OUT"
	run -0 --separate-stderr timeout 30 env -u SOCKCAT_NO_SPLICE \
	    bash -c '"$1" 127.0.0.1 "$2" </dev/null >>"$3"' \
	    sh "$SOCKCAT" "$PORT" "$OUT"
	[ -z "$stderr" ]
	{ printf 'before\n'; cat "$DATA"; } | cmp - "$OUT"
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
}

@test "strace: the O_APPEND fallback takes over after bytes were spliced in" {
	need_splice
	BG_STDIN=$DATA start_listener -N -l 127.0.0.1 0
	: >"$OUT"
	run -0 timeout 30 bash -c \
	    '"$ST" "$1" "$2" 127.0.0.1 "$3" </dev/null >>"$4"' \
	    sh "$BATS_TEST_TMPDIR/t" "$SOCKCAT" "$PORT" "$OUT"
	cmp "$DATA" "$OUT"
	# Bytes came into the pipe, then the pipe -> stdout splice of what it
	# held was refused: the fallback had bytes to keep.
	awk '/ = [1-9]/ { n++ }
	    / splice\([0-9]+, NULL, 1, NULL, [1-9].* EINVAL/ { f = n }
	    END { exit !(f > 0) }' "$BATS_TEST_TMPDIR/t"
}

@test "stdin /dev/zero with -N, the listener read by head -c 3 MiB" {
	start_bg sh -c '"$1" -v -l 127.0.0.1 0 | head -c 3145728' \
	    sh "$SOCKCAT"
	PORT=$(bound_port "$BG_ERR")
	# Endless input: the listener leaves once head has its bytes, and
	# the sender ends as on the copying path, the peer having refused
	# the rest of its stdin.
	run -1 --separate-stderr timeout 30 "$SOCKCAT" -N 127.0.0.1 "$PORT" \
	    </dev/zero
	[[ $stderr == "sockcat: peer closed before all of standard input"* ]]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	head -c 3145728 /dev/zero | cmp - "$BG_OUT"
}

@test "stdout a terminal (script(1)): what arrives is all shown" {
	command -v script >/dev/null || skip "script(1) is not installed"
	head -c 300000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/xs"
	BG_STDIN=$BATS_TEST_TMPDIR/xs start_listener -N -l 127.0.0.1 0
	run -0 timeout 30 script -qec \
	    "\"$SOCKCAT\" 127.0.0.1 $PORT </dev/null" /dev/null
	[ "$(printf '%s' "$output" | tr -d '\r\n' | wc -c)" -eq 300000 ]
}

@test "a peer that resets mid-transfer: status 1, the copying path's message" {
	reset="sockcat: connection failed: Connection reset by peer"
	for path in "" --no-splice; do
		port=$(free_port)
		start_peer "$port" "sendfile:$DATA" reset
		run -1 --separate-stderr timeout 30 "$SOCKCAT" $path \
		    127.0.0.1 "$port" </dev/null >"$OUT"
		[ "$stderr" = "$reset" ]
		wait_exit "$BG_PID" 30
	done
}

@test "a peer that resets while being sent to: status as on the copying path" {
	reset="sockcat: connection failed: Connection reset by peer"
	for path in "" --no-splice; do
		port=$(free_port)
		start_peer "$port" sleep:0.5 reset
		run -1 --separate-stderr timeout 30 "$SOCKCAT" $path \
		    127.0.0.1 "$port" <"$DATA"
		[ "$stderr" = "$reset" ]
		wait_exit "$BG_PID" 30
	done
}

@test "no descriptor left for the pipe (ulimit -n 5): the flow copies" {
	start_listener -l 127.0.0.1 0
	# Only 0, 1 and 2 open before: the socket is 3, the pipe cannot be.
	run -0 --separate-stderr timeout 30 env -u SOCKCAT_NO_SPLICE bash -c \
	    'for fd in /proc/$$/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	    done
	    ulimit -n 5 && exec "$1" -N 127.0.0.1 "$2" <"$3"' \
	    sh "$SOCKCAT" "$PORT" "$DATA"
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$DATA" "$BG_OUT"
}
