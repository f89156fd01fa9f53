package servicesd

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/grpc/peer"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// SocketPath is servicesd's socket under a data directory: every picd
// on this host, in-process or not, connects there.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, "services.sock") }

// Listen serves the PIC streams and the query API on an owner-only Unix
// socket at path.
func (s *Servicesd) Listen(path string) error {
	lis, err := ipc.ListenUnix(path)
	if err != nil {
		return err
	}
	g := ipc.NewServer()
	s.Register(g)
	s.mu.Lock()
	s.srv, s.lis = g, lis
	s.mu.Unlock()
	go g.Serve(lis)
	return nil
}

// ListenTCP serves PIC streams from other hosts on addr ("HOST:PORT",
// ":PORT") with mutual TLS cfg (pki.ServerConfig): only the PIC stream,
// not the query API, which stays on the owner-only socket. A PIC is
// accepted only for the slot its certificate names (checkPeerSlot);
// still, when set, is asked at each of a connected PIC's heartbeats
// whether its certificate is still good (revoked or expired since: the
// stream is dropped). It returns the address listened on (port 0 picks
// one).
func (s *Servicesd) ListenTCP(addr string, cfg *tls.Config, still func(*x509.Certificate) error) (string, error) {
	if cfg == nil {
		return "", fmt.Errorf("servicesd: PIC connections over TCP need mutual TLS (gnos pki init)")
	}
	lis, err := ipc.ListenTCP(addr)
	if err != nil {
		return "", fmt.Errorf("servicesd: PIC listener: %w", err)
	}
	g := ipc.NewServer(ipc.TLSServerOptions(cfg, func(addr string, err error) {
		s.o.Log.Warn("servicesd: PIC connection refused at the TLS handshake", "from", addr, "error", err)
	})...)
	s.registerPIC(g)
	s.mu.Lock()
	s.tcpSrv, s.certStill = g, still
	s.mu.Unlock()
	go g.Serve(lis)
	s.o.Log.Info("servicesd: listening for PICs over TCP with mutual TLS", "address", lis.Addr().String())
	return lis.Addr().String(), nil
}

// checkPeerSlot refuses a hello over TLS for another slot than the one
// the peer's certificate names; over the Unix socket (no certificate) the
// socket's owner-only mode is the authentication.
func checkPeerSlot(st grpc.ServerStream, h *picd.Hello) error {
	cert, ok := ipc.PeerCertificate(st.Context())
	if !ok {
		return nil
	}
	ps, ok := pki.SlotOf(cert)
	if !ok {
		return fmt.Errorf("servicesd: certificate %q names no PIC slot", cert.Subject.CommonName)
	}
	if (dataplane.Slot{FPC: ps.FPC, PIC: ps.PIC}) != h.Slot {
		return fmt.Errorf("servicesd: certificate %q is not for %s", cert.Subject.CommonName, h.Slot)
	}
	return nil
}

// peerAddr describes a picd of another host for show chassis pic: its
// address, certificate name and serial; "" on the Unix socket.
func peerAddr(st grpc.ServerStream) string {
	cert, ok := ipc.PeerCertificate(st.Context())
	if !ok {
		return ""
	}
	addr := "?"
	if p, ok := peer.FromContext(st.Context()); ok && p.Addr != nil {
		addr = p.Addr.String()
	}
	return addr + " (" + cert.Subject.CommonName + ", serial " + cert.SerialNumber.Text(16) + ")"
}

// certGone reports why a TLS peer's certificate is no longer good, or "".
func (s *Servicesd) certGone(c *conn) string {
	if c.cert == nil {
		return ""
	}
	s.mu.Lock()
	still := s.certStill
	s.mu.Unlock()
	if still == nil {
		return ""
	}
	if err := still(c.cert); err != nil {
		return err.Error()
	}
	return ""
}

// Close stops serving: every PIC stream ends (picds reconnect to the next
// servicesd).
func (s *Servicesd) Close() {
	s.mu.Lock()
	g, t := s.srv, s.tcpSrv
	s.srv, s.tcpSrv = nil, nil
	s.closed = true
	if s.replTimer != nil {
		s.replTimer.Stop()
	}
	s.mu.Unlock()
	if g != nil {
		g.Stop()
	}
	if t != nil {
		t.Stop()
	}
}
