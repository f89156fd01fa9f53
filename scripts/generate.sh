#!/usr/bin/env bash
# Generate the Go types for gnos's YANG modules with ygot's generator (pinned
# in go.mod as a tool) into OUTDIR/gnos.go (default yang/gen), package gen.
#
# Usage: scripts/generate.sh [OUTDIR]
#
# The output is reproducible: running this twice, here or on another machine
# with the same Go toolchain, gives byte-identical files (see scripts/genfix
# for the two things ygot leaves unstable and how they are pinned down).
set -euo pipefail
export LC_ALL=C # glob order, hence the module list in the header

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

out=${1:-yang/gen}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Core modules, then every plugin's modules: the same set yanglint checks.
# Paths stay relative to the repository root: ygot prints them in the header.
modules=(yang/modules/*.yang)
plugins=(pic/plugins/*/yang/*.yang)
[[ -e ${plugins[0]} ]] || plugins=()

file="$out/gnos.go"
go tool generator \
	-path=yang/modules \
	-output_file="$file" \
	-package_name=gen \
	-generate_fakeroot -fakeroot_name=device \
	-compress_paths=false \
	-generate_getters -generate_leaf_getters -generate_leaf_setters \
	-generate_append -generate_delete -generate_rename \
	-generate_simple_unions \
	-generate_populate_defaults \
	-yangpresence \
	"${modules[@]}" "${plugins[@]}"
go run ./scripts/genfix -modcache "$(go env GOMODCACHE)" "$file"

# The state module (gNMI /state) into yang/state/state.go, package state:
# the types the gNMI server fills and renders. Only the accessors it uses
# are generated (getters only: no append/delete/rename helpers, leaf
# setters, defaults or union aliases, which nothing uses).
if [[ -z ${1:-} ]]; then
	sfile="$root/yang/state/state.go"
else
	sfile="$out/state.go"
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
