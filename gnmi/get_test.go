package gnmi_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/netconf/crypt"
)

func TestCapabilities(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	c := dial(t, n, "ro", "ro123")
	resp, err := c.Capabilities(context.Background(), &gpb.CapabilityRequest{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, m := range resp.GetSupportedModels() {
		have[m.GetName()] = m.GetVersion()
	}
	for _, want := range []string{"gnos-system", "gnos-services", "gnos-interfaces", "gnos-state", "gnos-stateful-firewall"} {
		if have[want] == "" {
			t.Errorf("model %s: missing or without revision; got %v", want, have)
		}
	}
	if got := resp.GetSupportedEncodings(); len(got) != 2 || got[0] != gpb.Encoding_JSON || got[1] != gpb.Encoding_JSON_IETF {
		t.Errorf("encodings: got %v, want [JSON JSON_IETF]", got)
	}
	if resp.GetGNMIVersion() == "" {
		t.Error("gNMI version: got empty")
	}
}

func TestAuthentication(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	for _, tc := range []struct {
		name, user, password string
		want                 codes.Code
		delay                time.Duration // the login throttle's wait before the answer
	}{
		{"wrong password", "admin", "nope", codes.Unauthenticated, 250 * time.Millisecond},
		{"unknown user", "mallory", "x", codes.Unauthenticated, 250 * time.Millisecond},
		{"no credentials", "", "", codes.Unauthenticated, 0},
		{"good", "ro", "ro123", codes.OK, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, n, tc.user, tc.password)
			err := throttled(t, clk, tc.delay, func() error {
				_, err := c.Capabilities(context.Background(), &gpb.CapabilityRequest{})
				return err
			})
			if got := status.Code(err); got != tc.want {
				t.Errorf("got %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// TestLoginThrottle: wrong passwords of one user from one address are
// answered after a delay that doubles (250 ms, 500 ms, 1 s); the right
// password is answered at once, failures before it notwithstanding.
func TestLoginThrottle(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	bad := dial(t, n, "admin", "guess")
	for _, d := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second} {
		err := throttled(t, clk, d, func() error {
			_, err := bad.Capabilities(context.Background(), &gpb.CapabilityRequest{})
			return err
		})
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("wrong password: got %v, want Unauthenticated", err)
		}
	}
	good := dial(t, n, "admin", "admin123")
	if _, err := good.Capabilities(context.Background(), &gpb.CapabilityRequest{}); err != nil {
		t.Fatalf("right password after failures: %v", err)
	}
}

// throttled runs call; with delay > 0 the server must hold the answer on
// a new timer of exactly delay on the fake clock (it is advanced then);
// with 0, the call must return without waiting on the clock.
func throttled(t *testing.T, clk *clock.Fake, delay time.Duration, call func() error) error {
	t.Helper()
	if delay == 0 {
		return call()
	}
	before := clk.Pending()
	res := make(chan error, 1)
	go func() { res <- call() }()
	blocked := make(chan struct{})
	go func() { clk.BlockUntil(before + 1); close(blocked) }()
	select {
	case err := <-res:
		t.Fatalf("refused login answered at once (%v), want after %v", err, delay)
	case <-blocked:
	}
	if d, _ := clk.Next(); d != delay {
		t.Errorf("refused login delayed %v, want %v", d, delay)
	}
	clk.Advance(delay)
	return <-res
}

func TestGetConfig(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	commitSet(t, n, "set interfaces ge-0/0/0 mtu 1500\nset interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n")
	admin := dial(t, n, "admin", "admin123")
	ro := dial(t, n, "ro", "ro123")
	for _, tc := range []struct {
		name, path string
		enc        gpb.Encoding
		want       string // the JSON value, or a substring of the error
		code       codes.Code
	}{
		{"leaf", "/system/host-name", gpb.Encoding_JSON_IETF, `"lab1"`, codes.OK},
		{"qualified element", "/gnos-system:system/host-name", gpb.Encoding_JSON_IETF, `"lab1"`, codes.OK},
		{"list entry leaf", "/system/login/user[name=ro]/class", gpb.Encoding_JSON, `"read-only"`, codes.OK},
		{"number", "/interfaces/interface[name=ge-0/0/0]/mtu", gpb.Encoding_JSON_IETF, `1500`, codes.OK},
		{"list entry", "/interfaces/interface[name=ge-0/0/0]/unit[name=0]", gpb.Encoding_JSON_IETF,
			`{"name":0,"family":{"inet":{"address":[{"name":"10.0.0.1/24"}]}}}`, codes.OK},
		{"container", "/interfaces", gpb.Encoding_JSON_IETF,
			`{"interface":[{"name":"ge-0/0/0","mtu":1500,"unit":[{"name":0,"family":{"inet":{"address":[{"name":"10.0.0.1/24"}]}}}]}]}`, codes.OK},
		{"whole list", "/interfaces/interface[name=ge-0/0/0]/unit", gpb.Encoding_JSON_IETF,
			`[{"name":0,"family":{"inet":{"address":[{"name":"10.0.0.1/24"}]}}}]`, codes.OK},
		{"not configured", "/system/domain-name", gpb.Encoding_JSON, "not configured", codes.NotFound},
		{"unknown element", "/system/nonsense", gpb.Encoding_JSON, `no element "nonsense"`, codes.NotFound},
		{"missing key", "/interfaces/interface[mtu=1]", gpb.Encoding_JSON, `key "name" of list interface missing`, codes.InvalidArgument},
		{"bad encoding", "/system", gpb.Encoding_PROTO, "not supported", codes.Unimplemented},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := getJSON(t, admin, tc.path, tc.enc)
			if status.Code(err) != tc.code {
				t.Fatalf("got %v (%v), want %v", status.Code(err), err, tc.code)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q: want it to say %q", err, tc.want)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("wildcard inside", func(t *testing.T) {
		resp, err := admin.Get(context.Background(), &gpb.GetRequest{Path: []*gpb.Path{path("/system/login/user[name=*]/class")},
			Encoding: gpb.Encoding_JSON_IETF})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range resp.GetNotification()[0].GetUpdate() {
			got = append(got, pathText(u.GetPath())+" = "+string(u.GetVal().GetJsonIetfVal()))
		}
		want := []string{`/system/login/user[name=admin]/class = "super-user"`, `/system/login/user[name=oper]/class = "operator"`,
			`/system/login/user[name=ro]/class = "read-only"`}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		_, err = admin.Get(context.Background(), &gpb.GetRequest{Path: []*gpb.Path{path("/interfaces/interface/description")}})
		if status.Code(err) != codes.NotFound {
			t.Errorf("a wildcard matching nothing: got %v, want NotFound", err)
		}
	})
	t.Run("origin", func(t *testing.T) {
		_, err := admin.Get(context.Background(), &gpb.GetRequest{Path: []*gpb.Path{{Origin: "openconfig", Elem: path("/system").Elem}}})
		if status.Code(err) != codes.Unimplemented {
			t.Errorf("origin openconfig: got %v, want Unimplemented", err)
		}
		resp, err := admin.Get(context.Background(), &gpb.GetRequest{Prefix: &gpb.Path{Origin: "gnos", Elem: path("/system").Elem},
			Path: []*gpb.Path{path("/host-name")}, Encoding: gpb.Encoding_JSON_IETF})
		if err != nil {
			t.Fatal(err)
		}
		if got := string(resp.GetNotification()[0].GetUpdate()[0].GetVal().GetJsonIetfVal()); got != `"lab1"` {
			t.Errorf("prefix /system + host-name: got %s, want \"lab1\"", got)
		}
		if resp.GetNotification()[0].GetPrefix().GetOrigin() != "gnos" {
			t.Errorf("the prefix is not echoed: %v", resp.GetNotification()[0].GetPrefix())
		}
	})
	t.Run("root", func(t *testing.T) {
		got, err := getJSON(t, admin, "/", gpb.Encoding_JSON_IETF)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"gnos-system:system":`, `"gnos-interfaces:interfaces":`, `"gnos-state:state":`, `"host-name":"lab1"`} {
			if !strings.Contains(got, want) {
				t.Errorf("root JSON_IETF lacks %s: %s", want, got)
			}
		}
		got, err = getJSON(t, admin, "/", gpb.Encoding_JSON)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "gnos-system:") || !strings.Contains(got, `"system":`) {
			t.Errorf("root JSON: module prefixes should be gone: %s", got)
		}
	})
	t.Run("secrets masked below configure", func(t *testing.T) {
		path := "/system/login/user[name=admin]/authentication/encrypted-password"
		mine, err := getJSON(t, admin, path, gpb.Encoding_JSON)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := getJSON(t, ro, path, gpb.Encoding_JSON)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(mine, `"$6$`) || theirs == mine {
			t.Errorf("super-user reads %s, read-only reads %s: want the hash, then a mask", mine, theirs)
		}
	})
}

// TestPasswordChange: a verified password is remembered only while the
// account's hash is the same.
func TestPasswordChange(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	c := dial(t, n, "ro", "ro123")
	if _, err := c.Capabilities(context.Background(), &gpb.CapabilityRequest{}); err != nil {
		t.Fatal(err)
	}
	h, err := crypt.Crypt("other-pw", "$6$othersalt")
	if err != nil {
		t.Fatal(err)
	}
	commitSet(t, n, `set system login user ro authentication encrypted-password "`+h+"\"\n")
	err = throttled(t, clk, 250*time.Millisecond, func() error {
		_, err := c.Capabilities(context.Background(), &gpb.CapabilityRequest{})
		return err
	})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("the old password after the change: got %v, want Unauthenticated", err)
	}
	if _, err := dial(t, n, "ro", "other-pw").Capabilities(context.Background(), &gpb.CapabilityRequest{}); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

// pathText renders a gNMI path as /a/b[k=v] (keys sorted).
func pathText(p *gpb.Path) string {
	var b strings.Builder
	for _, e := range p.GetElem() {
		b.WriteString("/" + e.GetName())
		keys := make([]string, 0, len(e.GetKey()))
		for k := range e.GetKey() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString("[" + k + "=" + e.GetKey()[k] + "]")
		}
	}
	return b.String()
}
