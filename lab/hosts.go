package lab

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Hosts is the two-host layout of PICs on other hosts: a routing-engine
// namespace (configd, servicesd) and a PIC namespace (picd) joined by one
// veth pair, re0 10.77.0.1/24 ==== pic0 10.77.0.2/24. Faults between the
// hosts are made on the PIC side's link: down and up, and loss (nftables
// numgen, which every kernel with nf_tables has) or delay and loss with
// tc netem where the kernel has sch_netem.
type Hosts struct {
	RE, PIC string // namespace names
}

// Addresses of the two hosts.
const (
	REAddr  = "10.77.0.1"
	PICAddr = "10.77.0.2"
)

// NewHosts names a two-host layout; nothing is created until Up.
func NewHosts(prefix string) *Hosts { return &Hosts{RE: prefix + "-re", PIC: prefix + "-pic"} }

// Up creates the namespaces and the link, tearing down what it built on
// failure.
func (h *Hosts) Up() (err error) {
	defer func() {
		if err != nil {
			h.Down()
		}
	}()
	if err := h.Down(); err != nil {
		return err
	}
	steps := [][]string{
		{"netns", "add", h.RE}, {"netns", "add", h.PIC},
		{"-n", h.RE, "link", "set", "lo", "up"}, {"-n", h.PIC, "link", "set", "lo", "up"},
		{"-n", h.RE, "link", "add", "re0", "type", "veth", "peer", "name", "pic0", "netns", h.PIC},
		{"-n", h.RE, "addr", "add", REAddr + "/24", "dev", "re0"},
		{"-n", h.PIC, "addr", "add", PICAddr + "/24", "dev", "pic0"},
		{"-n", h.RE, "link", "set", "re0", "up"}, {"-n", h.PIC, "link", "set", "pic0", "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return err
		}
	}
	return nil
}

// Down deletes the namespaces (the link goes with them).
func (h *Hosts) Down() error {
	var first error
	for _, ns := range []string{h.RE, h.PIC} {
		if _, err := os.Stat("/run/netns/" + ns); err != nil {
			continue
		}
		if err := ip("netns", "del", ns); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Link sets the PIC side's link up or down (the fault "link down").
func (h *Hosts) Link(up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return ip("-n", h.PIC, "link", "set", "pic0", state)
}

// DialFromPIC dials addr from the PIC namespace: the picd's TCP dialer.
func (h *Hosts) DialFromPIC(ctx context.Context, addr string) (net.Conn, error) {
	var c net.Conn
	err := In(h.PIC, func() error {
		var err error
		c, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		return err
	})
	return c, err
}

// HasNetem reports whether the kernel can run tc netem (sch_netem).
func (h *Hosts) HasNetem() bool {
	if err := h.Netem("delay", "1ms"); err != nil {
		return false
	}
	return h.ClearNetem() == nil
}

// Netem puts a netem qdisc with args ("delay 100ms", "loss 5%") on the PIC
// side's link, replacing any.
func (h *Hosts) Netem(args ...string) error {
	return tc(append([]string{"-n", h.PIC, "qdisc", "replace", "dev", "pic0", "root", "netem"}, args...)...)
}

// ClearNetem removes the netem qdisc.
func (h *Hosts) ClearNetem() error { return tc("-n", h.PIC, "qdisc", "del", "dev", "pic0", "root") }

// Loss drops pct percent of the packets leaving the PIC host, chosen at
// random by nftables (table inet gnos-fault), in both directions of the
// link: the PIC's output and its input. pct 0 removes the rule, 100
// drops everything (the link up, nothing passing).
func (h *Hosts) Loss(pct int) error {
	_ = nft(h.PIC, "delete", "table", "inet", "gnos-fault")
	if pct == 0 {
		return nil
	}
	match := fmt.Sprintf("numgen random mod 100 < %d ", pct)
	if pct >= 100 {
		match = "" // every packet: a black hole
	}
	rules := fmt.Sprintf(`table inet gnos-fault {
	chain out { type filter hook output priority 0; oifname "pic0" %scounter drop; }
	chain in { type filter hook input priority 0; iifname "pic0" %scounter drop; }
}
`, match, match)
	return nftFile(h.PIC, rules)
}

// LossDropped is how many packets Loss has dropped since it was set.
func (h *Hosts) LossDropped() (int, error) {
	out, err := exec.Command("ip", "netns", "exec", h.PIC, "nft", "list", "table", "inet", "gnos-fault").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("lab: nft list: %v: %s", err, strings.TrimSpace(string(out)))
	}
	total := 0
	for _, m := range dropCounter.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	return total, nil
}

var dropCounter = regexp.MustCompile(`counter packets (\d+) bytes \d+ drop`)

func tc(args ...string) error {
	out, err := exec.Command("tc", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab: tc %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func nft(ns string, args ...string) error {
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns, "nft"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab: nft %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func nftFile(ns, rules string) error {
	cmd := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab: nft -f: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
