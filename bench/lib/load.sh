# bench/lib/load.sh: the workloads of bench/run.sh that are not bulk
# transfers: fork server, UDP both ways, scan, start-up.
# shellcheck shell=bash

# serve_start TOOL [PREFIX...]: TOOL's fork server on a fresh port, in a
# fresh cgroup when there are cgroups, under ru; sets PORT and SP.
serve_start() {
	local tool=$1 g=()
	shift
	PORT=$(pick_port)
	peer "$tool" forkd "$PORT"
	[ "$CGROUPS" = yes ] && new_cgroup && g=(-g "$CG")
	"$RU" -t 900 "${g[@]}" -o "$W/ru.f" "$@" "${A[@]}" <>"$HOLD" \
	    >/dev/null 2>&1 &
	SP=$!
	wait_listen tcp "$PORT"
}

# serve_stop [DEPTH]: the server told to end (its children given time
# to), what is left of its tree killed.  DEPTH 2: the server runs under
# a counter (ru -> counter -> server), which must see it exit to report.
serve_stop() {
	local pid=$SP d
	sleep 0.05
	for ((d = 0; d < ${1:-0}; d++)); do
		pid=$(cut -d' ' -f1 "/proc/$pid/task/$pid/children" \
		    2>/dev/null)
		[ -n "$pid" ] || break
	done
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	# (tail looks every 20 ms: by default every second.)
	timeout 10 tail -s 0.02 --pid="$SP" -f /dev/null ||
	    kill -TERM "$SP" 2>/dev/null
	wait "$SP"
	kill_cgroup
}

# fork_calls TOOL: system calls per connection: counted over the server
# and its children with NSYS connections, less a run with none.
fork_calls() {
	local n a='' b=''
	[ "$COUNTER" != none ] || return 0
	counted "$W/calls.f"
	for n in 0 "$NSYS"; do
		rm -f "$W/calls.f"
		serve_start "$1" "${C[@]}" || {
			serve_stop 2
			return 0
		}
		[ "$n" = 0 ] || "$W/bin/conn" "$PORT" "$n" 1 >/dev/null
		serve_stop 2
		b=$a
		a=$(calls "$W/calls.f")
	done
	[ -n "$a" ] && [ -n "$b" ] &&
	    rec fork calls "$1" "$(awk -v a="$a" -v b="$b" -v n="$NSYS" \
	    'BEGIN { print (a - b) / n }')"
}

work_fork() {
	local t r c
	local -a tools
	mapfile -t tools < <(supported forkd)
	printf '%s\n' "${tools[@]}" >"$W/res/fork.tools"
	for t in "${tools[@]}"; do
		fork_calls "$t"
	done
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			serve_start "$t" &&
			    "$W/bin/conn" "$PORT" "$NSEQ" 1 >"$W/conn"
			serve_stop
			c=$(cat "$W/conn") f=$(cat "$W/ru.f")
			rec fork seq "$t" "$(awk -v c="$c" 'BEGIN { split(c, C)
			    print C[1] / (C[3] / 1e9) }')"
			rec fork cpu "$t" "$(awk -v f="$f" -v n="$NSEQ" 'BEGIN {
			    split(f, F); print (F[3] + F[4]) / 1000 / n }')"
			rec fork fail "$t" "$(awk -v c="$c" 'BEGIN { split(c, C)
			    print C[2] }')"
			: >"$W/conn"
			serve_start "$t" && "$W/bin/conn" "$PORT" "$NCONC" \
			    "$CLIENTS" "$CONN_TIMEOUT" >"$W/conn"
			serve_stop
			c=$(cat "$W/conn")
			rec fork crate "$t" "$(awk -v c="$c" 'BEGIN {
			    split(c, C); print C[1] / (C[3] / 1e9) }')"
			rec fork p99 "$t" "$(awk -v c="$c" 'BEGIN {
			    split(c, C); print C[5] / 1000 }')"
			rec fork cfail "$t" "$(awk -v c="$c" 'BEGIN {
			    split(c, C); print C[2] }')"
			: >"$W/conn"
		done
	done
	local n="$NSEQ sequential connections, then $NCONC from $CLIENTS"
	n="$n clients at once (a new server each; a connection with no"
	n="$n echo after $CONN_TIMEOUT s fails); CPU: the server's whole"
	table fork "Fork + exec /bin/cat echo server" "$n process tree." \
	    "seq|sequential conn/s ↑|hi|%.0f" \
	    "cpu|CPU ms per connection ↓|lo|%.2f" \
	    "calls|system calls per connection, /bin/cat included ↓|lo|%.0f" \
	    "fail|sequential: failed connections|info|%.0f" \
	    "crate|$CLIENTS clients: conn/s ↑|hi|%.0f" \
	    "p99|$CLIENTS clients: p99 latency ms ↓|lo|%.1f" \
	    "cfail|$CLIENTS clients: failed connections|info|%.0f"
}

