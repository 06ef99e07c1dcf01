#!/bin/sh
# fuzz/run.sh DIR CORPUS NAME...: run each built harness DIR/NAME-fuzzer for
# $FUZZ_SECONDS seconds (default 10) over the seeds in CORPUS/NAME, adding
# what it learns to DIR/work/NAME (the committed seeds stay as they are),
# $FUZZ_JOBS of them at a time (default 1; a harness keeps one core busy).
# A finding (a broken property, a sanitizer report, a leak, a hang, a
# crash) is kept as DIR/findings/NAME-*; the status is 1 if any harness
# found one.  Replay one with: DIR/NAME-fuzzer DIR/findings/FILE
set -u
dir=$1
corpus=$2
shift 2
seconds=${FUZZ_SECONDS:-10}
jobs=${FUZZ_JOBS:-1}
status=0

# one NAME: run one harness; its report goes to DIR/work/NAME.report and
# its status is the harness's.
one() {
	mkdir -p "$dir/work/$1" "$dir/findings"
	log=$dir/work/$1.log
	# -timeout: one input taking 10 s is a hang; the harnesses are fast.
	if "$dir/$1-fuzzer" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="$dir/findings/$1-" \
	    "$dir/work/$1" "$corpus/$1" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: $1: ${runs:-?} inputs in ${seconds}s, no finding"
	else
		echo "fuzz: $1: FINDING (log: $log)"
		grep -E '^fuzz:|ERROR|SUMMARY|^artifact_prefix|Test unit' \
		    "$log" | head -20
		return 1
	fi >"$dir/work/$1.report"
}

# JOBS harnesses at a time, their reports printed in NAME order.
while [ $# -gt 0 ]; do
	batch=
	pids=
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		one "$1" &
		pids="$pids $!"
		batch="$batch $1"
		n=$((n + 1))
		shift
	done
	for pid in $pids; do
		wait "$pid" || status=1
	done
	for name in $batch; do
		cat "$dir/work/$name.report"
	done
done
exit $status
