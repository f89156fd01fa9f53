package all_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"

	"github.com/gnos/gnos/pic"
)

// benchConf: every UDP/53 session from 10/8 is accepted by the firewall
// and source-translated (napt-44) from a /22 pool.
const benchConf = `
services {
    service-set ss1 { stateful-firewall-rules fw; nat-rules nr; }
    stateful-firewall {
        rule fw { match-direction input; term dns { from { applications junos-dns-udp; } then accept; } }
    }
    nat {
        pool p1 { address 203.0.112.0/22; }
        rule nr {
            match-direction input;
            term t1 {
                from { source-address 10.0.0.0/8; }
                then { translated { source-pool p1; translation-type { napt-44; } } }
            }
        }
    }
}
`

// flowTemplates returns n distinct UDP/53 packets from 10/8 (n ≤ 16M).
func flowTemplates(b testing.TB, n, offset int) [][]byte {
	out := make([][]byte, n)
	var p pic.Packet
	for i := range n {
		j := i + offset
		src := netip.AddrFrom4([4]byte{10, byte(j >> 16), byte(j >> 8), byte(j)})
		if err := p.Build(pic.PacketSpec{Src: src, Dst: netip.MustParseAddr("192.0.2.53"), Proto: pic.ProtoUDP,
			SPort: uint16(1024 + j%50000), DPort: 53, Payload: 18}); err != nil {
			b.Fatal(err)
		}
		out[i] = append([]byte(nil), p.Data...)
	}
	return out
}

// benchEstablished measures packets of established sessions through
// stateful-firewall -> nat on one data core: a vector of packets picked at
// random among the sessions, each restored from its template (NAT
// rewrites it in place: the copy stands for the NIC's DMA).
func benchEstablished(b *testing.B, sessions int) {
	r := newRigConf(b, 1, int64(sessions)*512+64<<20, benchConf, false)
	tpl := flowTemplates(b, sessions, 0)
	core := r.dp.Core(0)
	vec := make([]*pic.Packet, pic.BatchSize)
	for i := range vec {
		vec[i] = &pic.Packet{ServiceSet: 1, Side: pic.Input}
	}
	r.db.Online(0)
	for i := 0; i < sessions; i += pic.BatchSize { // open every session
		n := min(pic.BatchSize, sessions-i)
		for j := range n {
			vec[j].SetData(tpl[i+j])
		}
		core.Process(vec[:n])
	}
	if st := r.dp.Stats(); st.Sessions != int64(sessions) {
		b.Fatalf("got %d sessions, want %d (%+v)", st.Sessions, sessions, st)
	}
	order := make([]int32, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range order {
		order[i] = int32(rng.IntN(sessions))
	}
	b.ReportAllocs()
	b.ResetTimer()
	k := 0
	for i := 0; i < b.N; i += pic.BatchSize {
		for j := range vec {
			vec[j].SetData(tpl[order[k&(len(order)-1)]])
			k++
		}
		core.Process(vec)
		r.db.Quiesce(0)
	}
	b.StopTimer()
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(1e3/ns, "Mpps")
	var per int64
	for _, c := range r.oc.Stats().Classes {
		per += c.ObjectSize
	}
	b.ReportMetric(float64(per), "cache-B/session")
	if st := r.dp.Stats(); st.DropPolicy+st.DropMemlimit+st.Created-uint64(sessions) != 0 {
		b.Fatalf("unexpected drops or new sessions: %+v", st)
	}
}

// benchBareLoop is the memory-limit reference: one random lookup and
// update per packet in an open-addressing table of that many sessions
// (hash, key compare, counter update), nothing else.
func benchBareLoop(b *testing.B, sessions int) {
	type ent struct {
		key   uint64
		pkts  uint64
		bytes uint64
		_     [40]byte // a session's footprint on its first cache line
	}
	size := 1
	for size < 2*sessions {
		size *= 2
	}
	tab := make([]ent, size)
	mask := uint64(size - 1)
	hash := func(k uint64) uint64 { k ^= k >> 33; k *= 0xff51afd7ed558ccd; k ^= k >> 33; return k | 1 }
	for i := range sessions {
		h := hash(uint64(i))
		j := h & mask
		for tab[j].key != 0 {
			j = (j + 1) & mask
		}
		tab[j].key = h
	}
	order := make([]int32, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range order {
		order[i] = int32(rng.IntN(sessions))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := hash(uint64(order[i&(len(order)-1)]))
		for j := h & mask; ; j = (j + 1) & mask {
			if tab[j].key == h {
				tab[j].pkts++
				tab[j].bytes += 64
				break
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(1e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "Mpps")
}

var benchSizes = []int{1_000, 100_000, 1_000_000}

func BenchmarkDataPathEstablished(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) { benchEstablished(b, n) })
	}
}

func BenchmarkDataPathBareLoop(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) { benchBareLoop(b, n) })
	}
}

// BenchmarkDataPathNewSessions measures session creation through
// stateful-firewall -> nat on one core (first packet of distinct flows,
// 1M per data plane, then a fresh one).
func BenchmarkDataPathNewSessions(b *testing.B) {
	const per = 1 << 20
	tpl := flowTemplates(b, per, 0)
	vec := make([]*pic.Packet, pic.BatchSize)
	for i := range vec {
		vec[i] = &pic.Packet{ServiceSet: 1, Side: pic.Input}
	}
	var r *rig
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += pic.BatchSize {
		if i%per == 0 {
			b.StopTimer()
			r = newRigConf(b, 1, per*512, benchConf, false)
			r.db.Online(0)
			b.StartTimer()
		}
		for j := range vec {
			vec[j].SetData(tpl[(i+j)%per])
		}
		r.dp.Core(0).Process(vec)
		r.db.Quiesce(0)
	}
	b.StopTimer()
	b.ReportMetric(1e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "Msessions/s")
}

// BenchmarkDataPathScaling runs 1..N data cores in parallel, each on its
// own established sessions (100K per core); the figure is the aggregate.
func BenchmarkDataPathScaling(b *testing.B) {
	for _, cores := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("cores=%d", cores), func(b *testing.B) {
			const perCore = 100_000
			r := newRigConf(b, cores, int64(cores*perCore)*512+64<<20, benchConf, false)
			tpls := make([][][]byte, cores)
			for c := range cores {
				// keep only the flows that steer to core c
				all := flowTemplates(b, perCore*cores*2, c*perCore*cores*2)
				var p pic.Packet
				for _, t := range all {
					p.SetData(t)
					_ = p.Parse()
					if pic.SteerCore(p.Proto, p.SPort, p.DPort, cores) == c && len(tpls[c]) < perCore {
						tpls[c] = append(tpls[c], t)
					}
				}
			}
			run := func(c, n int, open bool) {
				vec := make([]*pic.Packet, pic.BatchSize)
				for i := range vec {
					vec[i] = &pic.Packet{ServiceSet: 1, Side: pic.Input}
				}
				core, tpl := r.dp.Core(c), tpls[c]
				rng := rand.New(rand.NewPCG(uint64(c), 2))
				for i := 0; i < n; i += pic.BatchSize {
					for j := range vec {
						if open {
							vec[j].SetData(tpl[(i+j)%len(tpl)])
						} else {
							vec[j].SetData(tpl[rng.IntN(len(tpl))])
						}
					}
					core.Process(vec)
					r.db.Quiesce(c)
				}
			}
			for c := range cores {
				r.db.Online(c)
				run(c, len(tpls[c]), true)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for c := range cores {
				wg.Add(1)
				go func() { defer wg.Done(); run(c, b.N/cores, false) }()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(1e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N)), "Mpps")
		})
	}
}
