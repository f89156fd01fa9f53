package compose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/gnos/gnos/firewall"
	"github.com/gnos/gnos/ifmgr"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic/packetio"
)

// startLive starts the interface manager on the namespace o.Live names
// (without root or CAP_NET_ADMIN it logs a warning and starts nothing),
// with the data directory's interfaces.map, subscribes it to commits and
// hands it to the in-process picds.
func (n *Node) startLive(ctx context.Context) error {
	names, err := ifname.Load(filepath.Join(n.Opts.DataDir, ifname.FileName))
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	m, err := ifmgr.New(ifmgr.Options{NetNS: n.Opts.Live.NetNS, Names: names, Log: n.Opts.Log})
	if errors.Is(err, ifmgr.ErrNotPermitted) {
		// Inert without the privilege: gnos runs, touching no interface.
		n.Opts.Log.Warn("live data plane not started: needs root or CAP_NET_ADMIN")
		return nil
	}
	if err != nil {
		return fmt.Errorf("node: live data plane: %w", err)
	}
	n.Ifmgr = m
	n.PICs.Live = m
	n.Configd.Subscribe(ctx, m)
	// Firewall filters: nftables in the same namespace, by the same names.
	fd := int(n.Opts.Live.NetNS)
	if fd <= 0 {
		fd = -1 // zero or netns.None(): the namespace gnos runs in
	}
	n.Firewall = firewall.NewManager(firewall.Options{NetNSFd: fd, Names: names, Log: n.Opts.Log})
	n.Configd.Subscribe(ctx, n.Firewall)
	return nil
}

// HostNet is the live data plane of a picd running apart from the
// interface manager (in the namespace it manages), with the data
// directory's name mapping; nil without root or CAP_NET_ADMIN.
func HostNet(dataDir string) (packetio.LiveNet, error) {
	if !ifmgr.Permitted() {
		return nil, nil
	}
	names, err := ifname.Load(filepath.Join(dataDir, ifname.FileName))
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	return ifmgr.HostNet{Names: names}, nil
}
