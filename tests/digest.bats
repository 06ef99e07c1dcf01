#!/usr/bin/env bats
# --digest: SHA-256 (src/sha256.c, FIPS 180-4) checked on its own through
# tests/sha256test (the standard's examples, and sha256sum on random data
# of many lengths, fed in random pieces), on both block functions: the
# x86 SHA extensions where built and present, and the portable one
# (SOCKCAT_SHA256=portable); then sockcat's two lines at the end of each
# connection, compared with sha256sum at both ends of real transfers.
# --digest always takes the copying path, so this file is not run again
# by make check-nosplice.

bats_require_minimum_version 1.5.0
load helpers

# The digests of FIPS 180-4's examples (and NIST's long one).
EMPTY=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
ABC=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
M448=248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
M896=cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1
MILLION_A=cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0

setup() {
	SHA256TEST=$(dirname "$SOCKCAT")/../tests/sha256test
	[ -x "$SHA256TEST" ] || {
		echo "no $SHA256TEST: make check builds it" >&2
		return 1
	}
}

# sum FILE: its SHA-256 as sha256sum prints it.
sum() {
	sha256sum <"$1" | cut -d' ' -f1
}

# both IMPL CMD...: CMD with SOCKCAT_SHA256 set to IMPL ("" for the
# default block function, "portable" for the portable one).
both() {
	local impl=$1
	shift
	SOCKCAT_SHA256=$impl "$@"
}

# to_file FILE CMD...: CMD with its stdout in FILE.
to_file() {
	local file=$1
	shift
	"$@" >"$file"
}

# lines_of FILE: FILE's lines that --digest prints.
lines_of() {
	grep -E '^sockcat: (sent|received) ' "$1"
}

# digest_lines SENT-FILE RECEIVED-FILE: the two lines expected of an end
# that sent the bytes of the first file and received those of the second.
digest_lines() {
	printf 'sockcat: sent %d bytes, SHA-256 %s\n' \
	    "$(stat -c %s "$1")" "$(sum "$1")"
	printf 'sockcat: received %d bytes, SHA-256 %s\n' \
	    "$(stat -c %s "$2")" "$(sum "$2")"
}

@test "sha256test: the FIPS 180-4 examples, on both block functions" {
	local impl one448 one896
	one448=abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq
	one896=abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn
	one896+=hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu
	head -c 1000000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/a"
	for impl in "" portable; do
		run -0 both "$impl" "$SHA256TEST" < <(printf abc)
		[ "$output" = "$ABC" ]
		run -0 both "$impl" "$SHA256TEST" < <(printf %s "$one448")
		[ "$output" = "$M448" ]
		run -0 both "$impl" "$SHA256TEST" < <(printf %s "$one896")
		[ "$output" = "$M896" ]
		run -0 both "$impl" "$SHA256TEST" </dev/null
		[ "$output" = "$EMPTY" ]
		run -0 both "$impl" "$SHA256TEST" <"$BATS_TEST_TMPDIR/a"
		[ "$output" = "$MILLION_A" ]
	done
}

@test "sha256test: SOCKCAT_SHA256=portable forces the portable path" {
	run -0 both portable "$SHA256TEST" -i
	[ "$output" = portable ]
	run -0 "$SHA256TEST" -i
	[[ $output == sha-ni || $output == portable ]]
	# Where the build and the CPU have the SHA extensions, they are used.
	if grep -qw sha_ni /proc/cpuinfo && grep -q '^#define HAVE_SHA_NI 1' \
	    "$(dirname "$SOCKCAT")/../config.h"; then
		[ "$output" = sha-ni ]
	fi
}

