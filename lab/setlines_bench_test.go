package lab_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/lab"
	"github.com/gnos/gnos/lab/labtest"
)

// setLinesRoutes is how many static routes BenchmarkSetLinesToKernel loads.
const setLinesRoutes = 10_000

// routePrefix is the i-th route of the benchmark (10.100.0.0/24 on).
func routePrefix(i int) string { return fmt.Sprintf("10.%d.%d.0/24", 100+i/256, i%256) }

// kernelRoutes counts the routes via the server in a namespace's main table.
func kernelRoutes(b *testing.B, ns string) int {
	b.Helper()
	out, err := lab.Exec(ns, "ip", "-4", "route", "show")
	if err != nil {
		b.Fatal(err)
	}
	return strings.Count(out, "via "+lab.ServerAddr+" ")
}

// BenchmarkSetLinesToKernel: 10,000 `set routing-options static route … `
// lines pasted into `gnos cli` (the script front end reading a pipe,
// store with fsync: every acknowledged edit durable) then `commit`, until
// the kernel holds every route; beside FRR (zebra + staticd) loading the
// same routes with `vtysh -f` in the same kind of namespace until the
// kernel holds them. Reported: gnos-s, frr-s (wall time of each).
func BenchmarkSetLinesToKernel(b *testing.B) {
	if !lab.FRRInstalled() {
		b.Skip("needs FRR (Debian package frr; scripts/deps.sh installs it)")
	}
	var script, frrConf strings.Builder
	script.WriteString("configure\n")
	for i := range setLinesRoutes {
		fmt.Fprintf(&script, "set routing-options static route %s next-hop %s\n", routePrefix(i), lab.ServerAddr)
		fmt.Fprintf(&frrConf, "ip route %s %s\n", routePrefix(i), lab.ServerAddr)
	}
	script.WriteString("commit\nexit configuration-mode\n")
	var gnosS, frrS float64
	for b.Loop() {
		gnosS += gnosSetLines(b, script.String()).Seconds()
		frrS += frrLoad(b, frrConf.String()).Seconds()
	}
	b.ReportMetric(gnosS/float64(b.N), "gnos-s")
	b.ReportMetric(frrS/float64(b.N), "frr-s")
}

// gnosSetLines runs the script through a fresh gnos in a fresh lab and
// returns the time from the first line sent to every route in the kernel.
func gnosSetLines(b *testing.B, script string) time.Duration {
	b.StopTimer()
	l := labtest.Up(b, "sl")
	defer l.Down()
	ns, err := lab.Handle(l.Router)
	if err != nil {
		b.Fatal(err)
	}
	defer ns.Close()
	n, err := compose.Start(context.Background(), compose.Options{DataDir: b.TempDir(),
		Log:         slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		NetconfAddr: "127.0.0.1:0", Live: &compose.Live{NetNS: ns}})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	c, err := cli.DialSocket(context.Background(), compose.SocketPath(n.Opts.DataDir), "cli")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if out, failed, err := c.RunLines("configure", "set interfaces ge-0/0/1 unit 0 family inet address 10.0.2.1/24",
		"commit", "exit configuration-mode"); err != nil || failed {
		b.Fatalf("interfaces: %v\n%s", err, out)
	}
	b.StartTimer()
	start := time.Now()
	failed, err := cli.RunScript(c, strings.NewReader(script), io.Discard, true)
	took := time.Since(start)
	b.StopTimer()
	if err != nil || failed {
		b.Fatalf("gnos script: failed %v, %v", failed, err)
	}
	// commit returns once the interface manager has programmed the
	// kernel: the routes are there now, none is waited for
	if got := kernelRoutes(b, l.Router); got != setLinesRoutes {
		b.Fatalf("after commit the kernel holds %d routes, want %d", got, setLinesRoutes)
	}
	b.StartTimer()
	return took
}

// frrLoad loads the routes with vtysh into FRR in a fresh lab and returns
// the time from vtysh's start to every route in the kernel (vtysh returns
// before zebra has installed them all).
func frrLoad(b *testing.B, conf string) time.Duration {
	b.StopTimer()
	l := labtest.Up(b, "sf")
	defer l.Down()
	for _, args := range [][]string{
		{"addr", "add", lab.RouterOutside + "/24", "dev", "ge-0-0-1"},
		{"link", "set", "ge-0-0-1", "up"},
	} {
		if out, err := lab.Exec(l.Router, "ip", args...); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
	// the frr user reaches its directory only through world-searchable
	// parents: not under b.TempDir (0700)
	dir, err := os.MkdirTemp("", "gnos-frr-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f, err := lab.StartFRR(l.Router, dir)
	if err != nil {
		b.Fatal(err)
	}
	pids := f.Pids()
	defer func() {
		f.Close()
		testkit.Until(b, "FRR daemons to exit", func() bool { return !f.Running(pids...) })
	}()
	testkit.Until(b, "FRR's vty sockets", func() bool {
		for _, d := range []string{"zebra", "staticd"} {
			if _, err := os.Stat(filepath.Join(dir, d+".vty")); err != nil {
				return false
			}
		}
		return true
	})
	file := filepath.Join(dir, "routes.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	if out, err := f.Vtysh(file); err != nil {
		b.Fatalf("vtysh: %v: %s", err, out)
	}
	testkit.Until(b, "FRR's routes in the kernel", func() bool { return kernelRoutes(b, l.Router) >= setLinesRoutes })
	took := time.Since(start)
	b.StopTimer()
	b.StartTimer()
	return took
}
