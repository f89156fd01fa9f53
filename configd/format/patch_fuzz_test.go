package format

import (
	"strings"
	"testing"
)

// FuzzParsePatch: any text either parses as a patch or is refused with
// an error; a patch never panics, and each section's deletions lie under
// its header.
func FuzzParsePatch(f *testing.F) {
	root := testRoot(f)
	for _, s := range []string{"[edit system]\n-  host-name r1;\n+  host-name r2;\n",
		"[edit services stateful-firewall rule r1]\n!    inactive: term t2 { ... }\n+    term t3 {\n+        then accept;\n+    }\n",
		"[edit interfaces]\n+   ge-0/0/1 {\n+       description \"a b\";\n+   }\n", "[edit]\n-  system;\n", "[edit \"x]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		secs, err := ParsePatch(root, src)
		if err != nil {
			return
		}
		for _, s := range secs {
			for _, d := range s.Delete {
				if len(d) != len(s.Path)+1 || !strings.HasPrefix(d.String(), s.Path.String()) {
					t.Fatalf("deletion %s outside its section [edit %s]", d.String(), s.Path.String())
				}
			}
		}
	})
}
