package xpath

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
)

const testConfig = `
set system host-name gnos1
set system login class super permissions all
set system login class super permissions configure
set system login class ro permissions view
set system login user alice uid 2001
set system login user alice class super
set system login user bob uid 2002
set system login user bob class ro
set system login user carol uid 150
set system login user carol class ro
deactivate system login user carol
set system services netconf ssh port 830
set chassis fpc 0 pic 1 extension-provider object-cache-size 100
set chassis fpc 0 pic 1 extension-provider policy-db-size 50
set chassis fpc 0 pic 1 extension-provider package sfw
set chassis fpc 0 pic 1 extension-provider package nat
set applications application a1 protocol tcp
set applications application a1 destination-port 80
set services service-set S1 stateful-firewall-rules r1
set services stateful-firewall rule r1 term t2 then accept
set services stateful-firewall rule r1 term t1 then discard
set routing-options route 10.0.0.0/8 main next-hop 192.0.2.1
`

// show renders a value with its type, for comparisons in tests:
// `ns[a b]`, `bool true`, `num 7`, `str x`.
func show(v Value) string {
	switch v.Kind() {
	case NodeSet:
		var s []string
		for _, n := range v.Nodes() {
			s = append(s, n.String())
		}
		return "ns[" + strings.Join(s, " ") + "]"
	case Boolean:
		return "bool " + v.String()
	case Number:
		return "num " + v.String()
	}
	return "str " + v.String()
}

