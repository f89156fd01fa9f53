package dataplane

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gnos/gnos/internal/clock"
)

// inlineRig is a started one-core data plane whose Tx notes the thread
// it runs on.
type inlineRig struct {
	dp  *Dataplane
	mu  sync.Mutex
	tid []int // Tx's thread, per packet out
}

func newInlineRig(t *testing.T) *inlineRig {
	r := &inlineRig{}
	dp, err := NewDataplane(DataplaneOptions{Cores: 1, DB: NewPolicyDB(1<<20, 1), Cache: NewObjectCache(8 << 20),
		Clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Plugins: dpPlugins,
		Tx: func(_ int, pkts []*Packet) {
			r.mu.Lock()
			for range pkts {
				r.tid = append(r.tid, unix.Gettid())
			}
			r.mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := dp.SetServiceSet(&SSRB{ID: 1, Name: "ss1", Gen: 1, Forward: []string{"test-dp-a", "test-dp-b"},
		Reverse: []string{"test-dp-b", "test-dp-a"}}); err != nil {
		t.Fatal(err)
	}
	dpEvents()
	r.dp = dp
	dp.Start(t.Context())
	t.Cleanup(dp.Stop)
	return r
}

func (r *inlineRig) out() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.tid...)
}

func udp(t *testing.T, sport uint16) *Packet {
	p := &Packet{ServiceSet: 1, Side: Input}
	if err := p.Build(PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: sport, DPort: 53}); err != nil {
		t.Fatal(err)
	}
	return p
}

// A vector injected while its core is free runs on the injecting
// thread, forwarded before Inject returns; one injected while the core
// is busy waits in its queue and runs on the core's goroutine, after
// what holds the core.
func TestInjectRunsFreeCoreInline(t *testing.T) {
	r := newInlineRig(t)
	runtime.LockOSThread() // this goroutine alone on this thread: Tx here means inline
	defer runtime.UnlockOSThread()
	me := unix.Gettid()

	r.dp.Inject([]*Packet{udp(t, 1000)})
	if got := r.out(); len(got) != 1 || got[0] != me {
		t.Fatalf("free core: Tx threads %v right after Inject, want [%d] (inline)", got, me)
	}

	hold, held := make(chan struct{}), make(chan struct{})
	go r.dp.Do(func(*Core) { close(held); <-hold }) // the core's goroutine holds the core
	<-held
	r.dp.Inject([]*Packet{udp(t, 1001)})
	if got := r.out(); len(got) != 1 {
		t.Fatalf("busy core: %d packets out before it is free, want 1 (the vector queued)", len(got))
	}
	close(hold)
	r.dp.Sync()
	if got := r.out(); len(got) != 2 || got[1] == me {
		t.Fatalf("busy core: Tx threads %v, want a second packet sent by the core's goroutine", got)
	}
	if st := r.dp.Stats(); st.Sessions != 2 || st.Tx != 2 {
		t.Errorf("got %d sessions, %d out; want 2 and 2", st.Sessions, st.Tx)
	}
}
