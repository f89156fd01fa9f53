package gnmi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CertDir is where local certificates live: DATA/certs/NAME.crt and
// NAME.key, PEM (Junos loads them with `request security pki
// local-certificate load`; gnos reads the files).
func CertDir(dataDir string) string { return filepath.Join(dataDir, "certs") }

func certFiles(dataDir, name string) (crt, key string) {
	d := CertDir(dataDir)
	return filepath.Join(d, name+".crt"), filepath.Join(d, name+".key")
}

// checkCertificate fails when certificate name exists but does not load;
// an absent one is fine (loadCertificate issues it).
func checkCertificate(dataDir, name string) error {
	crt, key := certFiles(dataDir, name)
	_, errC := os.Stat(crt)
	_, errK := os.Stat(key)
	if errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist) {
		return nil
	}
	if _, err := tls.LoadX509KeyPair(crt, key); err != nil {
		return fmt.Errorf("local-certificate %s: %v", name, err)
	}
	return nil
}

// loadCertificate loads certificate name, issuing a self-signed one
// (ECDSA P-256, for the host name, localhost and the loopback
// addresses, ten years) when neither file exists.
func loadCertificate(dataDir, name, host string, now time.Time) (tls.Certificate, error) {
	crt, key := certFiles(dataDir, name)
	if _, err := os.Stat(crt); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(key); errors.Is(err, os.ErrNotExist) {
			if err := issue(crt, key, name, host, now); err != nil {
				return tls.Certificate{}, fmt.Errorf("gnmi: issue local-certificate %s: %w", name, err)
			}
		}
	}
	c, err := tls.LoadX509KeyPair(crt, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("gnmi: local-certificate %s: %w", name, err)
	}
	return c, nil
}

func issue(crtFile, keyFile, name, host string, now time.Time) error {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	dns := []string{"localhost"}
	if host != "" {
		dns = append(dns, host)
	}
	tpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name, Organization: []string{"gnos"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &priv.PublicKey, priv)
	if err != nil {
		return err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(crtFile), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(crtFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}
