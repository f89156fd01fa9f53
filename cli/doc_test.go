package cli_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/testkit"
)

// TestReference keeps docs/cli.md in step with the command table and the
// schema; -update rewrites it.
func TestReference(t *testing.T) {
	n, _ := startNode(t)
	var b bytes.Buffer
	cli.WriteReference(&b, n.CLI.Ops, n.Configd.Schema().Root)
	const path = "../docs/cli.md"
	if *testkit.Update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatalf("docs/cli.md is stale: run go test ./cli -run TestReference -update")
	}
}
