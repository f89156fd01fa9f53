// Package format reads and writes gnos configuration trees in the four
// forms Junos offers: curly-brace text (`show configuration`), set commands
// (`| display set`, `load set`), Junos XML and RFC 7951 JSON, plus the
// `show | compare` difference listing.
//
// Design: every format is driven by the compiled schema (configd/schema)
// and produces or consumes a *tree.Node directly; there is no intermediate
// document model. Writers walk the tree once and stream through a
// bufio.Writer. The text parser is a hand-written scanner over the source
// string: tokens are substrings of the input (only quoted strings with
// escapes allocate), nodes come from a slab, and a child is placed by a
// fast append when the input is already in display order (what WriteText
// prints), falling back to a binary search otherwise, so parsing is linear
// in the size of the input. XML and JSON are less hot and use the standard
// library's streaming decoders with explicit depth limits.
//
// Parsers build a fresh tree that is not yet published (nodes have no
// Editor owner): callers merge or put it with a tree.Editor. What a tree
// cannot say — `replace:` and `delete:` tags, NETCONF operation
// attributes, `active:` — comes back as Directives for configd to apply
// (replace and delete before merging the tree, active and inactive after).
//
// Round trip: for text, XML and JSON, parsing what a writer printed yields
// an equal tree (tree.Equal), annotations and inactive flags included. Set
// form has no annotations, so it round-trips everything else.
package format
