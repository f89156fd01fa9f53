package dataplane

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/gnos/gnos/internal/errkind"
)

// ErrLimit is returned when a budget (policy DB, object cache) is
// exhausted. It is gnos's error kind Limit (package errkind), not a
// sentinel of its own.
var ErrLimit = errkind.Limit

// PolicyOverhead is the bytes accounted per policy on top of its compiled
// size (entry, slot, bookkeeping). servicesd uses the same figure when it
// checks policy-db-size at commit time.
const PolicyOverhead = 128

// PolicySize is the budget a compiled policy of n bytes takes.
func PolicySize(n int) int64 { return int64(n) + PolicyOverhead }

// Entry is one published policy. It is immutable once published: a change
// publishes a new Entry.
type Entry struct {
	ServiceSet uint32
	Plugin     int
	Gen        uint64
	Size       int64 // budget accounted
	Value      any   // the plugin's compiled form
}

// Freer is implemented by policy values that release resources when the
// policy DB reclaims them.
type Freer interface{ Free() }

// PolicyDB holds the compiled policies of a PIC, keyed by (service-set id,
// plugin). Writers (the control core) publish copy-on-write: a new Entry
// is stored with one atomic pointer swap, so data cores read with Lookup
// without locks. The replaced Entry is retired with the epoch of the swap
// and freed only when every online data core has announced (Quiesce) an
// epoch at or past it: quiescent-state-based reclamation. A data core must
// not keep an Entry across its Quiesce call.
//
// Budget: live entries count against the budget; Publish fails with
// ErrLimit past it. Retired entries waiting for reclamation are reported
// apart (they are still in memory) but do not block publishing.
//
// Locking: mu serialises writers and guards the fields under it; readers
// take no lock. Lock order: mu is a leaf.
type PolicyDB struct {
	budget int64
	tab    atomic.Pointer[slotTable]
	epoch  atomic.Uint64
	cores  []coreEpoch

	mu          sync.Mutex
	live        int64 // bytes of live entries
	entries     int
	retired     []retiredEntry
	retiredSize int64
	freed       uint64
}

// coreEpoch is a data core's announced epoch, padded to its own cache line.
type coreEpoch struct {
	observed atomic.Uint64
	_        [56]byte
}

type retiredEntry struct {
	e     *Entry
	epoch uint64
}

// slotTable is indexed by serviceSet*MaxPlugins+plugin. It grows by
// copying (under mu) and is republished; slots themselves are atomic.
type slotTable struct {
	slots []atomic.Pointer[Entry]
}

// offline is the epoch of a core that is not processing packets: it holds
// no Entry, so it never delays reclamation.
const offline = math.MaxUint64

// NewPolicyDB returns a policy DB of budget bytes for cores data cores, all
// initially offline.
func NewPolicyDB(budget int64, cores int) *PolicyDB {
	d := &PolicyDB{budget: budget, cores: make([]coreEpoch, cores)}
	d.tab.Store(&slotTable{})
	d.epoch.Store(1)
	for i := range d.cores {
		d.cores[i].observed.Store(offline)
	}
	return d
}

// Lookup returns the policy of (serviceSet, plugin) or nil. It takes no
// lock and never blocks; safe from any data core.
func (d *PolicyDB) Lookup(serviceSet uint32, plugin int) *Entry {
	t := d.tab.Load()
	i := int(serviceSet)*MaxPlugins + plugin
	if i >= len(t.slots) {
		return nil
	}
	return t.slots[i].Load()
}

// Online marks core as processing packets from now on; it must call
// Quiesce between batches of packets.
func (d *PolicyDB) Online(core int) { d.cores[core].observed.Store(d.epoch.Load()) }

// Offline marks core idle: it holds no Entry.
func (d *PolicyDB) Offline(core int) { d.cores[core].observed.Store(offline) }

// Quiesce is called by a data core at a quiescent point (between packet
// batches, holding no Entry): it announces the current epoch. It never
// blocks and allocates nothing.
func (d *PolicyDB) Quiesce(core int) { d.cores[core].observed.Store(d.epoch.Load()) }

