package xpath

import "testing"

func TestSmoke(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, `
set system login class admin permissions all
set system login user bob class admin
set system login user bob uid 2000
set chassis fpc 0 pic 1 extension-provider object-cache-size 100
set chassis fpc 0 pic 1 extension-provider policy-db-size 200
`)
	ctx := Context{Path: at(t, root, "chassis fpc 0 pic 1 extension-provider")}
	for _, src := range []string{
		"not(policy-db-size and object-cache-size) or policy-db-size < object-cache-size",
		"../slot", "../../slot = 0", "count(/system/login/user)", "/system/login/user[name='bob']/uid",
		"string(/system/login/user/class)", "1 + 2 * 3", "/system/services/ssh/port",
	} {
		e, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.Eval(ctx)
		t.Logf("%s => %v %q %v", src, v.Kind(), v.String(), err)
	}
}
