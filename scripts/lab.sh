#!/usr/bin/env bash
# The live data plane lab: client / router / server network namespaces
# joined by veth pairs, gnos daemon --live running in the router.
#
#   scripts/lab.sh up       build bin/gnos, create the namespaces, start gnos
#   scripts/lab.sh config   commit the lab's base configuration (addresses)
#   scripts/lab.sh cli ...  gnos cli in the router (e.g. -c "show interfaces terse")
#   scripts/lab.sh status   addresses in each namespace, daemon pid
#   scripts/lab.sh down     stop gnos, delete the namespaces (and the links)
#
# Needs root. Data (store, socket, gnos.log) in $LAB_DATA (default .gnos-lab).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
DATA=${LAB_DATA:-$PWD/.gnos-lab}
ROUTER=gnos-lab-router
action=${1:-}
[ $# -gt 0 ] && shift
case "$action" in
up)
    go build -o bin/gnos ./cmd/gnos
    exec bin/gnos lab --data "$DATA" up
    ;;
config)
    exec ip netns exec "$ROUTER" bin/gnos cli --data "$DATA" <<'CONF'
configure
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 2
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package nat
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24
set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8:1::1/64
set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:2::1/64
commit and-quit
CONF
    ;;
cli)
    exec ip netns exec "$ROUTER" bin/gnos cli --data "$DATA" "$@"
    ;;
status|down)
    exec bin/gnos lab --data "$DATA" "$action"
    ;;
*)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
