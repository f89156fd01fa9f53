package validate

import (
	"testing"

	"github.com/gnos/gnos/configd/internal/testtree"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

// The shared test support (configd/internal/testtree), by the short names
// these tests use.
func testSchema(t testing.TB) *schema.Schema { return testtree.Schema(t) }

func load(t testing.TB, s *schema.Schema, lines string) *tree.Node { return testtree.Load(t, s, lines) }
