// Package db is the bbolt persistence of gnos's configuration store: the
// committed configuration (revision 0), the rollback history (revisions
// 1..49) with each revision's metadata, the shared candidate (which survives
// a restart, as in Junos), and small named state blobs and counters.
//
// The store does not know configuration syntax, except in the migrations
// that follow a change of the statements' shapes (shapes.go, which uses
// configd/tree's chunk encoding). configd cuts the tree into
// chunks, each a key (e.g. "services\x00service-set\x00S1") holding opaque
// text, and everything here is stored per chunk so that a commit costs what
// it changed, not the size of the configuration (10,000 service-sets, 300,000
// lines):
//
//   - committed: one bbolt key per chunk of revision 0.
//   - revisions: the RevisionMeta of revisions 0..49, keyed by sequence.
//   - undo: for revisions 0..48, the reverse delta of the commit that made
//     each one: the text every chunk it changed had before (or "absent").
//     Revision n is rebuilt by overlaying the undo records of revisions
//     0..n-1 on the committed chunks. A commit writes the changed chunks,
//     one small undo record and one meta record, and drops the record that
//     falls out of the 50-revision window.
//   - candidate: the shared candidate as a delta against committed, holding
//     only the chunks that differ; a commit clears it.
//   - state, counters: small blobs and uint64 counters (commit confirmed,
//     commit at, service-set ids and generations).
//   - meta: the schema version.
//
// Trade-offs: reverse deltas make a commit write O(change) bytes and make
// rollback n read n small records, cheap with n ≤ 49, but a full copy of a
// revision still copies every chunk; configd loads Committed once at start-up
// and uses RollbackDelta (only the chunks that differ) for "rollback N" and
// "show | compare rollback N". A commit that replaces the whole configuration
// stores a whole copy in its undo record, as it must.
//
// Records use a small hand-written binary encoding (uvarints and
// length-prefixed strings, described in record.go) rather than gob or JSON:
// no reflection and no schema preamble per record, and decoding copies only
// what the caller keeps. Values returned never alias bbolt memory.
//
// Every mutating call is one bbolt transaction, fsynced unless
// Options.NoSync, so after a crash (kill -9 included) the file holds the old
// or the new state, never a mix. The schema is versioned: Open runs the
// ordered migrations from the file's version to the code's in one
// transaction and refuses a file written by newer code. A Store is safe for
// concurrent use: bbolt runs readers concurrently and serialises writers.
package db

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/gnos/gnos/internal/errkind"
)

// MaxRollback is the oldest revision kept: rollback 0 (committed) through
// rollback 49, as in Junos.
const MaxRollback = 49

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// Delta maps chunk keys to their new text. A nil value means the chunk is
// deleted (absent); an empty non-nil value is a chunk with empty text.
type Delta map[string][]byte

// Client is the management interface a revision was committed through.
type Client string

// Clients, as "show system commit" prints them after "via".
const (
	ClientCLI     Client = "cli"
	ClientNETCONF Client = "netconf"
	ClientGRPC    Client = "grpc"   // gNMI Set
	ClientSystem  Client = "system" // automatic rollback of commit confirmed, commit at
)

// RevisionMeta describes one revision of the configuration.
type RevisionMeta struct {
	Seq     uint64    // commit sequence number, assigned by Commit, from 1
	Time    time.Time // commit time as the caller's clock gave it; returned in UTC
	User    string
	Client  Client
	Comment string // commit comment "…"; empty when none
	// ConfirmDeadline is when a commit confirmed rolls back unless
	// confirmed; zero for a plain commit.
	ConfirmDeadline time.Time
}

// Options tune Open.
type Options struct {
	// Timeout bounds the wait for the file lock another process holds; zero
	// means DefaultTimeout. When it expires Open returns ErrLocked.
	Timeout time.Duration
	// NoSync skips fsync. A process crash still loses nothing, but a machine
	// crash can lose or corrupt the file: for benchmarks and tests only.
	NoSync bool
}

// Store is an open store file. Its methods are safe for concurrent use.
type Store struct {
	bolt    *bolt.DB
	version int
}

// Bucket names.
var (
	bucketMeta      = []byte("meta")
	bucketCommitted = []byte("committed")
	bucketRevisions = []byte("revisions")
	bucketUndo      = []byte("undo")
	bucketCandidate = []byte("candidate")
	bucketState     = []byte("state")
	bucketCounters  = []byte("counters")
)

