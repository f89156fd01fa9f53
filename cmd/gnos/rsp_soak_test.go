package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/internal/testkit"
)

// rspSoakConf: rsp0 (hot-standby) over two PICs, each a `gnos picd`
// process; ss1 (sfw → napt-44, long-lived UDP) on rsp0.
func rspSoakConf() []string {
	lines := []string{"configure"}
	for _, f := range []string{"0", "1"} {
		p := "set chassis fpc " + f + " pic 0 adaptive-services service-package extension-provider "
		lines = append(lines, p+"data-cores 2", p+"package stateful-firewall", p+"package nat")
	}
	return append(lines,
		"set interfaces rsp0 redundancy-options primary ms-0/0/0",
		"set interfaces rsp0 redundancy-options secondary ms-1/0/0",
		"set interfaces rsp0 redundancy-options hot-standby",
		"set applications application longudp protocol udp",
		"set applications application longudp destination-port 5000",
		"set applications application longudp inactivity-timeout 3600",
		"set services stateful-firewall rule r1 match-direction input",
		"set services stateful-firewall rule r1 term t1 from applications longudp",
		"set services stateful-firewall rule r1 term t1 then accept",
		"set services nat pool p1 address 203.0.113.1/32",
		"set services nat rule nr match-direction input",
		"set services nat rule nr term t1 from source-address 10.0.0.0/8",
		"set services nat rule nr term t1 then translated source-pool p1",
		"set services nat rule nr term t1 then translated translation-type napt-44",
		"set services service-set ss1 stateful-firewall-rules r1",
		"set services service-set ss1 nat-rules nr",
		"set services service-set ss1 interface-service service-interface rsp0",
		"commit", "exit")
}

const (
	rspKeep        = 100 // flows sent once per round (their next packet must match the session they had)
	rspChurn       = 50  // flows of a generator running across the faults
	rspKeepTraffic = "request services traffic generate service-set ss1 flows 100 packets 1 protocol udp destination-port 5000 source-prefix 10.1.0.0/24"
	rspChurnTraff  = "request services traffic generate service-set ss1 flows 50 packets 1000000 rate 200 protocol udp destination-port 5000 source-prefix 10.9.0.0/24"
)

var allSessionCounts = regexp.MustCompile(`Number of sessions: (\d+)`)

// allSessions sums ss1's sessions over the PICs.
func (c *cliConn) allSessions() int {
	n := 0
	for _, m := range allSessionCounts.FindAllStringSubmatch(c.run("show services sessions service-set ss1 count"), -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

// keepPackets sums the forward packets of the keep flows' sessions.
func (c *cliConn) keepPackets() int {
	sum, first := 0, false
	for _, line := range strings.Split(c.run("show services sessions service-set ss1"), "\n") {
		f := strings.Fields(line)
		if strings.HasPrefix(line, "Service Set: ") {
			first = true
			continue
		}
		if len(f) == 7 && f[2] == "->" && first {
			first = false
			if strings.HasPrefix(f[1], "10.1.0.") {
				n, _ := strconv.Atoi(f[6])
				sum += n
			}
		}
	}
	return sum
}

// TestSoakRSP: `gnos daemon` and two `gnos picd` processes as rsp0's
// members, with traffic through ss1 on rsp0; each round, at a random
// moment after the standby holds every session, either a planned
// `request interface switchover rsp0` or a SIGKILL of the active
// member's picd (restarted afterwards: it rejoins as the standby). After
// each: rsp0 is on the other member, ss1 has exactly its sessions there
// (the generator's flows and the keep flows: a flow that no longer
// matched its session would open a new one), one more packet on each
// keep flow lands in its session, and the standby (the killed PIC back)
// holds the whole table again. GNOS_SOAK_ROUNDS rounds (4 by default).
func TestSoakRSP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills processes")
	}
	rounds := testconfig.EnvInt("GNOS_SOAK_ROUNDS", 4)
	rng := rand.New(rand.NewPCG(soakSeed(t), 2))
	bin, dir := buildGnos(t), t.TempDir()
	startProc(t, bin, "daemons running", "daemon", "--data", dir)
	c := dialCLI(t, dir)
	c.run(rspSoakConf()...)
	procs := map[int]*exec.Cmd{}
	startPIC := func(f int) {
		procs[f] = startProc(t, bin, "connecting", "picd", "--fpc", strconv.Itoa(f), "--pic", "0", "--data", dir)
	}
	startPIC(0)
	startPIC(1)
	wait := func(what string, ok func() error) { t.Helper(); testkit.Eventually(t, what, ok) }
	redundancy := func(want ...string) func() error {
		return func() error {
			out := c.run("show interfaces redundancy")
			for _, w := range want {
				if !strings.Contains(out, w) {
					return fmt.Errorf("no %q:\n%s", w, out)
				}
			}
			return nil
		}
	}
	wait("both members up", redundancy("On primary", "both up"))
	// both up is the PICs, not yet ss1's SSRB on the primary: the first
	// generator starts once the primary holds it
	wait("ss1 on the primary", func() error {
		r, err := c.c.Exec(rspChurnTraff)
		if err == nil && r.Failed {
			err = errors.New(r.Output)
		}
		return err
	})
	c.run(rspKeepTraffic)
	total := rspKeep + rspChurn
	sessions := func(what string) {
		t.Helper()
		wait(what, func() error {
			if n := c.allSessions(); n != total {
				return fmt.Errorf("ss1 has %d sessions, want %d", n, total)
			}
			return nil
		})
	}
	sessions("the sessions on the primary")
	active := 0
	kills, switches := 0, 0
	start := time.Now()
	for round := 0; round < rounds; round++ {
		wait("the standby holding every session", func() error {
			if out := c.run("show services redundancy"); !strings.Contains(out, fmt.Sprintf("Standby holds: %d sessions", total)) {
				return fmt.Errorf("not yet:\n%s", out)
			}
			return nil
		})
		<-time.After(time.Duration(rng.IntN(1000)) * time.Millisecond) // a random moment in the replication round
		kill := rng.IntN(2) == 0
		if kill {
			procs[active].Process.Signal(syscall.SIGKILL)
			procs[active].Wait()
			kills++
		} else {
			if out := c.run("request interface switchover rsp0"); !strings.Contains(out, "switched to") {
				t.Fatalf("round %d: switchover: %s", round, out)
			}
			switches++
		}
		active ^= 1
		state := map[int]string{0: "On primary", 1: "On secondary"}[active]
		wait("rsp0 on the other member", redundancy(state))
		sessions(fmt.Sprintf("round %d (kill %v): every session on the new active PIC", round, kill))
		before := c.keepPackets()
		c.run(rspKeepTraffic)
		wait("the keep flows' packets in their sessions", func() error {
			if got := c.keepPackets(); got != before+rspKeep {
				return fmt.Errorf("%d forward packets in the keep sessions, want %d", got, before+rspKeep)
			}
			return nil
		})
		if n := c.allSessions(); n != total {
			t.Fatalf("round %d (kill %v): %d sessions after the replay, want %d: flows no longer match their sessions", round, kill, n, total)
		}
		if kill {
			c.run(rspChurnTraff) // its generator died with the PIC
			startPIC(active ^ 1)
		}
		wait("both members up again", redundancy(state, "both up"))
	}
	t.Logf("rsp soak: %d rounds in %v: %d SIGKILLs of the active picd, %d switchovers, %d sessions kept each time",
		rounds, time.Since(start).Round(time.Millisecond), kills, switches, total)
}
