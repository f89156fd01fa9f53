package cli

// show system memory and show system processes read the host's /proc
// (Engine.ProcFS, a fixture directory in tests). Linux's memory figures
// are mapped onto Junos' (FreeBSD's) categories so that they add up:
// Active and Inactive are anonymous memory, Cache the page cache and
// buffers, Wired the kernel's slab, stacks and page tables, Free the free
// memory, and Reserved what is left. The processes are gnos' own: the
// management process (configd, cli, mgd, netconf and, in one process,
// servicesd and the PICs) and any picd that runs apart (Engine.Daemons).

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Daemon is a gnos daemon process show system processes lists.
type Daemon struct {
	Name string // configd, picd fpc0/pic0, …
	PID  int
}

func (e *Engine) procFile(name string) ([]byte, error) {
	root := e.ProcFS
	if root == "" {
		root = "/proc"
	}
	return os.ReadFile(filepath.Join(root, name))
}

// meminfo reads /proc/meminfo in kilobytes.
func (e *Engine) meminfo() (map[string]uint64, error) {
	b, err := e.procFile("meminfo")
	if err != nil {
		return nil, fmt.Errorf("memory information is not available: %w", plainFileErr(err))
	}
	m := map[string]uint64{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 {
			v, _ := strconv.ParseUint(f[1], 10, 64)
			m[strings.TrimSuffix(f[0], ":")] = v
		}
	}
	return m, nil
}

type memRow struct{ key, label string }

var memRows = []memRow{{"total", "Total memory"}, {"reserved", "Reserved memory"}, {"wired", "Wired memory"},
	{"active", "Active memory"}, {"inactive", "Inactive memory"}, {"cache", "Cache memory"}, {"free", "Free memory"}}

func showMemory(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	m, err := s.eng.meminfo()
	if err != nil {
		return nil, err
	}
	total := m["MemTotal"]
	v := map[string]uint64{"total": total, "active": m["Active(anon)"], "inactive": m["Inactive(anon)"],
		"cache": m["Cached"] + m["Buffers"], "wired": m["Slab"] + m["KernelStack"] + m["PageTables"], "free": m["MemFree"]}
	used := v["active"] + v["inactive"] + v["cache"] + v["wired"] + v["free"]
	if used < total {
		v["reserved"] = total - used
	}
	sum := E("system-memory-summary-information")
	for _, r := range memRows {
		p := uint64(0)
		if total > 0 {
			p = v[r.key] * 100 / total
		}
		sum.Add(T("system-memory-"+r.key, strconv.FormatUint(v[r.key], 10)),
			T("system-memory-"+r.key+"-percent", strconv.FormatUint(p, 10)))
	}
	return E("system-memory-information", sum), nil
}

func textMemory(w io.Writer, e *Elem) {
	sum := e.Get("system-memory-summary-information")
	fmt.Fprintln(w, "System memory usage distribution:")
	for _, r := range memRows {
		fmt.Fprintf(w, "%20s: %8s Kbytes (%3s%%)\n", r.label, sum.Val("system-memory-"+r.key), sum.Val("system-memory-"+r.key+"-percent"))
	}
}

// proc is one process as /proc/PID/stat and status show it.
type proc struct {
	pid, threads, nice, prio int
	state                    string
	vszKB, rssKB             uint64
	cpu                      time.Duration
	user                     string
}

func (e *Engine) readProc(dir string) (proc, error) {
	b, err := e.procFile(filepath.Join(dir, "stat"))
	if err != nil {
		return proc{}, err
	}
	st := string(b)
	i := strings.LastIndexByte(st, ')')
	if i < 0 {
		return proc{}, fmt.Errorf("%s/stat: malformed", dir)
	}
	f := strings.Fields(st[i+1:]) // f[0] is field 3 (state)
	if len(f) < 20 {
		return proc{}, fmt.Errorf("%s/stat: malformed", dir)
	}
	p := proc{state: f[0]}
	p.pid, _ = strconv.Atoi(strings.Fields(st)[0])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stt, _ := strconv.ParseInt(f[12], 10, 64)
	p.cpu = time.Duration(ut+stt) * 10 * time.Millisecond // USER_HZ 100
	p.prio, _ = strconv.Atoi(f[15])
	p.nice, _ = strconv.Atoi(f[16])
	p.threads, _ = strconv.Atoi(f[17])
	if sb, err := e.procFile(filepath.Join(dir, "status")); err == nil {
		for _, l := range strings.Split(string(sb), "\n") {
			kv := strings.Fields(l)
			if len(kv) < 2 {
				continue
			}
			n, _ := strconv.ParseUint(kv[1], 10, 64)
			switch kv[0] {
			case "VmSize:":
				p.vszKB = n
			case "VmRSS:":
				p.rssKB = n
			case "Uid:":
				p.user = kv[1]
			}
		}
	}
	return p, nil
}

var procStates = map[string]string{"R": "RUN", "S": "select", "D": "disk", "T": "STOP", "Z": "zomb", "I": "idle"}

