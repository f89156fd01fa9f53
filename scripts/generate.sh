#!/usr/bin/env bash
# Generate the Go types of gnos's gNMI state module (yang/state/gnos-state.yang)
# with ygot's generator (pinned in go.mod as a tool) into yang/state/state.go,
# package state, or into OUTDIR/state.go when OUTDIR is given (check-generated.sh).
#
# Usage: scripts/generate.sh [OUTDIR]
#
# Only types product code uses are generated: the gNMI server fills and renders
# these. The configuration modules (yang/modules, the plugins') have no
# generated types: configd reads them with goyang at run time, and ygot types
# of them were used by nothing (issue 24), so they are not generated.
#
# The output is reproducible: running this twice, here or on another machine
# with the same Go toolchain, gives byte-identical files (see scripts/genfix
# for the two things ygot leaves unstable and how they are pinned down).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The state module (gNMI /state) into yang/state/state.go, package state:
# the types the gNMI server fills and renders. Only the accessors it uses
# are generated (getters only: no append/delete/rename helpers, leaf
# setters, defaults or union aliases, which nothing uses).
if [[ -z ${1:-} ]]; then
	sfile="$root/yang/state/state.go"
else
	mkdir -p "$1"
	sfile="$(cd "$1" && pwd)/state.go"
fi
go tool generator \
	-path=yang/state \
	-output_file="$sfile" \
	-package_name=state \
	-generate_fakeroot -fakeroot_name=device \
	-compress_paths=false \
	-generate_getters \
	yang/state/gnos-state.yang
go run ./scripts/genfix -modcache "$(go env GOMODCACHE)" "$sfile"
