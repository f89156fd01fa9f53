package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlotOf(t *testing.T) {
	for _, c := range []struct {
		cn   string
		want Slot
		ok   bool
	}{
		{"gnos-pic-fpc0-pic0", Slot{0, 0}, true},
		{"gnos-pic-fpc11-pic3", Slot{11, 3}, true},
		{"gnos-servicesd", Slot{}, false},
		{"gnos-pic-fpc1-pic0.evil", Slot{}, false},
		{"xgnos-pic-fpc1-pic0", Slot{}, false},
		{"gnos-pic-fpc-1-pic0", Slot{}, false},
	} {
		got, ok := SlotOf(&x509.Certificate{Subject: pkix.Name{CommonName: c.cn}})
		if got != c.want || ok != c.ok {
			t.Errorf("SlotOf(%q): got %v %v, want %v %v", c.cn, got, ok, c.want, c.ok)
		}
	}
}

// TestIssueListRevoke: what is issued is listed, a revoke of an unknown
// serial or of another slot's fails and writes nothing, a slot's revoke
// takes every valid certificate of it.
func TestIssueListRevoke(t *testing.T) {
	dir := t.TempDir()
	ca, err := Init(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	a, err := ca.IssuePIC(Slot{0, 0}, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ca.IssuePIC(Slot{1, 0}, out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.IssuePIC(Slot{-1, 0}, out, 0); err == nil {
		t.Error("issued a certificate for fpc -1")
	}
	for _, name := range []string{"ca.crt", "fpc0-pic0.crt", "fpc0-pic0.key", "fpc1-pic0.crt"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("IssuePIC did not write %s: %v", name, err)
		}
	}
	if _, err := ca.Revoke(&Slot{0, 0}, "abc123"); err == nil || !strings.Contains(err.Error(), "no certificate with serial abc123") {
		t.Errorf("revoke of an unknown serial: got %v", err)
	}
	if _, err := ca.Revoke(&Slot{0, 0}, b.Serial); err == nil || !strings.Contains(err.Error(), "is of fpc1-pic0") {
		t.Errorf("revoke of another slot's serial: got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "revoked")); err == nil {
		t.Error("a failed revoke wrote the revoked list")
	}
	done, err := ca.Revoke(&Slot{0, 0})
	if err != nil || len(done) != 1 || done[0] != a.Serial {
		t.Fatalf("revoke fpc0-pic0: got %v %v, want [%s]", done, err, a.Serial)
	}
	list, err := ca.List()
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]bool{}
	for _, is := range list {
		state[is.Slot] = is.Revoked
	}
	if len(list) != 2 || !state["fpc0-pic0"] || state["fpc1-pic0"] {
		t.Errorf("list: got %+v, want fpc0-pic0 revoked and fpc1-pic0 valid", list)
	}
	if _, err := ca.Revoke(&Slot{0, 0}); err == nil {
		t.Error("a second revoke of the slot found something to revoke")
	}
}

// TestConfigsNeedTheirFiles: a missing certificate is a clear error
// naming the command that makes it.
func TestConfigsNeedTheirFiles(t *testing.T) {
	if _, _, err := ServerConfig(t.TempDir()); err == nil || !strings.Contains(err.Error(), "gnos pki init") {
		t.Errorf("ServerConfig without a CA: got %v", err)
	}
	if _, err := ClientConfig(t.TempDir(), Slot{2, 1}); err == nil || !strings.Contains(err.Error(), "gnos pki issue --fpc 2 --pic 1") {
		t.Errorf("ClientConfig without a certificate: got %v", err)
	}
	if _, err := Open(t.TempDir(), nil); err == nil {
		t.Error("Open of an empty directory succeeded")
	}
}
