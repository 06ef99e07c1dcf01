#!/usr/bin/env bats
# The man page: lint-clean, every option of --help documented, the
# sections the project promises, and its EXAMPLES run on loopback.

bats_require_minimum_version 1.5.0
load helpers

MAN=$SOCKCAT_SRCDIR/man/sockcat.1

@test "the man page passes mandoc -Tlint -Wwarning with no message" {
	command -v mandoc >/dev/null || fail "mandoc is not installed"
	run -0 --separate-stderr mandoc -Tlint -Wwarning "$MAN"
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "every long option in --help is documented in the man page" {
	run -0 "$SOCKCAT" --help
	local opts name missing=
	opts=$(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$output" | sort -u)
	[ "$(wc -l <<<"$opts")" -ge 40 ]
	# mdoc writes --hex-dump as "Fl \-hex\-dump": unescape, then look
	# for "Fl -hex-dump" (Fl adds the first dash)
	sed 's/\\-/-/g' "$MAN" >"$BATS_TEST_TMPDIR/man.txt"
	for name in $opts; do
		grep -qE -- "Fl ${name#-}( |$)" "$BATS_TEST_TMPDIR/man.txt" ||
		    missing="$missing $name"
	done
	[ -z "$missing" ] || { echo "undocumented:$missing"; false; }
}

@test "every short option in --help is documented in the man page" {
	run -0 "$SOCKCAT" --help
	local opts letter missing=
	opts=$(grep -oE -- '(^|[ ,])-[0-9A-Za-z](,| |$)' <<<"$output" |
	    grep -oE -- '-[0-9A-Za-z]' | sort -u)
	[ "$(wc -l <<<"$opts")" -ge 30 ]
	for letter in $opts; do
		grep -qE -- "^\.(It|Op)? ?Fl ${letter#-}( |$)|[ ]Fl ${letter#-}( |$)" "$MAN" ||
		    missing="$missing $letter"
	done
	[ -z "$missing" ] || { echo "undocumented:$missing"; false; }
}

@test "the man page has the promised sections and at least ten examples" {
	local sec
	for sec in NAME SYNOPSIS DESCRIPTION ENVIRONMENT "EXIT STATUS" EXAMPLES \
	    COMPATIBILITY "SEE ALSO"; do
		grep -qx "\.Sh $sec" "$MAN" || { echo "missing $sec"; false; }
	done
	local n
	n=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$MAN" | grep -c '^\.Bd -literal')
	[ "$n" -ge 10 ]
}

# The EXAMPLES, with loopback in place of the example hosts.

# man_example FIRST-WORDS: the literal block of the example whose text
# begins with FIRST-WORDS, as shell text: mdoc's \e undone, the "$ "
# prompt dropped.
man_example() {
	awk -v head="$1" '
	    index($0, head) == 1 { found = 1; next }
	    found && /^\.Bd/ { inblock = 1; next }
	    inblock && /^\.Ed/ { exit }
	    inblock { print }' "$MAN" | sed -e 's/\\e/\\/g' -e 's/^\$ //'
}

@test "example: a file copied with a listener and a -N sender arrives whole" {
	local port file=$BATS_TEST_TMPDIR/backup.tar
	head -c 300000 /dev/urandom >"$file"
	start_quiet_listener tcp -l 127.0.0.1 0
	local listener=$BG_PID out=$BG_OUT
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" <"$file"
	wait_exit "$listener"
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$file" "$out"
}

@test "example: an HTTP request by hand with -q 0 prints the whole delayed reply" {
	local port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain \
	    'send:HTTP/1.0 200 OK\r\n\r\n' sleep:0.7 'send:late body\n' close
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 0 127.0.0.1 "$port" \
	    < <(printf 'GET / HTTP/1.0\r\n\r\n')
	[ "$output" = $'HTTP/1.0 200 OK\r\n\r\nlate body' ]
	printf 'GET / HTTP/1.0\r\n\r\n' | cmp - "$BATS_TEST_TMPDIR/peer"
}

@test "example: -q 1 returns after the reply from a server that keeps the connection open" {
	local port=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain \
	    'send:STAT pid 1\r\nEND\r\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 1 127.0.0.1 "$port" <<<stats
	[ "$output" = $'STAT pid 1\r\nEND\r' ]
}

@test "example: -w 2 -d prints a server's greeting, and a closed port fails at once" {
	local port=$(free_port) closed=$(free_port)
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" \
	    'send:SSH-2.0-test\r\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -w 2 -d 127.0.0.1 "$port"
	[ "$output" = $'SSH-2.0-test\r' ]
	run -1 --separate-stderr timeout 10 "$SOCKCAT" -w 2 -d 127.0.0.1 "$closed"
	[ "$stderr" = "sockcat: connect to 127.0.0.1 port $closed (tcp) failed: Connection refused" ]
}

@test "the -q example: with -q 1 a reply in parts under a second apart is printed whole" {
	local port=$(free_port)
	grep -q 'in three parts half a second apart is printed whole' "$MAN"
	start_bg python3 "$PEER" listen "$port" "$BATS_TEST_TMPDIR/peer" drain \
	    'send:one\n' sleep:0.7 'send:two\n' sleep:0.7 'send:three\n' hold
	wait_listen "$port"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 1 127.0.0.1 "$port" <<<ask
	[ "$output" = $'one\ntwo\nthree' ]
}

@test "example: one UDP datagram sent with -q 0 reaches a -u -l -W 1 listener, which exits" {
	local port
	start_quiet_listener udp -u -l -W 1 127.0.0.1 0
	local listener=$BG_PID out=$BG_OUT
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -u -q 0 127.0.0.1 "$port" <<<'<14>sockcat: hello'
	wait_exit "$listener"
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$out")" = '<14>sockcat: hello' ]
}

@test "example: -v -l 127.0.0.1 0 prints the port the kernel chose, and it works" {
	start_bg "$SOCKCAT" -v -l 127.0.0.1 0
	local listener=$BG_PID out=$BG_OUT err=$BG_ERR
	wait_line "$err" '^Listening on 127\.0\.0\.1 [0-9]+$'
	local port
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 //p' "$err")
	[ "$port" -gt 0 ]
	[ "$port" -le 65535 ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 "$port" <<<ping
	wait_exit "$listener"
	[ "$(cat "$out")" = ping ]
}

@test "example: an HTTP request to a Unix-domain socket with -q 0" {
	local sock=$BATS_TEST_TMPDIR/docker.sock
	start_bg python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); req = b""
while b"\r\n\r\n" not in req:
    req += c.recv(4096)
c.sendall(b"HTTP/1.0 200 OK\r\n\r\n{\"Version\":\"x\"}\n"); c.close()
' "$sock"
	wait_file "$sock"
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 0 -U "$sock" \
	    < <(printf 'GET /version HTTP/1.0\r\n\r\n')
	[ "$output" = $'HTTP/1.0 200 OK\r\n\r\n{"Version":"x"}' ]
}

@test "example: a Unix-domain listener serves one client and removes its socket file" {
	local sock=$BATS_TEST_TMPDIR/demo.sock
	start_bg "$SOCKCAT" -l -U "$sock"
	local listener=$BG_PID out=$BG_OUT
	wait_file "$sock"
	[ -S "$sock" ]
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -U "$sock" <<<hello
	wait_exit "$listener"
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$out")" = hello ]
	[ ! -e "$sock" ]
}

