package cli

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
)

// SystemCommands adds the system, chassis and interface commands whose
// data the management plane holds (the configuration, sessions, the host).
func SystemCommands(t *Table) {
	t.Describe("show chassis", "Show chassis information")
	t.Describe("show interfaces", "Show interface information")
	ChassisCommands(t)
	FileCommands(t)
	CLISettingsCommands(t)
	SystemInfoCommands(t)
	t.Add()
}

// started is when this process started, for uptime.
var started = time.Now()

// HostStats are the host figures `show chassis routing-engine` reports.
type HostStats struct {
	Started     time.Time
	MemoryMB    int
	MemoryUsed  int    // percent
	LoadAverage string // 1 minute
	Load5       string // 5 minutes ("" when unknown)
	Load15      string
}

// hostStats reads the real host, unless the engine has a fixed source
// (tests).
func (e *Engine) hostStats() HostStats {
	if e.Host != nil {
		return e.Host()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := HostStats{Started: started, MemoryMB: totalMemMB(),
		MemoryUsed: int(100 * ms.HeapInuse / max(ms.Sys, 1))}
	h.LoadAverage, h.Load5, h.Load15 = loadAvgs()
	return h
}

// pics lists the configured fpc/pic slots with their extension-provider.
func pics(root *tree.Node) [][2]string {
	var out [][2]string
	for _, f := range root.ChildNamed("chassis", "").AllNamed("fpc") {
		if f.Inactive {
			continue
		}
		for _, p := range f.AllNamed("pic") {
			if !p.Inactive {
				out = append(out, [2]string{f.Key, p.Key})
			}
		}
	}
	return out
}

func totalMemMB() int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return 0
}

func loadAvgs() (string, string, string) {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "0.00", "0.00", "0.00"
	}
	return f[0], f[1], f[2]
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
