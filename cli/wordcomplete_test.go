package cli

import "testing"

func TestWordCompletion(t *testing.T) {
	kw := func(ws ...string) []Completion {
		var out []Completion
		for _, w := range ws {
			out = append(out, Completion{Text: w})
		}
		return out
	}
	tests := []struct {
		line   string
		cands  []Completion
		tab    bool
		insert string
		list   bool
	}{
		{"sh", kw("show"), false, "ow ", false},                        // space completes a unique keyword
		{"sh", kw("show"), true, "ow ", false},                         // so does TAB
		{"show", kw("show"), false, "", false},                         // complete already: a plain space
		{"s", kw("set", "show"), false, "", false},                     // ambiguous: a plain space
		{"s", kw("set", "show"), true, "", true},                       // TAB lists
		{"co", kw("commit", "compare"), true, "m", false},              // TAB extends to the common prefix
		{"co", kw("commit", "compare"), false, "", false},              // space does not
		{"set system host-name ", kw("<host-name>"), true, "", true},   // TAB lists a placeholder
		{"set system host-name ", kw("<host-name>"), false, "", false}, // never inserted
		{"show version ", kw("|"), true, "", true},
		{`set system login message "a b`, kw("commit"), true, "", false}, // inside quotes
		{"x", kw("show"), true, "", false},                               // no candidate for the word
		{"", kw("show", "set"), true, "s", false},
	}
	for _, tc := range tests {
		ins, list := WordCompletion(tc.line, tc.cands, tc.tab)
		if ins != tc.insert || list != tc.list {
			t.Errorf("WordCompletion(%q, %v, tab=%v) = %q, %v; want %q, %v", tc.line, tc.cands, tc.tab, ins, list, tc.insert, tc.list)
		}
	}
}
