package gnmi_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gnos/gnos/compose"
)

// gnmiCLI runs the openconfig reference CLI (cmd/gnmi_cli, a Go tool of
// this module) against n as user admin.
func gnmiCLI(t *testing.T, n *compose.Node, args ...string) (string, error) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run gnmi_cli")
	}
	cmd := exec.Command(goBin, append([]string{"tool", "gnmi_cli", "-insecure", "-with_user_pass",
		"-address", n.GNMI.Addr().String()}, args...)...)
	cmd.Env = append(os.Environ(), "GNMI_USER=admin", "GNMI_PASS=admin123")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestGnmiCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gnmi_cli")
	}
	n, _ := startNode(t, compose.Options{})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"capabilities", []string{"-capabilities"}, `name: "gnos-state"`},
		{"get", []string{"-get", "-proto", `path: <elem: <name: "system"> elem: <name: "host-name">> encoding: JSON_IETF`}, `lab1`},
		{"set", []string{"-set", "-proto", `update: <path: <elem: <name: "system"> elem: <name: "host-name">> val: <string_val: "from-cli">>`}, `op: UPDATE`},
		{"subscribe once", []string{"-query_type", "once", "-q", "system/host-name"}, `"from-cli"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := gnmiCLI(t, n, tc.args...)
			if err != nil {
				t.Fatalf("gnmi_cli %v: %v\n%s", tc.args, err, out)
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
				t.Errorf("gnmi_cli %v: output lacks %q:\n%s", tc.args, tc.want, out)
			}
		})
	}
	if v, _ := n.Configd.Committed().ChildNamed("system", "").Leaf("host-name"); v != "from-cli" {
		t.Errorf("host-name after gnmi_cli -set: got %q, want from-cli", v)
	}
}
