package servicesd_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/internal/pki"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// The TLS refusals, on loopback without root: whatever a stranger tries,
// it gets no Config (no state of servicesd) and the remote picd that
// holds the slot keeps it.

// attacker is a PIC host directory holding ca.crt (servicesd's real CA,
// so the client side accepts servicesd) and fpc0-pic0.crt/key as built.
func attackerDir(t *testing.T, h *harness, build func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	build(dir)
	ca, err := os.ReadFile(filepath.Join(pki.Dir(h.n.Opts.DataDir), "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// helloOver opens a PIC stream over cc, says hello for fpc 0 pic 0 and
// returns what came back first.
func helloOver(cc *grpc.ClientConn) (*picd.ToPIC, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
	if err != nil {
		return nil, err
	}
	if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot00, PID: 4242}}); err != nil {
		return nil, err
	}
	return st.Recv()
}

func TestRemotePICRefusals(t *testing.T) {
	h := startRemote(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	holder := func() string {
		v, err := h.n.Services.PIC(context.Background(), slot00)
		if err != nil {
			t.Fatal(err)
		}
		return v.Peer
	}
	before := holder()
	caDir := pki.Dir(h.n.Opts.DataDir)
	ca, err := pki.Open(caDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tlsDial := func(dir string) func() (*grpc.ClientConn, error) {
		return func() (*grpc.ClientConn, error) {
			cfg, err := pki.ClientConfig(dir, pki.Slot{})
			if err != nil {
				return nil, err
			}
			return ipc.DialTLS(h.n.PICAddr, cfg, nil)
		}
	}
	cases := []struct {
		name string
		dial func() (*grpc.ClientConn, error)
		want string // in the client's error, else in servicesd's log of the refusal
	}{
		{"plain TCP", func() (*grpc.ClientConn, error) {
			return grpc.NewClient("passthrough:///"+h.n.PICAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		}, "first record does not look like a TLS handshake"},
		{"TLS without a client certificate", func() (*grpc.ClientConn, error) {
			p := x509.NewCertPool()
			b, _ := os.ReadFile(filepath.Join(caDir, "ca.crt"))
			p.AppendCertsFromPEM(b)
			return ipc.DialTLS(h.n.PICAddr, &tls.Config{RootCAs: p, ServerName: pki.ServerName, MinVersion: tls.VersionTLS13}, nil)
		}, "didn't provide a certificate"},
		{"a certificate of another CA", tlsDial(attackerDir(t, h, func(dir string) {
			other, err := pki.Init(filepath.Join(dir, "other-ca"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := other.IssuePIC(pki.Slot{}, dir, 0); err != nil {
				t.Fatal(err)
			}
		})), "certificate signed by unknown authority"},
		{"servicesd's own certificate as a client", tlsDial(attackerDir(t, h, func(dir string) {
			copyFile(t, filepath.Join(caDir, "servicesd.crt"), filepath.Join(dir, "fpc0-pic0.crt"))
			copyFile(t, filepath.Join(caDir, "servicesd.key"), filepath.Join(dir, "fpc0-pic0.key"))
		})), "x509: certificate specifies an incompatible key usage"},
		{"an expired certificate", tlsDial(attackerDir(t, h, func(dir string) {
			past, err := pki.Open(caDir, func() time.Time { return time.Now().Add(-48 * time.Hour) })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := past.IssuePIC(pki.Slot{}, dir, time.Hour); err != nil {
				t.Fatal(err)
			}
		})), "expired"},
		{"a revoked certificate", tlsDial(attackerDir(t, h, func(dir string) {
			leaf, err := ca.IssuePIC(pki.Slot{}, dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ca.Revoke(&pki.Slot{}, leaf.Serial); err != nil {
				t.Fatal(err)
			}
		})), "is revoked"},
		{"another slot's certificate", func() (*grpc.ClientConn, error) {
			dir := t.TempDir()
			if _, err := ca.IssuePIC(pki.Slot{FPC: 1, PIC: 0}, dir, 0); err != nil {
				t.Fatal(err)
			}
			cfg, err := pki.ClientConfig(dir, pki.Slot{FPC: 1, PIC: 0})
			if err != nil {
				t.Fatal(err)
			}
			return ipc.DialTLS(h.n.PICAddr, cfg, nil) // says hello for fpc 0 pic 0
		}, `certificate "gnos-pic-fpc1-pic0" is not for fpc 0 pic 0`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cc, err := c.dial()
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			m, err := helloOver(cc)
			if err == nil {
				t.Fatalf("got %+v, want the stream refused", m)
			}
			// With TLS 1.3 the client may see only a closed connection;
			// servicesd logs the reason as its side of the handshake ends.
			if got := holder(); got != before {
				t.Errorf("the slot's holder changed: got %q, want %q", got, before)
			}
			if strings.Contains(err.Error(), c.want) { // refused after the handshake: the client is told why
				return
			}
			testkit.Eventually(t, "servicesd to log why", func() error {
				if !strings.Contains(h.log.String(), c.want) {
					return fmt.Errorf("client got %v; servicesd's log lacks %q", err, c.want)
				}
				return nil
			})
		})
	}
}

// TestRemotePICRotation: servicesd's certificate and a PIC's are
// replaced without restarting servicesd. A new servicesd certificate is
// presented at the next handshake; a PIC certificate revoked while its
// picd is connected drops that connection at the next heartbeat, and the
// picd reconnects with the new certificate written beside it.
func TestRemotePICRotation(t *testing.T) {
	h := startRemote(t)
	h.loadCommit(h.shape(2))
	h.waitAll(2)
	caDir := pki.Dir(h.n.Opts.DataDir)
	ca, err := pki.Open(caDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	picDir := filepath.Join(h.n.Opts.DataDir, "pic-host-"+slot00Name())
	serverSerial := func() string {
		cfg, err := pki.ClientConfig(picDir, pki.Slot{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := tls.Dial("tcp", h.n.PICAddr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.Text(16)
	}
	old := serverSerial()
	leaf, err := ca.IssueServer()
	if err != nil {
		t.Fatal(err)
	}
	if got := serverSerial(); got != leaf.Serial || got == old {
		t.Errorf("servicesd presents serial %s after rotation, want the new %s (old %s)", got, leaf.Serial, old)
	}

	issued, err := ca.List()
	if err != nil {
		t.Fatal(err)
	}
	oldPIC := issued[0].Serial
	if !strings.Contains(h.cli("show chassis pic fpc-slot 0 pic-slot 0"), "serial "+oldPIC+")") {
		t.Fatalf("the remote picd is not on its first certificate %s", oldPIC)
	}
	nl, err := ca.IssuePIC(pki.Slot{}, picDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Revoke(&pki.Slot{}, oldPIC); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "the remote picd back on its new certificate", func() bool {
		h.clk.Advance(picd.HeartbeatInterval) // heartbeats, then the picd's reconnect backoff
		v, err := h.n.Services.PIC(context.Background(), slot00)
		return err == nil && strings.Contains(v.Peer, "serial "+nl.Serial+")")
	})
	h.waitAll(2) // resynced
	if !strings.Contains(h.log.String(), "is revoked") {
		t.Error("servicesd did not log why it dropped the old connection")
	}
}

// TestRemotePICNoQueryAPI: a PIC host's valid certificate opens the PIC
// stream only; servicesd's query API (PIC status, traffic, captures that
// write files, admin state) is not served on the TCP listener.
func TestRemotePICNoQueryAPI(t *testing.T) {
	h := startRemote(t)
	dir := filepath.Join(h.n.Opts.DataDir, "pic-host-"+slot00Name())
	cfg, err := pki.ClientConfig(dir, pki.Slot{})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := ipc.DialTLS(h.n.PICAddr, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	c := servicesd.NewClient(func() (*grpc.ClientConn, error) { return cc, nil })
	_, err = c.Alarms(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Unimplemented") {
		t.Errorf("query API over the PIC listener: got %v, want Unimplemented", err)
	}
}
