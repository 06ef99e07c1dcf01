#!/usr/bin/env bats
# --progress: one line on stderr, redrawn (\r) at most 4 times a second,
# with the bytes each way, the rates, the time, and the percentage and
# ETA of a regular file on stdin; cleared at the end and replaced by the
# statistics line.  Only on a terminal (script(1) gives one) unless
# --progress=force.

bats_require_minimum_version 1.5.0
load helpers

# STATS: the statistics line, whatever its figures.
STATS='^sockcat: [0-9]+ bytes sent, [0-9]+ bytes received in [0-9]+\.[0-9]{2} seconds\.$'

need_script() {
	command -v script >/dev/null || skip "script(1) is not installed"
}

# on_tty OUT CMD: run the shell command CMD under script(1), its stderr
# (and whatever else it writes to the terminal) into OUT.
on_tty() {
	timeout 30 script -qfec "$2" /dev/null </dev/null >"$1"
}

# redraws FILE: how many progress lines FILE holds (\r then "sent ").
redraws() {
	grep -o $'\rsent ' "$1" | wc -l
}

# last_line FILE: what FILE shows last: the text after the last \r of its
# last line (the pty's \r before \n taken off), erase sequences dropped.
last_line() {
	tail -n 1 "$1" | sed 's/\r$//' | awk -F'\r' '{ print $NF }' |
	    sed 's/\x1b\[K//g'
}

@test "--progress on a terminal: redrawn, 100% of a file, cleared, then the statistics" {
	need_script
	head -c 8388608 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	port=$(free_port)
	# Reads everything, then keeps the connection a second: redraws.
	start_peer "$port" drain sleep:1 close
	tty=$BATS_TEST_TMPDIR/tty
	on_tty "$tty" "'$SOCKCAT' --progress -N 127.0.0.1 $port \
	    <'$BATS_TEST_TMPDIR/in' >/dev/null"
	cmp "$PEER_LOG" "$BATS_TEST_TMPDIR/in"
	[ "$(redraws "$tty")" -ge 2 ]
	grep -q $'\rsent 8\\.0 MiB  received 0 B  .*  100%' "$tty"
	grep -q '  [0-9]*%  ETA \|  100%' "$tty"
	# Cleared (\r, erase to the end of the line), then the statistics.
	grep -q $'\r\e\\[Ksockcat: 8388608 bytes sent, 0 bytes received' "$tty"
	[[ $(last_line "$tty") =~ $STATS ]]
	[ "$(grep -c 'bytes sent' "$tty")" -eq 1 ]
}

@test "--progress with stderr a file writes nothing at all" {
	start_quiet_listener tcp -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --progress -N \
	    127.0.0.1 "$PORT" <<<"no terminal here"
	[ -z "$stderr" ]
}

@test "--progress=force writes the progress and the statistics to a file" {
	start_quiet_listener tcp -l 127.0.0.1 0
	err=$BATS_TEST_TMPDIR/err
	timeout 10 "$SOCKCAT" --progress=force -N 127.0.0.1 "$PORT" \
	    <<<"forced" 2>"$err"
	[ "$(redraws "$err")" -ge 1 ]
	grep -q $'\r\e\\[K' "$err"
	[[ $(last_line "$err") =~ ^sockcat:\ 7\ bytes\ sent,\ 0\ bytes\ received ]]
	[ "$(wc -l <"$err")" -eq 1 ]
}

@test "--progress redraws at most 4 times a second" {
	port=$(free_port)
	actions=()
	for i in $(seq 40); do
		actions+=("send:$(printf '%01024d' 0)" sleep:0.05)
	done
	start_peer "$port" "${actions[@]}" close
	err=$BATS_TEST_TMPDIR/err
	t0=$(date +%s.%N)
	timeout 20 "$SOCKCAT" --progress=force -d 127.0.0.1 "$port" \
	    2>"$err" >/dev/null
	t1=$(date +%s.%N)
	[[ $(last_line "$err") =~ ^sockcat:\ 0\ bytes\ sent,\ 40960\ bytes\ received ]]
	n=$(redraws "$err")
	# A redraw a quarter of a second, and the first at the start.
	max=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print int((b - a) * 4) + 2 }')
	echo "redraws $n, at most $max" >&3
	[ "$n" -ge 4 ]
	[ "$n" -le "$max" ]
}

@test "--progress with -v prints the statistics line once" {
	need_script
	port=$(free_port)
	start_peer "$port" drain close
	tty=$BATS_TEST_TMPDIR/tty
	on_tty "$tty" "echo twelve bytes | '$SOCKCAT' -v --progress -N \
	    127.0.0.1 $port >/dev/null"
	[ "$(grep -c 'bytes sent' "$tty")" -eq 1 ]
	[[ $(last_line "$tty") =~ ^sockcat:\ 13\ bytes\ sent, ]]
}
