package db

import (
	"errors"

	"github.com/gnos/gnos/internal/errkind"
)

// Error kinds. Every error returned by this package starts with "db: ",
// names the operation, and wraps one of gnos's error kinds (package
// errkind); test for a kind with errors.Is. The names below are that
// vocabulary's values, not a second set. The kind is not part of the
// text: a message reads "db: rollback 50: the rollback range is 0..49".
var (
	// ErrNotFound: the rollback revision is out of range or older than the
	// kept history.
	ErrNotFound = errkind.NotFound

	// ErrCorrupt: a stored record fails to decode or its checksum, a record
	// the history needs is missing, or the file is not a bbolt file at all.
	ErrCorrupt = errkind.Corrupt

	// ErrInvalid: the caller passed an argument the store cannot hold, such
	// as an empty key or one longer than bbolt's 32 KiB key limit.
	ErrInvalid = errkind.Invalid

	// ErrLocked: another process holds the file lock past Options.Timeout.
	ErrLocked = errkind.Locked
)

// ErrSchema: the file's schema version is newer than this code knows, or
// the file holds buckets but no schema version (another program's bbolt
// file). It is not a kind of the shared vocabulary: Open refuses such a
// file at start-up, so it never reaches a CLI or NETCONF client.
var ErrSchema = errors.New("unsupported schema")
