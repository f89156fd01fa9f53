package validate

import (
	"os"
	"sync"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/yang"
)

// Validations run concurrently (commit check in one session, commit in
// another) on shared, immutable trees; the first ones race to build the
// schema's plan. Run with -race.
func TestConcurrentValidations(t *testing.T) {
	src, err := os.ReadFile("testdata/gnos-test.yang")
	if err != nil {
		t.Fatal(err)
	}
	// A schema of its own, so that the plan is built under contention.
	s, err := schema.Compile([]yang.Module{{Name: "gnos-test", Source: string(src)}})
	if err != nil {
		t.Fatal(err)
	}
	old := load(t, s, base)
	next := edit(t, old, "set services service-set S1 stateful-firewall-rules R9\ndelete system login user bob class")
	want := errText(Validate(next, Options{}))
	if want == "" {
		t.Fatal("got no errors, want some")
	}
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				got[i] = errText(Validate(next, Options{}))
			} else {
				got[i] = errText(Validate(next, Options{Old: old}))
			}
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("goroutine %d: got\n%s\nwant\n%s", i, g, want)
		}
	}
}
