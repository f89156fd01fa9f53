package netconf_test

// TestConcurrentWritersLoseNothing (docs/reliability.md): writers in every
// way of editing — NETCONF private, shared and exclusive (<lock>), CLI
// `configure private`, `configure` and `configure exclusive` — each own one
// statement (applications application wr-W destination-port N, N counting
// up) and write it over and over for a bounded time (GNOS_WRITERS_TIME,
// default 4s; 2s with -short). Every writer records what it was told.
// A silent loss is any of:
//
//   - a commit acknowledged, but the committed configuration read right
//     after does not hold the value the writer had set;
//   - at the end, a writer's committed value differs from what it was told:
//     the last acknowledged value for private and exclusive writers (their
//     refused or abandoned edits are discarded), and for shared writers a
//     value between the last acknowledged and the last set (another shared
//     user's commit may carry a shared edit), with the shared candidate
//     still holding the last value set;
//   - the commit log's sequence numbers advanced by other than the number
//     of acknowledged commits.
//
// The test fails on any silent loss and logs the figures.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/testconfig"
)

// writer is one writer's record of what it was told.
type writer struct {
	id, mode  string // mode: "netconf private", "cli shared", …
	shared    bool   // edits the shared candidate without holding the lock
	lastSet   int    // last value a load or set was acknowledged for
	lastAcked int    // value at the last acknowledged commit (0: none)
	acked     int    // commits acknowledged
	told      map[string]int
	losses    []string
}

func (w *writer) tell(kind string) { w.told[kind]++ }

func (w *writer) lose(format string, args ...any) {
	w.losses = append(w.losses, fmt.Sprintf("%s (%s): ", w.id, w.mode)+fmt.Sprintf(format, args...))
}

var portRe = regexp.MustCompile(`destination-port (\d+);`)

