#!/usr/bin/env bash
# make soak: the fault-injection and load tests with longer budgets than
# `make test` gives them (docs/reliability.md). Knobs:
#   SOAK_ROUNDS  faults injected by TestSoak, TestSoakApart and TestSoakRSP (default 100 each)
#   CRASH_ROUNDS SIGKILLs of TestCrashDuringCommits (100 unless -short)
#   LOAD_TIME    seconds of TestConcurrentLoad and of TestConcurrentWritersLoseNothing (default 60)
#   WRITERS      writers per mode in TestConcurrentWritersLoseNothing (default 12)
#   SOAK_SEED / LOAD_SEED replay a run (each test prints its seed)
# Output goes to the terminal and to .soak/last.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
mkdir -p .soak
export GNOS_SOAK_ROUNDS=${SOAK_ROUNDS:-100}
export GNOS_LOAD_TIME=${LOAD_TIME:-60}
export GNOS_WRITERS_TIME=$GNOS_LOAD_TIME
export GNOS_WRITERS_PER_MODE=${WRITERS:-12}
export GNOS_LOAD_REPORT=$PWD/.soak/load.txt
[ -n "${SOAK_SEED:-}" ] && export GNOS_SOAK_SEED=$SOAK_SEED
[ -n "${LOAD_SEED:-}" ] && export GNOS_LOAD_SEED=$LOAD_SEED
{
	go test -count=1 -timeout 60m -v \
		-run '^(TestSoak|TestSoakApart|TestSoakRSP|TestCrashDuringCommits|TestCommitConfirmedAfterKill|TestPicdProcessKillRestart|TestServicesdProcessKillRestart)$' ./cmd/gnos
	go test -race -count=1 -timeout 30m -v -run '^(TestConcurrentLoad|TestConcurrentWritersLoseNothing)$' ./netconf
} 2>&1 | grep -v '^time=\|^level=' | tee .soak/last.log
