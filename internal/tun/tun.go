// Package tun creates multi-queue TUN devices and opens their queues.
//
// A service interface unit (ms-0/0/0.1) is a persistent multi-queue TUN
// device without packet information headers, with a virtio_net_hdr in
// front of every packet (IFF_VNET_HDR) and offloads on (TUNSETOFFLOAD:
// checksum, TSO for IPv4 and IPv6, USO where the kernel has it), so a
// reader gets GSO super-packets and a writer may hand them back
// (vnet.go): one read or write per up to 64 KB of TCP instead of one
// per segment. The header flag is the device's, set by every attach, so
// Create and Open use the same flags. The interface manager
// creates it (Create) when the configuration names it and deletes it
// through netlink; picd attaches one queue per data core (Open). Each
// queue is its own file descriptor, in non-blocking mode under Go's
// poller, so a reader can drain a batch of packets per wake-up.
//
// The calls act in the network namespace of the calling OS thread.
package tun

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

const flags = unix.IFF_TUN | unix.IFF_NO_PI | unix.IFF_MULTI_QUEUE | unix.IFF_VNET_HDR

// TUNSETOFFLOAD flags (linux/if_tun.h).
const (
	offCsum = 0x01 // TUN_F_CSUM
	offTSO4 = 0x02 // TUN_F_TSO4
	offTSO6 = 0x04 // TUN_F_TSO6
	offECN  = 0x08 // TUN_F_TSO_ECN
	offUSO4 = 0x20 // TUN_F_USO4 (Linux 6.2)
	offUSO6 = 0x40 // TUN_F_USO6
)

// offloads are tried in order: a kernel without USO refuses its flags.
var offloads = []int{
	offCsum | offTSO4 | offTSO6 | offECN | offUSO4 | offUSO6,
	offCsum | offTSO4 | offTSO6 | offECN,
}

func attach(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return -1, fmt.Errorf("tun: open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("tun: %s: %w", name, err)
	}
	ifr.SetUint16(flags)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("tun: %s: TUNSETIFF: %w", name, err)
	}
	return fd, nil
}

// Create makes name a persistent multi-queue TUN device (no queue stays
// attached). Creating a device that exists as such a TUN succeeds.
func Create(name string) error {
	fd, err := attach(name)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		return fmt.Errorf("tun: %s: TUNSETPERSIST: %w", name, err)
	}
	return nil
}

// Open attaches a new queue to the TUN device name and turns the
// device's offloads on (the most the kernel takes; none is an error).
// Every packet of the queue, both ways, starts with a virtio_net_hdr.
func Open(name string) (*os.File, error) {
	fd, err := attach(name)
	if err != nil {
		return nil, err
	}
	var oerr error
	for _, o := range offloads {
		if oerr = unix.IoctlSetInt(fd, unix.TUNSETOFFLOAD, o); oerr == nil {
			break
		}
	}
	if oerr != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tun: %s: TUNSETOFFLOAD: %w", name, oerr)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}

// VnetHeaders reports whether f is a TUN queue whose packets carry a
// virtio_net_hdr (false for anything that is not a TUN queue).
func VnetHeaders(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var fl uint16
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		var ifr *unix.Ifreq
		if ifr, ierr = unix.NewIfreq(""); ierr != nil {
			return
		}
		if ierr = unix.IoctlIfreq(int(fd), unix.TUNGETIFF, ifr); ierr == nil {
			fl = ifr.Uint16()
		}
	}); err != nil || ierr != nil {
		return false
	}
	return fl&unix.IFF_VNET_HDR != 0
}
