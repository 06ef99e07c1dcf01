# bench/lib/peers.sh: how each netcat does each job, for bench/run.sh.
# shellcheck shell=bash
#
# One adapter per tool: peer_ID ROLE ARG sets the array A to the command
# line for ROLE, or returns 1 when the tool cannot do it (the table shows
# "—").  Listeners get a FIFO opened read-write as stdin (never EOF, never
# data), so a tool that quits at stdin's EOF keeps listening.  Roles:
#   lsink PORT   listen once on 127.0.0.1:PORT, what arrives to stdout,
#                quit when the peer closes
#   send PORT    connect, send stdin, half-close, quit
#   ulsink PATH / usend PATH   the same on a Unix-domain stream socket
#   forkd PORT   fork + exec /bin/cat echo server, one child a connection
#   udpl PORT    UDP listener, datagrams to stdout
#   udps PORT    send stdin as UDP datagrams, quit at stdin's EOF
#   scan         -z scan of 127.0.0.1 1-SCAN_TOP
#   scanw RANGE  -z -w 1 scan of 127.0.0.1 RANGE (filtered ports)
#   refused PORT connect to a closed port (start-up cost)

# The tools, in table order, and the command each runs as.  The last two
# are yardsticks, not peers (bench/lib/refcat.c: one blocking loop of
# read/write, or of splice through a pipe; ref-rw's UDP receive is
# recvmmsg and writev, its fork server vfork and exec); they are never
# the "best peer" of a ratio.
TOOLS_ALL=(sockcat nc.openbsd ncat nc.traditional socat busybox ref-rw
    ref-splice)

# peer TOOL ROLE ARG: the adapter for TOOL.
peer() {
	local fn=peer_${1//[.-]/_}
	A=()
	"$fn" "$2" "${3:-}"
}

# tool_present TOOL: the tool is installed (sockcat: the build's binary).
tool_present() {
	case $1 in
	sockcat|sockcat-*) [ -x "$SC" ] ;;
	ref-*) [ -x "$W/bin/refcat" ] ;;
	busybox) command -v busybox >/dev/null &&
	    busybox --list 2>/dev/null | grep -qx nc ;;
	*) command -v "$1" >/dev/null ;;
	esac
}

peer_sockcat() {
	case $1 in
	lsink) A=("$SC" -l 127.0.0.1 "$2") ;;
	send) A=("$SC" -N 127.0.0.1 "$2") ;;
	ulsink) A=("$SC" -l -U "$2") ;;
	usend) A=("$SC" -N -U "$2") ;;
	forkd) A=("$SC" -l 127.0.0.1 "$2" --fork -e /bin/cat) ;;
	udpl) A=("$SC" -u -l 127.0.0.1 "$2") ;;
	udps) A=("$SC" -u -q 0 127.0.0.1 "$2") ;;
	scan) A=("$SC" -z -n 127.0.0.1 "1-$SCAN_TOP") ;;
	scanw) A=("$SC" -z -n -w 1 127.0.0.1 "$2") ;;
	refused) A=("$SC" -n 127.0.0.1 "$2") ;;
	*) return 1 ;;
	esac
}

peer_nc_openbsd() {
	local nc=nc.openbsd
	case $1 in
	lsink) A=("$nc" -l 127.0.0.1 "$2") ;;
	send) A=("$nc" -N 127.0.0.1 "$2") ;;
	ulsink) A=("$nc" -l -U "$2") ;;
	usend) A=("$nc" -N -U "$2") ;;
	udpl) A=("$nc" -u -l 127.0.0.1 "$2") ;;
	udps) A=("$nc" -u -q 0 127.0.0.1 "$2") ;;
	scan) A=("$nc" -z -n 127.0.0.1 "1-$SCAN_TOP") ;;
	scanw) A=("$nc" -z -n -w 1 127.0.0.1 "$2") ;;
	refused) A=("$nc" -n 127.0.0.1 "$2") ;;
	*) return 1 ;;		# no -e
	esac
}

