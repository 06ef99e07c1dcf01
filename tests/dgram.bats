#!/usr/bin/env bats
# Datagram listeners (-u -l, -u -k, -U -u): --allow/--deny on each
# datagram's sender, senders no reply can reach (an unbound Unix socket,
# UDP source port 0), and -u -k replies whose destination fails: dropped,
# warned about once, and the listener goes on.  IPv4 senders come from
# two loopback addresses, 127.0.0.1 and 127.0.0.2.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	SOCK=$BATS_TEST_TMPDIR/s.sock
}

# udp_listener OPTIONS...: a -v UDP listener on 127.0.0.1 port 0 (stdin:
# BG_STDIN); PORT gets the port it was given, LOUT and LERR its output.
udp_listener() {
	start_bg "$SOCKCAT" -v -u "$@" 127.0.0.1 0
	LPID=$BG_PID
	LOUT=$BG_OUT
	LERR=$BG_ERR
	wait_line "$LERR" '^Bound on 127\.0\.0\.1 [0-9]+$'
	PORT=$(awk '/^Bound on/ { print $4; exit }' "$LERR")
}

# send_from SRC PORT TEXT: one datagram, TEXT and a newline, from SRC (a
# port of the kernel's choice) to 127.0.0.1 PORT.
send_from() {
	udp_send -s "$1" "$2" "$3"
}

# peer_then_others PORT: to 127.0.0.1 PORT, "first" from the peer (from
# 127.0.0.1), then "refused" from 127.0.0.2 and "stranger" from another
# 127.0.0.1 port, then "second" from the peer: one datagram each.
peer_then_others() {
	python3 "$SOCKCAT_SRCDIR/tests/peerthenothers.py" "$1"
}

# refused_line SRC: the -v line of a datagram from SRC kept out.
refused_line() {
	echo "^Connection from ${1//./\\.} [0-9]+ refused by --allow/--deny\$"
}

# cpu_ticks PID: user and system time PID has used, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

@test "-u -l --allow drops a refused sender's datagram and takes the next allowed one as its peer" {
	udp_listener -l -W 1 --allow 127.0.0.1
	send_from 127.0.0.2 "$PORT" "refused"
	wait_line "$LERR" "$(refused_line 127.0.0.2)"
	kill -0 "$LPID"
	send_from 127.0.0.1 "$PORT" "allowed"
	wait_exit "$LPID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$LOUT")" = allowed ]
	grep -Eq '^Connection received on 127\.0\.0\.1 [0-9]+$' "$LERR"
	[ "$(grep -c '^Connection received' "$LERR")" -eq 1 ]
}

@test "-u -l hears only its peer, even a datagram queued behind the first one" {
	# Stopped while the three come in, it finds them all queued at once:
	# the refused one and the stranger's lie behind the peer's first.
	udp_listener -l --allow 127.0.0.1
	sc=$(bg_child "$LPID")
	kill -STOP "$sc"
	peer_then_others "$PORT"
	kill -CONT "$sc"
	wait_line "$LOUT" '^second$'
	[ "$(cat "$LOUT")" = $'first\nsecond' ]
}

@test "-u -l -c: the program hears only the peer, never a datagram queued behind its first" {
	# As above, but the program reads the datagrams: it must not be
	# handed a socket that still holds the others' datagrams.
	log=$BATS_TEST_TMPDIR/log
	udp_listener -l --allow 127.0.0.1 -c "head -n 2 >'$log'"
	sc=$(bg_child "$LPID")
	kill -STOP "$sc"
	peer_then_others "$PORT"
	kill -CONT "$sc"
	wait_exit "$LPID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$log")" = $'first\nsecond' ]
}

@test "-u -l -c: the program's replies reach the peer, a datagram a write, and its status is ours" {
	# dd writes each datagram it reads as it came: two reads, two replies.
	start_listener -u -l 127.0.0.1 0 \
	    -c 'dd bs=65536 count=2 2>/dev/null; exit 3'
	port=$PORT
	run -0 --separate-stderr timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(b"one", ("127.0.0.1", int(sys.argv[1])))
print(s.recv(100).decode())
s.sendto(b"two\nlines", ("127.0.0.1", int(sys.argv[1])))
print(s.recv(100).decode())
' "$port"
	[ "$output" = $'one\ntwo\nlines' ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 3 ]
}

