package pic

import (
	"sort"
	"time"
)

// CPU accounting for `show services service-sets cpu-usage`. A running
// data core measures the real (monotonic) time it spends on each vector
// and shares it among the vector's service-sets by packet count; timer
// wheel ticks and control work between vectors count as system time.
// Everything else is idle. The control side samples the cores' totals
// and reports the share of the data cores' capacity each took since the
// previous sample (the first: since the data plane started).

// monoBase anchors mono.
var monoBase = time.Now()

// mono is monotonic real time in ns. CPU time is real whatever clock the
// data plane's timers run on.
func mono() int64 { return int64(time.Since(monoBase)) }

// coreCPU is a core's accounting, written and read on the core.
type coreCPU struct {
	busy  int64   // ns spent on vectors and control work
	bySet []int64 // ns spent on vectors, by service-set id
	sets  [BatchSize]uint32
}

// account charges a vector's time to its service-sets (their ids were
// noted before the vector ran: the packets belong to the source again
// once Process returns).
func (c *coreCPU) account(n int, dt int64) {
	c.busy += dt
	if n == 0 {
		return
	}
	share := dt / int64(n)
	for _, id := range c.sets[:n] {
		if int(id) >= len(c.bySet) {
			c.bySet = append(c.bySet, make([]int64, int(id)+1-len(c.bySet))...)
		}
		c.bySet[id] += share
	}
}

// CPUUsage is one line of cpu-usage: a service-set, "System" or "Idle",
// as a percentage of the data cores' capacity.
type CPUUsage struct {
	Name    string  `json:"name"`
	Percent float64 `json:"percent"`
}

// cpuSample is what the control side saw last.
type cpuSample struct {
	at    int64
	busy  int64
	bySet map[uint32]int64
}

// cpuUsage samples the cores and reports usage since the last sample.
// Control loop.
func (r *Runtime) cpuUsage() []CPUUsage {
	cores := r.DP.Cores()
	now := cpuSample{bySet: map[uint32]int64{}}
	per := make([]cpuSample, cores)
	r.DP.Do(func(c *Core) {
		p := cpuSample{busy: c.cpu.busy, bySet: map[uint32]int64{}}
		for id, ns := range c.cpu.bySet {
			if ns != 0 {
				p.bySet[uint32(id)] = ns
			}
		}
		per[c.id] = p
	})
	for _, p := range per {
		now.busy += p.busy
		for id, ns := range p.bySet {
			now.bySet[id] += ns
		}
	}
	now.at = mono()
	prev := r.cpu
	if prev.bySet == nil {
		prev = cpuSample{at: r.DP.startMono, bySet: map[uint32]int64{}}
	}
	r.cpu = now
	capacity := float64(now.at-prev.at) * float64(cores)
	if capacity <= 0 {
		capacity = 1
	}
	pct := func(ns int64) float64 { return min(max(float64(ns)/capacity*100, 0), 100) }
	var out []CPUUsage
	var sets int64
	for _, id := range r.sortedIDs() {
		d := now.bySet[id] - prev.bySet[id]
		sets += d
		out = append(out, CPUUsage{Name: r.ssrbs[id].Name, Percent: pct(d)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	busy := now.busy - prev.busy
	out = append(out, CPUUsage{Name: "System", Percent: pct(busy - sets)},
		CPUUsage{Name: "Idle", Percent: pct(int64(capacity) - busy)})
	return out
}
