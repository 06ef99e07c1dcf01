# bench/lib/work.sh: the workloads of bench/run.sh, one work_NAME each.
# shellcheck shell=bash
# Every wait is bounded: ru kills what it runs after -t seconds, the load
# generators time out, servers are stopped by us.

# make_data FILE MIB random|repeat: a tmpfs source file; "repeat" is a
# 16 MiB random block written again and again (cheap to make, still
# shows a lost or reordered block within it).
make_data() {
	local n
	if [ "$3" = random ] || [ "$2" -le 16 ]; then
		head -c "$(($2 << 20))" /dev/urandom >"$1"
		return
	fi
	head -c 16M /dev/urandom >"$W/block"
	for ((n = 0; n < $2 / 16; n++)); do
		cat "$W/block"
	done >"$1"
	rm -f "$W/block"
}

# bulk_once TOOL KIND SRC SINK LPRE SPRE: one transfer of SRC; LPRE and
# SPRE name arrays holding each end's command prefix (ru, or a system
# call counter).  Returns 1 if it did not complete.
bulk_once() {
	local tool=$1 kind=$2 src=$3 sink=$4 arg lk=tcp rl=lsink rs=send
	local lp cp='' rc=0
	local -n lp_=$5 sp_=$6
	if [ "$kind" = unix ]; then
		arg=$W/sock lk=unix rl=ulsink rs=usend
		rm -f "$arg"
	else
		arg=$(pick_port)
	fi
	peer "$tool" "$rl" "$arg"
	if [ "$kind" = pipes ]; then
		cat "$W/pipe" >"$sink" &
		cp=$!
		"${lp_[@]}" "${A[@]}" <>"$HOLD" >"$W/pipe" 2>/dev/null &
	else
		"${lp_[@]}" "${A[@]}" <>"$HOLD" >"$sink" 2>/dev/null &
	fi
	lp=$!
	if ! wait_listen "$lk" "$arg"; then
		kill "$lp" 2>/dev/null
		wait "$lp" $cp
		return 1
	fi
	peer "$tool" "$rs" "$arg"
	if [ "$kind" = pipes ]; then
		# shellcheck disable=SC2002 # the pipe is the point
		cat "$src" | "${sp_[@]}" "${A[@]}" >/dev/null 2>&1 || rc=1
	else
		"${sp_[@]}" "${A[@]}" <"$src" >/dev/null 2>&1 || rc=1
	fi
	wait "$lp" || rc=1
	[ -z "$cp" ] || wait "$cp"
	return $rc
}

# bulk_check WL TOOL KIND SRC: the untimed run: SHA-256 of a file sink,
# system calls of both ends.
bulk_check() {
	local wl=$1 tool=$2 kind=$3 src=$4 sum n1 n2
	local -a lc sc
	counted "$W/calls.l"
	lc=(timeout -k 5 600 "${C[@]}")
	counted "$W/calls.s"
	sc=(timeout -k 5 600 "${C[@]}")
	rm -f "$W/calls.l" "$W/calls.s"
	bulk_once "$tool" "$kind" "$src" "$W/sink" lc sc
	sum=$(sha256sum <"$W/sink" | cut -d' ' -f1)
	if [ "$sum" = "$SRC_SUM" ]; then
		rec "$wl" sha "$tool" ok
	else
		rec "$wl" sha "$tool" "LOST($(stat -c %s "$W/sink")B)"
		echo "bench: $wl $tool: the sink differs from the source" >&2
	fi
	rm -f "$W/sink"
	[ "$COUNTER" != none ] || return 0
	n1=$(calls "$W/calls.l") n2=$(calls "$W/calls.s")
	[ -n "$n1" ] && [ -n "$n2" ] &&
	    rec "$wl" calls "$tool" "$(awk -v a="$n1" -v b="$n2" \
	    -v m="$SRC_MIB" 'BEGIN { print (a + b) / m }')"
}

# bulk WL KIND SRC MIB TITLE: the timed runs and the table.
bulk() {
	local wl=$1 kind=$2 src=$3 sink=/dev/null t r rl rs b
	local -a tools lpre spre
	SRC_MIB=$4 SRC_SUM=$(sha256sum <"$src" | cut -d' ' -f1)
	rl=lsink rs=send
	[ "$kind" = unix ] && rl=ulsink rs=usend
	mapfile -t tools < <(supported "$rl" "$rs")
	printf '%s\n' "${tools[@]}" >"$W/res/$wl.tools"
	[ "$wl" = random ] && sink=$W/sink
	[ "$wl" = random ] || for t in "${tools[@]}"; do
		bulk_check "$wl" "$t" "$kind" "$src"
	done
	lpre=("$RU" -t 600 -o "$W/ru.l") spre=("$RU" -t 600 -o "$W/ru.s")
	b=$(stat -c %s "$src")
	for r in $(seq "$RUNS"); do
		for t in $(rotation "$r" "${tools[@]}"); do
			if ! bulk_once "$t" "$kind" "$src" "$sink" lpre spre
			then
				echo "bench: $wl $t: run $r failed" >&2
				continue
			fi
			bulk_rec "$wl" "$t" "$b"
			[ "$wl" = random ] && [ "$r" = 1 ] && bulk_sum "$t"
		done
	done
	rm -f "$W/sink"
	local calls="calls|system calls per MiB, both ends ↓|lo|%.0f"
	[ "$wl" = random ] && calls=
	table "$wl" "$5" "" \
	    "rate|MiB/s ↑|hi|%.0f" \
	    "cpu|CPU s per GiB, both ends ↓|lo|%.2f" \
	    "rss|peak RSS MiB, larger end ↓|lo|%.1f" \
	    ${calls:+"$calls"} \
	    "sha|SHA-256 of the sink (one run)|text|"
}

