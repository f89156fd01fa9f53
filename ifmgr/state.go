package ifmgr

import (
	"net"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/gnos/gnos/internal/ifname"
)

// Link returns the state of the Linux link behind a Junos interface
// (physical or logical); ok is false when the name does not map or the
// link does not exist.
func (m *Manager) Link(junos string) (st ifname.LinkState, ok bool) {
	ln, err := m.linux(junos)
	if err != nil {
		return st, false
	}
	err = m.w.do(func() error {
		l, err := netlink.LinkByName(ln)
		if err != nil {
			return err
		}
		a := l.Attrs()
		st = ifname.LinkState{Linux: a.Name, Index: a.Index, Kind: l.Type(), AdminUp: a.Flags&net.FlagUp != 0,
			OperUp: a.Flags&net.FlagRunning != 0 && a.Flags&net.FlagUp != 0, MTU: a.MTU}
		if len(a.HardwareAddr) > 0 {
			st.MAC = a.HardwareAddr.String()
		}
		if s := a.Statistics; s != nil {
			st.RxPackets, st.TxPackets, st.RxBytes, st.TxBytes = s.RxPackets, s.TxPackets, s.RxBytes, s.TxBytes
			st.RxErrors, st.TxErrors, st.RxDropped, st.TxDropped = s.RxErrors, s.TxErrors, s.RxDropped, s.TxDropped
		}
		return nil
	})
	return st, err == nil
}

// Prefixes returns the subnets configured on a logical interface (as
// last applied), for picd's interface-style output steering.
func (m *Manager) Prefixes(junos string) []netip.Prefix {
	ln, err := m.linux(junos)
	if err != nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.applied.links[ln]
	if l == nil {
		return nil
	}
	var out []netip.Prefix
	for p := range l.addrs {
		out = append(out, p.Masked())
	}
	return out
}

// linux is the Linux link of a Junos interface: the one gnos programmed
// for it (unit 0 of a vlan-tagging interface is a VLAN link of its own,
// ge-0-0-0.0), else the naming rule's.
func (m *Manager) linux(junos string) (string, error) {
	if _, _, err := ifname.Split(junos); err == nil && strings.Contains(junos, ".") {
		logical := ifname.Logical(junos)
		for ln, j := range m.junosNames() {
			if j == logical {
				return ln, nil
			}
		}
	}
	return m.o.Names.Linux(junos)
}
