package gnmi_test

import (
	"context"
	"strings"
	"testing"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/compose"
)

func jsonVal(s string) *gpb.TypedValue {
	return &gpb.TypedValue{Value: &gpb.TypedValue_JsonIetfVal{JsonIetfVal: []byte(s)}}
}

func strVal(s string) *gpb.TypedValue {
	return &gpb.TypedValue{Value: &gpb.TypedValue_StringVal{StringVal: s}}
}

func hostName(t *testing.T, n *compose.Node) string {
	t.Helper()
	v, _ := n.Configd.Committed().ChildNamed("system", "").Leaf("host-name")
	return v
}

func TestSetCommits(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	admin := dial(t, n, "admin", "admin123")
	commitSet(t, n, "set interfaces ge-0/0/1 description old\nset interfaces ge-0/0/1 mtu 1400\n")
	resp, err := admin.Set(context.Background(), &gpb.SetRequest{
		Delete: []*gpb.Path{path("/interfaces/interface[name=ge-0/0/1]/mtu"), path("/system/domain-name")},
		Replace: []*gpb.Update{{Path: path("/interfaces/interface[name=ge-0/0/2]"),
			Val: jsonVal(`{"description":"uplink","mtu":9000}`)}},
		Update: []*gpb.Update{
			{Path: path("/system/host-name"), Val: strVal("r2")},
			{Path: path("/interfaces/interface[name=ge-0/0/1]"), Val: jsonVal(`{"gnos-interfaces:description":"new"}`)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(resp.GetResponse()); got != 5 {
		t.Errorf("results: got %d, want 5: %v", got, resp)
	}
	if got := hostName(t, n); got != "r2" {
		t.Errorf("host-name: got %q, want r2", got)
	}
	if1 := n.Configd.Committed().ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/1")
	if d, _ := if1.Leaf("description"); d != "new" {
		t.Errorf("ge-0/0/1 description: got %q, want new", d)
	}
	if _, ok := if1.Leaf("mtu"); ok {
		t.Error("ge-0/0/1 mtu: still configured after delete")
	}
	if2 := n.Configd.Committed().ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/2")
	if m, _ := if2.Leaf("mtu"); m != "9000" {
		t.Errorf("ge-0/0/2 mtu: got %q, want 9000", m)
	}
	hist, err := n.Configd.History()
	if err != nil {
		t.Fatal(err)
	}
	if hist[0].User != "admin" || hist[0].Client != "grpc" {
		t.Errorf("rollback 0: by %s via %s, want by admin via grpc", hist[0].User, hist[0].Client)
	}
	// replace drops what the value does not hold
	if _, err := admin.Set(context.Background(), &gpb.SetRequest{Replace: []*gpb.Update{
		{Path: path("/interfaces/interface[name=ge-0/0/2]"), Val: jsonVal(`{"description":"only"}`)}}}); err != nil {
		t.Fatal(err)
	}
	if2 = n.Configd.Committed().ChildNamed("interfaces", "").ChildNamed("interface", "ge-0/0/2")
	if _, ok := if2.Leaf("mtu"); ok {
		t.Error("replace kept mtu, which the new value does not hold")
	}
}

// TestSetFailsWhole: a Set whose commit is refused, whose value is bad
// or whose user may not configure changes nothing, and says why.
func TestSetFailsWhole(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	admin := dial(t, n, "admin", "admin123")
	ro := dial(t, n, "ro", "ro123")
	oper := dial(t, n, "oper", "oper123")
	before := len(mustHistory(t, n))
	hostUpdate := &gpb.Update{Path: path("/system/host-name"), Val: strVal("changed")}
	for _, tc := range []struct {
		name string
		c    interface {
			Set(context.Context, *gpb.SetRequest) (*gpb.SetResponse, error)
		}
		req  *gpb.SetRequest
		code codes.Code
		want []string
	}{
		{"refused commit", admin, &gpb.SetRequest{Update: []*gpb.Update{hostUpdate,
			{Path: path("/services/stateful-firewall/rule[name=R1]"), Val: jsonVal(`{"term":[{"name":"t1","then":{"accept":[null]}}]}`)}}},
			codes.InvalidArgument, []string{"[edit services stateful-firewall rule R1]", "match-direction", "error: configuration check-out failed"}},
		{"bad value", admin, &gpb.SetRequest{Update: []*gpb.Update{hostUpdate,
			{Path: path("/interfaces/interface[name=ge-0/0/0]/mtu"), Val: strVal("huge")}}},
			codes.InvalidArgument, []string{"update /interfaces/interface[name=ge-0/0/0]/mtu"}},
		{"bad JSON member", admin, &gpb.SetRequest{Update: []*gpb.Update{hostUpdate,
			{Path: path("/interfaces/interface[name=ge-0/0/0]"), Val: jsonVal(`{"colour":"red"}`)}}},
			codes.InvalidArgument, []string{"update /interfaces/interface[name=ge-0/0/0]", "colour"}},
		{"key disagrees", admin, &gpb.SetRequest{Update: []*gpb.Update{
			{Path: path("/interfaces/interface[name=ge-0/0/0]"), Val: jsonVal(`{"name":"ge-0/0/9"}`)}}},
			codes.InvalidArgument, []string{"key name is ge-0/0/0 in the path"}},
		{"wildcard", admin, &gpb.SetRequest{Delete: []*gpb.Path{path("/system/login/user/class")}},
			codes.InvalidArgument, []string{"no wildcards in a Set"}},
		{"state is read-only", admin, &gpb.SetRequest{Delete: []*gpb.Path{path("/state/system")}},
			codes.InvalidArgument, []string{"read-only"}},
		{"read-only user", ro, &gpb.SetRequest{Update: []*gpb.Update{hostUpdate}},
			codes.PermissionDenied, []string{"user ro", "may not set"}},
		{"operator user", oper, &gpb.SetRequest{Update: []*gpb.Update{hostUpdate}},
			codes.PermissionDenied, []string{"user oper"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.Set(context.Background(), tc.req)
			if status.Code(err) != tc.code {
				t.Fatalf("got %v (%v), want %v", status.Code(err), err, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(status.Convert(err).Message(), w) {
					t.Errorf("message %q: want it to say %q", status.Convert(err).Message(), w)
				}
			}
			if got := hostName(t, n); got != "lab1" {
				t.Errorf("host-name: got %q, want lab1 (a failed Set changes nothing)", got)
			}
			if got := len(mustHistory(t, n)); got != before {
				t.Errorf("commits: got %d, want %d", got, before)
			}
		})
	}
	if n.Configd.Modified() {
		t.Error("the shared candidate was modified by failed Sets")
	}
}

func mustHistory(t *testing.T, n *compose.Node) []any {
	t.Helper()
	h, err := n.Configd.History()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]any, len(h))
	for i := range h {
		out[i] = h[i]
	}
	return out
}