// Publish stores a policy for (serviceSet, plugin), replacing any previous
// one, which is retired. It fails with ErrLimit when the budget cannot hold
// the new entry in place of the old.
func (d *PolicyDB) Publish(serviceSet uint32, plugin int, gen uint64, value any, size int64) error {
	if plugin < 0 || plugin >= MaxPlugins {
		return errkind.Errorf(errkind.Invalid, "pic: policy db: plugin id %d out of range", plugin)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	slot := d.slotLocked(serviceSet, plugin)
	old := slot.Load()
	var oldSize int64
	if old != nil {
		oldSize = old.Size
	}
	if d.live-oldSize+size > d.budget {
		return errkind.Errorf(ErrLimit, "pic: policy db: service-set %d needs %d bytes, %d of %d in use",
			serviceSet, size, d.live, d.budget)
	}
	slot.Store(&Entry{ServiceSet: serviceSet, Plugin: plugin, Gen: gen, Size: size, Value: value})
	d.live += size - oldSize
	if old == nil {
		d.entries++
	} else {
		d.retireLocked(old)
	}
	d.reclaimLocked()
	return nil
}

// Delete removes the policy of (serviceSet, plugin), if any; it is retired.
func (d *PolicyDB) Delete(serviceSet uint32, plugin int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.tab.Load()
	i := int(serviceSet)*MaxPlugins + plugin
	if i >= len(t.slots) {
		return
	}
	old := t.slots[i].Swap(nil)
	if old == nil {
		return
	}
	d.live -= old.Size
	d.entries--
	d.retireLocked(old)
	d.reclaimLocked()
}

// Reclaim frees the retired entries every online core has moved past and
// returns how many it freed.
func (d *PolicyDB) Reclaim() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reclaimLocked()
}

// slotLocked returns the slot, growing the table when needed.
func (d *PolicyDB) slotLocked(serviceSet uint32, plugin int) *atomic.Pointer[Entry] {
	t := d.tab.Load()
	i := int(serviceSet)*MaxPlugins + plugin
	if i >= len(t.slots) {
		n := max(2*len(t.slots), (int(serviceSet)+1)*MaxPlugins, 64*MaxPlugins)
		nt := &slotTable{slots: make([]atomic.Pointer[Entry], n)}
		for j := range t.slots {
			nt.slots[j].Store(t.slots[j].Load())
		}
		d.tab.Store(nt)
		t = nt
	}
	return &t.slots[i]
}

// retireLocked queues old for reclamation and opens a new epoch: a core
// that announces the new epoch did so after the swap, so it cannot hold old.
func (d *PolicyDB) retireLocked(old *Entry) {
	e := d.epoch.Add(1)
	d.retired = append(d.retired, retiredEntry{e: old, epoch: e})
	d.retiredSize += old.Size
}

func (d *PolicyDB) reclaimLocked() int {
	if len(d.retired) == 0 {
		return 0
	}
	low := uint64(offline)
	for i := range d.cores {
		low = min(low, d.cores[i].observed.Load())
	}
	n := 0
	for n < len(d.retired) && d.retired[n].epoch <= low {
		r := d.retired[n]
		if f, ok := r.e.Value.(Freer); ok {
			f.Free()
		}
		d.retiredSize -= r.e.Size
		d.retired[n] = retiredEntry{}
		n++
	}
	d.retired = d.retired[n:]
	d.freed += uint64(n)
	return n
}

// DBStats describes a policy DB for show commands.
type DBStats struct {
	Budget       int64  `json:"budget"`
	Used         int64  `json:"used"`
	Entries      int    `json:"entries"`
	Retired      int    `json:"retired"`
	RetiredBytes int64  `json:"retired-bytes"`
	Freed        uint64 `json:"freed"`
	Epoch        uint64 `json:"epoch"`
}

// Stats returns the current figures.
func (d *PolicyDB) Stats() DBStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return DBStats{Budget: d.budget, Used: d.live, Entries: d.entries, Retired: len(d.retired),
		RetiredBytes: d.retiredSize, Freed: d.freed, Epoch: d.epoch.Load()}
}