@test "-u -l --deny never runs the program for a denied sender" {
	log=$BATS_TEST_TMPDIR/log
	udp_listener -l --deny 127.0.0.2 \
	    -c "echo \"\$UDPREMOTEIP\" >>'$log'; head -n 1 >>'$log'"
	send_from 127.0.0.2 "$PORT" "denied"
	wait_line "$LERR" "$(refused_line 127.0.0.2)"
	[ ! -e "$log" ]
	send_from 127.0.0.1 "$PORT" "admitted"
	wait_exit "$LPID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$log")" = $'127.0.0.1\nadmitted' ]
}

@test "-u -k --allow keeps a refused sender's datagrams off stdout and sends it no reply" {
	fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	exec {hold}<>"$fifo"	# a writer stays: stdin never ends
	BG_STDIN=$fifo udp_listener -k -l --allow 127.0.0.1
	run -0 --separate-stderr env PYTHONPATH="$SOCKCAT_SRCDIR/tests" \
	    timeout 20 python3 - "$PORT" "$fifo" \
	    "$LOUT" "$LERR" <<'PY'
import re, socket, sys, time
from udppeer import peer, got
port, fifo, out, err = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def wait_for(path, pattern):
    for _ in range(500):
        if re.search(pattern, open(path).read(), re.M):
            return
        time.sleep(0.02)
    sys.exit("never seen in %s: %r" % (path, pattern))
a, b = peer("127.0.0.1"), peer("127.0.0.2")
a.sendto(b"from a\n", ("127.0.0.1", port)); wait_for(out, "^from a$")
b.sendto(b"from b\n", ("127.0.0.1", port))
wait_for(err, r"^Connection from 127\.0\.0\.2 %d refused by --allow/--deny$"
    % b.getsockname()[1])
with open(fifo, "w") as f:
    f.write("for the admitted\n")
assert got(a, 5) == "for the admitted\n", "a, the latest admitted, got none"
assert got(b, 0.5) is None, "the refused sender got the reply"
PY
	exec {hold}>&-
	[ "$(cat "$LOUT")" = "from a" ]
	kill -0 "$LPID"
}

@test "-u -k --deny drops every datagram of a denied sender and goes on" {
	udp_listener -k -l --deny 127.0.0.2
	send_from 127.0.0.2 "$PORT" "one"
	send_from 127.0.0.2 "$PORT" "two"
	send_from 127.0.0.1 "$PORT" "three"
	wait_line "$LOUT" '^three$'
	[ "$(grep -Ec "$(refused_line 127.0.0.2)" "$LERR")" -eq 2 ]
	[ "$(cat "$LOUT")" = three ]
	kill -0 "$LPID"
}

@test "-U -u --allow keeps every Unix sender out, as -U stream does, and --deny lets them in" {
	log=$BATS_TEST_TMPDIR/log
	# Unix peers have no address: an --allow list matches none of them.
	start_bg "$SOCKCAT" -v -U -u -l "$SOCK" --allow 127.0.0.1 \
	    -c "head -n 1 >>'$log'"
	wait_line "$BG_ERR" "^Bound on $SOCK\$"
	unix_send "$SOCK" "kept out" "$BATS_TEST_TMPDIR/c.sock"
	wait_line "$BG_ERR" \
	    "^Connection from $BATS_TEST_TMPDIR/c\.sock refused by --allow/--deny\$"
	unix_send "$SOCK" "kept out too"
	wait_line "$BG_ERR" '^Connection from \(unnamed\) refused by --allow/--deny$'
	kill -0 "$BG_PID"
	teardown
	start_bg "$SOCKCAT" -v -U -l "$SOCK" --allow 127.0.0.1 \
	    -c "echo ran >>'$log'"
	wait_unix_listen "$SOCK"
	run --separate-stderr timeout 10 "$SOCKCAT" -U "$SOCK" </dev/null
	wait_line "$BG_ERR" "^Connection from $SOCK refused by --allow/--deny\$"
	teardown
	[ ! -e "$log" ]
	start_bg "$SOCKCAT" -U -u -l "$SOCK" --deny 127.0.0.1 \
	    -c "head -n 1 >>'$log'"
	wait_file "$SOCK"
	unix_send "$SOCK" "let in"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$log")" = "let in" ]
}