# bulk_sum TOOL: the random workload's first run: its file sink checked.
bulk_sum() {
	if [ "$(sha256sum <"$W/sink" | cut -d' ' -f1)" = "$SRC_SUM" ]; then
		rec random sha "$1" ok
	else
		rec random sha "$1" "LOST($(stat -c %s "$W/sink")B)"
		echo "bench: random $1: the sink differs from the source" >&2
	fi
}

# bulk_rec WL TOOL BYTES: one timed run's figures from ru's two lines.
bulk_rec() {
	local l s
	l=$(cat "$W/ru.l") s=$(cat "$W/ru.s")
	rec "$1" rate "$2" "$(awk -v b="$3" -v l="$l" -v s="$s" 'BEGIN {
	    split(l, L); split(s, S); print b / 1048576 / ((L[2] - S[1]) / 1e9)
	}')"
	rec "$1" cpu "$2" "$(awk -v b="$3" -v l="$l" -v s="$s" 'BEGIN {
	    split(l, L); split(s, S)
	    print (L[3] + L[4] + S[3] + S[4]) / 1e6 / (b / 1073741824) }')"
	rec "$1" rss "$2" "$(awk -v l="$l" -v s="$s" 'BEGIN {
	    split(l, L); split(s, S)
	    print (L[5] > S[5] ? L[5] : S[5]) / 1024 }')"
}

work_tcp() {
	[ -f "$W/bulk" ] || make_data "$W/bulk" "$BULK_MIB" repeat
	bulk tcp tcp "$W/bulk" "$BULK_MIB" \
	    "TCP bulk: $BULK_MIB MiB tmpfs file → sender → loopback → listener → /dev/null"
}

work_pipes() {
	[ -f "$W/bulk" ] || make_data "$W/bulk" "$BULK_MIB" repeat
	bulk pipes pipes "$W/bulk" "$BULK_MIB" \
	    "TCP bulk through pipes: cat file | sender → listener | cat ($BULK_MIB MiB)"
}

work_unix() {
	[ -f "$W/bulk" ] || make_data "$W/bulk" "$BULK_MIB" repeat
	bulk unix unix "$W/bulk" "$BULK_MIB" \
	    "Unix-domain stream socket bulk, file → /dev/null ($BULK_MIB MiB)"
}

work_random() {
	make_data "$W/rand" "$RAND_MIB" random
	bulk random tcp "$W/rand" "$RAND_MIB" \
	    "$RAND_MIB MiB random data over TCP to a file sink"
	rm -f "$W/rand"
}

# work_digest: --digest's cost on the tcp workload's transfer, sockcat
# against itself: with --digest at both ends (every byte copied and
# hashed), with --no-splice (copied: the copying path's own cost), and as
# it is (spliced).  The ratios: --digest against each of the other two.
work_digest() {
	# shellcheck disable=SC2034 # read by bulk and table
	local TOOLS=(sockcat-digest sockcat-copy sockcat)
	# shellcheck disable=SC2034
	local RATIO_TOOL=sockcat-digest RATIO_HEAD="--digest ÷ best other"
	[ -f "$W/bulk" ] || make_data "$W/bulk" "$BULK_MIB" repeat
	bulk digest tcp "$W/bulk" "$BULK_MIB" \
	    "--digest: $BULK_MIB MiB over TCP between two sockcats, --digest at both ends"
	digest_ratios
}

# digest_ratios: the medians of --digest's workload, as ratios.
digest_ratios() {
	local key label t d c s
	echo
	for key in rate cpu; do
		label="MiB/s"
		[ "$key" = cpu ] && label="CPU per GiB"
		for t in sockcat-digest sockcat-copy sockcat; do
			awk -v t="$t" '$1 == t { print $2 }' \
			    "$W/res/digest.$key" 2>/dev/null | median
		done | paste -sd' ' - | {
			read -r d c s
			[ -n "$s" ] || exit 0
			awk -v l="$label" -v d="$d" -v c="$c" -v s="$s" '
			BEGIN {
				if (c == 0 || s == 0)
					exit
				printf "- %s: --digest ÷ --no-splice %.3f,", l, d / c
				printf " --digest ÷ sockcat %.3f,", d / s
				printf " --no-splice ÷ sockcat %.3f\n", c / s
			}'
		}
	done
}
