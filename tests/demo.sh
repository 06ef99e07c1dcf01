#!/bin/sh
# A short loopback demo, run by "make demo": a one-shot listener on a port
# the kernel picks, a client that sends it a line and half-closes, and what
# each side printed.  Every wait is bounded.
set -eu

sc=${SOCKCAT:-./src/sockcat}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

timeout 10 "$sc" -v -l 127.0.0.1 0 </dev/null >"$dir/received" 2>"$dir/log" &
pid=$!
n=0
until grep -q '^Listening on' "$dir/log"; do
	n=$((n + 1))
	if [ "$n" -gt 100 ]; then
		echo "demo: the listener did not start" >&2
		exit 1
	fi
	sleep 0.1
done
port=$(sed -n 's/^Listening on 127\.0\.0\.1 //p' "$dir/log")

echo "\$ sockcat -v -l 127.0.0.1 0 > received &"
echo "\$ echo 'hello over loopback' | sockcat -v -N 127.0.0.1 $port"
echo "hello over loopback" | timeout 10 "$sc" -v -N 127.0.0.1 "$port" 2>&1
wait "$pid"
echo "listener said:"
sed 's/^/  /' "$dir/log"
echo "listener received:"
sed 's/^/  /' "$dir/received"
