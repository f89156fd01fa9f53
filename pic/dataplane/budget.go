package dataplane

import (
	"fmt"
	"slices"
)

// The budgets a PIC enforces, as functions both sides call: servicesd
// checks a commit against them in its validate phase (so `commit check`
// refuses what the PIC would refuse, with the chassis path), and the PIC
// checks every update against them before it runs a control event (so
// what it refuses is refused whole, never half applied). One function per
// figure, so the two sides cannot disagree.
//
//   - policy-db-size: the live policies of a PIC's service-sets, each
//     PolicySize(len(compiled)) (SSRB.PolicyBytes), at most the budget;
//   - object-cache-size: the session tables (TableBytes, sized from the
//     budget itself, charged before any session) plus the data path's
//     working set before its first session, one refill batch of every
//     object class (sessions and each loaded plugin's classes) on every
//     data core; a smaller cache leaves some cores unable to create any
//     session;
//   - a chain of at most MaxChain services.

// sessionBatch is the session class's refill batch (objects per magazine).
const sessionBatch = 256

// newSessionClass creates the session class of a data plane: one class
// for both families, so that they share the object cache (a class keeps
// the memory it took until the PIC restarts: a family with objects of
// its own would find the cache held by the other's peak). NewDataplane
// and CacheMinimumFor both call it.
func newSessionClass(c *ObjectCache, cores int) *Class[Session] {
	return NewClass[Session](c, "session", cores, sessionBatch)
}

// BudgetError is a PIC budget its service-sets do not fit. It is of kind
// ErrLimit.
type BudgetError struct {
	Statement string // the chassis statement setting the budget: policy-db-size | object-cache-size
	Need      int64  // bytes needed
	MB        uint32 // the budget configured, in MB
	What      string // what needs the bytes
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%s need %s, more than %s %d MB", e.What, mb(e.Need), e.Statement, e.MB)
}

// Unwrap makes errors.Is(err, ErrLimit) hold.
func (e *BudgetError) Unwrap() error { return ErrLimit }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// CheckPolicyDB checks that policies of used bytes (the sum of the
// service-sets' PolicyBytes) fit policy-db-size budgetMB of the PIC in
// slot.
func CheckPolicyDB(used int64, budgetMB uint32, slot Slot) error {
	if used <= int64(budgetMB)<<20 {
		return nil
	}
	return &BudgetError{Statement: "policy-db-size", Need: used, MB: budgetMB,
		What: "policies of the service-sets on " + slot.String()}
}

// Minimum is the object cache the classes created so far need before the
// first session: one refill batch of each class on each data core.
func (c *ObjectCache) Minimum() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, cl := range c.classes {
		if m, ok := cl.(interface{ minimum() int64 }); ok {
			n += m.minimum()
		}
	}
	return n
}

func (cl *Class[T]) minimum() int64 { return cl.size * int64(cl.batch) * int64(len(cl.locals)) }

// CacheMinimumFor is ObjectCache.Minimum of the data plane a PIC of cores
// data cores loading plugins builds, computed without building it: the
// session class and each plugin's classes, created by its data handler's
// session-manager init on a cache that reserves nothing. (A plugin's
// session-manager init creates its object classes and nothing else with
// effects: servicesd runs it this way at commit.)
func CacheMinimumFor(plugins []DataPlugin, cores int) int64 {
	cores = max(cores, 1)
	c := NewObjectCache(0)
	newSessionClass(c, cores)
	newFragClasses(c)
	for _, p := range plugins {
		if p.Data == nil {
			continue
		}
		p.Data().Data(EvSessionManagerInit, &DataCtx{Cores: cores, Cache: c, Plugin: p.Slot})
	}
	return c.Minimum()
}

// CheckObjectCache checks that an object cache of budgetMB holds need
// bytes (CacheMinimumFor, or the running cache's Minimum) beside the
// session tables of cores data cores, on the PIC in slot.
func CheckObjectCache(need int64, budgetMB uint32, cores int, slot Slot) error {
	budget := int64(budgetMB) << 20
	if need += TableBytes(budget, cores); need <= budget {
		return nil
	}
	return &BudgetError{Statement: "object-cache-size", Need: need, MB: budgetMB,
		What: fmt.Sprintf("the session tables and object classes of %s (one batch per class on each of %d data cores)", slot, max(cores, 1))}
}

// CheckChain checks that a service-set's chains name at most MaxChain
// services in all.
func CheckChain(s *SSRB) error {
	var names []string
	for _, n := range slices.Concat(s.Forward, s.Reverse) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > MaxChain {
		return fmt.Errorf("%d services in the chain, more than a PIC runs (%d)", len(names), MaxChain)
	}
	return nil
}
