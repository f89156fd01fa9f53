package configd

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/errkind"
)

// Kinds of failure. Every error configd returns wraps one of gnos's error
// kinds (package errkind); the CLI and the NETCONF server map them once
// (to text and to rpc-error tags). These names are the shared values,
// kept so call sites read as configd's, not a second set.
var (
	ErrNotFound   = errkind.NotFound
	ErrInvalid    = errkind.Invalid
	ErrExists     = errkind.Exists
	ErrLocked     = errkind.Locked
	ErrConflict   = errkind.Conflict
	ErrLimit      = errkind.Limit
	ErrCorrupt    = errkind.Corrupt
	ErrPermission = errkind.Permission
)

// HeldError is a failure because another management session holds what
// the request needs (the shared candidate it modified, the lock): Holder
// is that session's management id (SessionInfo.Owner: a CLI session's id
// or a NETCONF session-id), which NETCONF puts in the rpc-error's
// error-info <session-id>; 0 when no management session is known to hold
// it. Its kind and text are Err's.
type HeldError struct {
	Err    error
	Holder int
}

func (e *HeldError) Error() string { return e.Err.Error() }
func (e *HeldError) Unwrap() error { return e.Err }

// Diagnostic is one problem found in a configuration, placed the way Junos
// reports it: the statement's parent path in an [edit …] banner, the
// statement, and a message.
type Diagnostic struct {
	Path      tree.Path
	Statement string
	Message   string
	AppTag    string // RFC 7950 section 15's error-app-tag (validate.App*), or ""
}

// Format renders d in Junos layout:
//
//	[edit system login user bob]
//	  'class'
//	    Missing mandatory statement: 'class'
func (d Diagnostic) Format() string {
	var b strings.Builder
	b.WriteString(d.Path.Edit())
	b.WriteString("\n")
	if d.Statement != "" {
		fmt.Fprintf(&b, "  '%s'\n    %s\n", d.Statement, d.Message)
	} else {
		fmt.Fprintf(&b, "  %s\n", d.Message)
	}
	return b.String()
}

// CommitError is a failed commit or commit check: nothing was changed.
type CommitError struct {
	Diagnostics []Diagnostic
	Cause       error         // a subscriber or store failure without a path
	Kind        *errkind.Kind // nil: Cause's kind, or else ErrInvalid
}

func (e *CommitError) Error() string {
	var b strings.Builder
	for _, d := range e.Diagnostics {
		b.WriteString(d.Format())
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, "error: %v\n", e.Cause)
	}
	b.WriteString("error: configuration check-out failed")
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) hold (or that of Kind, or of
// Cause's kind: a commit that failed on a damaged store is corruption),
// and reaches Cause.
func (e *CommitError) Unwrap() []error {
	k := e.Kind
	if k == nil {
		k = errkind.Of(e.Cause)
	}
	if k == nil {
		k = ErrInvalid
	}
	if e.Cause == nil {
		return []error{k}
	}
	return []error{k, e.Cause}
}

// PathDiagnostic lets a subscriber fail validation with a Junos-style path.
func PathDiagnostic(p tree.Path, statement, format string, args ...any) error {
	return &CommitError{Diagnostics: []Diagnostic{{Path: p, Statement: statement, Message: fmt.Sprintf(format, args...)}}}
}