// committedPort reads wr-W's committed destination-port out of text (0:
// absent).
func committedPort(text string) int {
	m := portRe.FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

func TestConcurrentWritersLoseNothing(t *testing.T) {
	dur := time.Duration(testconfig.EnvInt("GNOS_WRITERS_TIME", 4)) * time.Second
	if testing.Short() {
		dur = 2 * time.Second
	}
	seed, err := strconv.ParseUint(os.Getenv("GNOS_WRITERS_SEED"), 10, 64)
	if err != nil {
		seed = uint64(time.Now().UnixNano())
	}
	per := testconfig.EnvInt("GNOS_WRITERS_PER_MODE", 6)
	t.Logf("seed %d (replay with GNOS_WRITERS_SEED=%d); %d writers per mode for %v", seed, seed, per, dur)
	n, _ := startNode(t)
	startSeq := lastSeq(t, n)

	modes := []string{"netconf private", "netconf shared", "netconf exclusive", "cli private", "cli shared", "cli exclusive"}
	var ws []*writer
	var run []func()
	end := time.Now().Add(dur)
	for mi, mode := range modes {
		count := per
		if strings.HasSuffix(mode, "exclusive") {
			count = max(1, per/6) // each holds the lock for a whole edit: one is enough to contend
		}
		for i := range count {
			w := &writer{id: fmt.Sprintf("wr-%d", len(ws)), mode: mode, shared: strings.HasSuffix(mode, "shared"), told: map[string]int{}}
			ws = append(ws, w)
			rng := rand.New(rand.NewPCG(seed, uint64(mi*100+i)))
			if strings.HasPrefix(mode, "netconf") {
				c := dial(t, n, "admin", i%2 == 0)
				run = append(run, func() { netconfWriter(c, w, rng, end) })
			} else {
				c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				run = append(run, func() { cliWriter(c, w, rng, end) })
			}
		}
	}
	var wg sync.WaitGroup
	for _, f := range run {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(dur + 90*time.Second):
		t.Fatalf("writers still running 90s after the end: deadlock?")
	}

	// The final configuration and the shared candidate against each record.
	committed := n.Configd.Committed()
	s, err := n.Configd.Open("root", "test", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	cand := s.Candidate()
	s.Close()
	port := func(root *tree.Node, w *writer) int {
		a := root.ChildNamed("applications", "")
		if a == nil {
			return 0
		}
		app := a.ChildNamed("application", w.id)
		if app == nil {
			return 0
		}
		v, _ := app.Leaf("destination-port")
		p, _ := strconv.Atoi(v)
		return p
	}
	acked := 0
	for _, w := range ws {
		acked += w.acked
		got := port(committed, w)
		switch {
		case !w.shared && got != w.lastAcked:
			w.lose("final committed port %d, want %d (last acknowledged)", got, w.lastAcked)
		case w.shared && (got < w.lastAcked || got > w.lastSet):
			w.lose("final committed port %d, want between %d (last acknowledged) and %d (last set)", got, w.lastAcked, w.lastSet)
		case w.shared && port(cand, w) != w.lastSet:
			w.lose("shared candidate holds port %d, want %d (last set)", port(cand, w), w.lastSet)
		}
	}
	if seqs := lastSeq(t, n) - startSeq; seqs != uint64(acked) {
		t.Errorf("commit log advanced by %d revisions, but %d commits were acknowledged", seqs, acked)
	}
	losses, perMode, told := 0, map[string][2]int{}, map[string]int{}
	for _, w := range ws {
		for _, l := range w.losses {
			t.Error("silent loss: " + l)
		}
		losses += len(w.losses)
		pm := perMode[w.mode]
		pm[0] += w.acked
		perMode[w.mode] = pm
		for k, v := range w.told {
			told[k] += v
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "writers: %d (%d per mode, a sixth of that exclusive) for %v: %d commits acknowledged, %d silent losses; acknowledged by mode:", len(ws), per, dur, acked, losses)
	for _, m := range modes {
		fmt.Fprintf(&b, " %s %d,", m, perMode[m][0])
	}
	keys := make([]string, 0, len(told))
	for k := range told {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString(" told:")
	for _, k := range keys {
		fmt.Fprintf(&b, " %q %d,", k, told[k])
	}
	t.Log(strings.TrimSuffix(b.String(), ","))
	if acked == 0 {
		t.Error("no commit acknowledged: the writers did nothing")
	}
	for _, m := range modes {
		if perMode[m][0] == 0 {
			t.Errorf("no %s commit acknowledged: that mode was not exercised", m)
		}
	}
}

func lastSeq(t *testing.T, n *compose.Node) uint64 {
	t.Helper()
	h, err := n.Configd.History()
	if err != nil || len(h) == 0 {
		t.Fatalf("history: %v (%d revisions)", err, len(h))
	}
	return h[0].Seq
}

func netconfWriter(c *client, w *writer, rng *rand.Rand, end time.Time) {
	rpc := func(body string) ([]string, bool) {
		r, err := c.try(body)
		if err != nil {
			w.lose("transport: %v", err)
			return nil, false
		}
		return errorsOf(r), true
	}
	readBack := func() int {
		r, err := c.try(`<get-configuration database="committed" format="text"><configuration><applications><application><name>` + w.id + `</name></application></applications></configuration></get-configuration>`)
		if err != nil {
			w.lose("transport: %v", err)
			return -1
		}
		return committedPort(r.Value("configuration-text"))
	}
	for time.Now().Before(end) && len(w.losses) == 0 {
		next := w.lastSet + 1 + rng.IntN(3)
		var open, closeOp string
		switch w.mode {
		case "netconf private":
			open, closeOp = `<open-configuration><private/></open-configuration>`, `<close-configuration/>`
		case "netconf exclusive":
			open, closeOp = `<lock-configuration/>`, `<unlock-configuration/>`
		}
		if open != "" {
			errs, ok := rpc(open)
			if !ok {
				return
			}
			if len(errs) > 0 {
				w.tell(refusalKind(errs))
				continue
			}
		}
		set := fmt.Sprintf("set applications application %s protocol udp\nset applications application %s destination-port %d", w.id, w.id, next)
		errs, ok := rpc(`<load-configuration action="set" format="text"><configuration-set>` + set + `</configuration-set></load-configuration>`)
		if !ok {
			return
		}
		if len(errs) > 0 {
			w.tell(refusalKind(errs))
		} else {
			w.lastSet = next
			errs, ok = rpc(`<commit-configuration/>`)
			if !ok {
				return
			}
			if len(errs) > 0 {
				w.tell(refusalKind(errs))
			} else {
				w.acked++
				w.lastAcked = next
				if got := readBack(); got != next {
					w.lose("commit of port %d acknowledged, committed configuration read right after has %d", next, got)
				}
			}
		}
		if closeOp != "" {
			if errs, ok := rpc(closeOp); !ok || len(errs) > 0 {
				w.lose("%s: %v", closeOp, errs)
				return
			}
			if !w.shared {
				w.lastSet = w.lastAcked // the private or locked candidate is gone
			}
		}
		for w.mode == "netconf exclusive" && rng.IntN(4) > 0 { // a lock holder mostly reads, as a script would
			if _, ok := rpc(`<get-commit-information/>`); !ok {
				return
			}
		}
	}
}

func cliWriter(c *cli.Client, w *writer, rng *rand.Rand, end time.Time) {
	exec := func(line string) (*cli.Response, bool) {
		r, err := c.Exec(line)
		for err == nil && r.Question != "" {
			r, err = c.Exec("yes")
		}
		if err != nil {
			w.lose("%s: %v", line, err)
			return nil, false
		}
		return r, true
	}
	enter := map[string]string{"cli private": "configure private", "cli shared": "configure", "cli exclusive": "configure exclusive"}[w.mode]
	for time.Now().Before(end) && len(w.losses) == 0 {
		r, ok := exec(enter)
		if !ok {
			return
		}
		if r.Failed {
			w.tell(refusalKind([]string{r.Output}))
			continue
		}
		next := w.lastSet + 1 + rng.IntN(3)
		r, ok = exec(fmt.Sprintf("set applications application %s protocol udp", w.id))
		if ok && !r.Failed {
			r, ok = exec(fmt.Sprintf("set applications application %s destination-port %d", w.id, next))
		}
		if !ok {
			return
		}
		if r.Failed {
			w.tell(refusalKind([]string{r.Output}))
		} else {
			w.lastSet = next
			if r, ok = exec("commit"); !ok {
				return
			}
			switch {
			case strings.Contains(r.Output, "commit complete"):
				w.acked++
				w.lastAcked = next
				rb, ok := exec("run show configuration applications application " + w.id)
				if !ok {
					return
				}
				if got := committedPort(rb.Output); got != next {
					w.lose("commit of port %d acknowledged, committed configuration read right after has %d", next, got)
				}
			case r.Failed:
				w.tell(refusalKind([]string{r.Output}))
			default:
				w.lose("commit: neither complete nor failed: %q", r.Output)
				return
			}
		}
		if _, ok = exec("exit"); !ok {
			return
		}
		if !w.shared {
			w.lastSet = w.lastAcked
		}
		for w.mode == "cli exclusive" && rng.IntN(4) > 0 { // a lock holder mostly reads, as a person would
			if _, ok = exec("show system commit"); !ok {
				return
			}
		}
	}
}
