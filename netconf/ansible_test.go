package netconf_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAnsible runs tests/ansible/facts.yml — junipernetworks.junos'
// junos_facts (every subset) and junos_command, over NETCONF and over
// the SSH CLI — against a node. It skips without ansible-playbook or the
// collection (scripts/deps.sh installs Debian's ansible).
func TestAnsible(t *testing.T) { playbook(t, "facts.yml") }

// TestAnsibleResources runs tests/ansible/resources.yml: junos_system,
// junos_l3_interfaces, junos_interfaces, junos_static_routes (with a
// routing instance), junos_routing_instances and junos_routing_options
// (autonomous-system, Junos' container holding as-number) merged twice —
// the second run changes nothing — and gathered, over NETCONF.
func TestAnsibleResources(t *testing.T) { playbook(t, "resources.yml") }

// TestAnsibleFilters runs tests/ansible/filters.yml: junos_prefix_lists,
// junos_acls (firewall filters) and junos_acl_interfaces (an interface's
// filter input-list/output-list) merged twice (the second run changes
// nothing), replaced, overridden, deleted, gathered and rendered.
func TestAnsibleFilters(t *testing.T) { playbook(t, "filters.yml") }

// TestAnsibleSystem runs tests/ansible/system.yml: junos_ntp_global
// (system ntp, stored only), junos_logging_global (system syslog) and
// junos_snmp_server (snmp, stored only) merged twice, replaced, overridden, deleted, gathered and rendered.
func TestAnsibleSystem(t *testing.T) { playbook(t, "system.yml") }

// playbook runs tests/ansible/NAME against a fresh node.
func playbook(t *testing.T, name string) {
	if testing.Short() {
		t.Skip("short mode")
	}
	pb, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Skip("ansible-playbook not installed (scripts/deps.sh installs it)")
	}
	if exec.Command("ansible-doc", "-t", "module", "junipernetworks.junos.junos_facts").Run() != nil {
		t.Skip("the junipernetworks.junos collection is not installed")
	}
	python(t, "ncclient")
	n, _ := startNode(t)
	_, port, _ := net.SplitHostPort(n.Netconf.Addr().String())
	dir := t.TempDir()
	inv := fmt.Sprintf(`[gnos_netconf]
lab1-nc ansible_host=127.0.0.1 ansible_port=%[1]s ansible_connection=ansible.netcommon.netconf
[gnos_cli]
lab1-cli ansible_host=127.0.0.1 ansible_port=%[1]s ansible_connection=ansible.netcommon.network_cli
[all:vars]
ansible_network_os=junipernetworks.junos.junos
ansible_user=admin
ansible_password=%[2]s
ansible_python_interpreter=/usr/bin/python3
`, port, password("admin"))
	if err := os.WriteFile(filepath.Join(dir, "inventory"), []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	play, _ := filepath.Abs("../tests/ansible/" + name)
	cmd := exec.Command(pb, "-i", filepath.Join(dir, "inventory"), play)
	cmd.Env = append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_LOCAL_TEMP="+dir,
		"ANSIBLE_PERSISTENT_CONTROL_PATH_DIR="+filepath.Join(dir, "pc"), "ANSIBLE_NOCOLOR=1",
		"ANSIBLE_NETWORK_CLI_SSH_TYPE=paramiko", "ANSIBLE_PARAMIKO_LOOK_FOR_KEYS=False", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
