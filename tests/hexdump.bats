#!/usr/bin/env bats
# -o FILE: a hex dump of the traffic, one line per 16 bytes, "> " for
# sent and "< " for received, each direction with its own offset.
# --output FILE: a raw copy of the traffic both ways.  A file that cannot
# be written is reported once and makes the exit status 1.

bats_require_minimum_version 1.5.0
load helpers

# check_dump DUMP SENT RECEIVED: every line of the hex dump DUMP is
# well formed (mark, 8-hex-digit offset, 1-16 hex pairs padded to 16
# columns, the printable text with "." for the rest); each direction's
# offsets run on from that direction's previous lines, and its bytes
# put together equal the file SENT (">") or RECEIVED ("<").
check_dump() {
	python3 "$SOCKCAT_SRCDIR/tests/checkdump.py" "$@"
}

@test "-o writes the exact > line for bytes sent" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	wait_listen "$port"
	echo stale junk >"$BATS_TEST_TMPDIR/dump"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -o "$BATS_TEST_TMPDIR/dump" \
	    127.0.0.1 "$port" <<<hello
	[ -z "$output" ]
	[ -z "$stderr" ]
	local want
	want="> 00000000 $(printf '%-48s' '68 65 6c 6c 6f 0a ') hello."
	[ "$(cat "$BATS_TEST_TMPDIR/dump")" = "$want" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/dump")" -eq 1 ]
}

@test "-o writes the exact < line for bytes received" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:world\n' close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -o "$BATS_TEST_TMPDIR/dump" \
	    127.0.0.1 "$port" </dev/null
	[ "$output" = world ]
	[ -z "$stderr" ]
	local want
	want="< 00000000 $(printf '%-48s' '77 6f 72 6c 64 0a ') world."
	[ "$(cat "$BATS_TEST_TMPDIR/dump")" = "$want" ]
}

@test "-o splits at 16 bytes and advances the offset line by line" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	wait_listen "$port"
	printf '0123456789abcdefghijklmnopqrstuvwxyzABCD' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -o "$BATS_TEST_TMPDIR/dump" \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/in"
	local -a want=(
		"> 00000000 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  0123456789abcdef"
		"> 00000010 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76  ghijklmnopqrstuv"
		"> 00000020 $(printf '%-48s' '77 78 79 7a 41 42 43 44 ') wxyzABCD"
	)
	[ "$(cat "$BATS_TEST_TMPDIR/dump")" = "$(printf '%s\n' "${want[@]}")" ]
}

@test "-o shows unprintable bytes as dots and every byte value in hex" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain
	wait_listen "$port"
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))' \
	    >"$BATS_TEST_TMPDIR/in"
	: >"$BATS_TEST_TMPDIR/empty"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -o "$BATS_TEST_TMPDIR/dump" \
	    127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/in"
	check_dump "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/empty"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/dump")" -eq 16 ]
	grep -qx "> 00000000 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................" \
	    "$BATS_TEST_TMPDIR/dump"
	grep -qx '> 00000040 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO' \
	    "$BATS_TEST_TMPDIR/dump"
	grep -qx '> 000000f0 f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff  ................' \
	    "$BATS_TEST_TMPDIR/dump"
}

@test "-o keeps a separate offset for each direction across an exchange" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" echo
	wait_listen "$port"
	# Two 20-byte lines, sent apart (-i); the peer echoes each back.
	printf 'first line, 20 byte\nsecond line 20 byte\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -i "$(scaled 0.3)" \
	    -o "$BATS_TEST_TMPDIR/dump" 127.0.0.1 "$port" <"$BATS_TEST_TMPDIR/in"
	cmp "$BATS_TEST_TMPDIR/in" <(printf '%s\n' "$output")
	check_dump "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/in"
	# The second line sent starts at offset 0x14 in the > direction,
	# whatever was received in between.
	grep -q '^> 00000014 73 65 63 6f 6e 64 ' "$BATS_TEST_TMPDIR/dump"
	grep -q '^< 00000000 66 69 72 73 74 ' "$BATS_TEST_TMPDIR/dump"
	# Both directions are in the one file, sent before its echo.
	[ "$(head -c 1 "$BATS_TEST_TMPDIR/dump")" = ">" ]
	grep -q '^<' "$BATS_TEST_TMPDIR/dump"
}

