// Package pki is the small certificate authority behind PIC connections
// between hosts: gnos makes a CA in the data directory, issues servicesd a
// server certificate and each PIC slot a client certificate that names the
// slot, and builds the mutual-TLS configurations both ends hand to gRPC's
// standard TLS credentials (no home-made crypto or framing).
//
// Files, under DATA/pki on the routing-engine host:
//
//	ca.crt            the trusted CA certificates (PEM; several during a CA rollover)
//	ca.key            the CA's private key (0600; never leaves this host)
//	servicesd.crt/key servicesd's server certificate, DNS name "gnos-servicesd"
//	revoked           serial numbers (hex, one a line) servicesd refuses
//	issued/fpcF-picP.crt/key  what `gnos pki issue` wrote, to copy to the PIC host
//
// and on a PIC host, DATA/pki/ca.crt and DATA/pki/fpcF-picP.crt/key.
//
// The identity is in the certificate, not the address: a PIC certificate's
// common name is "gnos-pic-fpcF-picP" with the client-auth usage only, and
// servicesd accepts a PIC stream only for the slot its certificate names.
// picd checks servicesd's certificate against the CA and the name
// "gnos-servicesd", so it may dial servicesd by any address. Both ends read
// the files again whenever they change (size or modification time, checked
// at each handshake), so a certificate is rotated, or one revoked, without
// restarting anything: the next connection uses the new files, the
// connections up keep theirs until they reconnect. Keys are ECDSA P-256.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/gnos/gnos/internal/atomicfile"
)

// ServerName is the DNS name in servicesd's certificate that picd checks.
const ServerName = "gnos-servicesd"

// Validity of what the CA issues.
const (
	CAValidity   = 10 * 365 * 24 * time.Hour
	LeafValidity = 365 * 24 * time.Hour
)

// Dir is the PKI directory under a data directory.
func Dir(dataDir string) string { return filepath.Join(dataDir, "pki") }

// Slot names a PIC slot (chassis fpc F pic P).
type Slot struct{ FPC, PIC int }

// String is the slot's file and certificate stem, "fpcF-picP".
func (s Slot) String() string { return fmt.Sprintf("fpc%d-pic%d", s.FPC, s.PIC) }

// CommonName is the slot's certificate common name.
func (s Slot) CommonName() string { return "gnos-pic-" + s.String() }

var cnRE = regexp.MustCompile(`^gnos-pic-fpc(\d{1,4})-pic(\d{1,4})$`)

// SlotOf reads the slot a PIC certificate names; ok is false when it names
// none (servicesd's own certificate, another CA's leaf).
func SlotOf(c *x509.Certificate) (Slot, bool) {
	m := cnRE.FindStringSubmatch(c.Subject.CommonName)
	if m == nil {
		return Slot{}, false
	}
	f, _ := strconv.Atoi(m[1])
	p, _ := strconv.Atoi(m[2])
	return Slot{FPC: f, PIC: p}, true
}

// CA is the certificate authority of a data directory.
type CA struct {
	dir  string
	cert *x509.Certificate
	key  crypto.Signer
	now  func() time.Time
}

// Init creates the CA and servicesd's certificate under dir unless they
// exist, and opens the CA. now is the issuing clock (nil: time.Now).
func Init(dir string, now func() time.Time) (*CA, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ca.key")); errors.Is(err, os.ErrNotExist) {
		if err := newCA(dir, now()); err != nil {
			return nil, err
		}
	}
	ca, err := Open(dir, now)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "servicesd.crt")); errors.Is(err, os.ErrNotExist) {
		if _, err := ca.IssueServer(); err != nil {
			return nil, err
		}
	}
	return ca, nil
}

