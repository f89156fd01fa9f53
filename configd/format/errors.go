package format

import (
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd/tree"
)

// Directive operations.
const (
	OpReplace   = "replace"   // delete the statement, then merge the new one
	OpDelete    = "delete"    // delete the statement (NETCONF delete and remove)
	OpCreate    = "create"    // NETCONF create: the statement must not exist yet
	OpActive    = "active"    // activate the statement after merging
	OpInactive  = "inactive"  // deactivate the statement after merging
	OpProtect   = "protect"   // protect the statement after merging
	OpUnprotect = "unprotect" // unprotect the statement after merging
)

// netconfOp maps a NETCONF operation attribute (XML operation="…", JSON
// "@": {"operation": …}) to its Directive op: "" for merge, the default.
func netconfOp(v string) (op string, ok bool) {
	switch v {
	case "merge":
		return "", true
	case "replace":
		return OpReplace, true
	case "create":
		return OpCreate, true
	case "delete", "remove":
		return OpDelete, true
	}
	return "", false
}

// Directive is an instruction carried by loaded configuration that the
// parsed tree cannot express: a Junos `replace:` / `delete:` / `active:` /
// `inactive:` tag, or an XML / JSON operation. Path is from the parser's
// root; a last step with All names every entry of a list or leaf-list.
// Apply delete, replace and create before merging the parsed tree and
// active and inactive after it; their order within each group does not
// matter (XML and JSON report a statement's directives where it ends).
type Directive struct {
	Path tree.Path
	Op   string
}

func (d Directive) String() string { return d.Op + " " + d.Path.String() }

// ParseError is a syntax or type error in loaded configuration, located by
// line and column (1-based; the column counts bytes).
type ParseError struct {
	Source string // "terminal" for text and set input, "xml", "json"; callers may set a file name
	Line   int
	Col    int
	Msg    string
	// Where a load that goes on past errors (ParseTextAll, ApplySetAll)
	// met it: the [edit …] banner and the statement's text.
	Edit      string
	Statement string

	fatal bool // the lexer cannot go on (unterminated string or comment)
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Source, e.Line, e.Col, e.Msg)
}

// ParseErrors are the errors of a load that went on past them.
type ParseErrors []*ParseError

func (es ParseErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", es[0].Error(), len(es)-1)
}

// SetSource names the input in every error (a file's name when loading
// a file).
func (es ParseErrors) SetSource(name string) {
	for _, e := range es {
		e.Source = name
	}
}

// position converts a byte offset of src into a 1-based line and column.
func position(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(src[:off], "\n")
	col = off - strings.LastIndexByte(src[:off], '\n')
	return line, col
}

func errorAt(source, src string, off int, format string, args ...any) *ParseError {
	l, c := position(src, off)
	return &ParseError{Source: source, Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}
