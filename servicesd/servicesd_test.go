package servicesd_test

import (
	"strings"
	"testing"
)

// TestOneChangeSendsOneUpdate commits the performance configuration
// (10,000 service-sets; fewer with -short), then changes one leaf in
// several places: each commit sends the PIC exactly one update, counted at
// the PIC, and the service-set's generation grows.
func TestOneChangeSendsOneUpdate(t *testing.T) {
	sets := 10000
	if testing.Short() {
		sets = 500
	}
	h := start(t)
	h.loadCommit(h.shape(sets))
	h.waitAll(sets)
	if got := len(h.picd().Status().SSRBs); got != sets {
		t.Fatalf("PIC holds %d SSRBs, want %d", got, sets)
	}
	tests := []struct {
		name   string
		line   string
		target string
	}{
		{"service-set leaf", "set services service-set ss7 max-flows 1000", "ss7"},
		{"referenced rule", "set services stateful-firewall rule r42 term t1 from destination-address 192.0.2.0/24", "ss42"},
		{"rule action", "set services stateful-firewall rule r42 term t5 then reject", "ss42"},
		{"service interface", "set services service-set ss9 next-hop-service inside-service-interface ms-0/0/0.9000", "ss9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := h.picd().Status().Counters
			old, _ := h.n.Services.SSRB(tc.target)
			h.set(tc.line)
			if err := h.commit(false); err != nil {
				t.Fatal(err)
			}
			h.waitSynced(tc.target)
			now, _ := h.n.Services.SSRB(tc.target)
			after := h.picd().Status().Counters
			if got := after.Updates() - before.Updates(); got != 1 {
				t.Errorf("PIC counted %d updates, want 1", got)
			}
			if got := after.Changes - before.Changes; got != 1 {
				t.Errorf("PIC counted %d changes, want 1", got)
			}
			if got := h.n.Services.LastCommitUpdates(); got != 1 {
				t.Errorf("servicesd sent %d updates, want 1", got)
			}
			if now.Gen <= old.Gen || now.ID != old.ID {
				t.Errorf("%s: got id %d gen %d, want id %d and gen > %d", tc.target, now.ID, now.Gen, old.ID, old.Gen)
			}
		})
	}
}

// TestCommitCheckRejects: what a PIC cannot hold fails commit check and
// commit with a Junos-style path, and nothing reaches the PIC.
func TestCommitCheckRejects(t *testing.T) {
	tests := []struct {
		name  string
		sets  int
		lines []string
		want  []string
	}{
		{"policies over policy-db-size", 2000,
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider policy-db-size 1"},
			[]string{"[edit chassis fpc 0 pic 0 adaptive-services service-package extension-provider]",
				"'policy-db-size'", "more than policy-db-size 1 MB"}},
		{"unknown plugin in service-order", 3,
			[]string{"set services service-set ss2 service-order forward-flow [ stateful-firewall bogus ]"},
			[]string{"[edit services service-set ss2 service-order]", "'forward-flow'", "unknown service plugin 'bogus'"}},
		{"plugin not loaded on the PIC", 3,
			[]string{"set services service-set ss2 service-order forward-flow passthru"},
			[]string{"[edit services service-set ss2 service-order]", "plugin 'passthru' is not loaded on fpc 0 pic 0"}},
		{"service interface on an unconfigured PIC", 3,
			[]string{"set services service-set ss3 next-hop-service inside-service-interface ms-1/0/0.6",
				"set services service-set ss3 next-hop-service outside-service-interface ms-1/0/0.7"},
			[]string{"[edit services service-set ss3 next-hop-service]", "'inside-service-interface'", "no services PIC at fpc 1 pic 0"}},
		{"extension-service without service-order", 3,
			[]string{"set services service-set ss1 extension-service passthru"},
			[]string{"service-set ss1", "service-order forward-flow must be configured when extension-service is configured"}},
		{"two service-sets on one interface and direction", 3,
			[]string{"set interfaces ge-0/0/0 unit 0 family inet service input service-set ss1",
				"set interfaces ge-0/0/0 unit 0 family inet service input service-set ss2"},
			[]string{"[edit interfaces ge-0/0/0 unit 0]", "'service'",
				"service-sets ss1 and ss2 are both applied to ge-0/0/0.0 input"}},
		{"object cache smaller than the data path's working set", 3,
			[]string{"delete chassis fpc 0 pic 0 adaptive-services service-package extension-provider policy-db-size",
				"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider object-cache-size 2",
				"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 64"},
			[]string{"[edit chassis fpc 0 pic 0 adaptive-services service-package extension-provider]", "'object-cache-size'",
				"the session tables and object classes of fpc 0 pic 0 (one batch per class on each of 64 data cores) need", "more than object-cache-size 2 MB"}},
		{"more services than a chain runs", 3,
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package passthru",
				"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package test-restartable",
				"set services service-set ss2 service-order forward-flow [ stateful-firewall nat passthru test-restartable ]"},
			[]string{"[edit services service-set ss2 service-order]", "'forward-flow'", "4 services in the chain, more than a PIC runs (3)"}},
		{"unknown package", 3,
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package frobnicator"},
			[]string{"[edit chassis fpc 0 pic 0 adaptive-services service-package extension-provider]", "unknown service plugin 'frobnicator'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			h.loadCommit(h.shape(tc.sets))
			h.waitAll(tc.sets)
			before := h.picd().Status()
			h.set(tc.lines...)
			for _, check := range []bool{true, false} {
				err := h.commit(check)
				if err == nil {
					t.Fatalf("commit (check=%v) succeeded, want failure", check)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("commit (check=%v): got\n%v\nwant it to contain %q", check, err, w)
					}
				}
			}
			after := h.picd().Status()
			if after.Counters != before.Counters || len(after.SSRBs) != len(before.SSRBs) {
				t.Errorf("PIC changed: got %+v, want %+v", after.Counters, before.Counters)
			}
		})
	}
}
