package main

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/cmd/gnos-bench/bench"
)

// machine describes this machine from /proc, go and git.
func machine() bench.Machine {
	m := bench.Machine{
		Date:   time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Cores:  runtime.NumCPU(),
		CPU:    "unknown CPU",
		Kernel: strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		Go:     strings.TrimSpace(output("go", "env", "GOVERSION")),
		Commit: strings.TrimSpace(output("git", "rev-parse", "--short", "HEAD")),
	}
	for _, line := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			m.CPU = strings.TrimSpace(v)
			break
		}
	}
	for _, line := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			m.MemoryGiB = kb / (1 << 20)
		}
	}
	if strings.TrimSpace(output("git", "status", "--porcelain", "--untracked-files=no")) != "" {
		m.Commit += " (with uncommitted changes in the tree)"
	}
	return m
}

// loadAvg is the one-minute load average.
func loadAvg() float64 {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func output(name string, args ...string) string {
	b, _ := exec.Command(name, args...).Output()
	return string(b)
}
