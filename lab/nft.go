package lab

import (
	"fmt"
	"os/exec"
	"strings"
)

// NftRuleset is the Linux baseline doing the gnos benchmark's job with
// nftables and conntrack: the stateful firewall (from the client side
// only TCP/80, UDP/9 and iperf3's TCP and UDP 5201 open sessions; other TCP is answered with an
// RST; the rest is dropped; replies of open sessions pass) and source
// NAT of the client network to the pool address.
const NftRuleset = `flush ruleset
table inet gnosbench {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "ge-0-0-0" tcp dport 80 ct state new accept
		iifname "ge-0-0-0" udp dport 9 ct state new accept
		iifname "ge-0-0-0" tcp dport 5201 ct state new accept
		iifname "ge-0-0-0" udp dport 5201 ct state new accept
		iifname "ge-0-0-0" meta l4proto tcp reject with tcp reset
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "ge-0-0-1" ip saddr 10.0.1.0/24 snat ip to 203.0.113.1
	}
}
`

// LinuxRouter makes the router namespace a plain Linux router with the
// lab's addresses and the given nftables ruleset (no gnos).
func (l *Lab) LinuxRouter(ruleset string) error {
	for _, s := range [][]string{
		{"-n", l.Router, "addr", "add", RouterInside + "/24", "dev", "ge-0-0-0"},
		{"-n", l.Router, "addr", "add", RouterOutside + "/24", "dev", "ge-0-0-1"},
		{"-n", l.Router, "link", "set", "ge-0-0-0", "up"},
		{"-n", l.Router, "link", "set", "ge-0-0-1", "up"},
	} {
		if err := ip(s...); err != nil {
			return err
		}
	}
	if _, err := Exec(l.Router, "sysctl", "-qw", "net.ipv4.ip_forward=1"); err != nil {
		return err
	}
	cmd := exec.Command("ip", "netns", "exec", l.Router, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(ruleset)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("lab: nft: %v: %s", err, out)
	}
	return nil
}
