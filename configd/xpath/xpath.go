// Package xpath evaluates the XPath 1.0 expressions of YANG must and when
// statements (and leafref paths) over gnos configuration trees.
//
// Expressions are compiled once (Compile caches by source text: the schema
// holds a bounded set of them) and evaluated many times, on every commit.
// Evaluation works on *tree.Node directly rather than on a DOM: tree
// nodes have no parent pointers (trees share structure), so a node-set
// element (Node) carries a link to the ancestor it was reached from, and
// a context is the context node's ancestor chain. List entries do not
// store their key leaves, so a step to a key leaf (`../name`) yields a
// virtual leaf answered from the entry's Key; a leaf whose default is in
// use is likewise visible with its default value, as RFC 7950 section 6.4.1
// asks (only for leaves outside choices). Inactive statements are not part
// of the active configuration and are invisible.
//
// Supported: absolute and relative location paths with the child, parent,
// self, descendant(-or-self) and ancestor(-or-self) axes, `.`, `..`, `//`,
// `*` and node() tests, namespace prefixes (ignored: names are unique
// within a parent), predicates (boolean and positional), filter
// expressions (`current()/../x`), the operators or, and, =, !=, <, <=, >,
// >=, +, -, *, div, mod, unary minus and |, with XPath 1.0's comparison
// rules (node-sets compare existentially, numbers numerically), and the
// functions of the core library that make sense on configuration data
// (see functions) plus YANG's current(), re-match(), derived-from() and
// derived-from-or-self(). Not supported, rejected at compile time:
// variables, attributes, the following/preceding axes, text(), comment(),
// processing-instruction(), id(), lang() and YANG's deref(), enum-value()
// and bit-is-set().
//
// Two evaluation shortcuts keep must and leafref checks off linear scans:
// a step `list[key = E]` whose E does not depend on the context node
// (a literal, current()/…, an absolute path) looks the entry up by key
// (binary search) instead of testing every entry; and `and`/`or`
// short-circuit. Deps describes, against a schema, what an expression
// reads, which is what lets validation re-check only the expressions an
// edit can affect.
package xpath

import (
	"sync"
)

// Expr is a compiled expression. It is immutable and safe for concurrent
// use.
type Expr struct {
	src  string
	root expr
}

type compiled struct {
	e   *Expr
	err error
}

var cache sync.Map // source → compiled

// Compile compiles src, or returns the cached result of an earlier call
// with the same text. The cache is never pruned: it is meant for the
// expressions of a schema, a bounded set.
func Compile(src string) (*Expr, error) {
	if v, ok := cache.Load(src); ok {
		c := v.(compiled)
		return c.e, c.err
	}
	e, err := compile(src)
	cache.Store(src, compiled{e, err})
	return e, err
}

// compile compiles src without the cache.
func compile(src string) (*Expr, error) {
	root, err := parse(src)
	if err != nil {
		return nil, &SyntaxError{Expr: src, Err: err}
	}
	return &Expr{src: src, root: root}, nil
}

// MustCompile is Compile for expressions known to be valid; it panics on
// an error.
func MustCompile(src string) *Expr {
	e, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the expression's source text.
func (e *Expr) String() string { return e.src }

// SyntaxError reports an expression that does not compile.
type SyntaxError struct {
	Expr string
	Err  error
}

func (e *SyntaxError) Error() string { return "xpath: " + e.Expr + ": " + e.Err.Error() }

func (e *SyntaxError) Unwrap() error { return e.Err }
