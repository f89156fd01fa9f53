package pki

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// watched is a set of files read again when any of them changes (size or
// modification time); load builds the value from them.
//
// Locking: mu guards stamp, val and err.
type watched[T any] struct {
	paths []string
	load  func() (T, error)

	mu    sync.Mutex
	stamp string
	val   T
	err   error
}

func (w *watched[T]) get() (T, error) {
	stamp := ""
	for _, p := range w.paths {
		if fi, err := os.Stat(p); err == nil {
			stamp += fmt.Sprintf("%d.%d;", fi.Size(), fi.ModTime().UnixNano())
		} else {
			stamp += "-;"
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if stamp != w.stamp || w.err != nil {
		w.val, w.err = w.load()
		w.stamp = stamp
	}
	return w.val, w.err
}

func pool(path string) (*x509.CertPool, error) {
	certs, err := readCerts(path)
	if err != nil {
		return nil, err
	}
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p, nil
}

func keyPair(cert, key string) (*tls.Certificate, error) {
	kp, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	return &kp, nil
}

// ServerConfig is servicesd's side of mutual TLS, from the CA directory
// dir: its certificate, the CA pool PIC certificates must chain to, and
// the revoked serials; each handshake picks up changed files. A PIC
// without a certificate, with one of another CA, expired, revoked or not
// naming a slot is refused at the handshake. It fails now when the files
// are not there (run `gnos pki init`). Still tells whether a connected
// PIC's certificate is still good (not revoked since, not expired), for
// servicesd to drop a connection whose certificate no longer is.
func ServerConfig(dir string) (cfg *tls.Config, still func(*x509.Certificate) error, err error) {
	cert := &watched[*tls.Certificate]{paths: []string{filepath.Join(dir, "servicesd.crt"), filepath.Join(dir, "servicesd.key")},
		load: func() (*tls.Certificate, error) {
			return keyPair(filepath.Join(dir, "servicesd.crt"), filepath.Join(dir, "servicesd.key"))
		}}
	cas := &watched[*x509.CertPool]{paths: []string{filepath.Join(dir, "ca.crt")},
		load: func() (*x509.CertPool, error) { return pool(filepath.Join(dir, "ca.crt")) }}
	revoked := &watched[map[string]bool]{paths: []string{filepath.Join(dir, "revoked")},
		load: func() (map[string]bool, error) { return readRevoked(dir) }}
	if _, err := cert.get(); err != nil {
		return nil, nil, fmt.Errorf("%w (gnos pki init makes the CA)", err)
	}
	if _, err := cas.get(); err != nil {
		return nil, nil, err
	}
	still = func(leaf *x509.Certificate) error {
		rv, err := revoked.get()
		if err != nil {
			return err
		}
		if rv[leaf.SerialNumber.Text(16)] {
			return fmt.Errorf("pki: certificate %s of %s is revoked", leaf.SerialNumber.Text(16), leaf.Subject.CommonName)
		}
		if time.Now().After(leaf.NotAfter) {
			return fmt.Errorf("pki: certificate %s of %s expired at %s", leaf.SerialNumber.Text(16), leaf.Subject.CommonName,
				leaf.NotAfter.UTC().Format(time.RFC3339))
		}
		return nil
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			kp, err := cert.get()
			if err != nil {
				return nil, err
			}
			p, err := cas.get()
			if err != nil {
				return nil, err
			}
			return &tls.Config{
				MinVersion:   tls.VersionTLS13,
				NextProtos:   []string{"h2"},
				Certificates: []tls.Certificate{*kp},
				ClientAuth:   tls.RequireAndVerifyClientCert,
				ClientCAs:    p,
				VerifyConnection: func(cs tls.ConnectionState) error {
					if len(cs.PeerCertificates) == 0 {
						return errors.New("pki: no client certificate")
					}
					leaf := cs.PeerCertificates[0]
					if _, ok := SlotOf(leaf); !ok {
						return fmt.Errorf("pki: certificate %q names no PIC slot", leaf.Subject.CommonName)
					}
					return still(leaf)
				},
			}, nil
		},
	}, still, nil
}

// ClientConfig is a picd's side of mutual TLS for slot, from the PKI
// directory dir of its host (ca.crt, fpcF-picP.crt/key): servicesd must
// present a certificate of that CA naming ServerName. The certificate is
// read again at each handshake when its files changed.
func ClientConfig(dir string, slot Slot) (*tls.Config, error) {
	crt, key := filepath.Join(dir, slot.String()+".crt"), filepath.Join(dir, slot.String()+".key")
	cert := &watched[*tls.Certificate]{paths: []string{crt, key},
		load: func() (*tls.Certificate, error) { return keyPair(crt, key) }}
	cas := &watched[*x509.CertPool]{paths: []string{filepath.Join(dir, "ca.crt")},
		load: func() (*x509.CertPool, error) { return pool(filepath.Join(dir, "ca.crt")) }}
	if _, err := cert.get(); err != nil {
		return nil, fmt.Errorf("%w (gnos pki issue --fpc %d --pic %d on the servicesd host writes it)", err, slot.FPC, slot.PIC)
	}
	if _, err := cas.get(); err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:           tls.VersionTLS13,
		ServerName:           ServerName,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert.get() },
		// The CA pool may change under a running picd: verify against the
		// current one rather than a pool fixed at start.
		InsecureSkipVerify: true, // replaced by VerifyConnection below, which checks chain and name
		VerifyConnection: func(cs tls.ConnectionState) error {
			p, err := cas.get()
			if err != nil {
				return err
			}
			if len(cs.PeerCertificates) == 0 {
				return errors.New("pki: servicesd sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err = cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: ServerName, Roots: p,
				Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, CurrentTime: time.Now()})
			if err != nil {
				return fmt.Errorf("pki: servicesd's certificate: %w", err)
			}
			return nil
		},
	}, nil
}
