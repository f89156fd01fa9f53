package servicesd_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnos/gnos/pic"
)

// countConf: a PIC of two data cores whose firewall accepts web sessions,
// with room for a million of them.
const countConf = `
chassis {
    fpc 0 { pic 0 { adaptive-services { service-package { extension-provider {
        data-cores 2; object-cache-size 512; policy-db-size 16;
        package stateful-firewall;
    } } } } }
}
services {
    service-set ss1 {
        stateful-firewall-rules fw;
        interface-service { service-interface ms-0/0/0; }
    }
    stateful-firewall {
        rule fw { match-direction input; term web { from { applications junos-http; } then accept; } }
    }
}
`

// BenchmarkSessionCount measures `show services sessions count` through
// the whole node (CLI over the management socket, servicesd, the PIC's
// stream, the walk on its data cores) at 1 M sessions (SPEC.md: ≤ 100 ms,
// without growing the PIC's memory or delaying its heartbeat). It
// reports the process's Go heap and resident memory before and after the
// queries.
func BenchmarkSessionCount(b *testing.B) {
	const n = 1_000_000
	h := start(b)
	h.loadCommit(countConf)
	h.waitSynced("ss1")
	ssrb, _ := h.n.Services.SSRB("ss1")
	rt := h.picd().Runtime()
	raw := make([][]byte, 0, 1<<16)
	for i := range n {
		var p pic.Packet
		if err := p.Build(pic.PacketSpec{Src: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
			Dst: netip.MustParseAddr("192.0.2.10"), Proto: pic.ProtoTCP, SPort: uint16(1024 + i%50000), DPort: 80,
			Flags: pic.TCPSyn}); err != nil {
			b.Fatal(err)
		}
		if raw = append(raw, p.Data); len(raw) == cap(raw) || i == n-1 {
			rt.Port.Inject(ssrb.ID, pic.Input, raw...)
			rt.DP.Sync()
			raw = raw[:0]
		}
	}
	if st := rt.DP.Stats(); st.Sessions != n {
		b.Fatalf("got %d sessions, want %d (%+v)", st.Sessions, n, st)
	}
	want := fmt.Sprintf("Number of sessions: %d\n", n)
	for _, bc := range []struct{ name, cmd string }{
		{"all", "show services sessions count"},                               // the cores' counters
		{"filtered", "show services sessions count source-prefix 10.0.0.0/8"}, // a walk reading every session
	} {
		b.Run(bc.name, func(b *testing.B) {
			heap0, rss0 := memNow(b)
			cpu0 := cpuTime()
			for b.Loop() {
				if out := h.cli(bc.cmd); !strings.Contains(out, want) {
					b.Fatalf("got %q, want %q", out, want)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			heap1, rss1 := memNow(b)
			b.ReportMetric(heap0/(1<<20), "heap-MB-before")
			b.ReportMetric(heap1/(1<<20), "heap-MB-after")
			b.ReportMetric(rss0/(1<<20), "rss-MB-before")
			b.ReportMetric(rss1/(1<<20), "rss-MB-after")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used: on a
// shared machine, the cost of a query apart from the wait for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// memNow returns the Go heap in use and the resident memory of the
// process, after a collection that hands freed memory back to the system.
func memNow(b *testing.B) (heap, rss float64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skipf("no /proc/self/statm: %v", err)
	}
	pages, _ := strconv.ParseInt(string(bytes.Fields(statm)[1]), 10, 64)
	return float64(ms.HeapInuse), float64(pages * int64(os.Getpagesize()))
}
