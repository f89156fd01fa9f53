// Package tun creates multi-queue TUN devices and opens their queues.
//
// A service interface unit (ms-0/0/0.1) is a persistent multi-queue TUN
// device without packet information headers: the interface manager
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

const flags = unix.IFF_TUN | unix.IFF_NO_PI | unix.IFF_MULTI_QUEUE

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

// Open attaches a new queue to the TUN device name.
func Open(name string) (*os.File, error) {
	fd, err := attach(name)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}
