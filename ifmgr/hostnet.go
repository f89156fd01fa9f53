package ifmgr

import (
	"net/netip"
	"os"

	"github.com/vishvananda/netlink"

	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/internal/tun"
)

// HostNet is the live data plane's view of the host for a picd that
// runs apart from the interface manager (`gnos picd --live`, `gnos
// servicesd --live`): in the process's own network namespace, where the
// interface manager of `gnos configd --live` created the service
// interfaces. It reads the host instead of the configuration.
type HostNet struct {
	Names *ifname.Map // the data directory's interfaces.map
}

// OpenQueues attaches n queues to a service interface unit's TUN.
func (h HostNet) OpenQueues(junos string, n int) ([]*os.File, error) {
	ln, err := h.Names.Linux(junos)
	if err != nil {
		return nil, err
	}
	return openQueues(ln, n)
}

// openQueues attaches n queues to the TUN device linux (in the calling
// thread's namespace), all or none.
func openQueues(linux string, n int) ([]*os.File, error) {
	var files []*os.File
	for i := 0; i < n; i++ {
		f, err := tun.Open(linux)
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// Prefixes returns the subnets of the addresses on a logical interface's
// link (link-local ones aside).
func (h HostNet) Prefixes(junos string) []netip.Prefix {
	ln, err := h.Names.Linux(junos)
	if err != nil {
		return nil
	}
	l, err := netlink.LinkByName(ln)
	if err != nil {
		return nil
	}
	addrs, err := netlink.AddrList(l, netlink.FAMILY_ALL)
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok || ip.IsLinkLocalUnicast() {
			continue
		}
		bits, _ := a.Mask.Size()
		out = append(out, netip.PrefixFrom(ip.Unmap(), bits).Masked())
	}
	return out
}