# wait_still FILE: FILE has stopped growing (10 s at most).
wait_still() {
	local prev=-1 now i
	for i in $(seq 50); do
		now=$(stat -c %s "$1")
		[ "$now" = "$prev" ] && return 0
		prev=$now
		sleep 0.2
	done
}

work_udp() {
	local t r port up b u
	local -a tools
	mapfile -t tools < <(supported udpl)
	printf '%s\n' "${tools[@]}" >"$W/res/udp.tools"
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			port=$(pick_port)
			peer "$t" udpl "$port"
			"$RU" -t 300 -o "$W/ru.u" "${A[@]}" <>"$HOLD" \
			    >"$W/usink" 2>/dev/null &
			up=$!
			wait_listen udp "$port" &&
			    "$W/bin/udpblast" "$port" "$UDP_COUNT" 1400 \
			    "$UDP_RATE" >"$W/blast"
			wait_still "$W/usink"
			kill -TERM "$up" 2>/dev/null
			wait "$up"
			b=$(cat "$W/blast") u=$(cat "$W/ru.u")
			[ -n "$b" ] && udp_rec "$t" "$b" "$u" \
			    "$(stat -c %s "$W/usink")"
			rm -f "$W/usink" "$W/blast"
		done
	done
	local t="UDP receive: $UDP_COUNT datagrams of 1400 bytes offered at"
	table udp "$t $UDP_RATE MiB/s" \
	    "The listener writes to a tmpfs file; CPU per GiB it delivered. ref-rw: recvmmsg(2) of up to 64 and one writev(2), blocking, nothing else (the floor)." \
	    "dlv|delivered % ↑|hi|%.1f" \
	    "cpu|listener CPU s per GiB ↓|lo|%.2f" \
	    "off|offered MiB/s (the sender's pace)|info|%.0f"
}

# udp_rec TOOL BLAST RU BYTES: one UDP receive run's figures.
udp_rec() {
	rec udp dlv "$1" "$(awk -v b="$2" -v n="$4" 'BEGIN { split(b, B)
	    print B[1] ? n * 100 / (B[1] * 1400) : 0 }')"
	[ "$4" -gt 0 ] && rec udp cpu "$1" "$(awk -v u="$3" -v n="$4" \
	    'BEGIN { split(u, U)
	    print (U[3] + U[4]) / 1e6 / (n / 1073741824) }')"
	rec udp off "$1" "$(awk -v b="$2" 'BEGIN { split(b, B)
	    print B[1] * 1400 / 1048576 / (B[3] / 1e9) }')"
}

