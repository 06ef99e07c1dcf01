# bench/lib/util.sh: ports, waits, cgroups, counters and the report's
# header, for bench/run.sh.
# shellcheck shell=bash

# pick_port: a port nothing uses (TCP or UDP, any state), below the
# ephemeral range so no outgoing connection takes it meanwhile.
pick_port() {
	local p i
	for i in $(seq 50); do
		p=$((10240 + (RANDOM + i) % 22000))
		ss -Htuan "sport = :$p" | grep -q . || break
	done
	echo "$p"
}

# wait_listen tcp|udp|unix WHAT: something listens there (5 s at most).
wait_listen() {
	local i
	for i in $(seq 500); do
		case $1 in
		unix) ss -Hxl | grep -qF " $2 " && return 0 ;;
		udp) ss -Huln "sport = :$2" | grep -q . && return 0 ;;
		*) ss -Htln "sport = :$2" | grep -q . && return 0 ;;
		esac
		sleep 0.01
	done
	echo "bench: nothing listens on $2 ($1)" >&2
	return 1
}

# rotation RUN TOOL...: the tools in the order of run RUN (1-based).
rotation() {
	local r=$1 i
	shift
	for ((i = 0; i < $#; i++)); do
		echo "${@:$(((i + r - 1) % $# + 1)):1}"
	done
}

# supported ROLE...: the tools (of TOOLS) whose adapter has every ROLE.
supported() {
	local t r ok
	for t in "${TOOLS[@]}"; do
		ok=1
		for r in "$@"; do
			peer "$t" "$r" 1 || ok=0
		done
		[ "$ok" = 0 ] || echo "$t"
	done
}

# A cgroup of our own for one server's process tree, so that its CPU
# counts every child, reaped or not: v2, else the v1 cpuacct hierarchy.
new_cgroup() {
	local root
	CG=
	for root in /sys/fs/cgroup /sys/fs/cgroup/unified \
	    /sys/fs/cgroup/cpuacct; do
		[ -f "$root/cgroup.procs" ] || continue
		mkdir "$root/sockcat-bench-$$" 2>/dev/null || continue
		CG=$root/sockcat-bench-$$
		return 0
	done
	return 1
}

# kill_cgroup: end what is left in our cgroup (all ours), remove it.
kill_cgroup() {
	local pids i
	[ -n "${CG:-}" ] || return 0
	for i in $(seq 50); do
		pids=$(cat "$CG/cgroup.procs" 2>/dev/null)
		[ -n "$pids" ] || break
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		sleep 0.02
	done
	rmdir "$CG" 2>/dev/null
	CG=
}

# How system calls are counted: perf's raw_syscalls tracepoint (cheap,
# follows children), else strace -c -f, else not at all.
setup_counters() {
	COUNTER=none
	if perf stat -x, -e raw_syscalls:sys_enter -o /dev/null true \
	    >/dev/null 2>&1; then
		COUNTER=perf
	elif command -v strace >/dev/null; then
		COUNTER=strace
	fi
	CGROUPS=no
	if new_cgroup; then
		CGROUPS=yes
		kill_cgroup
	fi
}

# counted FILE: the command prefix that counts a command's system calls
# into FILE.
counted() {
	case $COUNTER in
	perf) C=(perf stat -x "," -e raw_syscalls:sys_enter -o "$1" --) ;;
	strace) C=(strace -c -f -o "$1") ;;
	*) C=() ;;
	esac
}

# calls FILE: the number of system calls counted in FILE.
calls() {
	case $COUNTER in
	perf) awk -F, '/raw_syscalls/ { print $1 + 0 }' "$1" ;;
	strace) awk '$NF == "total" { print $4 }' "$1" ;;
	esac
}

# field FILE N: the Nth number of a ru output line.
field() {
	awk -v n="$2" '{ print $n }' "$1"
}

header() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "# sockcat benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}," \
	    "Linux $(uname -r), load average $(cut -d' ' -f1-3 \
	    /proc/loadavg) at the start"
	echo "- command: \`${cmdline% }\`"
	echo "- sockcat: $SC ($("$SC" -V 2>&1 | head -1))"
	echo "- peers: $(peer_versions)"
	echo "- $RUNS runs each, interleaved; cells: median (min–max);" \
	    "ratio: sockcat ÷ the best peer, the best being the highest" \
	    "rate or the lowest cost (↑: higher is better, ↓: lower is better)"
	echo "- system calls counted by: $COUNTER; fork server CPU from:" \
	    "$([ "$CGROUPS" = yes ] && echo "a cgroup" ||
	    echo "wait4 (children the server reaped)")"
}

peer_versions() {
	local t v list=
	for t in "${TOOLS[@]}"; do
		case $t in
		sockcat) continue ;;
		nc.openbsd) v=netcat-openbsd ;;
		nc.traditional) v=netcat-traditional ;;
		*) v=$t ;;
		esac
		v=$(dpkg-query -W -f='${Version}' "$v" 2>/dev/null) || v=
		list="$list${list:+, }$t${v:+ $v}"
	done
	echo "${list:-none installed}"
}
