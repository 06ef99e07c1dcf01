# bench/lib/table.sh: results kept per workload and metric, printed as
# Markdown, for bench/run.sh.
# shellcheck shell=bash

# rec WORKLOAD KEY TOOL VALUE: one run's value (a number, or a word such
# as ok / LOST for a check).
rec() {
	echo "$3 $4" >>"$W/res/$1.$2"
}

# stat_cell FMT: the cell for the values on stdin: median (min–max).
stat_cell() {
	sort -g | awk -v fmt="$1" '
	{ v[++n] = $1 }
	END {
		if (n == 0) { print "failed"; exit }
		m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		c = sprintf(fmt, m)
		lo = sprintf(fmt, v[1]); hi = sprintf(fmt, v[n])
		if (lo != hi)
			c = c " (" lo "–" hi ")"
		print c
	}'
}

# median: the median of the numbers on stdin (empty if none).
median() {
	sort -g | awk '{ v[++n] = $1 } END { if (n)
	    print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# better hi|lo A B: A is better than B.
better() {
	awk -v d="$1" -v a="$2" -v b="$3" \
	    'BEGIN { if (d == "hi") exit !(a > b); exit !(a < b) }'
}

# table WORKLOAD TITLE NOTE SPEC...: print one workload's table.  Its
# tools are those listed in $W/res/WORKLOAD.tools; the others get "—".
# SPEC is KEY|LABEL|DIR|FMT, DIR being hi (a rate), lo (a cost), info
# (numbers, no ratio) or text (words: the distinct ones are shown).
# RATIO_TOOL and RATIO_HEAD, if set, name the tool in the ratio's
# numerator and head its column (the digest workload).
table() {
	local wl=$1 title=$2 note=$3 spec key label dir fmt t f cell
	local sm best bt v row base=${RATIO_TOOL:-sockcat}
	shift 3
	printf '\n## %s\n\n' "$title"
	[ -z "$note" ] || printf '%s\n\n' "$note"
	row="| |"
	for t in "${TOOLS[@]}"; do
		row="$row $t |"
	done
	echo "$row ${RATIO_HEAD:-sockcat ÷ best peer} |"
	row="| --- |"
	for t in "${TOOLS[@]}"; do
		row="$row ---: |"
	done
	echo "$row ---: |"
	for spec in "$@"; do
		IFS='|' read -r key label dir fmt <<<"$spec"
		f=$W/res/$wl.$key
		row="| $label |"
		sm='' best='' bt=''
		for t in "${TOOLS[@]}"; do
			if ! grep -qx "$t" "$W/res/$wl.tools" 2>/dev/null; then
				row="$row — |"
				continue
			fi
			if [ "$dir" = text ]; then
				cell=$(awk -v t="$t" '$1 == t { print $2 }' \
				    "$f" 2>/dev/null | sort -u | paste -sd/ -)
				row="$row ${cell:-failed} |"
				continue
			fi
			cell=$(awk -v t="$t" '$1 == t { print $2 }' "$f" \
			    2>/dev/null | stat_cell "$fmt")
			row="$row $cell |"
			v=$(awk -v t="$t" '$1 == t { print $2 }' "$f" \
			    2>/dev/null | median)
			[ -n "$v" ] || continue
			if [ "$t" = "$base" ]; then
				sm=$v
			elif [[ $t == ref-* ]]; then
				continue	# a yardstick, not a peer
			elif [ -z "$best" ] || better "$dir" "$v" "$best"
			then
				best=$v bt=$t
			fi
		done
		cell=
		if [[ $dir == [hl][io] ]] && [ -n "$sm" ] && [ -n "$best" ]
		then
			cell=$(awk -v a="$sm" -v b="$best" 'BEGIN {
			    if (b == 0) print "—"; else printf "%.3g", a / b }')
			cell="$cell ($bt)"
		fi
		echo "$row $cell |"
	done
}
