package main

// Fault injection (docs/reliability.md): SIGKILL at random moments, under
// a loop of commits and generated traffic, of the daemons in both
// deployments: `gnos daemon` (configd + servicesd + CLI + NETCONF in one
// process) beside a `gnos picd` process (TestSoak), and `gnos configd`,
// `gnos servicesd` and `gnos picd` as three processes (TestSoakApart).
// After every fault the test checks what a user would notice:
//
//   - the committed configuration is the last acknowledged commit or the
//     one in flight, never a mix: host-name hN and max-flows 1000+N are
//     written by the same commit and must agree;
//   - the PIC is resynced: the picd process holds every SSRB at the
//     generation servicesd has;
//   - when the picd outlived the fault (servicesd restarted under it),
//     the sessions of the service-set no commit touches survive (no flush,
//     same service-set), and the same flows keep matching them: one more
//     packet per flow creates no session and adds exactly one packet to
//     each session's counters;
//   - commit confirmed rolls back on time after a kill
//     (TestCommitConfirmedAfterKill).
//
// The default budget is small (GNOS_SOAK_ROUNDS=8 faults per test);
// `make soak` runs more. The random seed is printed and can be replayed
// with GNOS_SOAK_SEED.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/internal/testkit"
)

// soakSeed returns GNOS_SOAK_SEED or a fresh seed, logged either way.
func soakSeed(t *testing.T) uint64 {
	seed, err := strconv.ParseUint(os.Getenv("GNOS_SOAK_SEED"), 10, 64)
	if err != nil {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with GNOS_SOAK_SEED=%d)", seed, seed)
	return seed
}

const soakConf = `configure
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 2
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set applications application longudp protocol udp
set applications application longudp destination-port 5000
set applications application longudp inactivity-timeout 3600
set services stateful-firewall rule r1 match-direction input
set services stateful-firewall rule r1 term t1 from applications longudp
set services stateful-firewall rule r1 term t1 then accept
set services service-set ss2 stateful-firewall-rules r1
set services service-set ss2 interface-service service-interface ms-0/0/0.2
set services service-set ss2 max-flows 1000
set system host-name h0
commit
set services service-set ss1 stateful-firewall-rules r1
set services service-set ss1 interface-service service-interface ms-0/0/0.1
commit
exit`

// The untouched service-set's flows: 100 UDP flows to port 5000.
const keepFlows = 100
const keepTraffic = "request services traffic generate service-set ss1 flows 100 packets 1 protocol udp destination-port 5000"

// churnTraffic keeps packets flowing through the service-set the commit
// loop changes, for as long as the picd lives.
const churnTraffic = "request services traffic generate service-set ss2 flows 50 packets 1000000 rate 500 protocol udp destination-port 5000 source-prefix 10.9.0.0/24"

var sessionCount = regexp.MustCompile(`Number of sessions: (\d+)`)

