package compose

import (
	"context"
	"net"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/servicesd"
)

// PICs on other hosts (docs/architecture.md, "Several hosts"): servicesd
// also listens on TCP with mutual TLS when Options.PICListen is set, its
// CA and certificate made in DATA/pki on first use; a picd on another
// host dials it with DialServicesdTLS.

// listenPICs opens servicesd's TCP listener for PICs on other hosts and
// returns the address it listens on.
func listenPICs(sv *servicesd.Servicesd, o Options) (string, error) {
	dir := pki.Dir(o.DataDir)
	if _, err := pki.Init(dir, nil); err != nil {
		return "", err
	}
	cfg, still, err := pki.ServerConfig(dir)
	if err != nil {
		return "", err
	}
	return sv.ListenTCP(o.PICListen, cfg, still)
}

// DialServicesdTLS returns a dialer of a servicesd on another host at
// addr ("HOST:PORT") for the PIC at slot, with the certificate `gnos pki
// issue` wrote for the slot into pkiDir (the PIC host's DATA/pki). The
// files are read again when they change. dialer, when set, makes the TCP
// connections (tests: from another network namespace).
func DialServicesdTLS(addr, pkiDir string, slot dataplane.Slot, dialer func(context.Context, string) (net.Conn, error)) (func() (*grpc.ClientConn, error), error) {
	cfg, err := pki.ClientConfig(pkiDir, pki.Slot{FPC: slot.FPC, PIC: slot.PIC})
	if err != nil {
		return nil, err
	}
	return func() (*grpc.ClientConn, error) { return ipc.DialTLS(addr, cfg, dialer) }, nil
}