func TestEval(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, testConfig)
	const (
		alice = "system login user alice"
		ep    = "chassis fpc 0 pic 1 extension-provider"
	)
	tests := []struct {
		name, at, expr, want string
	}{
		// Literals, arithmetic, precedence.
		{"number", "", "42", "num 42"},
		{"decimal", "", ".5", "num 0.5"},
		{"string", "", `"it's"`, "str it's"},
		{"precedence", "", "1 + 2 * 3", "num 7"},
		{"left associative", "", "10 - 4 - 3", "num 3"},
		{"div", "", "7 div 2", "num 3.5"},
		{"mod", "", "7 mod 3", "num 1"},
		{"mod negative", "", "-7 mod 3", "num -1"},
		{"unary minus", "", "- - 2", "num 2"},
		{"divide by zero", "", "1 div 0", "num Infinity"},
		{"not a number", "", "0 div 0", "num NaN"},
		{"parentheses", "", "(1 + 2) * 3", "num 9"},
		// Comparisons of simple values.
		{"string vs number", "", "'10' = 10.0", "bool true"},
		{"relational strings are numbers", "", "'2' < '10'", "bool true"},
		{"boolean wins", "", "true() = 'x'", "bool true"},
		{"string equality", "", "'a' != 'b'", "bool true"},
		{"nan is not equal to itself", "", "number('x') = number('x')", "bool false"},
		{"and", "", "3 > 2 and 2 > 3", "bool false"},
		{"or", "", "3 > 2 or 2 > 3", "bool true"},
		{"le ge", "", "2 <= 2 and 2 >= 2", "bool true"},
		// Node-set comparisons (existential).
		{"set = number", "", "/system/login/user/uid = 2002", "bool true"},
		{"inactive entry invisible", "", "/system/login/user/uid = 150", "bool false"},
		{"set != number is existential", "", "/system/login/user/uid != 2001", "bool true"},
		{"set > number", "", "/system/login/user/uid > 2001", "bool true"},
		{"number < set flips", "", "2001 < /system/login/user/uid", "bool true"},
		{"set = string", "", "/system/login/class/permissions = 'view'", "bool true"},
		{"set = set", "", "/system/login/user/class = /system/login/class/name", "bool true"},
		{"set < set numeric", "", "/system/login/user/uid < /chassis/fpc/pic/slot", "bool false"},
		{"empty set = empty string", "", "/nothing = ''", "bool false"},
		{"empty set != empty string", "", "/nothing != ''", "bool false"},
		{"set = boolean", "", "/system/login/user = true()", "bool true"},
		{"empty set = false", "", "/nothing = false()", "bool true"},
		// Paths.
		{"absolute", "", "/system/host-name", "ns[gnos1]"},
		{"prefixes ignored", "", "/t:system/t:host-name", "ns[gnos1]"},
		{"root", "", "count(/)", "num 1"},
		{"relative from context", alice, "uid", "ns[2001]"},
		{"key leaf", alice, "name", "ns[alice]"},
		{"key leaf via current", alice, "current()/name", "ns[alice]"},
		{"parent", ep, "../slot", "ns[1]"},
		{"grandparent", ep, "../../slot", "ns[0]"},
		{"self", alice, "./uid", "ns[2001]"},
		{"leaf-list items", ep, "package", "ns[sfw nat]"},
		{"missing", alice, "nothing", "ns[]"},
		{"multi-key list keys", "routing-options route 10.0.0.0/8 main", "concat(prefix, '|', table)", "str 10.0.0.0/8|main"},
		{"default value", "services service-set S1", "max-flows", "ns[1000]"},
		{"default value compares", "services service-set S1", "max-flows = 1000", "bool true"},
		{"no default under absent presence container", "", "/system/services/ssh/port", "ns[]"},
		{"set value over default", "", "/system/services/netconf/ssh/port", "ns[830]"},
		{"string-value of a container", "", "string(/chassis/fpc/pic/extension-provider)", "str 10050sfwnat"},
		{"string-value of an entry has its keys", "", "string(/system/login/user[name='bob'])", "str bob2002ro"},
		// Predicates.
		{"key predicate", alice, "../user[name = 'bob']/uid", "ns[2002]"},
		{"key predicate reversed", alice, "../user['bob' = name]/uid", "ns[2002]"},
		{"key predicate with current", alice, "../../login/user[name = current()/name]/uid", "ns[2001]"},
		{"key predicate number compares numerically", "", "/chassis/fpc[slot = 0.0]/pic/slot", "ns[1]"},
		{"key predicate no match", alice, "../user[name = 'carol']", "ns[]"},
		{"non-key predicate", alice, "../user[uid = 2002]/name", "ns[bob]"},
		{"predicate with current", alice, "../user[uid > current()/uid]/name", "ns[bob]"},
		{"position", "", "/system/login/class[2]/name", "ns[super]"},
		{"last", "", "/system/login/class[last()]/name", "ns[super]"},
		{"position function", "", "/system/login/class[position() = 1]/name", "ns[ro]"},
		{"user order kept", "", "/services/stateful-firewall/rule/term[1]/name", "ns[t2]"},
		{"two predicates", "", "/system/login/class[permissions = 'all'][1]/name", "ns[super]"},
		{"filter expression predicate", "", "name((/system/login/user | /system/login/class)[1])", "str class"},
		// Axes.
		{"descendant shorthand", "", "count(//uid)", "num 2"},
		{"descendant from node", "", "count(/system//permissions)", "num 3"},
		{"descendant axis", "", "/descendant::permissions[. = 'view']", "ns[view]"},
		{"ancestor elements", alice, "count(ancestor::*)", "num 2"},
		{"ancestor nodes include root", alice, "count(ancestor::node())", "num 3"},
		{"ancestor-or-self", alice, "count(ancestor-or-self::user)", "num 1"},
		{"child star", ep, "count(*)", "num 4"},
		{"child star includes keys", alice, "count(*)", "num 3"},
		{"parent axis", ep, "name(parent::pic)", "str pic"},
		{"self axis", ep, "count(self::extension-provider)", "num 1"},
		{"descendant-or-self", ep, "count(descendant-or-self::node())", "num 5"},
		// Union.
		{"union", "", "count(/system/login/user | /system/login/class)", "num 4"},
		{"union dedupes", "", "count(/system/login/user | /system/login/user)", "num 2"},
		{"union of paths to the same node", alice, "count(. | ../user[name='alice'])", "num 1"},
		{"union document order", "", "string(/system/host-name | /system/login/user/uid)", "str gnos1"},
		// Functions.
		{"count", "", "count(/system/login/class/permissions)", "num 3"},
		{"not", "", "not(/nothing)", "bool true"},
		{"boolean of string", "", "boolean('')", "bool false"},
		{"boolean of number", "", "boolean(0)", "bool false"},
		{"string of number", "", "string(1 div 2)", "str 0.5"},
		{"string of integer", "", "string(2.0)", "str 2"},
		{"string of negative zero", "", "string(-0)", "str 0"},
		{"string of context", alice, "string()", "str alice2001super"},
		{"number of context", "system login user alice uid", "number() + 1", "num 2002"},
		{"number of bad string", "", "number('12a')", "num NaN"},
		{"number with spaces", "", "number(' 12 ')", "num 12"},
		{"concat", "", "concat('a', 1, true())", "str a1true"},
		{"contains", "", "contains('ge-0/0/1', '/0/')", "bool true"},
		{"starts-with", "", "starts-with('ms-0/0/0', 'ms-')", "bool true"},
		{"string-length", "", "string-length('héllo')", "num 5"},
		{"string-length of context", alice, "string-length(name)", "num 5"},
		{"substring", "", "substring('12345', 1.5, 2.6)", "str 234"},
		{"substring to end", "", "substring('12345', 2)", "str 2345"},
		{"substring-before", "", "substring-before('10.0.0.0/8', '/')", "str 10.0.0.0"},
		{"substring-after", "", "substring-after('10.0.0.0/8', '/')", "str 8"},
		{"normalize-space", "", "normalize-space('  a  b ')", "str a b"},
		{"translate", "", "translate('abc', 'abc', 'AB')", "str AB"},
		{"sum", "", "sum(/system/login/user/uid)", "num 4003"},
		{"floor ceiling round", "", "concat(floor(1.5), ceiling(1.5), round(1.5), round(-1.5))", "str 122-1"},
		{"local-name", alice, "local-name()", "str user"},
		{"name of key", alice, "name(name)", "str name"},
		{"re-match", "", "re-match('ge-0/0/1', 'ge-[0-9]+/[0-9]+/[0-9]+')", "bool true"},
		{"re-match is anchored", "", "re-match('xge-0/0/1', 'ge-.*')", "bool false"},
		{"derived-from-or-self self", "", "derived-from-or-self(/system/host-name, 'gnos1')", "bool true"},
		{"derived-from unknown", "", "derived-from(/system/host-name, 'x:gnos1')", "bool false"},
		{"must of the chassis module", ep, "not(policy-db-size and object-cache-size) or policy-db-size < object-cache-size", "bool true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Compile(tt.expr)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.expr, err)
			}
			v, err := e.Eval(Context{Path: at(t, root, tt.at)})
			if err != nil {
				t.Fatalf("Eval(%q): %v", tt.expr, err)
			}
			if got := show(v); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

// A context node the tree does not hold: a list key, or the missing node
// whose when is evaluated.
func TestEvalVirtualContext(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, testConfig)
	user := s.Find("/system/login/user")
	app := s.Find("/applications/application")
	tests := []struct {
		name, at string
		virt     *schema.Node
		expr     string
		want     string
	}{
		{"key leaf value", "system login user alice", user.Child("name"), ".", "ns[alice]"},
		{"key leaf parent", "system login user alice", user.Child("name"), "../uid", "ns[2001]"},
		{"key leaf current", "system login user alice", user.Child("name"), "current() = 'alice'", "bool true"},
		{"missing leaf sees siblings", "applications application a1", app.Child("destination-port"), "../protocol = 'tcp'", "bool true"},
		{"missing leaf is empty", "applications application a1", app.Child("icmp"), "string(.)", "str "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := MustCompile(tt.expr).Eval(Context{Path: at(t, root, tt.at), Virt: tt.virt})
			if err != nil {
				t.Fatal(err)
			}
			if got := show(v); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ name, expr, want string }{
		{"empty", "", "expected a step"},
		{"dangling operator", "1 +", "expected a step"},
		{"unclosed call", "count(", "expected a step"},
		{"unknown function", "deref(.)", "unknown function deref()"},
		{"variable", "$x", "variables are not supported"},
		{"attribute", "@name", "attributes are not supported"},
		{"unclosed predicate", "a[1", "expected ']'"},
		{"unterminated string", "'abc", "unterminated string"},
		{"unsupported axis", "following::a", `unsupported axis "following"`},
		{"text node test", "text()", "text() is not supported"},
		{"two paths", "a b", "unexpected name"},
		{"too few arguments", "count()", "wrong number of arguments to count()"},
		{"too many arguments", "not(1, 2)", "wrong number of arguments to not()"},
		{"double operator", "1 = = 2", "expected a step"},
		{"bad character", "a # b", "unexpected character '#'"},
		{"too deep", strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "nested too deeply"},
		{"too deep minus", strings.Repeat("-", 100) + "1", "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.expr)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q): got error %v, want a *SyntaxError", tt.expr, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Compile(%q): got %q, want it to contain %q", tt.expr, err, tt.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, testConfig)
	for _, src := range []string{"1 | 2", "count(1)", "'a'/b", "sum('x')", "re-match('a', '(')"} {
		t.Run(src, func(t *testing.T) {
			_, err := MustCompile(src).Eval(Context{Path: []*tree.Node{root}})
			if err == nil {
				t.Errorf("Eval(%q): got no error, want one", src)
			}
		})
	}
	if _, err := MustCompile("1").Eval(Context{}); err == nil {
		t.Error("Eval with an empty context: got no error, want one")
	}
}

func TestCompileCaches(t *testing.T) {
	a, err := Compile("count(/x) > 1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Compile("count(/x) > 1")
	if a != b {
		t.Errorf("Compile twice: got two expressions, want the cached one")
	}
	if a.String() != "count(/x) > 1" {
		t.Errorf("String: got %q, want the source", a.String())
	}
}

// The key lookup of `list[key = E]` must select what the scan selects.
func TestKeyLookupMatchesScan(t *testing.T) {
	s := testSchema(t)
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "set applications application app%d protocol tcp\n", i)
	}
	b.WriteString("set applications application app7 protocol udp\ndeactivate applications application app9\n")
	b.WriteString("set applications application-set web application app7\nset applications application-set web application app250\n")
	b.WriteString("set applications application-set web application app9\nset applications application-set web application nope\n")
	root := load(t, s, b.String())
	ctx := Context{Path: []*tree.Node{root}}
	for _, key := range []string{"'app7'", "'app9'", "'nope'", "/applications/application-set/application", "/applications/application-set[name='web']/application[1]", "/nothing"} {
		fast := fmt.Sprintf("/applications/application[name = %s]", key)
		slow := fmt.Sprintf("/applications/application[true() and name = %s]", key)
		t.Run(key, func(t *testing.T) {
			if MustCompile(fast).root.(*path).steps[1].keyEq == nil {
				t.Fatalf("%s: key lookup not recognised", fast)
			}
			a, err := MustCompile(fast).Eval(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, err := MustCompile(slow).Eval(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if show(a) != show(b) {
				t.Errorf("got %s by key, want %s as the scan finds", show(a), show(b))
			}
		})
	}
}

func TestToNumberAndFormat(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"12", 12}, {" -3.5 ", -3.5}, {".5", 0.5}, {"5.", 5}, {"1e3", math.NaN()}, {"0x10", math.NaN()},
		{"", math.NaN()}, {"-", math.NaN()}, {"inf", math.NaN()}, {"+1", math.NaN()},
	}
	for _, tt := range tests {
		got := toNumber(tt.in)
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("toNumber(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
	for f, want := range map[float64]string{1e21: "1000000000000000000000", 0.1: "0.1", math.Inf(-1): "-Infinity"} {
		if got := formatNumber(f); got != want {
			t.Errorf("formatNumber(%v): got %s, want %s", f, got, want)
		}
	}
}
