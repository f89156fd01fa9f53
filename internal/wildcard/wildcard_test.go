package wildcard

import (
	"path"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"ge-*", "ge-0/0/0", true},
		{"ge-*", "xe-0/0/0", false},
		{"*", "", true},
		{"", "", true},
		{"", "a", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"?e-0/0/?", "ge-0/0/1", true},
		{"?e-0/0/?", "ge-0/0/10", false},
		{"[afgxe][et]-*", "ge-0/0/0", true},
		{"[afgxe][et]-*", "et-0/0/0", true},
		{"[afgxe][et]-*", "lo0", false},
		{"[a-c]x", "bx", true},
		{"[!a-c]x", "bx", false},
		{"[^a-c]x", "dx", true},
		{"*-0/0/[0-3]", "ge-0/0/2", true},
		{"*-0/0/[0-3]", "ge-0/0/4", false},
		{"a[", "a[", false}, // invalid: matches nothing
		{"**a", "ba", true},
		{"*a*", "bbb", false},
	} {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

// TestMatchAgreesWithPath: where the syntaxes agree (no '/' in names, no
// '!'/'^' sets), Match says what path.Match says.
func TestMatchAgreesWithPath(t *testing.T) {
	names := []string{"", "a", "ab", "abc", "ge-0", "xe-1", "aaa", "ba"}
	patterns := []string{"*", "a*", "*a", "a?c", "[ab]*", "*[0-9]", "?e-?", "a*a*a", "*b*"}
	for _, p := range patterns {
		for _, s := range names {
			want, _ := path.Match(p, s)
			if got := Match(p, s); got != want {
				t.Errorf("Match(%q, %q) = %v, path.Match says %v", p, s, got, want)
			}
		}
	}
}

func TestValid(t *testing.T) {
	if Valid("ge-[0-3]*") != nil || Valid("a[") == nil {
		t.Fatal("Valid: wrong verdict")
	}
}

func TestMatchAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Match("[afgxe][et]-*/0/*", "ge-0/0/0") }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}
