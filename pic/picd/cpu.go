package picd

import (
	"sort"

	"github.com/gnos/gnos/pic/dataplane"
)

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
	per := r.DP.CPUTimes()
	for _, p := range per {
		now.busy += p.Busy
		for id, ns := range p.BySet {
			now.bySet[id] += ns
		}
	}
	now.at = dataplane.Mono()
	prev := r.cpu
	if prev.bySet == nil {
		prev = cpuSample{at: r.DP.StartMono(), bySet: map[uint32]int64{}}
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
