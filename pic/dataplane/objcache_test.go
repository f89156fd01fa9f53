package dataplane

import (
	"testing"
	"unsafe"
)

type session struct {
	a uint64
	_ [3]uint64 // 32 bytes in all
}

func TestObjectCacheBudget(t *testing.T) {
	tests := []struct {
		name      string
		budget    int64
		batch     int
		allocs    int
		wantOK    int
		wantDrops uint64
	}{
		{"room", 32 * 100, 16, 50, 50, 0},
		{"exact", 32 * 64, 16, 64, 64, 0},
		{"over: partial batch then drops", 32 * 40, 16, 50, 40, 10},
		{"nothing fits", 16, 4, 3, 0, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewObjectCache(tc.budget)
			l := NewClass[session](c, "session", 1, tc.batch).Local(0)
			ok := 0
			for i := 0; i < tc.allocs; i++ {
				if p, good := l.Alloc(); good {
					p.a = uint64(i)
					ok++
				}
			}
			st := c.Stats()
			if ok != tc.wantOK || st.MemlimitDrops != tc.wantDrops {
				t.Fatalf("got %d allocations and %d drops, want %d and %d", ok, st.MemlimitDrops, tc.wantOK, tc.wantDrops)
			}
			if st.Reserved > tc.budget {
				t.Fatalf("reserved %d over budget %d", st.Reserved, tc.budget)
			}
			if st.Classes[0].InUse != int64(ok) {
				t.Fatalf("in use: got %d, want %d", st.Classes[0].InUse, ok)
			}
		})
	}
}

// TestObjectCacheRecycles: objects freed on one core go back through the
// depot to another, so the budget holds a steady working set forever.
func TestObjectCacheRecycles(t *testing.T) {
	c := NewObjectCache(32 * 64)
	cl := NewClass[session](c, "session", 2, 16)
	l0, l1 := cl.Local(0), cl.Local(1)
	var held []*session
	for i := 0; i < 64; i++ {
		p, ok := l0.Alloc()
		if !ok {
			t.Fatalf("alloc %d failed", i)
		}
		p.a = 1
		held = append(held, p)
	}
	if _, ok := l1.Alloc(); ok {
		t.Fatal("core 1 allocated past the budget")
	}
	for _, p := range held {
		l0.Free(p)
	}
	for i := 0; i < 32; i++ { // two magazines went to the depot
		p, ok := l1.Alloc()
		if !ok {
			t.Fatalf("core 1 alloc %d after frees failed", i)
		}
		if *p != (session{}) {
			t.Fatalf("object not zeroed: %+v", *p)
		}
	}
	if got := c.Stats().Reserved; got != 32*64 {
		t.Fatalf("reserved: got %d, want %d", got, 32*64)
	}
}

func BenchmarkObjectCacheAllocFree(b *testing.B) {
	c := NewObjectCache(1 << 30)
	l := NewClass[session](c, "session", 1, 256).Local(0)
	var ring [1024]*session
	for i := range ring {
		ring[i], _ = l.Alloc()
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j := i & 1023
		l.Free(ring[j])
		ring[j], _ = l.Alloc()
	}
}

// Sessions come from slabs of sessionBatch 256-byte objects, large
// allocations the runtime page-aligns, so every session's first line is
// the one a packet reads (touchSessions).
func TestSessionsLineAligned(t *testing.T) {
	l := newSessionClass(NewObjectCache(64<<20), 1).Local(0)
	for i := range 3 * sessionBatch {
		s, ok := l.Alloc()
		if !ok {
			t.Fatal("no session object")
		}
		if a := uintptr(unsafe.Pointer(s)); a%64 != 0 {
			t.Fatalf("session %d at %#x: not on a cache line boundary", i, a)
		}
	}
}
