package db

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damage flips n bytes of the file at path starting wherever marker is
// found: the live record and any stale copy in a freed page (the freelist
// is not synced, so which page is live is bbolt's business).
func damage(t *testing.T, path, marker string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(marker))
		if i < 0 {
			break
		}
		found, i = true, off+i
		for j := i; j < i+n && j < len(b); j++ {
			b[j] ^= 0xff
		}
		off = i + 1
	}
	if !found {
		t.Fatalf("marker %q not in the file", marker)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesDamage(t *testing.T) {
	for _, tt := range []struct {
		name, marker, want string
	}{
		{"chunk text", "text-of-chunk-b", `committed chunk "b" fails its checksum`},
		{"revision meta", "comment-of-revision-2", "the meta record of revision 2 fails its checksum"},
		{"undo record", "old-text-of-a", "the undo record of revision 2 fails its checksum"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gnos.db")
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			mustCommit(t, s, Delta{"a": []byte("old-text-of-a " + strings.Repeat("x", 64))}, RevisionMeta{Comment: "first"})
			mustCommit(t, s, Delta{"a": []byte("new"), "b": []byte("text-of-chunk-b " + strings.Repeat("y", 64))},
				RevisionMeta{Comment: "comment-of-revision-2 " + strings.Repeat("z", 64)})
			s.Close()
			if s, err := Open(path, Options{NoSync: true}); err != nil {
				t.Fatalf("intact store refused: %v", err)
			} else {
				s.Close()
			}
			damage(t, path, tt.marker, 64)
			_, err = Open(path, Options{NoSync: true})
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open of a damaged store: got %v, want ErrCorrupt naming %s and %q", err, path, tt.want)
			}
		})
	}
}

func TestOpenRefusesTruncatedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gnos.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, s, Delta{"a": []byte("1")}, RevisionMeta{})
	s.Close()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{NoSync: true})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "0 bytes") {
		t.Fatalf("Open of a truncated store: got %v, want ErrCorrupt saying it is empty", err)
	}
	if fi, _ := os.Stat(path); fi.Size() != 0 {
		t.Fatalf("the refused file was rewritten (%d bytes)", fi.Size())
	}
}
