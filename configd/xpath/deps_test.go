package xpath

import (
	"fmt"
	"strings"
	"testing"
)

func TestDeps(t *testing.T) {
	s := testSchema(t)
	tests := []struct {
		name, ctx, expr string
		want            string // reads as "path" or "path=" (values), space-separated
		scope           int
	}{
		{"sibling value", "/applications/application/destination-port", "../protocol = 'tcp'",
			"/applications/application/protocol=", 2},
		{"own descendants are not reads", "/services/service-set", "not(extension-service) or service-order/forward-flow",
			"", 2},
		{"current is not a read", "/services/service-set/nat-rules", "/services/nat/rule[name = current()]",
			"/services/nat/rule/name= /services/nat/rule", 0},
		{"count reads existence", "/system/login/user", "count(../user) > 1",
			"/system/login/user", 2},
		{"string reads values", "/system/login/user", "string(../class)",
			"/system/login/class=", 2},
		{"unknown names read nothing", "/system/login/user", "../nosuch/thing",
			"", 2},
		{"descendants", "/chassis", "count(//package)",
			"/chassis/fpc/pic/extension-provider/package", 0},
		{"down then up reads the way down", "/system/host-name", "count(../login/user/..)",
			"/system /system/login /system/login/user", 1},
		{"down then up from self", "/system", "count(login/user/..)", "/system/login", 1},
		{"ancestors widen the scope", "/system/login/user/uid", "count(ancestor::system)",
			"/system", 1},
		{"implicit string of context", "/system/login/user/uid", "string-length() > 3", "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := MustCompile(tt.expr).Deps(s.Find(tt.ctx))
			var got []string
			for _, r := range d.Reads {
				x := r.Node.Path()
				if r.Values {
					x += "="
				}
				got = append(got, x)
			}
			if g := strings.Join(got, " "); g != tt.want || d.Scope != tt.scope {
				t.Errorf("%s: got reads %q scope %d, want %q scope %d", tt.expr, g, d.Scope, tt.want, tt.scope)
			}
		})
	}
}

func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"not(policy-db-size and object-cache-size) or policy-db-size < object-cache-size",
		"/services/nat/rule[name = current()]", "../protocol = 'tcp' or ../protocol = '6'",
		"count(//uid) * 2 div 3 mod 4 - -1", "(/a | /b)[last()]/c", "ancestor-or-self::node()",
		"concat('a', \"b\", 1.5)", "re-match(., '[a-z]+')", "a[1][b = 'x']/..", "t:x/t:*",
		"substring('abc', 0 div 0)", "derived-from-or-self(., 'x:y')", "$v", "@a", "((1)",
	} {
		f.Add(seed)
	}
	s := testSchema(f)
	root := load(f, s, testConfig)
	ctx := Context{Path: at(f, root, "system login user alice")}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := compile(src) // not Compile: keep the cache small
		if err != nil {
			return
		}
		// Whatever compiles evaluates and analyses without panicking.
		if _, err := e.Eval(ctx); err != nil && !strings.HasPrefix(err.Error(), "xpath: ") {
			t.Errorf("Eval(%q): error %q lacks the package prefix", src, err)
		}
		_ = e.Deps(ctx.Path[len(ctx.Path)-1].S)
		_ = fmt.Sprint(e)
	})
}
