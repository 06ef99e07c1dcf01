#!/usr/bin/env bats
# --format json and csv: a scan's results as one JSON object a port on
# stdout (fields, types, order, each state: open, closed, timeout,
# unreachable), --format csv as --scan-format csv, and a connection's
# events (connected, accepted, refused, closed) as JSON lines on stderr
# beside the data on stdout, strings escaped whatever bytes they hold.
# Every line is read back with python3's json module.

bats_require_minimum_version 1.5.0
load helpers

# check_json FILE PYTHON: run PYTHON with `lines`, the JSON objects of
# FILE's lines that start with "{" (each must parse), and `text`, the
# other lines; it fails the test with an AssertionError.
check_json() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8")
rows = raw.split("\n")
assert rows[-1] == "", "the last line has no newline"
lines = [json.loads(r) for r in rows[:-1] if r.startswith("{")]
text = [r for r in rows[:-1] if not r.startswith("{")]
exec(sys.argv[2])
PY
}

@test "a scan under --format json: one object a port, in order, open, closed and timeout" {
	local o c f
	o=$(free_port)
	c=$(free_port)
	f=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	tcp_filtered_on 127.0.0.1 "$f"
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -z --format json -w 1 \
	    127.0.0.1 "$f" "$o" "$c" </dev/null
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/scan"
	check_json "$BATS_TEST_TMPDIR/scan" "
assert text == [], text
assert [l['port'] for l in lines] == [$f, $o, $c], lines
assert [l['state'] for l in lines] == ['timeout', 'open', 'closed'], lines
for l in lines:
    assert sorted(l) == sorted(['host', 'addr', 'port', 'proto', 'state',
        'ms']), l
    assert l['host'] == '127.0.0.1' and l['addr'] == '127.0.0.1', l
    assert l['proto'] == 'tcp', l
    assert type(l['port']) is int and type(l['ms']) is int, l
    assert l['ms'] >= 0, l
assert 900 <= lines[0]['ms'] < 10000, lines[0]
"
}

@test "--format json names the host as given and the address probed" {
	local c
	c=$(free_port)
	need_unshare
	run -1 --separate-stderr with_hosts '127.0.0.1 scanme' \
	    timeout 20 "$SOCKCAT" -4 -z --format json scanme "$c" </dev/null
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/scan"
	check_json "$BATS_TEST_TMPDIR/scan" "
assert len(lines) == 1, lines
assert lines[0]['host'] == 'scanme', lines
assert lines[0]['addr'] == '127.0.0.1', lines
assert lines[0]['state'] == 'closed', lines
"
}

@test "a UDP scan under --format json says proto udp" {
	local p
	p=$(free_port udp)
	run -1 --separate-stderr timeout 20 "$SOCKCAT" -u -z --format json \
	    -w 1 127.0.0.1 "$p" </dev/null
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/scan"
	check_json "$BATS_TEST_TMPDIR/scan" "
assert [(l['proto'], l['state']) for l in lines] == [('udp', 'closed')], lines
"
}

@test "an unreachable network is 'unreachable' (a network namespace with an unreachable route)" {
	unshare -n true 2>/dev/null || skip "no network namespace here"
	command -v ip >/dev/null || skip "no ip(8)"
	run -1 --separate-stderr timeout 20 unshare -n sh -c \
	    'ip link set lo up && ip route add unreachable 198.51.100.0/24 &&
	    exec "$0" -z --format json -w 2 198.51.100.1 80 81' "$SOCKCAT" \
	    </dev/null
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/scan"
	check_json "$BATS_TEST_TMPDIR/scan" "
assert [l['port'] for l in lines] == [80, 81], lines
assert [l['state'] for l in lines] == ['unreachable'] * 2, lines
assert lines[0]['addr'] == '198.51.100.1', lines
"
}

@test "--format csv prints what --scan-format csv prints" {
	local o c a b
	o=$(free_port)
	c=$(free_port)
	tcp_listen 127.0.0.1 "$o"
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -z --format csv \
	    127.0.0.1 "$o" "$c" </dev/null
	a=$output
	[ -z "$stderr" ]
	run -0 --separate-stderr timeout 20 "$SOCKCAT" -z --scan-format csv \
	    127.0.0.1 "$o" "$c" </dev/null
	b=$output
	[ "$a" = "$b" ]
	[ "$a" = "$(printf '127.0.0.1,%s,tcp,open\n127.0.0.1,%s,tcp,closed' \
	    "$o" "$c")" ]
}