@test "sha256test: as sha256sum on random data of many lengths, both paths" {
	local data=$BATS_TEST_TMPDIR/data want=$BATS_TEST_TMPDIR/want
	local -a lens
	head -c $((3 * 1024 * 1024 + 77)) /dev/urandom >"$data"
	# Every length to 200 (the block edges at 55/56, 63/64, 119/120,
	# 128), more edges, and a few MiB.
	lens=($(seq 0 200) 247 248 255 256 311 312 319 320 1000 4095 4096
	    4097 65535 65536 65537 $((1024 * 1024 - 1))
	    $((3 * 1024 * 1024 + 77)))
	# sha256sum of each prefix, as a file of its own (one process each
	# would take a minute on a loaded machine).
	mkdir "$BATS_TEST_TMPDIR/p"
	python3 -c 'import sys
data = open(sys.argv[1], "rb").read()
for n in sys.argv[3:]:
    open("%s/%08d" % (sys.argv[2], int(n)), "wb").write(data[:int(n)])
' "$data" "$BATS_TEST_TMPDIR/p" "${lens[@]}"
	(cd "$BATS_TEST_TMPDIR/p" && sha256sum -- *) | cut -d' ' -f1 >"$want"
	[ "$(wc -l <"$want")" -eq "${#lens[@]}" ]
	run -0 "$SHA256TEST" -s 1 "${lens[@]}" <"$data"
	[ "$output" = "$(cat "$want")" ]
	run -0 "$SHA256TEST" -s 2 "${lens[@]}" <"$data"
	[ "$output" = "$(cat "$want")" ]
	run -0 both portable "$SHA256TEST" -s 3 "${lens[@]}" <"$data"
	[ "$output" = "$(cat "$want")" ]
}

@test "--digest: both ends of a 32 MiB transfer print sha256sum's digests" {
	local src=$BATS_TEST_TMPDIR/src empty=$BATS_TEST_TMPDIR/empty
	head -c $((32 * 1024 * 1024)) /dev/urandom >"$src"
	: >"$empty"
	start_listener --digest -l 127.0.0.1 0
	run -0 --separate-stderr timeout 30 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" <"$src"
	[ -z "$output" ]
	[ "$stderr" = "$(digest_lines "$src" "$empty")" ]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$src" "$BG_OUT"
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$empty" "$BG_OUT")" ]
}

@test "--digest: both directions at once, one end on the portable path" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b got
	got=$BATS_TEST_TMPDIR/got
	head -c $((8 * 1024 * 1024 + 5)) /dev/urandom >"$a"
	head -c $((6 * 1024 * 1024 + 3)) /dev/urandom >"$b"
	BG_STDIN=$b start_listener --digest -N -l 127.0.0.1 0
	run -0 --separate-stderr to_file "$got" both portable timeout 30 \
	    "$SOCKCAT" --digest -N 127.0.0.1 "$PORT" <"$a"
	cmp "$b" "$got"
	[ "$stderr" = "$(digest_lines "$a" "$b")" ]
	wait_exit "$BG_PID" 30
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$a" "$BG_OUT"
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$b" "$a")" ]
}

@test "--digest with -C: the digest of the CRLF bytes on the wire" {
	local src=$BATS_TEST_TMPDIR/src wire=$BATS_TEST_TMPDIR/wire
	local empty=$BATS_TEST_TMPDIR/empty
	printf 'one\ntwo\r\nthree\n\n' >"$src"
	printf 'one\r\ntwo\r\nthree\r\n\r\n' >"$wire"
	: >"$empty"
	start_listener --digest -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -C -N \
	    127.0.0.1 "$PORT" <"$src"
	[ "$stderr" = "$(digest_lines "$wire" "$empty")" ]
	wait_exit "$BG_PID" 10
	cmp "$wire" "$BG_OUT"
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$empty" "$wire")" ]
}

@test "--digest over UDP: the datagrams sent and received" {
	local src=$BATS_TEST_TMPDIR/src empty=$BATS_TEST_TMPDIR/empty
	head -c 100000 /dev/urandom >"$src"	# two datagrams
	: >"$empty"
	start_listener --digest -u -l -W 2 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -u -q 0 \
	    127.0.0.1 "$PORT" <"$src"
	[ "$stderr" = "$(digest_lines "$src" "$empty")" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$src" "$BG_OUT"
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$empty" "$src")" ]
}