@test "-o on a listener marks what the client sent with <" {
	local port
	BG_STDIN=/dev/null start_listener -o "$BATS_TEST_TMPDIR/dump" -l 127.0.0.1 0
	local srv=$BG_PID srv_out=$BG_OUT
	port=$PORT
	start_bg python3 "$PEER" connect "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:hi there\n' close
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$srv_out")" = "hi there" ]
	local want
	want="< 00000000 $(printf '%-48s' '68 69 20 74 68 65 72 65 0a ') hi there."
	[ "$(cat "$BATS_TEST_TMPDIR/dump")" = "$want" ]
}

@test "-o with a file that cannot be created exits 1 before connecting" {
	local port
	port=$(free_port)
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -o "$BATS_TEST_TMPDIR/no/such/dir/dump" \
	    127.0.0.1 "$port" </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "sockcat: "*"$BATS_TEST_TMPDIR/no/such/dir/dump"* ]]
	[[ $stderr != *"Connection refused"* ]]
}

@test "--output writes a raw copy of the bytes sent and received" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:world\n' close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N --output "$BATS_TEST_TMPDIR/raw" \
	    127.0.0.1 "$port" <<<hello
	[ "$output" = world ]
	[ -z "$stderr" ]
	cmp "$BATS_TEST_TMPDIR/raw" <(printf 'hello\nworld\n')
}

@test "--output copies binary traffic unchanged in both directions" {
	local port
	port=$(free_port)
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/up"
	head -c 70000 /dev/urandom >"$BATS_TEST_TMPDIR/down"
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain "sendfile:$BATS_TEST_TMPDIR/down" close
	wait_listen "$port"
	run -0 --separate-stderr timeout 20 bash -c \
	    '"$SOCKCAT" -N --output "$1/raw" -o "$1/dump" 127.0.0.1 "$2" <"$1/up" >"$1/got"' \
	    _ "$BATS_TEST_TMPDIR" "$port"
	cmp "$BATS_TEST_TMPDIR/down" "$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/peer"
	cmp "$BATS_TEST_TMPDIR/raw" <(cat "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down")
	check_dump "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
}

@test "-o to a file that cannot be written exits 1 with one message, the data still copied" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:world\n' close
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -N -o /dev/full \
	    127.0.0.1 "$port" <<<hello
	[ "$output" = world ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "sockcat: write to /dev/full failed: No space left on device" ]
	[ "$(cat "$BATS_TEST_TMPDIR/peer")" = hello ]
}

@test "--output to a file that cannot be written exits 1 with one message, the data still copied" {
	local port
	port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    drain 'send:world\n' close
	wait_listen "$port"
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -N --output /dev/full \
	    127.0.0.1 "$port" <<<hello
	[ "$output" = world ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "sockcat: write to /dev/full failed: No space left on device" ]
	[ "$(cat "$BATS_TEST_TMPDIR/peer")" = hello ]
}

@test "-o on a listener that cannot write its dump exits 1 with one message" {
	BG_STDIN=/dev/null start_bg "$SOCKCAT" -v -o /dev/full -l 127.0.0.1 0
	local srv=$BG_PID srv_out=$BG_OUT srv_err=$BG_ERR port
	wait_line "$srv_err" '^Listening on 127\.0\.0\.1 [0-9]+$'
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 \([0-9]*\)$/\1/p' "$srv_err")
	run -0 timeout 10 python3 "$PEER" connect "$port" \
	    "$BATS_TEST_TMPDIR/peer" 'send:hi there\n' close
	wait_exit "$srv" 10
	[ "$WAIT_STATUS" -eq 1 ]
	[ "$(cat "$srv_out")" = "hi there" ]
	# The one failure, and -v's statistics line (stats.bats).
	[ "$(grep -c '^sockcat: ' "$srv_err")" -eq 2 ]
	grep -qx 'sockcat: write to /dev/full failed: No space left on device' \
	    "$srv_err"
	grep -Eqx 'sockcat: 0 bytes sent, 9 bytes received in [0-9]+\.[0-9]{2} seconds\.' \
	    "$srv_err"
}
