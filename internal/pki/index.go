package pki

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gnos/gnos/internal/atomicfile"
)

// The CA directory keeps two small text files: index (one line per PIC
// certificate issued: serial, slot, expiry) and revoked (one serial a
// line). servicesd reads revoked again whenever it changes.

// Issued is one line of the index.
type Issued struct {
	Serial   string
	Slot     string // fpcF-picP
	NotAfter time.Time
	Revoked  bool
}

func (ca *CA) record(leaf *Leaf, slot Slot) error {
	f, err := os.OpenFile(filepath.Join(ca.dir, "index"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s %s %s\n", leaf.Serial, slot, leaf.NotAfter.UTC().Format(time.RFC3339))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return nil
}

// List returns the PIC certificates issued, oldest first.
func (ca *CA) List() ([]Issued, error) {
	rv, err := readRevoked(ca.dir)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(ca.dir, "index"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	defer f.Close()
	var out []Issued
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		t, _ := time.Parse(time.RFC3339, fs[2])
		out = append(out, Issued{Serial: fs[0], Slot: fs[1], NotAfter: t, Revoked: rv[fs[0]]})
	}
	return out, sc.Err()
}

// Revoke adds serials to the revoked list. With a slot and no serial it
// revokes every certificate issued for the slot. It returns what it
// revoked; an unknown serial is an error and nothing is written.
func (ca *CA) Revoke(slot *Slot, serials ...string) ([]string, error) {
	issued, err := ca.List()
	if err != nil {
		return nil, err
	}
	known := map[string]Issued{}
	for _, is := range issued {
		known[is.Serial] = is
	}
	var add []string
	for _, s := range serials {
		s = strings.ToLower(strings.TrimPrefix(s, "0x"))
		is, ok := known[s]
		if !ok {
			return nil, fmt.Errorf("pki: no certificate with serial %s was issued here", s)
		}
		if slot != nil && is.Slot != slot.String() {
			return nil, fmt.Errorf("pki: certificate %s is of %s, not %s", s, is.Slot, slot)
		}
		add = append(add, s)
	}
	if len(serials) == 0 && slot != nil {
		for _, is := range issued {
			if is.Slot == slot.String() && !is.Revoked {
				add = append(add, is.Serial)
			}
		}
		if len(add) == 0 {
			return nil, fmt.Errorf("pki: no valid certificate of %s to revoke", slot)
		}
	}
	rv, err := readRevoked(ca.dir)
	if err != nil {
		return nil, err
	}
	for _, s := range add {
		rv[s] = true
	}
	lines := make([]string, 0, len(rv))
	for s := range rv {
		lines = append(lines, s)
	}
	sort.Strings(lines)
	if err := writeText(filepath.Join(ca.dir, "revoked"), strings.Join(lines, "\n")+"\n"); err != nil {
		return nil, err
	}
	return add, nil
}

// writeText replaces a small text file atomically (servicesd may be
// reading it at a handshake).
func writeText(path, text string) error {
	if err := atomicfile.Write(path, []byte(text)); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return nil
}

func readRevoked(dir string) (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, "revoked"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	rv := map[string]bool{}
	for _, l := range strings.Fields(string(b)) {
		rv[strings.ToLower(l)] = true
	}
	return rv, nil
}
