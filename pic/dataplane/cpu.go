package dataplane

import (
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

// CPUTime is what one data core has spent since the data plane started,
// in nanoseconds of the Mono clock: busy in all, and per service-set id.
type CPUTime struct {
	Busy  int64
	BySet map[uint32]int64
}

// CPUTimes samples every data core, between vectors. Control side.
func (dp *Dataplane) CPUTimes() []CPUTime {
	per := make([]CPUTime, len(dp.cores))
	dp.Do(func(c *Core) {
		p := CPUTime{Busy: c.cpu.busy, BySet: map[uint32]int64{}}
		for id, ns := range c.cpu.bySet {
			if ns != 0 {
				p.BySet[uint32(id)] = ns
			}
		}
		per[c.id] = p
	})
	return per
}

// StartMono is the Mono time at which Start ran the cores.
func (dp *Dataplane) StartMono() int64 { return dp.startMono }

// Mono is the monotonic clock CPU accounting uses (ns).
func Mono() int64 { return mono() }
