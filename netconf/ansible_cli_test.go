package netconf_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnsibleNetworkCLI drives the SSH CLI with Ansible's network_cli
// connection (junipernetworks.junos' terminal and cliconf plugins, as
// Debian ships them): junos_command sends the screen-scraping clients'
// commands, each reply compared with what a CLI session prints, then
// ansible.netcommon.cli_config makes a change and commits it (cliconf's
// configure, set, commit and-quit) and a second one takes it back.
// Commands whose reply is an error are left out: network_cli fails the
// task on them by design (its terminal_stderr_re).
func TestAnsibleNetworkCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	pb, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Skip("ansible-playbook not installed (scripts/deps.sh installs it)")
	}
	if exec.Command("ansible-doc", "-t", "module", "ansible.netcommon.cli_config").Run() != nil {
		t.Skip("the ansible.netcommon collection is not installed")
	}
	n, _ := startNode(t)
	_, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
	var commands []string
	for _, c := range clientCommands {
		if c != "show bogus" {
			commands = append(commands, c)
		}
	}
	cases := cliReferences(t, n, commands)
	dir := t.TempDir()
	out := filepath.Join(dir, "stdout.json")
	quoted, _ := json.Marshal(commands) // a JSON list is a YAML flow sequence
	play := fmt.Sprintf(`- hosts: gnos_cli
  gather_facts: false
  tasks:
    - junipernetworks.junos.junos_command:
        commands: %s
      register: c
    - ansible.builtin.copy:
        content: "{{ c.stdout | to_json }}"
        dest: %s
      delegate_to: localhost
    - ansible.netcommon.cli_config:
        config: set system domain-name ansible.example
        commit: true
    - junipernetworks.junos.junos_command:
        commands: [show configuration system domain-name]
      register: d
    - ansible.builtin.assert:
        that: ["d.stdout[0] == 'domain-name ansible.example;'"]
    - ansible.netcommon.cli_config:
        config: delete system domain-name
        commit: true
`, quoted, out)
	inv := fmt.Sprintf(`[gnos_cli]
lab1-cli ansible_host=127.0.0.1 ansible_port=%s ansible_connection=ansible.netcommon.network_cli
[all:vars]
ansible_network_os=junipernetworks.junos.junos
ansible_user=admin
ansible_password=%s
ansible_python_interpreter=/usr/bin/python3
`, port, password("admin"))
	for name, text := range map[string]string{"inventory": inv, "play.yml": play} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(pb, "-i", filepath.Join(dir, "inventory"), filepath.Join(dir, "play.yml"))
	cmd.Env = append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_LOCAL_TEMP="+dir,
		"ANSIBLE_PERSISTENT_CONTROL_PATH_DIR="+filepath.Join(dir, "pc"), "ANSIBLE_NOCOLOR=1",
		"ANSIBLE_NETWORK_CLI_SSH_TYPE=paramiko", "ANSIBLE_PARAMIKO_LOOK_FOR_KEYS=False", "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len(got) != len(cases) {
		t.Fatalf("%d replies for %d commands", len(got), len(cases))
	}
	for i, c := range cases {
		if want := ansibleClean(c[1]); got[i] != want {
			t.Errorf("%q:\ngot  %q\nwant %q", c[0], got[i], want)
		}
	}
	if v, _ := n.Configd.Committed().ChildNamed("system", "").Leaf("domain-name"); v != "" {
		t.Fatalf("domain-name %q left after the second cli_config", v)
	}
}

// ansibleClean is what network_cli makes of a reply by design: its
// command echo and prompt removed, then the text stripped of white space
// at both ends (junos_command's to_text(...).strip()). Everything else
// must be the CLI's own bytes.
func ansibleClean(s string) string {
	return strings.TrimSpace(s)
}
