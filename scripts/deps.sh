#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing.
# Idempotent; uses sudo only when not root.
set -euo pipefail
need=()
command -v yanglint >/dev/null 2>&1 || need+=(libyang-tools)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# Live data plane tests and benchmarks (lab/): ping between namespaces,
# nftables for the Linux forwarding baseline.
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v sysctl >/dev/null 2>&1 || need+=(procps)
# make bench's live TCP bulk row and lab.TestLiveOffloadBulk: iperf3.
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)
# make bench's reference for 10,000 set lines into the kernel
# (lab/setlines_bench_test.go): FRR's zebra, staticd and vtysh. Debian
# enables the frr service; the benchmark runs its own daemons in a
# namespace and never uses that one.
command -v vtysh >/dev/null 2>&1 || need+=(frr)
# NETCONF client tests (netconf/python_test.go runs tests/python with
# Debian's interpreter, where these packages install).
/usr/bin/python3 -c 'import ncclient' >/dev/null 2>&1 || need+=(python3-ncclient)
/usr/bin/python3 -c 'import jnpr.junos' >/dev/null 2>&1 || need+=(python3-junos-eznc)
# Ansible tests (netconf/ansible_test.go runs tests/ansible): ansible
# with the junipernetworks.junos and ansible.netcommon collections.
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
# Screen-scraping client of the SSH CLI (netconf/clients_test.go).
/usr/bin/python3 -c 'import netmiko' >/dev/null 2>&1 || need+=(python3-netmiko)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "deps: installing ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