work_udpsend() {
	local t r port sp s bytes
	local -a tools
	mapfile -t tools < <(supported udps)
	printf '%s\n' "${tools[@]}" >"$W/res/udpsend.tools"
	make_data "$W/udata" "$UDPS_MIB" repeat
	bytes=$(stat -c %s "$W/udata")
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			"$W/bin/udpsink" "$bytes" 1000 >"$W/us" &
			sp=$!
			port=
			for _ in $(seq 500); do
				port=$(head -n 1 "$W/us")
				[ -n "$port" ] && break
				sleep 0.01
			done
			peer "$t" udps "$port"
			"$RU" -t 300 -o "$W/ru.s" "${A[@]}" <"$W/udata" \
			    >/dev/null 2>&1
			wait "$sp"
			s=$(sed -n 2p "$W/us")
			[ -n "$s" ] || continue
			rec udpsend rate "$t" "$(awk -v s="$s" 'BEGIN {
			    split(s, S); if (S[4] > S[3])
			    print S[1] / 1048576 / ((S[4] - S[3]) / 1e9) }')"
			rec udpsend got "$t" "$(awk -v s="$s" -v b="$bytes" \
			    'BEGIN { split(s, S); print S[1] * 100 / b }')"
		done
	done
	rm -f "$W/udata"
	table udpsend \
	    "UDP send: a $UDPS_MIB MiB file sent with -u to a counting receiver" \
	    "MiB/s from the first datagram's arrival to the last's." \
	    "rate|MiB/s received ↑|hi|%.0f" \
	    "got|received % ↑|hi|%.1f"
}

# simple WL ROLE ARG KEY SCALE: run each tool's ROLE command, RUNS times
# interleaved (ru -n N: N times in a row), and record its wall time.
simple() {
	local wl=$1 role=$2 arg=$3 key=$4 scale=$5 n=${6:-1} t r
	local -a tools
	mapfile -t tools < <(supported "$role")
	printf '%s\n' "${tools[@]}" >"$W/res/$wl.tools"
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			peer "$t" "$role" "$arg"
			"$RU" -n "$n" -t 300 -o "$W/ru.x" "${A[@]}" </dev/null \
			    >/dev/null 2>&1
			rec "$wl" "$key" "$t" "$(awk -v d="$scale" -v n="$n" \
			    '{ print ($2 - $1) / d / n }' "$W/ru.x")"
		done
	done
}

work_scan() {
	simple scan scan "" secs 1e9
	table scan "Scan: -z over ports 1-$SCAN_TOP of 127.0.0.1, all closed" "" \
	    "secs|seconds ↓|lo|%.2f"
}

# work_filtered: 200 filtered ports (-w 1) on the loopback of a network
# namespace of our own, where nft drops SYNs to them (root, ip, nft).
# Only sockcat scans them all: a peer waits -w for each port in turn, so
# it gets FILTERED_PEER of them and its time is scaled up to 200.
work_filtered() {
	local ns=sockcat-bench-$$ t r n k
	local -a tools
	printf '%s\n' sockcat >"$W/res/filtered.tools"
	if ! command -v nft >/dev/null || ! ip netns add "$ns" 2>/dev/null
	then
		echo "bench: filtered: skipped (root, ip netns, nft needed)" >&2
		return 0
	fi
	NETNS=$ns
	ip -n "$ns" link set lo up
	ip netns exec "$ns" nft -f - <<-'NFT'
	table inet bench {
		chain input {
			type filter hook input priority 0;
			tcp dport 20000-20199 tcp flags & (syn | ack) == syn drop
		}
	}
	NFT
	mapfile -t tools < <(supported scanw)
	printf '%s\n' "${tools[@]}" >"$W/res/filtered.tools"
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			n=200 k=1
			[ "$t" = sockcat ] ||
			    n=$FILTERED_PEER k=$((200 / FILTERED_PEER))
			peer "$t" scanw "20000-$((20000 + n - 1))"
			"$RU" -t 600 -o "$W/ru.x" ip netns exec "$ns" \
			    "${A[@]}" </dev/null >/dev/null 2>&1
			rec filtered secs "$t" "$(awk -v k="$k" \
			    '{ print ($2 - $1) / 1e9 * k }' "$W/ru.x")"
		done
	done
	ip netns del "$ns"
	NETNS=
	local n="The peers wait -w for each port in turn: each scans"
	n="$n $FILTERED_PEER of them, its time multiplied by"
	table filtered \
	    "Scan: 200 filtered ports, -w 1, in a network namespace" \
	    "$n $((200 / FILTERED_PEER))." \
	    "secs|seconds ↓|lo|%.2f"
}

work_start() {
	simple start refused "$(pick_port)" ms 1e6 "$NSTART"
	table start \
	    "Start-up: a refused connect to 127.0.0.1, $NSTART runs in a row" "" \
	    "ms|ms per run ↓|lo|%.2f"
}