@test "-U -u -l writes an unbound sender's datagrams and drops what stdin sends, saying so once" {
	fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	exec {hold}<>"$fifo"
	BG_STDIN=$fifo start_bg "$SOCKCAT" -v -W 2 -U -u -l "$SOCK"
	wait_line "$BG_ERR" "^Bound on $SOCK\$"
	unix_send "$SOCK" "first"
	wait_line "$BG_OUT" '^first$'
	echo "to nobody" >&"$hold"
	echo "to nobody again" >&"$hold"
	# Time to fail, were a reply to nobody fatal.
	nap 0.3
	unix_send "$SOCK" "second"
	wait_exit "$BG_PID" 10
	exec {hold}>&-
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = $'first\nsecond' ]
	grep -qx 'Connection received on (unnamed)' "$BG_ERR"
	# The one warning, and -v's statistics line at the end (stats.bats).
	[ "$(grep -c '^sockcat: ' "$BG_ERR")" -eq 2 ]
	grep -qx 'sockcat: (unnamed) cannot be answered: replies are dropped' \
	    "$BG_ERR"
	tail -n 1 "$BG_ERR" | grep -Eqx 'sockcat: 0 bytes sent, 13 bytes received in [0-9]+\.[0-9]{2} seconds\.'
}

@test "-U -u -l gives an unbound sender's datagram to the program" {
	log=$BATS_TEST_TMPDIR/log
	start_bg "$SOCKCAT" -U -u -l "$SOCK" -c "head -n 1 >'$log'"
	wait_file "$SOCK"
	unix_send "$SOCK" "no reply wanted"
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$log")" = "no reply wanted" ]
	[ ! -s "$BG_ERR" ]
}

@test "-u -k survives a failed reply to source port 0 and answers the next sender" {
	python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)' \
	    2>/dev/null ||
	    skip "a UDP datagram from port 0 needs a raw socket (root)"
	fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	exec {hold}<>"$fifo"
	BG_STDIN=$fifo udp_listener -k -l
	run -0 --separate-stderr timeout 20 python3 - "$PORT" "$fifo" \
	    "$LOUT" "$LERR" <<'PY'
import os, socket, struct, sys, time
port, fifo, out, err = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def wait_for(path, text):
    for _ in range(500):
        if text in open(path).read():
            return
        time.sleep(0.02)
    sys.exit("never seen in %s: %r" % (path, text))
def say(line):
    with open(fifo, "w") as f:
        f.write(line)
def from_port_zero(data):
    # A UDP header by hand: source port 0, no checksum (0 is allowed).
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    raw.sendto(struct.pack("!HHHH", 0, port, 8 + len(data), 0) + data,
        ("127.0.0.1", 0))
from_port_zero(b"from port 0\n"); wait_for(out, "from port 0\n")
say("to port 0\n")
wait_for(err, "sockcat: reply to the latest sender failed:")
from_port_zero(b"port 0 again\n"); wait_for(out, "port 0 again\n")
say("to port 0 again\n")
# Time to fail, were the reply fatal (SOCKCAT_TIME_SCALE: helpers.bash).
time.sleep(0.3 * float(os.environ.get("SOCKCAT_TIME_SCALE", "1")))
good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
good.bind(("127.0.0.1", 0))
good.settimeout(5)
good.sendto(b"good\n", ("127.0.0.1", port)); wait_for(out, "good\n")
say("to the good one\n")
assert good.recv(100) == b"to the good one\n", "the good sender got no reply"
PY
	exec {hold}>&-
	[ "$(cat "$LOUT")" = $'from port 0\nport 0 again\ngood' ]
	[ "$(grep -c '^sockcat: reply to the latest sender failed: ' "$LERR")" -eq 1 ]
	kill -0 "$LPID"
}

# unix_k_dead MODE: a -U -u -k listener (LPID, LOUT, LERR; its stdin
# written through HOLD) gets a datagram from a sender whose socket is gone
# (MODE gone: the file removed) or stale (MODE stale: the file left behind
# a closed socket) and tries to answer it twice; IDLE gets the CPU ticks
# (1/100 s) the listener uses in the idle second after.
unix_k_dead() {
	local fifo=$BATS_TEST_TMPDIR/stdin child before
	mkfifo "$fifo"
	exec {HOLD}<>"$fifo"
	BG_STDIN=$fifo start_bg "$SOCKCAT" -v -U -u -k -l "$SOCK"
	LPID=$BG_PID
	LOUT=$BG_OUT
	LERR=$BG_ERR
	wait_line "$LERR" "^Bound on $SOCK\$"
	if [ "$1" = gone ]; then
		unix_send "$SOCK" "from the dead" "$BATS_TEST_TMPDIR/dead.sock" \
		    --unlink
	else
		unix_send "$SOCK" "from the dead" "$BATS_TEST_TMPDIR/dead.sock"
	fi
	wait_line "$LOUT" '^from the dead$'
	echo "reply one" >&"$HOLD"
	echo "reply two" >&"$HOLD"
	child=$(bg_child "$LPID")
	nap 0.3
	before=$(cpu_ticks "$child")
	sleep 1
	IDLE=$(($(cpu_ticks "$child") - before))
}

