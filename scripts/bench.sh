#!/usr/bin/env bash
# make bench: runs the performance benchmarks and prints each figure.
# Figures and how to read them: docs/performance.md.
#   BENCHTIME=5x make bench      # more iterations
#   BENCH='Perf' make bench      # only the commit path on the big configuration
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
benchtime=${BENCHTIME:-3x}
filter=${BENCH:-.}
out=docs/bench-out
mkdir -p "$out"
run() { # package, pattern
	echo "== $1 ($2)"
	go test -run '^$' -bench "$2" -benchtime "$benchtime" -benchmem "$1" | tee "$out/$(echo "$1" | tr '/.' '__').txt" | grep -E '^Benchmark|^ok|FAIL' || true
}
run ./configd/ "$filter"
run ./db/ "$filter"
run ./configd/format/ "$filter"
run ./configd/validate/ "$filter"
run ./cli/ "$filter"
for d in servicesd pic netconf; do
	[ -d "$d" ] && run "./$d/..." "$filter"
done
echo "raw output in $out/"
