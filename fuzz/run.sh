#!/bin/sh
# fuzz/run.sh DIR CORPUS NAME...: run each built harness DIR/NAME-fuzzer for
# $FUZZ_SECONDS seconds (default 10) over the seeds in CORPUS/NAME, adding
# what it learns to DIR/work/NAME (the committed seeds stay as they are).
# A finding (a broken property, a sanitizer report, a leak, a hang, a
# crash) is kept as DIR/findings/NAME-*; the status is 1 if any harness
# found one.  Replay one with: DIR/NAME-fuzzer DIR/findings/FILE
set -u
dir=$1
corpus=$2
shift 2
seconds=${FUZZ_SECONDS:-10}
status=0
for name in "$@"; do
	mkdir -p "$dir/work/$name" "$dir/findings"
	log=$dir/work/$name.log
	# -timeout: one input taking 10 s is a hang; the harnesses are fast.
	if "$dir/$name-fuzzer" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="$dir/findings/$name-" \
	    "$dir/work/$name" "$corpus/$name" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: $name: ${runs:-?} inputs in ${seconds}s, no finding"
	else
		status=1
		echo "fuzz: $name: FINDING (log: $log)"
		grep -E '^fuzz:|ERROR|SUMMARY|^artifact_prefix|Test unit' \
		    "$log" | head -20
	fi
done
exit $status