// Open opens an existing CA.
func Open(dir string, now func() time.Time) (*CA, error) {
	if now == nil {
		now = time.Now
	}
	certs, err := readCerts(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	key, err := readKey(filepath.Join(dir, "ca.key"))
	if err != nil {
		return nil, err
	}
	// The CA that signs is the one matching the key (the newest of a rollover).
	for _, c := range certs {
		if pub, ok := c.PublicKey.(*ecdsa.PublicKey); ok && pub.Equal(key.Public()) {
			return &CA{dir: dir, cert: c, key: key, now: now}, nil
		}
	}
	return nil, fmt.Errorf("pki: %s: no CA certificate matches ca.key", dir)
}

func newCA(dir string, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "gnos PIC CA", Organization: []string{"gnos"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CAValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	// The key first: a crash between the two leaves no certificate without a key.
	if err := writeKey(filepath.Join(dir, "ca.key"), key); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, "ca.crt"), "CERTIFICATE", der, 0o644)
}

// Leaf is an issued certificate: its PEM files and serial number.
type Leaf struct {
	Cert, Key string // file paths
	Serial    string // hex
	NotAfter  time.Time
}

// IssueServer (re)issues servicesd's certificate in the CA directory.
func (ca *CA) IssueServer() (*Leaf, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: ServerName, Organization: []string{"gnos"}},
		DNSNames:    []string{ServerName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	return ca.issue(tmpl, filepath.Join(ca.dir, "servicesd"), LeafValidity)
}

// IssuePIC issues a certificate for slot into outDir (fpcF-picP.crt and
// .key, with a copy of ca.crt): the files a PIC host needs in its
// DATA/pki. An earlier certificate of the slot stays valid until revoked,
// so a PIC can be moved to the new one without a gap.
func (ca *CA) IssuePIC(slot Slot, outDir string, validity time.Duration) (*Leaf, error) {
	if slot.FPC < 0 || slot.PIC < 0 {
		return nil, fmt.Errorf("pki: invalid slot fpc %d pic %d", slot.FPC, slot.PIC)
	}
	if validity <= 0 {
		validity = LeafValidity
	}
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: slot.CommonName(), Organization: []string{"gnos"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leaf, err := ca.issue(tmpl, filepath.Join(outDir, slot.String()), validity)
	if err != nil {
		return nil, err
	}
	if err := ca.record(leaf, slot); err != nil {
		return nil, err
	}
	if filepath.Clean(outDir) != filepath.Clean(ca.dir) {
		b, err := os.ReadFile(filepath.Join(ca.dir, "ca.crt"))
		if err == nil {
			err = atomicfile.Write(filepath.Join(outDir, "ca.crt"), b)
		}
		if err != nil {
			return nil, fmt.Errorf("pki: %w", err)
		}
	}
	return leaf, nil
}

// issue signs tmpl with a fresh key and writes stem.crt and stem.key.
func (ca *CA) issue(tmpl *x509.Certificate, stem string, validity time.Duration) (*Leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	now := ca.now()
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = now.Add(-time.Hour) // hosts whose clocks differ a little
	tmpl.NotAfter = now.Add(validity)
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	// Key then certificate, each replaced atomically: a reader that sees
	// the new certificate sees its key (the pair is loaded and checked
	// together, a mismatch is retried at the next handshake).
	if err := writeKey(stem+".key", key); err != nil {
		return nil, err
	}
	if err := writePEM(stem+".crt", "CERTIFICATE", der, 0o644); err != nil {
		return nil, err
	}
	return &Leaf{Cert: stem + ".crt", Key: stem + ".key", Serial: tmpl.SerialNumber.Text(16), NotAfter: tmpl.NotAfter}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n.Add(n, big.NewInt(1))
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return writePEM(path, "PRIVATE KEY", der, 0o600)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	if err := atomicfile.Write(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return nil
}

func readCerts(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pki: %s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pki: %s: no certificate", path)
	}
	return out, nil
}

func readKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("pki: %s: no PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", path, err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("pki: %s: not an ECDSA key", path)
	}
	return ek, nil
}
