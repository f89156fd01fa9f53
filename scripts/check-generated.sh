#!/usr/bin/env bash
# Fail when the checked-in yang/state/state.go differs from what
# scripts/generate.sh produces from the gNMI state module (CI runs this).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash scripts/generate.sh "$tmp"

stale=0
for f in "$tmp"/*.go; do
	name=$(basename "$f")
	dir=yang/state # the gnos-state module's types
	if [[ ! -f $dir/$name ]]; then
		echo "check-generated: $dir/$name is missing" >&2
		stale=1
	elif ! cmp -s "$f" "$dir/$name"; then
		echo "check-generated: $dir/$name differs from the YANG modules:" >&2
		diff -u "$dir/$name" "$f" | head -n 40 >&2 || true
		stale=1
	fi
done
if ((stale)); then
	echo "check-generated: yang/state is stale; run 'make generate' (scripts/generate.sh) and commit the result" >&2
	exit 1
fi
echo "check-generated: yang/state is up to date"
