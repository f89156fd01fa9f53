package gnmi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/gnmi"
)

// freePort returns a TCP port nobody listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// capabilities calls Capabilities on conn as admin, failing fast.
func capabilities(conn *grpc.ClientConn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "username", "admin", "password", "admin123")
	_, err := gpb.NewGNMIClient(conn).Capabilities(ctx, &gpb.CapabilityRequest{})
	return err
}

func TestClearTextAndMaxConnections(t *testing.T) {
	n, _ := startNodeWith(t, compose.Options{})
	if n.GNMI.Addr() != nil {
		t.Fatalf("listening at %v before the service is configured", n.GNMI.Addr())
	}
	port := freePort(t)
	commitSet(t, n, fmt.Sprintf("set system services extension-service request-response grpc clear-text port %d\n"+
		"set system services extension-service request-response grpc max-connections 1\n", port))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	dialAddr := func() *grpc.ClientConn {
		c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	first := dialAddr()
	if err := capabilities(first); err != nil {
		t.Fatalf("first connection: %v", err)
	}
	if err := capabilities(dialAddr()); err == nil {
		t.Error("second connection: served, want refused past max-connections 1")
	}
	if err := capabilities(first); err != nil {
		t.Errorf("first connection after the refusal: %v", err)
	}
	commitSet(t, n, "delete system services extension-service\n")
	if n.GNMI.Addr() != nil {
		t.Errorf("still listening at %v after the service was deleted", n.GNMI.Addr())
	}
}

func TestSSLLocalCertificate(t *testing.T) {
	n, _ := startNodeWith(t, compose.Options{})
	port := freePort(t)
	// ssl without a certificate is refused at commit
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(configd.LoadSet, configd.FormatSet,
		fmt.Sprintf("set system services extension-service request-response grpc ssl port %d\n", port)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Commit(context.Background(), configd.CommitOptions{})
	if err == nil || !strings.Contains(err.Error(), "local-certificate is required") ||
		!strings.Contains(err.Error(), "[edit system services extension-service request-response grpc]") {
		t.Fatalf("commit of ssl without local-certificate: got %v, want it refused at its path", err)
	}
	if err := s.Load(configd.LoadSet, configd.FormatSet,
		"set system services extension-service request-response grpc ssl local-certificate lab-cert\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	pem, err := os.ReadFile(filepath.Join(gnmi.CertDir(n.Opts.DataDir), "lab-cert.crt"))
	if err != nil {
		t.Fatalf("the issued certificate: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("the issued certificate does not parse")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := capabilities(conn); err != nil {
		t.Fatalf("over TLS with the issued certificate: %v", err)
	}
	plain, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := capabilities(plain); err == nil {
		t.Error("clear text to the ssl port: served, want refused")
	}
}
