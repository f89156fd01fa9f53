package dataplane

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// freeCounter is a policy value that records when it is freed.
type freeCounter struct {
	name  string
	freed *atomic.Int32
	dead  atomic.Bool
}

func (f *freeCounter) Free() { f.dead.Store(true); f.freed.Add(1) }

// core stands in for a data core: a goroutine that does what the test
// tells it, one command at a time, so the interleaving is deterministic.
type core struct {
	id   int
	cmd  chan string
	done chan *Entry
}

func startCore(t *testing.T, d *PolicyDB, id int, wg *sync.WaitGroup) *core {
	c := &core{id: id, cmd: make(chan string), done: make(chan *Entry)}
	wg.Add(1)
	go func() {
		defer wg.Done()
		var held *Entry
		for cmd := range c.cmd {
			switch cmd {
			case "online":
				d.Online(id)
			case "lookup": // hold the policy, as while processing a packet batch
				held = d.Lookup(7, 1)
				if held != nil && held.Value.(*freeCounter).dead.Load() {
					t.Errorf("core %d: got a freed policy", id)
				}
			case "quiesce": // end of batch: drop what is held, announce
				held = nil
				d.Quiesce(id)
			case "offline":
				held = nil
				d.Offline(id)
			}
			c.done <- held
		}
	}()
	return c
}

func (c *core) do(cmd string) *Entry { c.cmd <- cmd; return <-c.done }

func TestPolicyDBReclaimAfterAllCoresMovedPast(t *testing.T) {
	var freed atomic.Int32
	d := NewPolicyDB(1<<20, 2)
	var wg sync.WaitGroup
	c0, c1 := startCore(t, d, 0, &wg), startCore(t, d, 1, &wg)
	defer func() { close(c0.cmd); close(c1.cmd); wg.Wait() }()

	v1 := &freeCounter{name: "v1", freed: &freed}
	if err := d.Publish(7, 1, 1, v1, 100); err != nil {
		t.Fatal(err)
	}
	c0.do("online")
	c1.do("online")
	if got := c0.do("lookup"); got == nil || got.Value != v1 {
		t.Fatalf("core 0 lookup: got %v, want v1", got)
	}
	c1.do("lookup")

	steps := []struct {
		name      string
		act       func()
		wantFreed int32
	}{
		{"publish v2 while both cores hold v1", func() {
			if err := d.Publish(7, 1, 2, &freeCounter{name: "v2", freed: &freed}, 100); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"core 0 quiesces, core 1 still holds v1", func() { c0.do("quiesce") }, 0},
		{"core 0 sees v2", func() {
			if got := c0.do("lookup"); got.Value.(*freeCounter).name != "v2" {
				t.Errorf("core 0: got %s, want v2", got.Value.(*freeCounter).name)
			}
		}, 0},
		{"core 1 quiesces: v1 reclaimed", func() { c1.do("quiesce"); d.Reclaim() }, 1},
		{"delete while core 0 holds v2", func() { d.Delete(7, 1) }, 1},
		{"core 1 goes offline: no effect, core 0 still holds", func() { c1.do("offline"); d.Reclaim() }, 1},
		{"core 0 quiesces: v2 reclaimed", func() { c0.do("quiesce"); d.Reclaim() }, 2},
	}
	for _, s := range steps {
		s.act()
		if got := freed.Load(); got != s.wantFreed {
			t.Fatalf("%s: freed %d, want %d", s.name, got, s.wantFreed)
		}
	}
	st := d.Stats()
	if st.Entries != 0 || st.Used != 0 || st.Retired != 0 || st.Freed != 2 {
		t.Fatalf("stats: got %+v, want empty with 2 freed", st)
	}
}

func TestPolicyDBBudget(t *testing.T) {
	tests := []struct {
		name    string
		ops     []int64 // sizes published to successive service-sets; negative: replace service-set 1
		wantErr bool
		wantUse int64
	}{
		{"fits", []int64{400, 500}, false, 900},
		{"exactly full", []int64{1000}, false, 1000},
		{"over", []int64{600, 500}, true, 600},
		{"replace counts the difference", []int64{900, -1000}, false, 1000},
		{"replace over", []int64{900, -1001}, true, 900},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewPolicyDB(1000, 1)
			var err error
			for i, sz := range tc.ops {
				ss := uint32(i + 1)
				if sz < 0 {
					ss, sz = 1, -sz
				}
				if err = d.Publish(ss, 0, uint64(i+1), nil, sz); err != nil {
					break
				}
			}
			if gotErr := err != nil; gotErr != tc.wantErr || (err != nil && !errors.Is(err, ErrLimit)) {
				t.Fatalf("err: got %v, want error %v (ErrLimit)", err, tc.wantErr)
			}
			if got := d.Stats().Used; got != tc.wantUse {
				t.Fatalf("used: got %d, want %d", got, tc.wantUse)
			}
		})
	}
}

func TestPolicyDBGrowKeepsEntries(t *testing.T) {
	d := NewPolicyDB(1<<30, 1)
	for ss := uint32(1); ss <= 5000; ss += 7 {
		if err := d.Publish(ss, 3, uint64(ss), ss, 1); err != nil {
			t.Fatal(err)
		}
	}
	for ss := uint32(1); ss <= 5000; ss += 7 {
		if e := d.Lookup(ss, 3); e == nil || e.Value.(uint32) != ss {
			t.Fatalf("lookup %d: got %v, want value %d", ss, e, ss)
		}
		if e := d.Lookup(ss, 2); e != nil {
			t.Fatalf("lookup %d plugin 2: got %v, want nil", ss, e)
		}
	}
}

// TestPolicyDBConcurrentReaders runs readers that quiesce continuously
// against a writer replacing policies; under -race it checks the
// publication is clean, and no reader ever sees a freed policy.
func TestPolicyDBConcurrentReaders(t *testing.T) {
	var freed atomic.Int32
	d := NewPolicyDB(1<<20, 4)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Online(c)
			defer d.Offline(c)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 8; i++ {
					if e := d.Lookup(7, 1); e != nil && e.Value.(*freeCounter).dead.Load() {
						t.Error("reader saw a freed policy")
						return
					}
				}
				d.Quiesce(c)
			}
		}()
	}
	for g := uint64(1); g <= 2000; g++ {
		if err := d.Publish(7, 1, g, &freeCounter{freed: &freed}, 10); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	d.Reclaim()
	if got := freed.Load(); got != 1999 {
		t.Fatalf("freed: got %d, want 1999", got)
	}
}

func BenchmarkPolicyDBLookup(b *testing.B) {
	d := NewPolicyDB(1<<30, 1)
	for ss := uint32(0); ss < 10000; ss++ {
		d.Publish(ss, 1, 1, ss, 100)
	}
	d.Online(0)
	b.ReportAllocs()
	var n uint32
	for i := 0; b.Loop(); i++ {
		if d.Lookup(uint32(i%10000), 1) != nil {
			n++
		}
		if i&63 == 0 {
			d.Quiesce(0)
		}
	}
	_ = n
}

func BenchmarkPolicyDBPublish(b *testing.B) {
	d := NewPolicyDB(1<<30, 2)
	for ss := uint32(0); ss < 10000; ss++ {
		d.Publish(ss, 1, 1, ss, 100)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.Publish(uint32(i%10000), 1, uint64(i), nil, 100)
	}
}