func (c *cliConn) sessions(set string) int {
	m := sessionCount.FindStringSubmatch(c.run("show services sessions service-set " + set + " count"))
	if m == nil {
		c.t.Fatalf("no session count for %s", set)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// waitSessions waits until service-set set has want sessions.
func (c *cliConn) waitSessions(set string, want int) {
	c.t.Helper()
	testkit.Eventually(c.t, set+" sessions", func() error {
		if got := c.sessions(set); got != want {
			return fmt.Errorf("%d sessions, want %d", got, want)
		}
		return nil
	})
}

// forwardPackets sums the forward packets of set's sessions, as `show
// services sessions` lists them.
func (c *cliConn) forwardPackets(set string) int {
	sum, first := 0, false // the first flow line after a session's header is its forward flow
	for _, line := range strings.Split(c.run("show services sessions service-set "+set), "\n") {
		f := strings.Fields(line)
		if strings.HasPrefix(line, "Service Set: ") {
			first = true
			continue
		}
		if len(f) == 7 && f[2] == "->" && first {
			first = false
			n, err := strconv.Atoi(f[6])
			if err != nil {
				c.t.Fatalf("packets in %q: %v", line, err)
			}
			sum += n
		}
	}
	return sum
}

// soakCommits commits hN with max-flows 1000+N, N = n, n+1, …, until the
// daemon dies or stop is closed; it returns the last acknowledged N.
func soakCommits(dir string, n, acked int, stop <-chan struct{}) int {
	return commitUntilDead(dir, "soak", n, acked, stop, func(n int) []string {
		return []string{"set system host-name h" + strconv.Itoa(n),
			"set services service-set ss2 max-flows " + strconv.Itoa(1000+n)}
	})
}

var hostLine = regexp.MustCompile(`host-name h(\d+);`)
var flowsLine = regexp.MustCompile(`max-flows (\d+);`)

// committed returns the committed N of host-name hN and max-flows 1000+M
// (-1 when absent).
func (c *cliConn) committed() (host, flows int) {
	host, flows = -1, -1
	if m := hostLine.FindStringSubmatch(c.run("show configuration system host-name")); m != nil {
		host, _ = strconv.Atoi(m[1])
	}
	if m := flowsLine.FindStringSubmatch(c.run("show configuration services service-set ss2 max-flows")); m != nil {
		flows, _ = strconv.Atoi(m[1])
		flows -= 1000
	}
	return host, flows
}

// soakRig runs the processes of one deployment and kills and restarts
// them by name: "daemon", or "configd" and "servicesd"; and "picd".
type soakRig struct {
	t     *testing.T
	bin   string
	dir   string
	procs map[string]*exec.Cmd
	kills map[string]int
}

func (r *soakRig) start(name string) {
	ready, args := map[string][2]string{
		"daemon":    {"daemons running", "daemon"},
		"configd":   {"configd running", "configd"},
		"servicesd": {"servicesd (pid", "servicesd"},
		"picd":      {"connecting", "picd"},
	}[name][0], []string{name, "--data", r.dir}
	if name == "picd" {
		args = append(args, "--fpc", "0", "--pic", "0")
	}
	r.procs[name] = startProc(r.t, r.bin, ready, args...)
}

func (r *soakRig) kill(name string) {
	cmd := r.procs[name]
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	r.kills[name]++
}

// TestSoak: `gnos daemon` and a `gnos picd` process.
func TestSoak(t *testing.T) {
	soak(t, []string{"daemon"}, [][]string{{"daemon"}, {"picd"}, {"daemon", "picd"}})
}

// TestSoakApart: `gnos configd`, `gnos servicesd` and `gnos picd`, each
// killed alone or all three at once.
func TestSoakApart(t *testing.T) {
	soak(t, []string{"configd", "servicesd"}, [][]string{{"servicesd"}, {"configd"}, {"picd"}, {"configd", "servicesd", "picd"}})
}

// soak runs the fault rounds. daemons are started in order (the first
// serves the CLI); faults lists the sets of processes killed together,
// the first of which is always the first round's.
func soak(t *testing.T, daemons []string, faults [][]string) {
	if testing.Short() {
		t.Skip("builds the binary and kills processes")
	}
	rounds := testconfig.EnvInt("GNOS_SOAK_ROUNDS", 8)
	rng := rand.New(rand.NewPCG(soakSeed(t), 1))
	r := &soakRig{t: t, bin: buildGnos(t), dir: t.TempDir(), procs: map[string]*exec.Cmd{}, kills: map[string]int{}}
	dir := r.dir
	for _, d := range daemons {
		r.start(d)
	}
	c := dialCLI(t, dir)
	c.run(strings.Split(soakConf, "\n")...)
	r.start("picd")
	c.waitPICOK("the picd process", func(st picState) bool { return st.pid == r.procs["picd"].Process.Pid && inSync(st, 2) })
	c.run(keepTraffic, churnTraffic)
	c.waitSessions("ss1", keepFlows)

	commits, keepChecks := 0, 0
	acked := 0
	start := time.Now()
	for round := 0; round < rounds; round++ {
		fault := faults[rng.IntN(len(faults))]
		if round == 0 {
			fault = faults[0] // every run checks the untouched service-set at least once
		}
		killed := map[string]bool{}
		for _, name := range fault {
			killed[name] = true
		}
		delay := time.Duration(5+rng.IntN(150)) * time.Millisecond
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var got int
		wg.Add(1)
		go func(from int) {
			defer wg.Done()
			got = soakCommits(dir, from, from-1, stop)
		}(acked + 1)
		<-time.After(delay) // the fault's random moment in the commit loop
		for _, name := range fault {
			r.kill(name)
		}
		if !killed[daemons[0]] {
			<-time.After(delay) // commits go on while the others are away
		}
		close(stop)
		wg.Wait()
		if got > acked {
			commits += got - acked
		}
		inFlight := got + 1
		acked = max(acked, got)
		for _, d := range daemons {
			if killed[d] {
				r.start(d)
			}
		}
		if killed[daemons[0]] {
			c = dialCLI(t, dir)
		}
		host, flows := c.committed()
		if host != flows {
			t.Fatalf("round %d (%v): host-name h%d but max-flows %d: a commit half applied", round, fault, host, 1000+flows)
		}
		if host != acked && host != inFlight {
			t.Fatalf("round %d (%v): committed h%d, want h%d (last acknowledged) or h%d (in flight)", round, fault, host, acked, inFlight)
		}
		acked = max(acked, host)
		if killed["picd"] {
			r.start("picd")
		}
		st := c.waitPICOK("the picd to resync", func(st picState) bool {
			return st.pid == r.procs["picd"].Process.Pid && inSync(st, 2)
		})
		if killed["picd"] { // a new picd starts empty: bring the traffic back
			c.run(keepTraffic, churnTraffic)
			c.waitSessions("ss1", keepFlows)
			continue
		}
		// The picd outlived the fault: ss1's sessions are still there and
		// the same flows still match them.
		if got := c.sessions("ss1"); got != keepFlows {
			t.Fatalf("round %d (%v): ss1 has %d sessions after the restart, want %d (untouched service-set flushed)\n%s", round, fault, got, keepFlows, st.out)
		}
		done := strings.Count(c.run("show services traffic"), "100/100 (100%)")
		before := c.forwardPackets("ss1")
		c.run(keepTraffic)
		c.waitPICTraffic(done + 1)
		if got := c.sessions("ss1"); got != keepFlows {
			t.Fatalf("round %d (%v): replaying ss1's flows gave %d sessions, want %d (they no longer match)", round, fault, got, keepFlows)
		}
		if after := c.forwardPackets("ss1"); after != before+keepFlows {
			t.Fatalf("round %d (%v): ss1's sessions counted %d forward packets, then %d after one more packet per flow; want %d",
				round, fault, before, after, before+keepFlows)
		}
		keepChecks++
	}
	t.Logf("soak: %d rounds in %v: SIGKILLs %v, %d commits acknowledged (all present), %d untouched-session checks passed",
		rounds, time.Since(start).Round(time.Millisecond), r.kills, commits, keepChecks)
	if commits == 0 {
		t.Fatal("no commit acknowledged: the loop is not exercising commits")
	}
}

// waitPICOK is waitPIC that takes a failed show (servicesd not reachable
// yet) as "not yet".
func (c *cliConn) waitPICOK(what string, cond func(picState) bool) picState {
	c.t.Helper()
	var st picState
	testkit.Eventually(c.t, what, func() error {
		r, err := c.c.Exec("show chassis pic fpc-slot 0 pic-slot 0 extensive")
		if err != nil {
			c.t.Fatal(err)
		}
		if r.Failed {
			return fmt.Errorf("show failed:\n%s", r.Output)
		}
		if st = parsePIC(r.Output); !cond(st) {
			return fmt.Errorf("last output:\n%s", r.Output)
		}
		return nil
	})
	return st
}

// waitPICTraffic waits until n generators of ss1's flows have sent all
// their packets.
func (c *cliConn) waitPICTraffic(n int) {
	c.t.Helper()
	testkit.Eventually(c.t, "the generators to finish", func() error {
		if out := c.run("show services traffic"); strings.Count(out, "100/100 (100%)") < n {
			return fmt.Errorf("last output:\n%s", out)
		}
		return nil
	})
}

var picdPID = regexp.MustCompile(`picd PID\s+(\d+)`)

// parsePIC reads `show chassis pic … extensive` as cliConn.pic does.
func parsePIC(out string) picState {
	st := picState{out: out, gens: map[string][2]string{}}
	if m := picdPID.FindStringSubmatch(out); m != nil {
		st.pid, _ = strconv.Atoi(m[1])
	}
	for _, m := range genLine.FindAllStringSubmatch(out, -1) {
		st.gens[m[1]] = [2]string{m[3], m[4]}
	}
	return st
}
