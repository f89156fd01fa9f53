package netconf_test

// TestConcurrentLoad (docs/reliability.md): 100 NETCONF sessions over SSH
// and 20 CLI sessions on the management socket edit, lock, commit and
// read at once for a bounded time (GNOS_LOAD_TIME, default 6s; 2s with
// -short). Two ledgers make lost updates visible:
//
//   - a shared counter (system domain-name cN.example.net) that every
//     session increments read-modify-write in a private session: a
//     conflict must be reported as an error, so the final counter equals
//     the number of increments acknowledged, exactly;
//   - a statement per NETCONF session (applications application lw-W
//     destination-port P) that only W writes: its committed value is the
//     last one W's commits acknowledged, never one a refused commit carried.
//
// Exclusive locks come and go meanwhile. No operation may hang (a
// watchdog dumps every goroutine and fails), and p50/p90/p99/max latency
// per operation is logged (GNOS_LOAD_REPORT=FILE also writes them).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/netconf"
)

// ledger is what the workers report, merged under mu.
type ledger struct {
	mu         sync.Mutex
	increments int                        // counter increments acknowledged
	own        int                        // own-statement commits acknowledged
	refused    map[string]int             // reported refusals by kind
	lat        map[string][]time.Duration // latency by operation
	ops        int
}

func (l *ledger) record(op string, d time.Duration) {
	l.mu.Lock()
	l.lat[op] = append(l.lat[op], d)
	l.ops++
	l.mu.Unlock()
}

func (l *ledger) refuse(kind string) {
	l.mu.Lock()
	l.refused[kind]++
	l.mu.Unlock()
}

var counterRe = regexp.MustCompile(`c(\d+)\.example\.net`)

// refusalKind classifies a reported error for the figures.
func refusalKind(msgs []string) string {
	s := strings.Join(msgs, " ")
	switch {
	case strings.Contains(s, "changed by"): // a private commit's conflict, or a shared candidate's
		return "conflict"
	case strings.Contains(s, "locked"), strings.Contains(s, "lock-denied"), strings.Contains(s, "in-use"):
		return "locked"
	case strings.Contains(s, "modified"):
		return "shared candidate modified"
	}
	return s
}