@test "connect and listen under --format json: connected, accepted, closed with the byte counts" {
	local cl
	start_quiet_listener tcp --format json -l 127.0.0.1 0
	cl=$BATS_TEST_TMPDIR/client.err
	printf 'hello\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --format json -N \
	    127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in"
	[ -z "$output" ]
	printf '%s\n' "$stderr" >"$cl"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = hello ]
	check_json "$cl" "
assert text == [], text
assert [l['event'] for l in lines] == ['connected', 'closed'], lines
c = lines[0]
assert c['proto'] == 'tcp' and c['host'] == '127.0.0.1', c
assert c['addr'] == '127.0.0.1' and c['port'] == $PORT, c
assert c['local_addr'] == '127.0.0.1', c
assert type(c['local_port']) is int and c['local_port'] > 0, c
z = lines[1]
assert (z['sent'], z['received']) == (6, 0), z
assert type(z['seconds']) in (int, float) and z['seconds'] >= 0, z
"
	check_json "$BG_ERR" "
assert text == [], text
assert [l['event'] for l in lines] == ['accepted', 'closed'], lines
assert lines[0]['addr'] == '127.0.0.1', lines
assert type(lines[0]['port']) is int, lines
assert (lines[1]['sent'], lines[1]['received']) == (0, 6), lines
"
}

@test "the closed event counts both ways, and -v's lines stay beside the JSON" {
	local cl
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/down"
	BG_STDIN=$BATS_TEST_TMPDIR/down start_listener --format json -N \
	    -l 127.0.0.1 0
	cl=$BATS_TEST_TMPDIR/client.err
	printf 'abc' >"$BATS_TEST_TMPDIR/up"
	timeout 10 "$SOCKCAT" -v --format json -q 5 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/up" 2>"$cl" >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/down" "$BATS_TEST_TMPDIR/got"
	wait_exit "$BG_PID" 10
	check_json "$cl" "
assert [l['event'] for l in lines] == ['connected', 'closed'], lines
assert (lines[1]['sent'], lines[1]['received']) == (3, 100000), lines
assert len(text) == 2, text
assert text[0].startswith('Connection to 127.0.0.1'), text
assert re.fullmatch(r'sockcat: 3 bytes sent, 100000 bytes received '
    r'in [0-9]+\.[0-9]{2} seconds\.', text[1]), text
"
	check_json "$BG_ERR" "
assert [l['event'] for l in lines] == ['accepted', 'closed'], lines
assert (lines[1]['sent'], lines[1]['received']) == (100000, 3), lines
assert text[0].startswith('Listening on'), text
assert text[1].startswith('Connection received on'), text
"
}

@test "a client turned away by --deny is a refused event with its reason" {
	start_quiet_listener tcp --format json -k --deny 127.0.0.1 \
	    -l 127.0.0.1 0
	timeout 10 "$SOCKCAT" -d 127.0.0.1 "$PORT" </dev/null || true
	wait_until 10 grep -q refused "$BG_ERR"
	check_json "$BG_ERR" "
assert text == [], text
assert len(lines) == 1, lines
r = lines[0]
assert r['event'] == 'refused' and r['reason'] == 'denied', r
assert r['addr'] == '127.0.0.1' and type(r['port']) is int, r
assert r['proto'] == 'tcp', r
"
}

@test "a Unix path with a quote, a backslash, control bytes and a byte that is not UTF-8 reads back" {
	local dir path cl
	dir=$(mktemp -d /tmp/sockcat-fmt.XXXXXX)
	path=$dir/$'a"b\\c\001d\ne\x7f'$'\xc3\xa9\xff'
	start_bg "$SOCKCAT" --format json -U -l "$path"
	wait_until 10 test -S "$path"
	cl=$BATS_TEST_TMPDIR/client.err
	timeout 10 "$SOCKCAT" --format json -N -U "$path" <<<"x" 2>"$cl"
	wait_exit "$BG_PID" 10
	rm -rf "$dir"
	grep -qF '\"b\\c\u0001d\ne' "$cl"
	check_json "$cl" "
p = '$dir/a\"b\\\\c\x01d\ne\x7f\u00e9\u00ff'
assert text == [], text
assert [l['event'] for l in lines] == ['connected', 'closed'], lines
assert lines[0]['host'] == p and lines[0]['addr'] == p, (lines, p)
assert lines[0]['proto'] == 'unix', lines
assert 'port' not in lines[0], lines
"
	check_json "$BG_ERR" "
p = '$dir/a\"b\\\\c\x01d\ne\x7f\u00e9\u00ff'
assert [l['event'] for l in lines] == ['accepted', 'closed'], lines
assert lines[0]['addr'] == p, (lines, p)
"
}
