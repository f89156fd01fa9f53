package all_test

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
)

// rssBytes returns the process's resident memory after a collection that
// hands freed memory back to the system (debug.FreeOSMemory), so what a
// previous benchmark run left behind does not count.
func rssBytes(b testing.TB) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Skipf("no /proc/self/statm: %v", err)
	}
	f := bytes.Fields(statm)
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		b.Fatalf("/proc/self/statm: %v", err)
	}
	return pages * int64(os.Getpagesize())
}

// resetPeak restarts the kernel's count of the process's peak resident
// memory (VmHWM) at what is resident now.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakBytes is the peak resident memory since resetPeak (0 when the
// kernel does not say).
func peakBytes() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(status, []byte("\n")) {
		if f := bytes.Fields(line); len(f) == 3 && string(f[0]) == "VmHWM:" {
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// reportRSS reports the resident memory the PIC's sessions took (rss, at
// the full table, minus base, before the PIC was built: the test
// process's fixed overhead, reported apart) beside the object cache
// configured (cache bytes), and their ratio (SPEC.md: at most 1.2); and
// the peak resident memory while they opened (garbage not yet collected
// included).
func reportRSS(b *testing.B, base, rss, peak, cache int64) {
	b.ReportMetric(float64(cache)/(1<<20), "cache-MB")
	b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	b.ReportMetric(float64(base)/(1<<20), "rss-base-MB")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "rss-peak-MB") // while the sessions opened, before any collection
	}
	b.ReportMetric(float64(rss-base)/float64(cache), "rss/cache")
}
