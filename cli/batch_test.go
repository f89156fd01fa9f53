package cli_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
)

// oneLineAtATime hands out one line per Read, as a person typing does:
// the script front end never finds a second line buffered, so it sends
// each line alone.
type oneLineAtATime struct{ lines []string }

func (r *oneLineAtATime) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0]+"\n")
	r.lines = r.lines[1:]
	return n, nil
}

const batchScript = `configure
set system host-name batched
set routing-options static route 10.1.0.0/16 next-hop 192.0.2.1
set routing-options static route 10.2.0.0/16 next-hop 192.0.2.1
set system frobnicate 1
# a comment inside the paste

set system login user bob class super-user
set system login user bob authentication plain-text-password
edit routing-options static
set route 10.3.0.0/16 next-hop 192.0.2.1
up
top
delete system host-name
set system host-name batched-again
show | compare
exit configuration-mode
`

func runScriptFrom(t *testing.T, in io.Reader) (string, *compose.Node) {
	t.Helper()
	n, _ := startNode(t)
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out strings.Builder
	if _, err := cli.RunScript(c, in, &out, true); err != nil {
		t.Fatal(err)
	}
	return out.String(), n
}

// TestScriptBatchesReadLikeLineByLine: a script whose lines are all there
// at once (batches of edits, a question in the middle, a syntax error
// with its caret, moves between levels) prints exactly what the same
// lines typed one by one print (show | compare included: the same
// candidate).
func TestScriptBatchesReadLikeLineByLine(t *testing.T) {
	batched, _ := runScriptFrom(t, strings.NewReader(batchScript))
	typed, _ := runScriptFrom(t, &oneLineAtATime{lines: strings.Split(strings.TrimSuffix(batchScript, "\n"), "\n")})
	if batched != typed {
		t.Fatalf("batched script output differs from line by line:\nbatched:\n%s\nline by line:\n%s", batched, typed)
	}
	for _, want := range []string{"+     host-name batched-again;", "10.3.0.0/16", "syntax error", "New password:"} {
		if !strings.Contains(batched, want) {
			t.Errorf("script output lacks %q:\n%s", want, batched)
		}
	}
}

// TestExecBatchDurable: the edits of a batch are in the store when its
// replies come back (the candidate survives a crash after them), and a
// batch stops at a question, leaving the rest to the front end.
func TestExecBatchDurable(t *testing.T) {
	n, _ := startNode(t)
	s := n.CLI.NewSession("root", "cli")
	defer s.Close()
	ctx := context.Background()
	s.Exec(ctx, "configure")
	reps := s.ExecBatch(ctx, []string{
		"set system host-name from-batch",
		"set routing-options static route 10.9.0.0/16 next-hop 192.0.2.1",
		"set system login user bob authentication plain-text-password",
		"set system domain-name not-run.example",
	})
	if len(reps) != 3 || reps[2].Question == "" {
		t.Fatalf("the batch should stop at the password question: %d replies, last %+v", len(reps), reps[len(reps)-1])
	}
	d, err := n.Store.Candidate()
	if err != nil {
		t.Fatal(err)
	}
	var stored strings.Builder
	for k, v := range d {
		stored.WriteString(k + " " + string(v) + "\n")
	}
	for _, want := range []string{"from-batch", "10.9.0.0/16"} {
		if !strings.Contains(stored.String(), want) {
			t.Errorf("stored candidate lacks %s after the batch replied:\n%s", want, stored.String())
		}
	}
	if strings.Contains(stored.String(), "not-run") {
		t.Errorf("a line after the question ran")
	}
}
