#!/usr/bin/env bash
# Check every YANG module (core yang/modules, netconf/state, yang/state and each plugin's
# pic/plugins/*/yang) with yanglint from libyang. Fails on any error and on
# any warning. Installs the Debian package libyang-tools when yanglint is
# missing.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! command -v yanglint >/dev/null 2>&1; then
	echo "yanglint: not found, installing libyang-tools" >&2
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libyang-tools
fi

modules=(yang/modules/*.yang netconf/state/*.yang yang/state/*.yang)
plugins=(pic/plugins/*/yang/*.yang)
[[ -e ${plugins[0]} ]] || plugins=()

paths=(-p yang/modules)
for d in pic/plugins/*/yang; do
	[[ -d $d ]] && paths+=(-p "$d")
done

# yanglint exits 0 on warnings; treat anything it prints as a failure.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
yanglint "${paths[@]}" "${modules[@]}" "${plugins[@]}" >"$log" 2>&1 || status=$?
if ((status != 0)) || [[ -s $log ]]; then
	cat "$log" >&2
	echo "yanglint: FAILED (exit $status) on ${#modules[@]} core and ${#plugins[@]} plugin modules" >&2
	exit 1
fi
echo "yanglint: ${#modules[@]} core and ${#plugins[@]} plugin modules OK"