@test "example: -6 -s ::1 -p binds the client and -o records a hex dump" {
	local port src=$(free_port) dump=$BATS_TEST_TMPDIR/session.hex
	start_listener -6 -l ::1 0
	local listener=$BG_PID err=$BG_ERR
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N -6 -s ::1 -p "$src" -o "$dump" ::1 "$port" <<<hello
	wait_exit "$listener"
	grep -qx "Connection received on ::1 $src" "$err"
	grep -q '^> 00000000 68 65 6c 6c 6f 0a .*hello\.$' "$dump"
}

@test "example: -vv reports the byte counts when the copy ends" {
	local port file=$BATS_TEST_TMPDIR/disk.img
	head -c 12345 /dev/urandom >"$file"
	start_quiet_listener tcp -l 127.0.0.1 0
	port=$PORT
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -vv -N 127.0.0.1 "$port" <"$file"
	[[ "$stderr" =~ sockcat:\ 12345\ bytes\ sent,\ 0\ bytes\ received\ in\ [0-9]+\.[0-9]{3}\ seconds ]]
}

@test "example: the tiny HTTP responder answers every request in full, never with a reset" {
	local cmd
	cmd=$(man_example "A tiny HTTP responder")
	[[ $cmd == "sockcat -l 8080 --fork -c "* ]]
	# as written in the page, on a port the kernel picks
	cmd=${cmd/#sockcat -l 8080/exec \"\$SOCKCAT\" -v -l 127.0.0.1 0}
	start_bg bash -c "$cmd"
	wait_line "$BG_ERR" '^Listening on 127\.0\.0\.1 [0-9]+$'
	local port
	port=$(sed -n 's/^Listening on 127\.0\.0\.1 //p' "$BG_ERR")
	run -0 timeout 60 python3 - "$port" <<'PY'
import http.client, sys
for i in range(20):
    c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
    c.request("GET", "/", headers={"User-Agent": "man.bats"})
    r = c.getresponse()
    print(r.status, repr(r.read()))
    c.close()
PY
	[ "${#lines[@]}" -eq 20 ]
	[ "$(sort -u <<<"$output")" = "200 b'hello\\n'" ]
	# a sockcat client that sends a request and reads until the close
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -q 0 127.0.0.1 "$port" \
	    < <(printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n')
	[ "$output" = $'HTTP/1.0 200 OK\r\n\r\nhello' ]
	[ -z "$stderr" ]
}
