package configd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/tree"
)

// Sentinel kinds of failure. Every error configd returns wraps one of
// them; the CLI and the NETCONF server map them once (to text and to
// rpc-error tags).
var (
	ErrNotFound   = errors.New("not found")
	ErrInvalid    = errors.New("invalid")
	ErrLocked     = errors.New("locked")
	ErrConflict   = errors.New("conflict")
	ErrLimit      = errors.New("limit exceeded")
	ErrPermission = errors.New("permission denied")
)

// Diagnostic is one problem found in a configuration, placed the way Junos
// reports it: the statement's parent path in an [edit …] banner, the
// statement, and a message.
type Diagnostic struct {
	Path      tree.Path
	Statement string
	Message   string
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
	Cause       error // a subscriber or store failure without a path
	Kind        error // the sentinel it wraps; nil means ErrInvalid
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

// Unwrap makes errors.Is(err, ErrInvalid) hold (or Kind's sentinel).
func (e *CommitError) Unwrap() error {
	if e.Kind != nil {
		return e.Kind
	}
	return ErrInvalid
}

// PathDiagnostic lets a subscriber fail validation with a Junos-style path.
func PathDiagnostic(p tree.Path, statement, format string, args ...any) error {
	return &CommitError{Diagnostics: []Diagnostic{{Path: p, Statement: statement, Message: fmt.Sprintf(format, args...)}}}
}
