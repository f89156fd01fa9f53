package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// parseTextFSM is run by python3 with python3-textfsm (Debian): the
// template and the text as arguments, the records as JSON on stdout.
const parseTextFSM = `import json, sys, textfsm
with open(sys.argv[1]) as t:
    fsm = textfsm.TextFSM(t)
    rows = fsm.ParseText(open(sys.argv[2]).read())
print(json.dumps([dict(zip(fsm.header, r)) for r in rows]))
`

// TestNTCTemplates: networktocode's ntc-templates for juniper_junos (the
// TextFSM templates netmiko, scrapli and Ansible's cli_parse use) parse
// gnos' text: every template gnos has the command for runs without a
// TextFSM error on the command's output, and the fields named below come
// out with the values the output carries. The templates are not
// packaged by Debian and are not committed here: GNOS_NTC_TEMPLATES names
// their directory (ntc_templates/templates of a checkout); without it,
// or without python3-textfsm, the test skips.
func TestNTCTemplates(t *testing.T) {
	dir := os.Getenv("GNOS_NTC_TEMPLATES")
	if dir == "" {
		t.Skip("GNOS_NTC_TEMPLATES is not set (the directory of ntc-templates' juniper_junos_*.textfsm)")
	}
	if _, err := os.Stat(filepath.Join(dir, "juniper_junos_show_version.textfsm")); err != nil {
		t.Skipf("no ntc-templates in %s: %v", dir, err)
	}
	py := "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import textfsm").CombinedOutput(); err != nil {
		t.Skipf("python3-textfsm is not installed: %v %s", err, out)
	}
	n, _ := startNode(t)
	// No host address (lo0's /32): Junos prints it as a lone "Local: A"
	// line, which the show interfaces template refuses (it only knows
	// "Destination: …, Local: …"), for Junos' output as for gnos'.
	setup, failed := script(t, n, `
configure
set system host-name r1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
commit
exit
`)
	if failed {
		t.Fatalf("setup failed:\n%s", setup)
	}
	tmp := t.TempDir()
	for _, tc := range []struct {
		command string
		want    map[string]string // field: a value one record must match (regexp)
		rows    int               // at least
	}{
		{"show version", map[string]string{"HOSTNAME": "^r1$", "MODEL": "^vmx$", "JUNOS_VERSION": `^\d+\.\d+R\d+`}, 1},
		{"show interfaces", map[string]string{"INTERFACE": "^ge-0/0/0$", "DESCRIPTION": "^uplink$", "LINK_STATUS": `^\w+$`,
			"ADMIN_STATE": `^\w+`, "LOCAL": `^192\.0\.2\.1$`, "MTU": `^\d+$`}, 2},
		{"show chassis hardware", map[string]string{"CHASSIS_DESCRIPTION": "^VMX$", "RE_PART": "^GN-RE-VMX$",
			"MID_SERIAL_NUMBER": `^\w+$`, "CB_NUMBER": "^0$"}, 3},
		{"show arp no-resolve", nil, 0},
		{"show lldp neighbors", nil, 0},
		{"show route summary", map[string]string{"TABLE_NAME": `^inet\.0$`, "ROUTE_SRC": "^Direct$"}, 1},
		{"show system uptime", map[string]string{"USERS": `^\d+$`, "LOAD_AVERAGE_1MIN": `^\d+\.\d+$`, "BOOT_YEAR": `^\d{4}$`}, 1},
		{"show system configuration database usage", map[string]string{"MAX_DB_SIZE": `\d`, "CURR_DB_SIZE": `\d`}, 1},
	} {
		t.Run(strings.ReplaceAll(tc.command, " ", "_"), func(t *testing.T) {
			out, failed := script(t, n, tc.command+"\n")
			if failed {
				t.Fatalf("%s failed:\n%s", tc.command, out)
			}
			_, text, _ := strings.Cut(out, "\n") // the echoed command line
			txt := filepath.Join(tmp, "out.txt")
			if err := os.WriteFile(txt, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			tpl := filepath.Join(dir, "juniper_junos_"+strings.ReplaceAll(tc.command, " ", "_")+".textfsm")
			if tc.command == "show arp no-resolve" {
				tpl = filepath.Join(dir, "juniper_junos_show_arp_no-resolve.textfsm")
			}
			js, err := exec.Command(py, "-c", parseTextFSM, tpl, txt).CombinedOutput()
			if err != nil {
				t.Fatalf("TextFSM refuses gnos' %q: %v\n%s\noutput:\n%s", tc.command, err, js, text)
			}
			var recs []map[string]any
			if err := json.Unmarshal(js, &recs); err != nil {
				t.Fatalf("records %s: %v", js, err)
			}
			if len(recs) < tc.rows {
				t.Errorf("got %d records, want at least %d; output:\n%s", len(recs), tc.rows, text)
			}
			for field, re := range tc.want {
				found := false
				for _, r := range recs {
					if s, ok := r[field].(string); ok && regexp.MustCompile(re).MatchString(s) {
						found = true
					}
				}
				if !found {
					t.Errorf("no record has %s matching %s: %v\noutput:\n%s", field, re, recs, text)
				}
			}
		})
	}
}
