package dataplane

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// ObjectCache is a PIC's object memory: a hard budget (object-cache-size)
// from which typed object classes (sessions, plugin session state) carve
// slabs. Each class hands every data core its own Local pool, a magazine
// of free objects used without locks; a core whose magazine runs empty
// takes a full one from the class depot (one mutex) or reserves a new slab
// from the budget (one atomic). Past the budget, Alloc fails and the drop
// is counted as a memlimit drop: nothing crashes. Memory reserved for slabs
// stays with the class (objects are recycled, never returned to the Go
// heap) until the PIC restarts, so the budget bounds real memory.
type ObjectCache struct {
	budget   int64
	reserved atomic.Int64  // bytes of slabs created, and of the session tables
	tables   atomic.Int64  // bytes of session tables (reserveTable)
	drops    atomic.Uint64 // allocations refused at the budget

	mu      sync.Mutex // guards classes
	classes []classStats
}

// classStats reports a class without knowing its type.
type classStats interface{ stats() ClassStats }

// NewObjectCache returns an object cache of budget bytes.
func NewObjectCache(budget int64) *ObjectCache { return &ObjectCache{budget: budget} }

// reserve takes up to n objects of size bytes from the budget and returns
// how many it got.
func (c *ObjectCache) reserve(n int, size int64) int {
	for {
		cur := c.reserved.Load()
		fit := int((c.budget - cur) / size)
		if fit <= 0 {
			return 0
		}
		n = min(n, fit)
		if c.reserved.CompareAndSwap(cur, cur+int64(n)*size) {
			return n
		}
	}
}

// reserveTable takes n bytes for a session table from the budget, whole
// or not at all.
func (c *ObjectCache) reserveTable(n int64) bool {
	for {
		cur := c.reserved.Load()
		if cur+n > c.budget {
			return false
		}
		if c.reserved.CompareAndSwap(cur, cur+n) {
			c.tables.Add(n)
			return true
		}
	}
}

// Class is one object type in the cache.
type Class[T any] struct {
	c      *ObjectCache
	name   string
	size   int64
	batch  int
	locals []Local[T]

	mu    sync.Mutex // guards depot and empty
	depot [][]*T     // full magazines of batch free objects
	empty [][]*T     // magazines emptied by refills, for Free to fill again
}

// Local is a data core's pool of one class. Alloc and Free must be called
// from the owning core only; they take no lock on the fast path and
// allocate nothing once warm.
type Local[T any] struct {
	cl    *Class[T]
	free  []*T
	inUse atomic.Int64 // written by the owner, read by show commands
	_     [40]byte
}

// ClassStats describes a class for show commands.
type ClassStats struct {
	Name       string `json:"name"`
	ObjectSize int64  `json:"object-size"`
	InUse      int64  `json:"in-use"`
}

// NewClass registers a class of T objects with one Local pool per core,
// refilled batch objects at a time.
func NewClass[T any](c *ObjectCache, name string, cores, batch int) *Class[T] {
	var zero T
	cl := &Class[T]{c: c, name: name, size: max(int64(unsafe.Sizeof(zero)), 1), batch: max(batch, 1),
		locals: make([]Local[T], cores)}
	for i := range cl.locals {
		cl.locals[i].cl = cl
	}
	c.mu.Lock()
	c.classes = append(c.classes, cl)
	c.mu.Unlock()
	return cl
}

// Local returns core's pool.
func (cl *Class[T]) Local(core int) *Local[T] { return &cl.locals[core] }

// Alloc returns a zeroed object, or nil and false when the object cache is
// full (a memlimit drop, counted).
func (l *Local[T]) Alloc() (*T, bool) {
	if len(l.free) == 0 && !l.refill() {
		l.cl.c.drops.Add(1)
		return nil, false
	}
	p := l.free[len(l.free)-1]
	l.free = l.free[:len(l.free)-1]
	l.inUse.Store(l.inUse.Load() + 1)
	return p, true
}

// Free returns p to the pool; p must come from this class and must not be
// used afterwards.
func (l *Local[T]) Free(p *T) {
	var zero T
	*p = zero
	l.free = append(l.free, p)
	l.inUse.Store(l.inUse.Load() - 1)
	if len(l.free) >= 2*l.cl.batch {
		cl := l.cl
		cl.mu.Lock()
		var mag []*T
		if n := len(cl.empty); n > 0 { // a magazine a refill emptied: a working set turns over without garbage
			mag, cl.empty = cl.empty[n-1], cl.empty[:n-1]
		} else {
			mag = make([]*T, 0, cl.batch)
		}
		mag = append(mag, l.free[len(l.free)-cl.batch:]...)
		cl.depot = append(cl.depot, mag)
		cl.mu.Unlock()
		clear(l.free[len(l.free)-cl.batch:])
		l.free = l.free[:len(l.free)-cl.batch]
	}
}

func (l *Local[T]) refill() bool {
	cl := l.cl
	cl.mu.Lock()
	if n := len(cl.depot); n > 0 {
		mag := cl.depot[n-1]
		l.free = append(l.free, mag...)
		clear(mag)
		cl.depot, cl.empty = cl.depot[:n-1], append(cl.empty, mag[:0])
		cl.mu.Unlock()
		return true
	}
	cl.mu.Unlock()
	n := cl.c.reserve(cl.batch, cl.size)
	if n == 0 {
		return false
	}
	slab := make([]T, n)
	for i := range slab {
		l.free = append(l.free, &slab[i])
	}
	return true
}

func (cl *Class[T]) stats() ClassStats {
	s := ClassStats{Name: cl.name, ObjectSize: cl.size}
	for i := range cl.locals {
		s.InUse += cl.locals[i].inUse.Load()
	}
	return s
}

// CacheStats describes the object cache for show commands.
type CacheStats struct {
	Budget        int64        `json:"budget"`
	Reserved      int64        `json:"reserved"`       // slabs and session tables
	Tables        int64        `json:"session-tables"` // of which session tables
	MemlimitDrops uint64       `json:"memlimit-drops"`
	Classes       []ClassStats `json:"classes,omitempty"`
}

// Stats returns the current figures.
func (c *ObjectCache) Stats() CacheStats {
	s := CacheStats{Budget: c.budget, Reserved: c.reserved.Load(), Tables: c.tables.Load(), MemlimitDrops: c.drops.Load()}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cl := range c.classes {
		s.Classes = append(s.Classes, cl.stats())
	}
	return s
}