// Open opens the store file at path, creating it with mode 0600 when it does
// not exist, and migrates it to the current schema version. A new file is
// built beside path and linked into place, so a crash during creation leaves
// no file or a complete one. Only one process may hold the file open; Open
// waits up to opts.Timeout for it.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if fi, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := create(path, opts); err != nil {
			return nil, fmt.Errorf("db: create %s: %w", path, err)
		}
	} else if err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		return nil, errkind.Errorf(errkind.Corrupt, "db: open %s: %w", path, errEmptyFile)
	}
	bdb, err := openBolt(path, timeout, opts.NoSync)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, errkind.Errorf(errkind.Locked, "db: open %s: the file is locked by another process (waited %v)", path, timeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch):
		return nil, errkind.Errorf(errkind.Corrupt, "db: open %s: the store is damaged: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	var version int
	err = bdb.Update(func(tx *bolt.Tx) error {
		var err error
		version, err = migrate(tx, migrations)
		return err
	})
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	if err := verify(bdb); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("db: open %s: the store is damaged: %w", path, err)
	}
	removeStaleTemps(path)
	return &Store{bolt: bdb, version: version}, nil
}

func openBolt(path string, timeout time.Duration, noSync bool) (*bolt.DB, error) {
	return bolt.Open(path, 0o600, &bolt.Options{
		Timeout: timeout,
		NoSync:  noSync,
		// The hashmap freelist stays fast when the file fragments.
		FreelistType: bolt.FreelistMapType,
		// The freelist is not written by every transaction (its size
		// follows the file's, so every commit and candidate write paid
		// for the whole configuration): bbolt rebuilds it at open from
		// the pages reachable from the meta page, which verify reads
		// anyway. Crash safety is unchanged, the meta page still
		// switches last.
		NoFreelistSync: true,
	})
}

// create makes a new store file atomically: it initialises and migrates a
// temporary file beside path, then links it into place. A crash leaves no
// file or a complete one, never a half-written bbolt header that the next
// Open would refuse. Linking never replaces a file another process created
// meanwhile; that file is used instead.
func create(path string, opts Options) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Close(); err != nil {
		return err
	}
	bdb, err := openBolt(tmp, DefaultTimeout, opts.NoSync)
	if err != nil {
		return err
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		_, err := migrate(tx, migrations)
		return err
	})
	if cerr := bdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if _, serr := os.Lstat(path); serr == nil {
			return nil
		}
		return err
	}
	if opts.NoSync {
		return nil
	}
	return syncDir(filepath.Dir(path))
}

// tempInfix marks the temporary files of create: "gnos.db.new-123".
const tempInfix = ".new-"

// removeStaleTemps removes what a crash in create left behind. It runs once
// Open holds the file lock; a create racing with it still ends well, because
// create uses the existing file when its own link fails.
func removeStaleTemps(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), base+tempInfix) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close releases the file. It waits for running transactions to finish.
func (s *Store) Close() error {
	if err := s.bolt.Close(); err != nil {
		return fmt.Errorf("db: close: %w", err)
	}
	return nil
}

// SchemaVersion is the schema version of the open file, which Open has
// brought to the version this code writes.
func (s *Store) SchemaVersion() int { return s.version }

// update runs fn in one write transaction and prefixes its error with op.
func (s *Store) update(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.bolt.Update(fn); err != nil {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	return nil
}

// view runs fn in one read transaction and prefixes its error with op.
func (s *Store) view(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.bolt.View(fn); err != nil {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	return nil
}

// checkKey refuses a key bbolt cannot store.
func checkKey(what, key string) error {
	switch {
	case key == "":
		return errkind.Errorf(errkind.Invalid, "empty %s key", what)
	case len(key) > maxSummedKey:
		return errkind.Errorf(errkind.Invalid, "%s key of %d bytes (limit %d)", what, len(key), maxSummedKey)
	}
	return nil
}

func checkKeys[V any](what string, m map[string]V) error {
	for k := range m {
		if err := checkKey(what, k); err != nil {
			return err
		}
	}
	return nil
}

// bucket returns a top-level bucket that migrations created.
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b := tx.Bucket(name)
	if b == nil {
		return nil, errkind.Errorf(errkind.Corrupt, "bucket %q missing", name)
	}
	return b, nil
}

func u64Key(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func parseU64(what string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, errkind.Errorf(errkind.Corrupt, "%s of %d bytes, want 8", what, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}
