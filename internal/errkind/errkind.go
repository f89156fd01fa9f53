// Package errkind is gnos's one vocabulary of failure kinds: not found,
// invalid, exists, locked, conflict, limit, corrupt and permission.
//
// Every package that reports a failure a user can act on (db, configd,
// servicesd, pic) returns an error wrapping one of these kinds, and each
// edge translates kinds exactly once: the CLI to terminal text
// (cli.errorText), NETCONF to rpc-error tags (netconf.toRPCErrors). The
// sentinels are tested with errors.Is, as io.EOF or fs.ErrNotExist are.
//
// The kind is structure, not text: an error made by Errorf reads as its
// message alone ("rollback 50 is not in the history"), never with the
// kind appended ("…: not found"), so no edge has to strip suffixes. The
// trade-off is that a message must say in words what went wrong; the kind
// only classifies it. When a kinded error wraps another kinded error the
// outer kind wins (Of looks outside in).
//
// This package imports nothing of gnos, so every layer may use it.
package errkind

import (
	"errors"
	"fmt"
)

// Kind is one class of failure. The values below are the only ones.
type Kind struct{ name string }

// Error makes a Kind usable as an errors.Is target; its text is the
// kind's name, for logs only.
func (k *Kind) Error() string { return k.name }

// String is the kind's name ("not found").
func (k *Kind) String() string { return k.name }

// The kinds.
var (
	// NotFound: the thing named (a statement, a rollback revision, a
	// service-set, a session) is not there.
	NotFound = &Kind{"not found"}
	// Invalid: the request is malformed or names a value out of range.
	Invalid = &Kind{"invalid"}
	// Exists: the request would create what already exists.
	Exists = &Kind{"exists"}
	// Locked: someone else holds the lock the request needs.
	Locked = &Kind{"locked"}
	// Conflict: the request collides with another session's changes.
	Conflict = &Kind{"conflict"}
	// Limit: the request exceeds a configured or built-in bound.
	Limit = &Kind{"limit exceeded"}
	// Corrupt: stored data is damaged (fails to decode, fails its
	// checksum, or a record the store needs is missing).
	Corrupt = &Kind{"corrupt"}
	// Permission: the user's login class does not allow the request.
	Permission = &Kind{"permission denied"}
)

// All lists the kinds, for tables and tests.
var All = []*Kind{NotFound, Invalid, Exists, Locked, Conflict, Limit, Corrupt, Permission}

// Error is a failure of one kind. Its text is the message alone.
type Error struct {
	Kind *Kind
	err  error // the message, with any cause it wraps (%w)
}

// Errorf returns an error of kind k whose text is fmt.Sprintf(format,
// args...). As with fmt.Errorf, a %w verb wraps its operand, so
// errors.Is and errors.As reach both k and the cause.
func Errorf(k *Kind, format string, args ...any) error {
	return &Error{Kind: k, err: fmt.Errorf(format, args...)}
}

// Wrap returns err classified as kind k, its text unchanged; nil stays
// nil.
func Wrap(k *Kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: k, err: err}
}

func (e *Error) Error() string { return e.err.Error() }

// Unwrap yields the kind first, then the message and its cause.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.err} }

// Of returns the outermost kind err wraps, or nil for an error of no
// kind (which the edges report as a plain failure).
func Of(err error) *Kind {
	var k *Kind
	if errors.As(err, &k) {
		return k
	}
	return nil
}

// Is reports whether err is of kind k (errors.Is(err, k)).
func Is(err error, k *Kind) bool { return errors.Is(err, k) }

// Name is the kind of err as a string for a wire message ("" for none);
// Parse turns it back. Daemons that answer over IPC send it beside the
// message, so a kind survives a process boundary.
func Name(err error) string {
	if k := Of(err); k != nil {
		return k.name
	}
	return ""
}

// Parse returns the kind named name, or nil.
func Parse(name string) *Kind {
	for _, k := range All {
		if k.name == name {
			return k
		}
	}
	return nil
}