func TestConcurrentLoad(t *testing.T) {
	dur := time.Duration(testconfig.EnvInt("GNOS_LOAD_TIME", 6)) * time.Second
	if testing.Short() {
		dur = 2 * time.Second
	}
	ncSessions, cliSessions := testconfig.EnvInt("GNOS_LOAD_NETCONF", 100), testconfig.EnvInt("GNOS_LOAD_CLI", 20)
	seed, err := strconv.ParseUint(os.Getenv("GNOS_LOAD_SEED"), 10, 64)
	if err != nil {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with GNOS_LOAD_SEED=%d); %d NETCONF + %d CLI sessions for %v", seed, seed, ncSessions, cliSessions, dur)
	n, _ := startNode(t)
	admin := dial(t, n, "admin", true)
	ok(t, admin.rpc(`<load-configuration action="set" format="text"><configuration-set>set system domain-name c0.example.net</configuration-set></load-configuration>`))
	ok(t, admin.rpc(`<commit-configuration/>`))

	// Open every session first: the load starts with all of them up.
	ncs := make([]*client, ncSessions)
	var wg sync.WaitGroup
	var dialErr sync.Map
	for i := range ncs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc, err := dialSSH(t, n, "admin", password("admin"))
			if err != nil {
				dialErr.Store(i, err)
				return
			}
			t.Cleanup(func() { sc.Close() })
			c, err := openNETCONF(t, sc, i%2 == 0) // half base:1.0, half base:1.1 framing
			if err != nil {
				dialErr.Store(i, err)
				return
			}
			ncs[i] = c
		}()
	}
	clis := make([]*cli.Client, cliSessions)
	for i := range clis {
		c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		clis[i] = c
	}
	wg.Wait()
	dialErr.Range(func(k, v any) bool { t.Fatalf("session %v: %v", k, v); return false })

	l := &ledger{refused: map[string]int{}, lat: map[string][]time.Duration{}}
	lastPort := make([]int, ncSessions) // per NETCONF worker: last acknowledged port (0: none)
	end := time.Now().Add(dur)
	failures := make(chan string, ncSessions+cliSessions)
	done := make(chan struct{})
	go func() {
		var all sync.WaitGroup
		for i, c := range ncs {
			all.Add(1)
			go func() {
				defer all.Done()
				if msg := netconfWorker(c, i, rand.New(rand.NewPCG(seed, uint64(i))), end, l, &lastPort[i]); msg != "" {
					failures <- msg
				}
			}()
		}
		for i, c := range clis {
			all.Add(1)
			go func() {
				defer all.Done()
				if msg := cliWorker(c, rand.New(rand.NewPCG(seed, uint64(1000+i))), end, l); msg != "" {
					failures <- msg
				}
			}()
		}
		all.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(dur + 90*time.Second):
		buf := make([]byte, 8<<20)
		t.Fatalf("workers still running 90s after the end: deadlock?\n%s", buf[:runtime.Stack(buf, true)])
	}
	close(failures)
	for msg := range failures {
		t.Error(msg)
	}

	// The ledgers.
	r := ok(t, admin.rpc(`<get-configuration database="committed" format="text"/>`))
	text := r.Value("configuration-text")
	m := counterRe.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no counter in the committed configuration:\n%.2000s", text)
	}
	if got, _ := strconv.Atoi(m[1]); got != l.increments {
		t.Errorf("counter is %d, but %d increments were acknowledged: %s", got, l.increments,
			map[bool]string{true: "an acknowledged update was lost", false: "an update nobody acknowledged was committed"}[got < l.increments])
	}
	for w, port := range lastPort {
		re := regexp.MustCompile(`application lw-` + strconv.Itoa(w) + ` \{[^}]*destination-port (\d+);`)
		m := re.FindStringSubmatch(text)
		switch {
		case port == 0 && m != nil:
			t.Errorf("lw-%d committed with port %s, but no commit of it was acknowledged", w, m[1])
		case port != 0 && (m == nil || m[1] != strconv.Itoa(port)):
			t.Errorf("lw-%d: committed %v, want port %d (its last acknowledged commit)", w, m, port)
		}
	}
	// Still serving: a fresh session commits.
	after := dial(t, n, "admin", false)
	ok(t, after.rpc(`<load-configuration action="set" format="text"><configuration-set>set system time-zone UTC</configuration-set></load-configuration>`))
	ok(t, after.rpc(`<commit-configuration/>`))

	report := l.report(dur, ncSessions, cliSessions)
	t.Log(report)
	if f := os.Getenv("GNOS_LOAD_REPORT"); f != "" {
		if err := os.WriteFile(f, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
	if l.increments == 0 {
		t.Error("no increment acknowledged: the load did not commit")
	}
}

// netconfWorker runs one NETCONF session until end; it returns a failure
// (an unreported or wrong result), or "".
func netconfWorker(c *client, w int, rng *rand.Rand, end time.Time, l *ledger, lastPort *int) string {
	port := 0
	timed := func(op, body string) (*netconf.Node, error) {
		t0 := time.Now()
		r, err := c.try(body)
		l.record(op, time.Since(t0))
		return r, err
	}
	for time.Now().Before(end) {
		var err error
		switch p := rng.IntN(100); {
		case p < 35: // increment the shared counter in a private session
			err = privateEdit(timed, l, func(cand string) (string, bool) {
				m := counterRe.FindStringSubmatch(cand)
				if m == nil {
					return "", false
				}
				v, _ := strconv.Atoi(m[1])
				return fmt.Sprintf("set system domain-name c%d.example.net", v+1), true
			}, func() { l.mu.Lock(); l.increments++; l.mu.Unlock() })
		case p < 55: // this worker's own statement
			port++
			next := port
			err = privateEdit(timed, l, func(string) (string, bool) {
				return fmt.Sprintf("set applications application lw-%d protocol udp\nset applications application lw-%d destination-port %d", w, w, next), true
			}, func() { *lastPort = next; l.mu.Lock(); l.own++; l.mu.Unlock() })
		case p < 57: // take the exclusive lock for a moment
			r, e := timed("netconf lock", `<lock-configuration/>`)
			if err = e; err == nil {
				if errs := errorsOf(r); len(errs) > 0 {
					l.refuse(refusalKind(errs))
				} else {
					r, err = timed("netconf unlock", `<unlock-configuration/>`)
					if err == nil && len(errorsOf(r)) > 0 {
						return fmt.Sprintf("netconf %d: unlock after lock: %v", w, errorsOf(r))
					}
				}
			}
		case p < 80:
			_, err = timed("netconf get-configuration", `<get-configuration database="committed"><configuration><system/></configuration></get-configuration>`)
		default:
			_, err = timed("netconf command", `<command format="text">show system commit</command>`)
		}
		if err != nil {
			return fmt.Sprintf("netconf %d: %v", w, err)
		}
	}
	return ""
}

// privateEdit opens a private session, reads its candidate, loads the
// edit derived from it, commits and closes. A refused commit must carry an
// rpc-error; acked runs when the commit succeeded.
func privateEdit(timed func(op, body string) (*netconf.Node, error), l *ledger, edit func(cand string) (string, bool), acked func()) error {
	r, err := timed("netconf open private", `<open-configuration><private/></open-configuration>`)
	if err != nil {
		return err
	}
	if errs := errorsOf(r); len(errs) > 0 {
		l.refuse(refusalKind(errs))
		return nil
	}
	defer timed("netconf close", `<close-configuration/>`)
	r, err = timed("netconf get candidate", `<get-configuration format="text"><configuration><system/></configuration></get-configuration>`)
	if err != nil {
		return err
	}
	set, ok := edit(r.Value("configuration-text"))
	if !ok {
		return fmt.Errorf("candidate without the counter: %q", r.Value("configuration-text"))
	}
	r, err = timed("netconf load", `<load-configuration action="set" format="text"><configuration-set>`+set+`</configuration-set></load-configuration>`)
	if err != nil {
		return err
	}
	if errs := errorsOf(r); len(errs) > 0 {
		return fmt.Errorf("load %q: %v", set, errs)
	}
	r, err = timed("netconf commit", `<commit-configuration/>`)
	if err != nil {
		return err
	}
	if errs := errorsOf(r); len(errs) > 0 {
		l.refuse(refusalKind(errs))
		return nil
	}
	if !r.Child("commit-results").Child("routing-engine").Has("commit-success") {
		return fmt.Errorf("commit: neither an rpc-error nor commit-success: %v", names(r))
	}
	acked()
	return nil
}

// cliWorker runs one CLI session until end.
func cliWorker(c *cli.Client, rng *rand.Rand, end time.Time, l *ledger) string {
	exec := func(op, line string) (*cli.Response, error) {
		t0 := time.Now()
		r, err := c.Exec(line)
		l.record(op, time.Since(t0))
		for err == nil && r.Question != "" {
			r, err = c.Exec("yes")
		}
		return r, err
	}
	for time.Now().Before(end) {
		switch p := rng.IntN(100); {
		case p < 30: // increment through `configure private`
			r, err := exec("cli configure private", "configure private")
			if err != nil {
				return err.Error()
			}
			if r.Failed {
				l.refuse(refusalKind([]string{r.Output}))
				continue
			}
			r, err = exec("cli show", "show system domain-name")
			if err != nil {
				return err.Error()
			}
			m := counterRe.FindStringSubmatch(r.Output)
			if m == nil {
				return fmt.Sprintf("cli: no counter in %q", r.Output)
			}
			v, _ := strconv.Atoi(m[1])
			if _, err = exec("cli set", fmt.Sprintf("set system domain-name c%d.example.net", v+1)); err != nil {
				return err.Error()
			}
			r, err = exec("cli commit", "commit")
			if err != nil {
				return err.Error()
			}
			switch {
			case strings.Contains(r.Output, "commit complete"):
				l.mu.Lock()
				l.increments++
				l.mu.Unlock()
			case r.Failed:
				l.refuse(refusalKind([]string{r.Output}))
				exec("cli rollback", "rollback 0")
			default:
				return fmt.Sprintf("cli commit: neither complete nor failed: %q", r.Output)
			}
			if _, err = exec("cli exit", "exit"); err != nil {
				return err.Error()
			}
		case p < 70:
			if _, err := exec("cli show configuration", "show configuration system"); err != nil {
				return err.Error()
			}
		default:
			if _, err := exec("cli show system commit", "show system commit"); err != nil {
				return err.Error()
			}
		}
	}
	return ""
}

// report renders the figures.
func (l *ledger) report(dur time.Duration, ncs, clis int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "load: %d NETCONF + %d CLI sessions for %v: %d operations (%.0f/s), %d counter increments and %d own-statement commits acknowledged, refusals reported: %v\n",
		ncs, clis, dur, l.ops, float64(l.ops)/dur.Seconds(), l.increments, l.own, l.refused)
	ops := make([]string, 0, len(l.lat))
	for op := range l.lat {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	fmt.Fprintf(&b, "%-28s %7s %9s %9s %9s %9s\n", "operation", "count", "p50", "p90", "p99", "max")
	for _, op := range ops {
		d := l.lat[op]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		pct := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
		fmt.Fprintf(&b, "%-28s %7d %9v %9v %9v %9v\n", op, len(d), pct(.5).Round(10*time.Microsecond),
			pct(.9).Round(10*time.Microsecond), pct(.99).Round(10*time.Microsecond), d[len(d)-1].Round(10*time.Microsecond))
	}
	return b.String()
}