peer_ncat() {
	case $1 in
	lsink) A=(ncat -l 127.0.0.1 "$2" --recv-only) ;;
	send) A=(ncat --send-only 127.0.0.1 "$2") ;;
	ulsink) A=(ncat -l -U "$2" --recv-only) ;;
	usend) A=(ncat --send-only -U "$2") ;;
	forkd) A=(ncat -l 127.0.0.1 "$2" -k -e /bin/cat) ;;
	udpl) A=(ncat -u -l 127.0.0.1 "$2" --recv-only) ;;
	udps) A=(ncat -u --send-only 127.0.0.1 "$2") ;;
	refused) A=(ncat -n 127.0.0.1 "$2") ;;
	*) return 1 ;;		# -z takes one port, no range
	esac
}

peer_nc_traditional() {
	local nc=nc.traditional
	case $1 in
	lsink) A=("$nc" -l -p "$2" -s 127.0.0.1) ;;
	send) A=("$nc" -q 0 127.0.0.1 "$2") ;;
	udpl) A=("$nc" -u -l -p "$2" -s 127.0.0.1) ;;
	udps) A=("$nc" -u -q 0 127.0.0.1 "$2") ;;
	scan) A=("$nc" -z -n 127.0.0.1 "1-$SCAN_TOP") ;;
	scanw) A=("$nc" -z -n -w 1 127.0.0.1 "$2") ;;
	refused) A=("$nc" -n 127.0.0.1 "$2") ;;
	*) return 1 ;;		# no Unix sockets; -l -e serves once
	esac
}

peer_socat() {
	case $1 in
	lsink) A=(socat -u "TCP-LISTEN:$2,bind=127.0.0.1,reuseaddr" STDOUT) ;;
	send) A=(socat -u STDIN "TCP:127.0.0.1:$2") ;;
	ulsink) A=(socat -u "UNIX-LISTEN:$2" STDOUT) ;;
	usend) A=(socat -u STDIN "UNIX-CONNECT:$2") ;;
	forkd) A=(socat "TCP-LISTEN:$2,bind=127.0.0.1,reuseaddr,fork"
	    EXEC:/bin/cat) ;;
	udpl) A=(socat -u "UDP-RECV:$2,bind=127.0.0.1" STDOUT) ;;
	udps) A=(socat -u STDIN "UDP-SENDTO:127.0.0.1:$2") ;;
	refused) A=(socat - "TCP:127.0.0.1:$2") ;;
	*) return 1 ;;		# no scan
	esac
}

# Debian's busybox nc: -l -p, -ll -e; no -u, -z, -U, no listen address.
peer_busybox() {
	case $1 in
	lsink) A=(busybox nc -l -p "$2") ;;
	send) A=(busybox nc 127.0.0.1 "$2") ;;
	forkd) A=(busybox nc -ll -p "$2" -e /bin/cat) ;;
	refused) A=(busybox nc 127.0.0.1 "$2") ;;
	*) return 1 ;;
	esac
}

# sockcat against itself (the digest workload only): by copying, and by
# copying with --digest at both ends.
peer_sockcat_copy() {
	peer_sockcat "$@" || return 1
	A+=(--no-splice)
}

peer_sockcat_digest() {
	peer_sockcat "$@" || return 1
	A+=(--digest)
}

# The yardsticks: bulk copies; ref-rw also receives UDP (recvmmsg and
# writev) and serves fork + exec (vfork, exec, SIGCHLD ignored): the
# floors under any listener and any inetd-style server.
peer_ref_rw() {
	case $1 in
	udpl) A=("$W/bin/refcat" -u -l "$2") ;;
	forkd) A=("$W/bin/refcat" -e /bin/cat -l "$2") ;;
	*) peer_ref "" "$@" ;;
	esac
}

peer_ref_splice() {
	peer_ref -s "$@"
}

peer_ref() {
	local r=("$W/bin/refcat" ${1:+"$1"})
	case $2 in
	lsink) A=("${r[@]}" -l "$3") ;;
	send) A=("${r[@]}" "$3") ;;
	ulsink) A=("${r[@]}" -U -l "$3") ;;
	usend) A=("${r[@]}" -U "$3") ;;
	*) return 1 ;;
	esac
}
