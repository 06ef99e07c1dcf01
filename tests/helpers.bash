# Shared helpers for the sockcat bats suite: free ports, background peers
# under timeout with their PIDs recorded, bounded waits, and a teardown that
# kills only what the test started.
#
# Environment:
#   SOCKCAT            the sockcat binary under test (required)
#   SOCKCAT_SRCDIR     the source tree (default: this file's parent)
#   SOCKCAT_TIME_SCALE a factor (default 1; 3 for a sanitizer build on a
#                      loaded machine, say) for the suite's own short
#                      margins: the pauses of under a second a test takes
#                      to let something happen, or not, before it looks
#                      (`nap`, `scaled`; inline Python reads it too).
#                      Timings that a test measures against sockcat's own
#                      option values are not scaled.

: "${SOCKCAT:?SOCKCAT must point at the sockcat binary}"
SOCKCAT_SRCDIR=${SOCKCAT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

SOCKCAT_TIME_SCALE=${SOCKCAT_TIME_SCALE:-1}
export SOCKCAT_TIME_SCALE

# The peers are Python, started thousands of times a run: where the system
# has its own python3, take it before any version manager's shim on PATH
# (pyenv's costs a second or more a call on a loaded machine, 0.2 s direct).
if [[ -x /usr/bin/python3 && $(command -v python3) != /usr/bin/python3 ]]; then
	PATH=/usr/bin:$PATH
fi

BG_PIDS=()

# scaled SECONDS: print SECONDS times SOCKCAT_TIME_SCALE.
scaled() {
	awk -v s="$1" -v k="$SOCKCAT_TIME_SCALE" 'BEGIN { printf "%g\n", s * k }'
}

# nap SECONDS: a margin of SECONDS, scaled (see SOCKCAT_TIME_SCALE).
nap() {
	sleep "$(scaled "$1")"
}

# free_port [tcp|udp]: print a port nothing on 127.0.0.1 or ::1 is bound to.
# Only for a port that must be known before anything listens on it: a
# Python peer's, a client's own (-p), one a client retries before its
# listener comes, one that must be closed, or one that must be free in
# both families.  Where sockcat listens, listen on port 0 and read the
# port back (start_listener, start_quiet_listener): picking first races
# with other tests under make -j.
free_port() {
	freeport "${1:-tcp}"
}

# free_ports N: print P such that P .. P+N-1 are all free (TCP and UDP,
# 127.0.0.1 and ::1).
free_ports() {
	freeport -n "$1"
}

# freeport ARGS...: tests/freeport.c, which make check builds beside
# sockcat (make tests/freeport, for a file run on its own).
FREEPORT=${SOCKCAT%/*}/../tests/freeport
freeport() {
	[ -x "$FREEPORT" ] || {
		echo "no $FREEPORT: make check (or make tests/freeport)" \
		    "builds it" >&2
		return 1
	}
	"$FREEPORT" "$@"
}

# start_bg CMD...: run CMD in the background under `timeout 30` (or
# BG_TIMEOUT seconds), with
# stdout and stderr in $BATS_TEST_TMPDIR/bg.N.{out,err}; BG_OUT and BG_ERR
# name the files of the latest one.  Its stdin is the file named by
# BG_STDIN (BG_STDIN=file start_bg ...), /dev/null by default.  It runs
# in a process group of its own (setsid), so that teardown can end the
# timeout and CMD together, and without bats' descriptor 3, so that a
# straggler can never keep bats waiting.
start_bg() {
	local n=${#BG_PIDS[@]}
	BG_OUT=$BATS_TEST_TMPDIR/bg.$n.out
	BG_ERR=$BATS_TEST_TMPDIR/bg.$n.err
	setsid timeout "${BG_TIMEOUT:-30}" "$@" <"${BG_STDIN:-/dev/null}" >"$BG_OUT" \
	    2>"$BG_ERR" 3>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# tick: the 20 ms between two polls, without starting a process: a read
# that times out on a FIFO nobody writes to, opened for the read alone
# (sleep(1) would be 50 fork-and-execs a second of waiting: CPU a loaded
# machine running the suite under ASan does not have to spare).  One FIFO
# serves the whole bats run.
tick() {
	local f=${BATS_RUN_TMPDIR:-$BATS_TEST_TMPDIR}/.tick
	[ -p "$f" ] || mkfifo "$f" 2>/dev/null || { sleep 0.02; return 0; }
	read -r -t 0.02 _ <>"$f" || :
}

# wait_until SECONDS CMD...: poll CMD until it succeeds; fail at the
# deadline.  Every wait_* below is one of these.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		tick
	done
}

# wait_size FILE BYTES [SECONDS]: poll until FILE holds at least BYTES.
wait_size() {
	wait_until "${3:-60}" size_at_least "$1" "$2"
}

size_at_least() {
	[ "$(stat -c %s "$1")" -ge "$2" ]
}

# wait_port HOST PORT [SECONDS]: poll until a TCP listener answers.
wait_port() {
	local host=$1 port=$2 secs=${3:-10}
	timeout "$secs" python3 - "$host" "$port" <<'PY'
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
while True:
    try:
        socket.create_connection((host, port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
PY
}

# wait_listen PORT [tcp|udp] [SECONDS]: poll the kernel's socket tables
# until something listens on PORT, without connecting to it (a one-shot
# listener would take the probe for its client).
wait_listen() {
	local port=$1 proto=${2:-tcp} flag=-tln
	[ "$proto" = udp ] && flag=-uln
	wait_until "${3:-10}" listening "$flag" "$port"
}

listening() {
	ss -H "$1" "sport = :$2" | grep -q .
}

# wait_file PATH [SECONDS]: poll until PATH exists (a Unix socket, say).
wait_file() {
	wait_until "${2:-10}" test -e "$1"
}

# wait_line FILE REGEX [SECONDS]: poll until a line of FILE matches.
wait_line() {
	wait_until "${3:-10}" grep -Eq -- "$2" "$1"
}

# wait_exit PID [SECONDS]: wait for a background job to end; its status
# is left in WAIT_STATUS.  Fails if it is still running at the deadline.
wait_exit() {
	local pid=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			WAIT_STATUS=
			return 1
		fi
		tick
	done
	WAIT_STATUS=0
	wait "$pid" || WAIT_STATUS=$?
	return 0
}

teardown() {
	local pid
	# Each is the leader of its own group: end the group, then reap.
	for pid in "${BG_PIDS[@]}"; do
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	BG_PIDS=()
}

# wait_unix_listen PATH [SECONDS]: poll until a Unix stream socket listens
# at PATH (or the abstract @name), without connecting to it: a one-shot
# listener would take the probe for its client.
wait_unix_listen() {
	wait_until "${2:-10}" unix_listening "$1"
}

unix_listening() {
	ss -Hxl | awk -v p="$1" '$5 == p { f = 1 } END { exit !f }'
}

# The scripted TCP peer (see its usage): start_bg python3 "$PEER" listen ...
PEER=$SOCKCAT_SRCDIR/tests/peer.py

# with_hosts HOSTS-LINES CMD...: run CMD seeing only those hosts lines,
# bind-mounted over /etc/hosts in a private mount namespace (unshare -m)
# for CMD only, and, if GAI_CONF is set, that /etc/gai.conf
# (getaddrinfo's ordering: glibc puts ::1 first whatever the order in the
# hosts file).
with_hosts() {
	local hosts=$BATS_TEST_TMPDIR/hosts gai=$BATS_TEST_TMPDIR/gai.conf
	printf '%s\n' "$1" >"$hosts"
	rm -f "$gai"
	[ -z "${GAI_CONF:-}" ] || printf '%s\n' "$GAI_CONF" >"$gai"
	shift
	unshare -m sh -c 'mount --bind "$0" /etc/hosts &&
	    { [ ! -e "$1" ] || mount --bind "$1" /etc/gai.conf; } &&
	    shift && exec "$@"' "$hosts" "$gai" "$@"
}

# offline CMD...: run CMD where no name can be looked up off the machine:
# a network namespace of its own (its loopback up, nothing else), an
# nsswitch.conf that says "files" only and a hosts file with localhost
# alone, both bind-mounted in a private mount namespace for CMD only.
offline() {
	local dir=$BATS_TEST_TMPDIR
	printf 'hosts: files\nservices: files\n' >"$dir/nsswitch.offline"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$dir/hosts.offline"
	unshare -mn sh -c 'mount --bind "$0" /etc/nsswitch.conf &&
	    mount --bind "$1" /etc/hosts && ip link set lo up &&
	    shift && exec "$@"' \
	    "$dir/nsswitch.offline" "$dir/hosts.offline" "$@"
}

# need_offline: skip unless offline can make its namespaces.
need_offline() {
	unshare -mn true 2>/dev/null ||
	    skip "no private mount and network namespaces here (needs root)"
	command -v ip >/dev/null || skip "no ip(8)"
}

# need_unshare: skip unless a private mount namespace can be made.
need_unshare() {
	unshare -m true 2>/dev/null ||
	    skip "no private mount namespace here (unshare -m needs root)"
}

# need_strace: skip unless strace is here and may trace.
need_strace() {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
}

# need_gdb: skip unless gdb is installed and may trace here.
need_gdb() {
	command -v gdb >/dev/null || skip "gdb is not installed"
	gdb -q -batch -nx -ex run --args true >/dev/null 2>&1 ||
	    skip "gdb cannot trace here"
}

# tcp_listen HOST PORT...: a python3 listener on HOST (127.0.0.1 or ::1)
# on each PORT that never accepts: the kernel completes every handshake
# in its backlog.
tcp_listen() {
	tcp_listeners 128 "$@"
}

# tcp_filtered_on HOST PORT...: on HOST, a listener with backlog 0 on each
# PORT whose queue is full, so that SYNs to it go unanswered: a filtered
# port, or a broken path.
tcp_filtered_on() {
	local p
	tcp_listeners 0 "$@"
	shift
	for p in "$@"; do
		wait_until 10 queue_full "$p"
	done
}

# tcp_listeners BACKLOG HOST PORT...: what the two above share; with
# BACKLOG 0 one client fills each queue.
tcp_listeners() {
	start_bg python3 -c '
import socket, sys, time
backlog, host = int(sys.argv[1]), sys.argv[2]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
keep = []
for p in sys.argv[3:]:
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, int(p)))
    s.listen(backlog)
    keep.append(s)
    if backlog == 0:
        keep.append(socket.create_connection((host, int(p)), timeout=5))
print("ready", flush=True)
time.sleep(30)
' "$@"
	wait_line "$BG_OUT" '^ready$'
}

# queue_full PORT: a listener on PORT holds a client it never accepted.
queue_full() {
	ss -Htln "sport = :$1" | awk '$2 >= 1 { f = 1 } END { exit !f }'
}

# fds_taken FREE CMD...: run CMD with a descriptor limit of 4096 and every
# descriptor below select()'s FD_SETSIZE (1024) taken and inherited, but
# for the FREE highest of them (tests/fdfill.py): sockets then get numbers
# from 1024-FREE up.  Skips when the limit cannot be raised.
fds_taken() {
	need_fd_limit
	(ulimit -n 4096 && exec python3 "$BATS_TEST_DIRNAME/fdfill.py" "$@")
}

need_fd_limit() {
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 4096 ] ||
	    skip "cannot raise the descriptor limit to 4096"
}

# server_pid: the pid of the program that the latest start_bg runs under
# `setsid timeout` (timeout's only child), once it has started.
server_pid() {
	local kids
	# (/proc files have size 0: test -s cannot tell.)
	wait_until 10 grep -q . "/proc/$BG_PID/task/$BG_PID/children" ||
	    return 1
	kids=$(cat "/proc/$BG_PID/task/$BG_PID/children")
	echo "${kids%% *}"
}

# listen_port FILE: wait for the `-v` line `Listening on 127.0.0.1 PORT`
# in FILE and print PORT (for a listener on port 0).
listen_port() {
	wait_line "$1" '^Listening on 127\.0\.0\.1 [0-9]+$' || return 1
	sed -n 's/^Listening on 127\.0\.0\.1 \([0-9][0-9]*\)$/\1/p' "$1"
}

# fd_count PID: how many descriptors PID holds open.
fd_count() {
	ls "/proc/$1/fd" | wc -l
}

# lowest_free_fd PID: the descriptor number PID's next open() would get.
lowest_free_fd() {
	ls "/proc/$1/fd" | sort -n |
	    awk 'BEGIN { n = 0 } $1 == n { n++ } END { print n }'
}

# rss_kib PID: PID's resident set size in KiB (VmRSS).
rss_kib() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

# cpu_ms PID: the CPU time (user + system) PID has used, in milliseconds.
cpu_ms() {
	local hz
	hz=$(getconf CLK_TCK)
	# Fields after the ")" that closes the command name: utime is the
	# 12th, stime the 13th.
	sed 's/^.*) //' "/proc/$1/stat" |
	    awk -v hz="$hz" '{ print int(($12 + $13) * 1000 / hz) }'
}

# child_pids PID: PID's live or zombie children, one a line.
child_pids() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . ||
	    true
}

# zombie_count PID: how many of PID's children are zombies.
zombie_count() {
	local kid n=0
	for kid in $(child_pids "$1"); do
		grep -q '^State:[[:space:]]*Z' "/proc/$kid/status" 2>/dev/null &&
		    n=$((n + 1))
	done
	echo "$n"
}

# no_children PID: PID has no child at all, zombies included.
no_children() {
	[ -z "$(child_pids "$1")" ]
}

# start_bg_for SECONDS CMD...: start_bg, under `timeout SECONDS` instead
# of 30 (a soak run of hundreds of clients on a loaded machine).
start_bg_for() {
	local secs=$1
	shift
	BG_TIMEOUT=$secs start_bg "$@"
}

# start_peer PORT ACTION...: the scripted peer (tests/peer.py) listening
# on 127.0.0.1 PORT for one client; what it receives goes to $PEER_LOG.
start_peer() {
	PEER_LOG=$BATS_TEST_TMPDIR/peer.log
	start_bg python3 "$PEER" listen "$1" "$PEER_LOG" "${@:2}"
	wait_listen "$1"
}

# start_slow_listener DELAY: a one-shot sockcat -v listener on 127.0.0.1
# port 0 (PORT gets the port it was given) whose stdout is read 256 KiB at
# a time, DELAY seconds apart, into BG_OUT: a slow reader that keeps its
# sender blocked on a full socket.
start_slow_listener() {
	start_bg sh -c '"$1" -v -l 127.0.0.1 0 | python3 -c "
import sys, time
while True:
    b = sys.stdin.buffer.read(1 << 18)
    if not b:
        break
    sys.stdout.buffer.write(b)
    time.sleep(float(sys.argv[1]))
" "$2"' sh "$SOCKCAT" "$1"
	PORT=$(bound_port "$BG_ERR")
}

# run [!|-N] [--separate-stderr] [--] CMD...: bats' own run, replaced by
# one that does the same in fewer steps.  It sets the same variables
# (status, output, lines; with --separate-stderr also stderr and
# stderr_lines, stripped as bats strips them), runs CMD without -e, and
# with `!` or -N fails the test as bats' does ("expected exit code N, got
# M"), and then also shows output and stderr.  Bats' run starts mktemp for
# the stderr file and checks its version on each call, under its DEBUG
# trap: on two cores, with run called some 850 times a suite, that was
# a tenth of the suite's CPU.
RUNS=0
run() {
	local want= sep= flags=$- err
	while [[ $# -gt 0 ]]; do
		case $1 in
		'!') want=-1 ;;
		-[0-9]*) want=${1#-} ;;
		--separate-stderr) sep=1 ;;
		--) shift; break ;;
		-*) echo "run: unknown flag $1" >&2; return 1 ;;
		*) break ;;
		esac
		shift
	done
	set +eET
	if [[ -n $sep ]]; then
		# A file a call: a straggler CMD left in the background may
		# still write to the one before.
		RUNS=$((RUNS + 1))
		err=$BATS_TEST_TMPDIR/run-stderr.$RUNS
		# (Each in a list: bats' ERR trap is still set here.)
		output=$("$@" 2>"$err") && status=0 || status=$?
		read -d '' -r stderr <"$err" || :
		IFS=$'\n' read -d '' -r -a stderr_lines <<<"$stderr" || :
	else
		output=$("$@" 2>&1) && status=0 || status=$?
	fi
	IFS=$'\n' read -d '' -r -a lines <<<"$output" || :
	BATS_RUN_COMMAND=$*
	set "-$flags"
	if [[ $want == -1 && $status -eq 0 ]]; then
		BATS_ERROR_SUFFIX=", expected nonzero exit code!"
	elif [[ -n $want && $want != -1 && $status -ne $want ]]; then
		BATS_ERROR_SUFFIX=", expected exit code $want, got $status"
	else
		return 0
	fi
	printf '# output: %s\n' "$output" >&2
	[[ -z $sep ]] || printf '# stderr: %s\n' "$stderr" >&2
	return 1
}

# usage_error ARGS...: sockcat ARGS (stdin /dev/null) must fail with
# status 2, nothing on stdout, and exactly one stderr line
# "sockcat: ... Try 'sockcat --help'".  A test then checks the message
# itself in $stderr.
usage_error() {
	usage_error_of timeout 10 "$SOCKCAT" "$@"
}

# usage_error_of CMD...: usage_error for a command line of one's own (a
# wrapper around sockcat: `offline`, say).
usage_error_of() {
	run -2 --separate-stderr "$@" </dev/null
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr != *$'\n'* ]]
	[[ $stderr == "sockcat: "* ]]
	[[ $stderr == *"Try 'sockcat --help'" ]]
}

# send_to_listener HOST PORT TEXT: a -N client sends TEXT to HOST PORT;
# the listener started last (BG_PID, BG_OUT) must then exit 0 having
# printed exactly TEXT.
send_to_listener() {
	local host=$1 port=$2 text=$3
	run -0 --separate-stderr timeout 10 "$SOCKCAT" -N "$host" "$port" \
	    <<<"$text"
	[ -z "$output" ]
	wait_exit "$BG_PID" 10
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(cat "$BG_OUT")" = "$text" ]
}

# bg_child PID: the process that start_bg's timeout(1) (PID) runs.  Signals
# go to it directly: timeout may not have recorded its child yet.
bg_child() {
	local pid
	pid=$(ps -o pid= --ppid "$1" | tr -d ' ')
	[ -n "$pid" ] && echo "$pid"
}

# udp_send [-s SRC] PORT LINE...: each LINE and a newline, one datagram
# each, from one socket (bound to SRC with -s) to 127.0.0.1 PORT
# (tests/udpsend.py).
udp_send() {
	python3 "$SOCKCAT_SRCDIR/tests/udpsend.py" "$@"
}

# Unix-domain sockets by hand (see its usage): python3 "$UNIXSOCK" ...
UNIXSOCK=$SOCKCAT_SRCDIR/tests/unixsock.py

# unix_send PATH TEXT [FROM [--unlink]]: one datagram, TEXT and a newline,
# to the Unix socket PATH, from an unbound socket or one bound at FROM
# (removed afterwards with --unlink).
unix_send() {
	python3 "$UNIXSOCK" send "$@"
}

# start_listener ARGS...: start_bg "$SOCKCAT" -v --port-file FILE ARGS,
# a listener given port 0, and set PORT to the port the kernel chose, read
# from the file sockcat writes once it listens (PORT_FILE names it): no
# "free" port picked first that a parallel test could take.  Its stderr
# (BG_ERR) then holds the -v lines.
start_listener() {
	new_port_file
	start_bg "$SOCKCAT" -v --port-file "$PORT_FILE" "$@"
	ready_port "$PORT_FILE" "$BG_PID"
}

# start_quiet_listener tcp|udp ARGS...: like start_listener, for a test
# that needs sockcat's stderr as it is (no -v).  The first word says what
# the test listens for; the port file serves both.
start_quiet_listener() {
	shift
	new_port_file
	start_bg "$SOCKCAT" --port-file "$PORT_FILE" "$@"
	ready_port "$PORT_FILE" "$BG_PID"
}

# new_port_file: set PORT_FILE to a name no listener of this test has
# used (a test may start listeners again after teardown, which empties
# BG_PIDS), with no file there.
PORT_FILES=0
new_port_file() {
	PORT_FILES=$((PORT_FILES + 1))
	PORT_FILE=$BATS_TEST_TMPDIR/port.$PORT_FILES
	rm -f "$PORT_FILE"
}

# ready_port FILE PID: wait (10 s at most) until the listener under PID
# has written FILE (--port-file) and set PORT to the PORT of its first
# line "ADDR PORT"; fail if PID ends first or FILE says no port.  (Read
# by the shell itself, not in a $(...): a process less a listener.)
ready_port() {
	local addr
	PORT=
	wait_until 10 ready_or_gone "$1" "$2" || return 1
	read -r addr PORT _ 2>/dev/null <"$1" || :
	[[ $PORT =~ ^[0-9]+$ ]]
}

# ready_or_gone FILE PID: FILE is there, or PID has ended (a zombie too).
# PID's state is read from /proc by the shell itself: this runs every
# tick (ps(1) would be a process each time).
ready_or_gone() {
	local st
	[ -e "$1" ] && return 0
	read -r _ _ st _ <"/proc/$2/stat" 2>/dev/null || return 0
	[ "$st" = Z ]
}

# socket_port tcp|udp PID: the port PID listens on (TCP) or is bound to
# (UDP), from ss -p; fails while it has none.
socket_port() {
	local flag=-Htlnp
	[ "$1" = udp ] && flag=-Hulnp
	ss "$flag" | awk -v p="pid=$2," 'index($0, p) {
		n = split($4, a, ":"); print a[n]; f = 1; exit
	} END { exit !f }'
}

# bound_port FILE: wait for the first `-v` line "Listening on ADDR PORT"
# (or "Bound on ADDR PORT", datagrams) in FILE and print its PORT.
bound_port() {
	wait_line "$1" '^(Listening|Bound) on [^ ]+ [0-9]+$' || return 1
	sed -nE 's/^(Listening|Bound) on [^ ]+ ([0-9]+)$/\2/p' "$1" | head -n 1
}
