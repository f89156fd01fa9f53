package db

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeBolt creates a raw bbolt file at path and lets fn fill it.
func writeBolt(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenMigrates(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		wantErr error
	}{
		{name: "no file", prepare: func(*testing.T, string) {}},
		// Store files are created whole: one of 0 bytes was truncated, and
		// treating it as new would start a factory-empty system.
		{name: "zero-length file is refused", wantErr: ErrCorrupt, prepare: func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "empty bbolt file (version 0)", prepare: func(t *testing.T, path string) {
			writeBolt(t, path, func(*bolt.Tx) error { return nil })
		}},
		{name: "current version", prepare: func(t *testing.T, path string) {
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "newer version is refused", wantErr: ErrSchema, prepare: func(t *testing.T, path string) {
			writeBolt(t, path, func(tx *bolt.Tx) error {
				if err := migrateCreateBuckets(tx); err != nil {
					return err
				}
				return tx.Bucket(bucketMeta).Put(keySchema, u64Key(uint64(len(migrations)+1)))
			})
		}},
		{name: "foreign bbolt file is refused", wantErr: ErrSchema, prepare: func(t *testing.T, path string) {
			writeBolt(t, path, func(tx *bolt.Tx) error {
				_, err := tx.CreateBucket([]byte("someone-else"))
				return err
			})
		}},
		{name: "garbled version is corrupt", wantErr: ErrCorrupt, prepare: func(t *testing.T, path string) {
			writeBolt(t, path, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket(bucketMeta)
				if err != nil {
					return err
				}
				return b.Put(keySchema, []byte{1})
			})
		}},
		{name: "not a bbolt file", wantErr: ErrCorrupt, prepare: func(t *testing.T, path string) {
			if err := os.WriteFile(path, make([]byte, 64<<10), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gnos.db")
			tt.prepare(t, path)
			s, err := Open(path, Options{NoSync: true})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Open: got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			defer s.Close()
			if got := s.SchemaVersion(); got != len(migrations) {
				t.Errorf("SchemaVersion: got %d, want %d", got, len(migrations))
			}
			// The migrated file works.
			if _, err := s.Commit(Delta{"a": []byte("1")}, RevisionMeta{}, nil); err != nil {
				t.Errorf("Commit: got error %v, want nil", err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("file mode: got %v, %v, want 0600", fi.Mode().Perm(), err)
			}
		})
	}
}

// TestMigrationsRunInOrder runs a made-up chain of migrations: they run in
// order from the file's version, and a failing one leaves the file as it
// was.
func TestMigrationsRunInOrder(t *testing.T) {
	var ran []int
	step := func(n int) migration {
		return migration{name: "step", fn: func(tx *bolt.Tx) error {
			ran = append(ran, n)
			if n == 0 {
				return migrateCreateBuckets(tx)
			}
			return nil
		}}
	}
	failing := migration{name: "broken", fn: func(*bolt.Tx) error { return errors.New("boom") }}
	path := filepath.Join(t.TempDir(), "gnos.db")
	bdb, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	run := func(migs []migration) (int, error) {
		var v int
		err := bdb.Update(func(tx *bolt.Tx) error {
			var err error
			v, err = migrate(tx, migs)
			return err
		})
		return v, err
	}
	version := func() int {
		var v int
		if err := bdb.View(func(tx *bolt.Tx) error {
			var err error
			v, err = schemaVersion(tx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name        string
		migs        []migration
		wantVersion int
		wantRan     []int
		wantErr     bool
	}{
		{"empty file to 2", []migration{step(0), step(1)}, 2, []int{0, 1}, false},
		{"2 to 4 runs only the new steps", []migration{step(0), step(1), step(2), step(3)}, 4, []int{2, 3}, false},
		{"failing step rolls back", []migration{step(0), step(1), step(2), step(3), step(4), failing}, 4, []int{4}, true},
		{"already current", []migration{step(0), step(1), step(2), step(3)}, 4, nil, false},
		{"older code refuses", []migration{step(0), step(1)}, 4, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = nil
			if _, err := run(tt.migs); (err != nil) != tt.wantErr {
				t.Fatalf("migrate: got error %v, want error %v", err, tt.wantErr)
			}
			if got := version(); got != tt.wantVersion {
				t.Errorf("version: got %d, want %d", got, tt.wantVersion)
			}
			if !reflect.DeepEqual(ran, tt.wantRan) {
				t.Errorf("ran: got %v, want %v", ran, tt.wantRan)
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	s, path := openTemp(t)
	_ = s
	_, err := Open(path, Options{Timeout: 50 * time.Millisecond, NoSync: true})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: got error %v, want ErrLocked", err)
	}
}

func TestOpenRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gnos.db")
	stale := path + tempInfix + "12345"
	other := filepath.Join(dir, "other.db.new-1")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := reopen(t, nil, path)
	_ = s
	tests := []struct {
		path       string
		wantExists bool
	}{
		{stale, false},
		{other, true},
		{path, true},
	}
	for _, tt := range tests {
		_, err := os.Stat(tt.path)
		if got := err == nil; got != tt.wantExists {
			t.Errorf("%s exists: got %v, want %v", filepath.Base(tt.path), got, tt.wantExists)
		}
	}
}