@test "--digest with -k: one pair of lines for each of two clients" {
	local one=$BATS_TEST_TMPDIR/one two=$BATS_TEST_TMPDIR/two
	local empty=$BATS_TEST_TMPDIR/empty
	head -c 300000 /dev/urandom >"$one"
	head -c 5000 /dev/urandom >"$two"
	: >"$empty"
	start_listener --digest -k -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" <"$one"
	[ "$stderr" = "$(digest_lines "$one" "$empty")" ]
	wait_until 10 test "$(lines_of "$BG_ERR" | wc -l)" -eq 2
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" <"$two"
	[ "$stderr" = "$(digest_lines "$two" "$empty")" ]
	wait_until 10 test "$(lines_of "$BG_ERR" | wc -l)" -eq 4
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$empty" "$one"
	    digest_lines "$empty" "$two")" ]
	kill -0 "$BG_PID"
}

@test "--digest with --fork --recv-only: each child says its client's" {
	local one=$BATS_TEST_TMPDIR/one empty=$BATS_TEST_TMPDIR/empty
	head -c 70000 /dev/urandom >"$one"
	: >"$empty"
	start_listener --digest --fork --recv-only -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" <"$one"
	[ "$stderr" = "$(digest_lines "$one" "$empty")" ]
	wait_until 10 test "$(lines_of "$BG_ERR" | wc -l)" -eq 2
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$empty" "$one")" ]
}

@test "--digest: an empty transfer prints the empty string's digest" {
	start_listener --digest -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" </dev/null
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "sockcat: sent 0 bytes, SHA-256 $EMPTY" ]
	[ "${stderr_lines[1]}" = "sockcat: received 0 bytes, SHA-256 $EMPTY" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ ! -s "$BG_OUT" ]
	[ "$(lines_of "$BG_ERR" | wc -l)" -eq 2 ]
	grep -Fqx "sockcat: received 0 bytes, SHA-256 $EMPTY" "$BG_ERR"
}

@test "without --digest no digest line is printed" {
	start_listener -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N 127.0.0.1 \
	    "$PORT" <<<"hello"
	[ -z "$stderr" ]
	wait_exit "$BG_PID" 10
	! lines_of "$BG_ERR"
}

@test "the man page's Digests example prints the lines it shows" {
	local notes=$BATS_TEST_TMPDIR/notes.txt hex sent received
	hex=3b567395dc632f5179f14f8181d6bfc8f6bb66acee3217c45c29cc9ae1a0a753
	sent="sockcat: sent 18 bytes, SHA-256 $hex"
	received="sockcat: received 18 bytes, SHA-256 $hex"
	printf 'report for monday\n' >"$notes"
	start_listener --digest -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -N 127.0.0.1 \
	    "$PORT" <"$notes"
	[ "${stderr_lines[0]}" = "$sent" ]
	[ "${stderr_lines[1]}" = "sockcat: received 0 bytes, SHA-256 $EMPTY" ]
	wait_exit "$BG_PID" 10
	[ "$(grep '^sockcat: received' "$BG_ERR")" = "$received" ]
	grep -Fq "$sent" "$SOCKCAT_SRCDIR/man/sockcat.1"
	grep -Fq "$received" "$SOCKCAT_SRCDIR/man/sockcat.1"
}

@test "--digest with -t counts the replies to telnet requests as sent" {
	local req=$BATS_TEST_TMPDIR/req reply=$BATS_TEST_TMPDIR/reply
	printf '\377\375\001hi\n' >"$req"	# IAC DO ECHO, then text
	printf '\377\374\001' >"$reply"		# IAC WONT ECHO
	BG_STDIN=$req start_listener --digest -N -l 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$SOCKCAT" --digest -t \
	    127.0.0.1 "$PORT" </dev/null
	[ "$stderr" = "$(digest_lines "$reply" "$req")" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	cmp "$reply" "$BG_OUT"
	[ "$(lines_of "$BG_ERR")" = "$(digest_lines "$req" "$reply")" ]
}
