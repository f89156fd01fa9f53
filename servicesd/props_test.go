package servicesd_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/pic/picd"
)

// TestPluginPropertiesDetail: show services service-sets plug-ins detail
// lists each loaded plugin's properties from its YANG module (type,
// default, range, required); without detail, none.
func TestPluginPropertiesDetail(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(1))
	h.waitAll(1)
	out := h.cli("show services service-sets plug-ins detail")
	for _, w := range []string{"YANG module: gnos-nat, properties:", "      services nat pool <name> port range low\n",
		"Type: port-number, Default: -, Range: 1024..65535, Required: no",
		"      services nat rule <name> match-direction\n", "Range: input | input-output | output, Required: yes",
		"YANG module: gnos-stateful-firewall"} {
		if !strings.Contains(out, w) {
			t.Errorf("detail output lacks %q:\n%s", w, out)
		}
	}
	if plain := h.cli("show services service-sets plug-ins"); strings.Contains(plain, "YANG module") {
		t.Errorf("plain output lists properties:\n%s", plain)
	}
}

// TestNodeWritesSessionSnapshot: an embedded picd keeps its session
// snapshot in the node's data directory (DATA/pic), on the clock.
func TestNodeWritesSessionSnapshot(t *testing.T) {
	h := start(t)
	h.loadCommit(h.shape(1))
	h.waitAll(1)
	path := filepath.Join(compose.PICStateDir(h.n.Opts.DataDir), "fpc0-pic0.sessions")
	testkit.Eventually(t, "the snapshot file", func() error {
		h.clk.Advance(picd.SnapshotInterval)
		_, err := os.Stat(path)
		return err
	})
	if out := h.cli("show chassis pic fpc-slot 0 pic-slot 0"); !regexp.MustCompile(`Session snapshot sessions\s+0 \(0 bytes, 0 left out\)`).MatchString(out) {
		t.Errorf("show chassis pic lacks the snapshot:\n%s", out)
	}
}
