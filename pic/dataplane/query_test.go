package dataplane

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

// openUDP opens n UDP sessions in service-set ss, flow i from 10.ss.i>>8.i
// port 1000+i.
func (h *dpHarness) openUDP(ss uint32, n int) {
	h.t.Helper()
	for i := range n {
		a := netip.AddrFrom4([4]byte{10, byte(ss), byte(i >> 8), byte(i)})
		h.sendTo(ss, Input, PacketSpec{Src: a, Dst: srv4, Proto: ProtoUDP, SPort: uint16(1000 + i), DPort: 53})
	}
}

// Counting and paging see every session once, filtered on the PIC, with
// pages of the size asked and a cursor that resumes where a page ended.
func TestCountAndPages(t *testing.T) {
	for _, cores := range []int{1, 2} {
		h := newHarness(t, cores, 16<<20)
		if err := h.dp.SetServiceSet(&SSRB{ID: 2, Name: "ss2", Gen: 1, Forward: []string{"test-dp-a"}}); err != nil {
			t.Fatal(err)
		}
		h.openUDP(1, 300)
		h.openUDP(2, 45)
		ctx := context.Background()
		for _, tc := range []struct {
			f    SessionFilter
			want int
		}{
			{SessionFilter{}, 345},
			{SessionFilter{ServiceSet: 2}, 45},
			{SessionFilter{Source: netip.MustParsePrefix("10.1.1.0/24")}, 300 - 256},
			{SessionFilter{Proto: ProtoTCP}, 0},
			{SessionFilter{SrcPort: 1007, HasSrcPort: true}, 2}, // one in each service-set
			{SessionFilter{ServiceSet: 2, SrcPort: 1007, HasSrcPort: true}, 1},
			{SessionFilter{DstPort: 53, HasDstPort: true}, 345},
			{SessionFilter{DstPort: 0, HasDstPort: true}, 0}, // port 0 is a port, not "any"
		} {
			n, err := h.dp.CountSessions(ctx, tc.f)
			if err != nil || n != tc.want {
				t.Errorf("cores %d: count %+v: got %d, %v; want %d", cores, tc.f, n, err, tc.want)
			}
			seen := map[netip.AddrPort]bool{}
			ids := map[uint32]bool{}
			var cur Cursor
			for pages := 0; ; pages++ {
				page, next, done, err := h.dp.SessionPage(ctx, tc.f, cur, 7)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > 7 || (!done && len(page) != 7) {
					t.Fatalf("cores %d: page of %d sessions (done %v), want 7 (fewer on the last)", cores, len(page), done)
				}
				for _, s := range page {
					if seen[s.Flows[0].Src] {
						t.Fatalf("cores %d: session %v listed twice", cores, s.Flows[0].Src)
					}
					seen[s.Flows[0].Src] = true
					if s.Session == 0 || ids[s.Session] {
						t.Fatalf("cores %d: session %v has id %d, zero or another's", cores, s.Flows[0].Src, s.Session)
					}
					ids[s.Session] = true
				}
				if done {
					break
				}
				cur = next
			}
			if len(seen) != tc.want {
				t.Errorf("cores %d: pages of %+v: got %d sessions, want %d", cores, tc.f, len(seen), tc.want)
			}
		}
	}
}

// A walk stops with an error when its asker gives up or the data plane
// stops: it never hangs and never answers as if it had finished.
func TestWalkErrors(t *testing.T) {
	h := newHarness(t, 2, 16<<20)
	h.openUDP(1, 20)
	h.start()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.dp.CountSessions(ctx, SessionFilter{ServiceSet: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled count: got %v, want context.Canceled", err)
	}
	if n, err := h.dp.CountSessions(context.Background(), SessionFilter{}); err != nil || n != 20 {
		t.Errorf("count on running cores: got %d, %v; want 20", n, err)
	}
	h.dp.Stop()
	h.dp.mu.Lock()
	h.dp.started = true // as a walk that read the state before Stop sees it
	h.dp.mu.Unlock()
	_, _, _, err := h.dp.SessionPage(context.Background(), SessionFilter{}, Cursor{}, 5)
	h.dp.mu.Lock()
	h.dp.started = false
	h.dp.mu.Unlock()
	if !errors.Is(err, ErrStopped) {
		t.Errorf("page on stopped cores: got %v, want ErrStopped", err)
	}
}

// A walk runs on the cores in slices: a core of several slices' worth of
// sessions takes one core item per slice, never all at once.
func TestWalkInSlices(t *testing.T) {
	h := newHarness(t, 1, 64<<20)
	const n = 2*WalkSessions + 5
	h.openUDP(1, n)
	h.start()
	items := 0
	h.dp.onItem = func() { items++ }
	if got, err := h.dp.CountSessions(context.Background(), SessionFilter{ServiceSet: 1}); err != nil || got != n {
		t.Fatalf("got %d, %v; want %d", got, err, n)
	}
	if items != 3 {
		t.Errorf("the walk took %d core items, want 3 (one per slice of %d sessions)", items, WalkSessions)
	}
	items = 0
	if got := h.dp.ClearSessions(1, false); got != n || h.dp.Stats().Sessions != 0 {
		t.Fatalf("clear: got %d cleared, %d left; want %d, 0", got, h.dp.Stats().Sessions, n)
	}
	if items < 3 {
		t.Errorf("the clear took %d core items, want 3 or more", items)
	}
}

// BenchmarkCountSessions measures a filtered count's walk on one core of
// 1 M sessions (cores not started: the walk alone, no queue hand-offs).
func BenchmarkCountSessions(b *testing.B) {
	const n = 1_000_000
	h := newHarness(&testing.T{}, 1, 512<<20)
	c := h.dp.Core(0)
	var p Packet
	for i := range n {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if err := p.Build(PacketSpec{Src: a, Dst: srv4, Proto: ProtoUDP, SPort: uint16(1024 + i%50000), DPort: 53}); err != nil {
			b.Fatal(err)
		}
		p.ServiceSet, p.Side = 1, Input
		c.Process([]*Packet{&p})
	}
	f := SessionFilter{Source: netip.MustParsePrefix("10.0.0.0/8")}
	for b.Loop() {
		if got, err := h.dp.CountSessions(context.Background(), f); err != nil || got != n {
			b.Fatalf("got %d, %v; want %d", got, err, n)
		}
	}
}
