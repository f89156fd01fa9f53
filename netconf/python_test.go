package netconf_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// python finds an interpreter that imports module: Debian's /usr/bin/python3
// first (where python3-ncclient and python3-junos-eznc install), then
// python3 on PATH.
func python(t *testing.T, module string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import "+module).Run() == nil {
			return path
		}
	}
	t.Skipf("python module %s not installed (scripts/deps.sh installs it)", module)
	return ""
}

// TestPython runs the ncclient and PyEZ suites of tests/python against a
// node, unmodified clients talking to the real SSH server.
func TestPython(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	for _, tt := range []struct{ name, module, file string }{
		{"ncclient", "ncclient", "test_ncclient"},
		{"conformance", "ncclient", "test_conformance"},
		{"pyez", "jnpr.junos", "test_pyez"},
		{"pyez-tables", "jnpr.junos", "test_pyez_tables"},
		{"pyez-ops", "jnpr.junos", "test_pyez_ops"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			py := python(t, tt.module)
			n, _ := startNode(t)
			_, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
			dir, _ := filepath.Abs("../tests/python")
			cmd := exec.Command(py, "-m", "unittest", "-v", tt.file)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GNOS_HOST=127.0.0.1", "GNOS_PORT="+port, "PYTHONDONTWRITEBYTECODE=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tt.file, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
