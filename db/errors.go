package db

import "errors"

// Sentinel error kinds. Every error returned by this package starts with
// "db: " and names the operation; test for a kind with errors.Is. The
// sentinels themselves carry no prefix because they are always wrapped (as
// io.EOF or fs.ErrNotExist are), so a message reads
// "db: rollback 50: not found", not "db: rollback 50: db: not found".
var (
	// ErrNotFound: the rollback revision is out of range or older than the
	// kept history.
	ErrNotFound = errors.New("not found")

	// ErrCorrupt: a stored record fails to decode, a record the history needs
	// is missing, or the file is not a bbolt file at all.
	ErrCorrupt = errors.New("corrupt record")

	// ErrInvalid: the caller passed an argument the store cannot hold, such
	// as an empty key or one longer than bbolt's 32 KiB key limit.
	ErrInvalid = errors.New("invalid argument")

	// ErrLocked: another process holds the file lock past Options.Timeout.
	ErrLocked = errors.New("file locked by another process")

	// ErrSchema: the file's schema version is newer than this code knows,
	// or the file holds buckets but no schema version.
	ErrSchema = errors.New("unsupported schema")
)
