# bench/lib/table.sh: results kept per workload and metric, printed as
# Markdown, for bench/run.sh.
# shellcheck shell=bash

# rec WORKLOAD KEY TOOL VALUE: one run's value (a number, or a word such
# as ok / LOST for a check).
rec() {
	echo "$3 $4" >>"$W/res/$1.$2"
}

# median: the median of the numbers on stdin (empty if none).
median() {
	sort -g | awk '{ v[++n] = $1 } END { if (n)
	    print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# table WORKLOAD TITLE NOTE SPEC...: print one workload's table.  Its
# tools are those listed in $W/res/WORKLOAD.tools; the others get "—".
# SPEC is KEY|LABEL|DIR|FMT, DIR being hi (a rate), lo (a cost), info
# (numbers, no ratio) or text (words: the distinct ones are shown).
# RATIO_TOOL and RATIO_HEAD, if set, name the tool in the ratio's
# numerator and head its column (the digest workload).
table() {
	local wl=$1 title=$2 note=$3 spec key label dir fmt t f row
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
	touch "$W/res/$wl.tools"
	for spec in "$@"; do
		IFS='|' read -r key label dir fmt <<<"$spec"
		f=$W/res/$wl.$key
		[ -f "$f" ] || f=/dev/null
		table_row "$label" "$dir" "$fmt" "$W/res/$wl.tools" "$f"
	done
}

# table_row LABEL DIR FMT TOOLSFILE VALUES: one row of table(), in one awk
# (a process a cell was a second a table on a slow machine).  VALUES has
# lines "TOOL VALUE"; each cell is the median (min–max) of a tool's
# values, "failed" if it has none, "—" if it is not in TOOLSFILE.
table_row() {
	awk -v tools="${TOOLS[*]}" -v label="$1" -v dir="$2" -v fmt="$3" \
	    -v base="${RATIO_TOOL:-sockcat}" '
	FILENAME == ARGV[1] { present[$1] = 1; next }
	{ k = ++n[$1]; v[$1, k] = $2 }
	# cell T: sets med (the median) and returns the text of the cell.
	function cell(t,    i, j, k, x, lo, hi, c) {
		k = n[t]
		for (i = 2; i <= k; i++)	# insertion sort
			for (j = i; j > 1; j--) {
				if (dir == "text" ? v[t, j - 1] <= v[t, j] : \
				    v[t, j - 1] + 0 <= v[t, j] + 0)
					break
				x = v[t, j]; v[t, j] = v[t, j - 1]; v[t, j - 1] = x
			}
		if (dir == "text") {
			c = v[t, 1]
			for (i = 2; i <= k; i++)
				if (v[t, i] != v[t, i - 1])
					c = c "/" v[t, i]
			return c
		}
		med = k % 2 ? v[t, (k + 1) / 2] : \
		    (v[t, k / 2] + v[t, k / 2 + 1]) / 2
		c = sprintf(fmt, med)
		lo = sprintf(fmt, v[t, 1]); hi = sprintf(fmt, v[t, k])
		return lo != hi ? c " (" lo "–" hi ")" : c
	}
	END {
		row = "| " label " |"
		nt = split(tools, T, " ")
		for (i = 1; i <= nt; i++) {
			t = T[i]
			if (!(t in present)) { row = row " — |"; continue }
			if (!(t in n)) { row = row " failed |"; continue }
			row = row " " cell(t) " |"
			if (dir != "hi" && dir != "lo")
				continue
			if (t == base) {
				sm = med; have_sm = 1
			} else if (t !~ /^ref-/ && (!have_best || \
			    (dir == "hi" ? med > best : med < best))) {
				best = med; bt = t; have_best = 1
			}
		}
		c = ""
		if (have_sm && have_best)
			c = (best == 0 ? "—" : sprintf("%.3g", sm / best)) \
			    " (" bt ")"
		print row " " c " |"
	}' "$4" "$5"
}
