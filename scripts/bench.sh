#!/usr/bin/env bash
# Thin wrapper kept for old habits: `make bench` runs cmd/gnos-bench, which
# runs every performance benchmark and writes docs/performance.md.
#   scripts/bench.sh -quick          # one short run of each, writes nothing
#   scripts/bench.sh -profile        # with CPU profiles and hot spots
#   scripts/bench.sh -only datapath  # some suites only
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
go build -o bin/gnos ./cmd/gnos
exec go run ./cmd/gnos-bench "$@"