func showProcesses(ctx context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	// which processes: this one, and the daemons' own
	names := map[string][]string{"self": {"gnos: configd, mgd, cli, netconf"}}
	order := []string{"self"}
	if s.eng.Daemons != nil {
		self := os.Getpid()
		for _, d := range s.eng.Daemons(ctx) {
			key := strconv.Itoa(d.PID)
			if d.PID == self || d.PID == 0 {
				names["self"] = append(names["self"], d.Name)
				continue
			}
			if _, ok := names[key]; !ok {
				order = append(order, key)
			}
			names[key] = append(names[key], d.Name)
		}
	}
	style := "standard" // ps(1)'s table
	switch {
	case a.Has("extensive"):
		style = "extensive" // top(1)'s header and table
	case a.Has("brief"):
		style = "brief" // top(1)'s header
	}
	e := E("system-process-information")
	e.Attrs = []xml.Attr{junosAttr("style", style)}
	h := s.eng.hostStats()
	l := h.loads()
	up := s.eng.Configd.Clock().Now().Sub(h.Started)
	var procs []*Elem
	for _, key := range order {
		p, err := s.eng.readProc(key)
		if err != nil {
			continue // ended meanwhile
		}
		cmd := names[key][0]
		if key == "self" && len(names[key]) > 1 {
			cmd += ", " + strings.Join(names[key][1:], ", ")
		} else if key != "self" {
			cmd = "gnos: " + strings.Join(names[key], ", ")
		}
		user := p.user
		if u, err := lookupUID(p.user); err == nil {
			user = u
		}
		st := procStates[p.state]
		if st == "" {
			st = p.state
		}
		procs = append(procs, E("process", T("pid", strconv.Itoa(p.pid)), T("username", user),
			T("threads", strconv.Itoa(p.threads)), T("priority", strconv.Itoa(p.prio)), T("nice", strconv.Itoa(p.nice)),
			T("size", humanKB(p.vszKB)), T("resident", humanKB(p.rssKB)), T("state", st),
			T("cpu-time", cpuTime(p.cpu)), T("cpu-time-precise", fmt.Sprintf("%d:%05.2f", int(p.cpu.Minutes()), (p.cpu%time.Minute).Seconds())),
			T("stat", p.state), T("command", cmd)))
	}
	sort.SliceStable(procs, func(i, j int) bool {
		a, _ := strconv.Atoi(procs[i].Val("pid"))
		b, _ := strconv.Atoi(procs[j].Val("pid"))
		return a < b
	})
	hdr := E("process-summary", T("load-average-1", l[0]), T("load-average-5", l[1]), T("load-average-15", l[2]),
		T("up-time", topUptime(up)), T("process-count", strconv.Itoa(len(procs))))
	if m, err := s.eng.meminfo(); err == nil {
		hdr.Add(T("memory-active", humanKB(m["Active(anon)"])), T("memory-inactive", humanKB(m["Inactive(anon)"])),
			T("memory-wired", humanKB(m["Slab"]+m["KernelStack"]+m["PageTables"])), T("memory-cache", humanKB(m["Cached"])),
			T("memory-buffer", humanKB(m["Buffers"])), T("memory-free", humanKB(m["MemFree"])),
			T("swap-total", humanKB(m["SwapTotal"])), T("swap-free", humanKB(m["SwapFree"])))
	}
	if style != "standard" {
		e.Add(hdr)
	}
	if style != "brief" {
		e.Add(procs...)
	}
	return e, nil
}

// humanKB is top's size: 19372K, 212M, 2048M.
func humanKB(kb uint64) string {
	switch {
	case kb < 100000:
		return fmt.Sprintf("%dK", kb)
	case kb < 100000*1024:
		return fmt.Sprintf("%dM", kb/1024)
	}
	return fmt.Sprintf("%dG", kb/1024/1024)
}

func cpuTime(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// topUptime is top's "up D+HH:MM:SS".
func topUptime(d time.Duration) string {
	d = max(d, 0)
	return fmt.Sprintf("%d+%02d:%02d:%02d", int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60, int(d.Seconds())%60)
}

func textProcesses(w io.Writer, e *Elem) {
	if attr(e, "style") == "standard" {
		fmt.Fprintln(w, "  PID  TT  STAT      TIME COMMAND")
		for _, p := range e.All("process") {
			fmt.Fprintf(w, "%5s  ??  %-4s %10s %s\n", p.Val("pid"), p.Val("stat"), p.Val("cpu-time-precise"), p.Val("command"))
		}
		return
	}
	h := e.Get("process-summary")
	fmt.Fprintf(w, "load averages:  %s,  %s,  %s  up %s\n", h.Val("load-average-1"), h.Val("load-average-5"), h.Val("load-average-15"), h.Val("up-time"))
	fmt.Fprintf(w, "%s processes\n", h.Val("process-count"))
	if h.Get("memory-free") != nil {
		fmt.Fprintf(w, "\nMem: %s Active, %s Inact, %s Wired, %s Cache, %s Buf, %s Free\n", h.Val("memory-active"), h.Val("memory-inactive"),
			h.Val("memory-wired"), h.Val("memory-cache"), h.Val("memory-buffer"), h.Val("memory-free"))
		fmt.Fprintf(w, "Swap: %s Total, %s Free\n", h.Val("swap-total"), h.Val("swap-free"))
	}
	ps := e.All("process")
	if attr(e, "style") != "extensive" {
		return
	}
	fmt.Fprintf(w, "\n\n%5s %-9s %3s %3s %4s %6s %6s %-8s %6s %s\n", "PID", "USERNAME", "THR", "PRI", "NICE", "SIZE", "RES", "STATE", "TIME", "COMMAND")
	for _, p := range ps {
		fmt.Fprintf(w, "%5s %-9s %3s %3s %4s %6s %6s %-8s %6s %s\n", p.Val("pid"), p.Val("username"), p.Val("threads"), p.Val("priority"),
			p.Val("nice"), p.Val("size"), p.Val("resident"), p.Val("state"), p.Val("cpu-time"), p.Val("command"))
	}
}
