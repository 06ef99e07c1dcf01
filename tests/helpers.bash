# Shared helpers for the sockcat bats suite: free ports, background peers
# under timeout with their PIDs recorded, bounded waits, and a teardown that
# kills only what the test started.

: "${SOCKCAT:?SOCKCAT must point at the sockcat binary}"
SOCKCAT_SRCDIR=${SOCKCAT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

BG_PIDS=()

# free_port [tcp|udp]: print a port nothing on 127.0.0.1 or ::1 is bound to.
free_port() {
	python3 - "${1:-tcp}" <<'PY'
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
while True:
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    try:
        s6 = socket.socket(socket.AF_INET6, kind)
        s6.bind(("::1", port))
        s6.close()
    except OSError:
        s.close()
        continue
    s.close()
    print(port)
    break
PY
}

# start_bg CMD...: run CMD in the background under `timeout 30`, with
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
	setsid timeout 30 "$@" <"${BG_STDIN:-/dev/null}" >"$BG_OUT" \
	    2>"$BG_ERR" 3>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
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
	local port=$1 proto=${2:-tcp} secs=${3:-10} flag=-tln
	[ "$proto" = udp ] && flag=-uln
	local deadline=$((SECONDS + secs))
	while ! ss -H "$flag" "sport = :$port" | grep -q .; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# wait_file PATH [SECONDS]: poll until PATH exists (a Unix socket, say).
wait_file() {
	local path=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while [ ! -e "$path" ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# wait_line FILE REGEX [SECONDS]: poll until a line of FILE matches.
wait_line() {
	local file=$1 re=$2 secs=${3:-10}
	local deadline=$((SECONDS + secs))
	while ! grep -Eq -- "$re" "$file" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
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
		sleep 0.02
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
	local path=$1 secs=${2:-10}
	local deadline=$((SECONDS + secs))
	while ! ss -Hxl | awk -v p="$path" '$5 == p { f = 1 } END { exit !f }'; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# The scripted TCP peer (see its usage): start_bg python3 "$PEER" listen ...
PEER=$SOCKCAT_SRCDIR/tests/peer.py