# unix_k_live: then a live sender's datagram is written out and the
# listener's answer reaches it.
unix_k_live() {
	start_bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[2])
s.settimeout(10)
s.sendto(b"alive\n", sys.argv[1])
while s.recv(100) != b"answer\n":
    pass
' "$SOCK" "$BATS_TEST_TMPDIR/live.sock"
	live=$BG_PID
	wait_line "$LOUT" '^alive$'
	echo "answer" >&"$HOLD"
	wait_exit "$live" 10
	[ "$WAIT_STATUS" -eq 0 ]
	exec {HOLD}>&-
}

@test "-U -u -k drops a reply to a sender whose socket file is gone and serves the next" {
	unix_k_dead gone
	unix_k_live
	[ "$(cat "$LOUT")" = $'from the dead\nalive' ]
	[ "$(grep -c '^sockcat: ' "$LERR")" -eq 1 ]
	grep -qx 'sockcat: reply to the latest sender failed: No such file or directory (dropped)' \
	    "$LERR"
	kill -0 "$LPID"
}

@test "-U -u -k drops a reply to a stale sender socket without spinning" {
	unix_k_dead stale
	# A busy loop would take most of the second's 100 ticks.
	[ "$IDLE" -le 10 ]
	unix_k_live
	[ "$(cat "$LOUT")" = $'from the dead\nalive' ]
	[ "$(grep -c '^sockcat: ' "$LERR")" -eq 1 ]
	grep -qx 'sockcat: reply to the latest sender failed: Connection refused (dropped)' \
	    "$LERR"
	kill -0 "$LPID"
}

@test "-u -k: after a burst from two senders read at once, replies go to the latest" {
	fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	exec {hold}<>"$fifo"	# a writer stays: stdin never ends
	BG_STDIN=$fifo udp_listener -k -l
	run -0 --separate-stderr env PYTHONPATH="$SOCKCAT_SRCDIR/tests" \
	    timeout 20 python3 - "$PORT" "$fifo" \
	    "$LOUT" "$(bg_child "$LPID")" <<'PY'
import os, signal, socket, sys, time
from udppeer import peer, got
port, fifo, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pid = int(sys.argv[4])
a, b = peer("127.0.0.1"), peer("127.0.0.2")
os.kill(pid, signal.SIGSTOP)	# the whole burst is queued at once
for i in range(20):
    a.sendto(b"a%d\n" % i, ("127.0.0.1", port))
    b.sendto(b"b%d\n" % i, ("127.0.0.1", port))
os.kill(pid, signal.SIGCONT)
want = "".join("a%d\nb%d\n" % (i, i) for i in range(20))
for _ in range(500):
    if open(out).read() == want:
        break
    time.sleep(0.02)
else:
    sys.exit("stdout: %r" % open(out).read())
with open(fifo, "w") as f:
    f.write("to the latest\n")
assert got(b, 5) == "to the latest\n", "b, the latest sender, got none"
assert got(a, 0.5) is None, "an earlier sender got the reply"
PY
	exec {hold}>&-
	kill -0 "$LPID"
}

@test "-u -l: in a burst read at once, only the peer's datagrams reach stdout" {
	udp_listener -l
	run -0 --separate-stderr timeout 20 python3 - "$PORT" "$LOUT" \
	    "$(bg_child "$LPID")" <<'PY'
import os, signal, socket, sys, time
port, out, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def sock(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    return s
peer, refused, stranger = sock("127.0.0.1"), sock("127.0.0.2"), sock("127.0.0.1")
os.kill(pid, signal.SIGSTOP)	# queued before the peer is known
for i in range(30):
    peer.sendto(b"peer %d\n" % i, ("127.0.0.1", port))
    refused.sendto(b"refused %d\n" % i, ("127.0.0.1", port))
    stranger.sendto(b"stranger %d\n" % i, ("127.0.0.1", port))
os.kill(pid, signal.SIGCONT)
want = "".join("peer %d\n" % i for i in range(30))
for _ in range(500):
    if len(open(out).read()) >= len(want):
        break
    time.sleep(0.02)
time.sleep(0.2)
got = open(out).read()
assert got == want, "stdout: %r" % got
PY
	kill -0 "$LPID"
}
