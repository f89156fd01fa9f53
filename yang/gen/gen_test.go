package gen_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/openconfig/goyang/pkg/yang"
	"github.com/openconfig/ygot/ygot"

	"github.com/gnos/gnos/yang/gen"
)

// moduleFiles returns every YANG module the generator reads: the core
// modules and each plugin's, as scripts/generate.sh globs them.
func moduleFiles(t *testing.T) []string {
	t.Helper()
	core, err := filepath.Glob("../modules/*.yang")
	if err != nil || len(core) == 0 {
		t.Fatalf("no core modules under ../modules (err %v)", err)
	}
	plugins, err := filepath.Glob("../../pic/plugins/*/yang/*.yang")
	if err != nil {
		t.Fatal(err)
	}
	return append(core, plugins...)
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadDevice unmarshals RFC 7951 JSON documents, in order, into one Device.
func loadDevice(t *testing.T, docs ...[]byte) *gen.Device {
	t.Helper()
	d := &gen.Device{}
	for i, doc := range docs {
		if err := gen.Unmarshal(doc, d); err != nil {
			t.Fatalf("Unmarshal(doc %d): %v", i, err)
		}
	}
	return d
}

// TestModulesResolve parses all modules together with goyang, as configd
// and the generator do, and checks that every leafref points at a leaf and
// that every node has the description the CLI shows in `?` help.
func TestModulesResolve(t *testing.T) {
	ms := yang.NewModules()
	ms.AddPath("../modules")
	for _, f := range moduleFiles(t) {
		if err := ms.Read(f); err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
	}
	if errs := ms.Process(); len(errs) > 0 {
		t.Fatalf("Process: %v", errs)
	}
	var refs int
	var walk func(e *yang.Entry)
	walk = func(e *yang.Entry) {
		if e.Description == "" && !e.IsCase() && e.Parent != nil {
			t.Errorf("%s: no description", e.Path())
		}
		if e.Type != nil && e.Type.Kind == yang.Yleafref {
			refs++
			target := e.Find(e.Type.Path)
			if target == nil || target.Kind != yang.LeafEntry {
				t.Errorf("%s: leafref %q does not resolve to a leaf", e.Path(), e.Type.Path)
			}
		}
		for _, k := range sortedKeys(e.Dir) {
			walk(e.Dir[k])
		}
	}
	for _, name := range sortedKeys(ms.Modules) {
		if strings.Contains(name, "@") {
			continue
		}
		e, errs := ms.GetModule(name)
		if len(errs) > 0 {
			t.Fatalf("GetModule(%s): %v", name, errs)
		}
		walk(e)
	}
	// interfaces: 4 service-set-name, 4 filter; applications: 2; sfw: 3;
	// nat: 3; firewall: 6 prefix-list; policy-options: 1 prefix-list.
	if refs != 23 {
		t.Errorf("found %d leafrefs, want 23", refs)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestBuildDevice builds a configuration through the generated API,
// validates it, and checks that it survives an RFC 7951 round trip.
func TestBuildDevice(t *testing.T) {
	d := &gen.Device{}
	d.GetOrCreateSystem().SetHostName("gnos1")
	d.GetOrCreateSystem().GetOrCreateServices().GetOrCreateNetconf().GetOrCreateSsh()

	svc := d.GetOrCreateServices()
	rule := svc.GetOrCreateStatefulFirewall().GetOrCreateRule("allow-ssh")
	rule.SetMatchDirection(gen.GnosServices_Services_StatefulFirewall_Rule_MatchDirection_input)
	term, err := rule.AppendNewTerm("t1")
	if err != nil {
		t.Fatal(err)
	}
	term.GetOrCreateFrom().SetSourceAddress([]string{"10.0.0.0/8"})
	term.GetOrCreateThen().Accept = true

	ss := svc.GetOrCreateServiceSet("sset1")
	ss.SetStatefulFirewallRules([]string{"allow-ssh"})
	ss.GetOrCreateInterfaceService().SetServiceInterface("ms-0/0/0")
	ss.GetOrCreateServiceOrder().SetForwardFlow([]string{"stateful-firewall"})

	ifc := d.GetOrCreateInterfaces().GetOrCreateInterface("ge-0/0/0")
	inet := ifc.GetOrCreateUnit(0).GetOrCreateFamily().GetOrCreateInet()
	inet.GetOrCreateAddress("192.0.2.1/24")
	inet.GetOrCreateService().GetOrCreateInput().GetOrCreateServiceSet("sset1")

	if err := d.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}

	d.PopulateDefaults()
	if got := d.GetSystem().GetServices().GetNetconf().GetSsh().GetPort(); got != 830 {
		t.Errorf("netconf ssh port default: got %d, want 830", got)
	}

	js, err := emit(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"gnos-system:system"`,
		`"gnos-stateful-firewall:stateful-firewall"`,
		`"gnos-stateful-firewall:stateful-firewall-rules"`,
		`"service-set-name": "sset1"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("RFC 7951 JSON lacks %s:\n%s", want, js)
		}
	}
	back := loadDevice(t, []byte(js))
	js2, err := emit(back)
	if err != nil {
		t.Fatal(err)
	}
	if js2 != js {
		t.Errorf("round trip changed the configuration:\ngot  %s\nwant %s", js2, js)
	}
}

func emit(d *gen.Device) (string, error) {
	return ygot.EmitJSON(d, &ygot.EmitJSONConfig{
		Format:         ygot.RFC7951,
		RFC7951Config:  &ygot.RFC7951JSONConfig{AppendModuleName: true},
		SkipValidation: true,
	})
}

// TestUnmarshalDevice loads the sample configuration (plus the predefined
// applications it refers to) and checks typed access to it.
func TestUnmarshalDevice(t *testing.T) {
	d := loadDevice(t, defaultsJSON(t), readFile(t, "testdata/device.json"))
	if err := d.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}

	if got := d.GetSystem().GetHostName(); got != "gnos1" {
		t.Errorf("host-name: got %q, want gnos1", got)
	}
	if got := d.GetSystem().GetLogin().GetUser("lab").GetUid(); got != 2000 {
		t.Errorf("user lab uid: got %d, want 2000", got)
	}
	ep := d.GetChassis().GetFpc(0).GetPic(0).GetAdaptiveServices().GetServicePackage().GetExtensionProvider()
	if got, want := sortedKeys(ep.Package), []string{"nat", "stateful-firewall"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("packages: got %v, want %v", got, want)
	}

	ss := d.GetServices().GetServiceSet("sset1")
	if got := ss.GetInterfaceService().GetServiceInterface(); got != "ms-0/0/0" {
		t.Errorf("sset1 service-interface: got %q, want ms-0/0/0", got)
	}
	if got := ss.GetStatefulFirewallRules(); len(got) != 1 || got[0] != "allow-web" {
		t.Errorf("sset1 stateful-firewall-rules: got %v, want [allow-web]", got)
	}
	if got := d.GetServices().GetServiceSet("sset2").GetNextHopService().GetInsideServiceInterface(); got != "ms-0/0/0.1" {
		t.Errorf("sset2 inside-service-interface: got %q, want ms-0/0/0.1", got)
	}

	// ordered-by user: terms keep the order of the document.
	rule := d.GetServices().GetStatefulFirewall().GetRule("allow-web")
	if got := rule.Term.Keys(); strings.Join(got, ",") != "web,rest" {
		t.Errorf("term order: got %v, want [web rest]", got)
	}
	then := rule.GetTerm("web").GetThen()
	if !then.Accept || !then.Syslog || then.Discard {
		t.Errorf("term web then: got %+v, want accept and syslog", *then)
	}

	app := d.GetApplications().GetApplication("my-web")
	if got, want := app.Protocol, gen.GnosApplications_Applications_Application_Protocol_tcp; got != want {
		t.Errorf("my-web protocol: got %v, want %v", got, want)
	}
	if got := d.GetApplications().GetApplication("traceroute-icmp").IcmpType; got != gen.UnionUint8(11) {
		t.Errorf("traceroute-icmp icmp-type: got %v, want 11", got)
	}
	if got := d.GetInterfaces().GetInterface("ms-0/0/0").GetUnit(2).GetServiceDomain(); got != gen.GnosInterfaces_Interfaces_Interface_Unit_ServiceDomain_outside {
		t.Errorf("ms-0/0/0.2 service-domain: got %v, want outside", got)
	}
	if got := d.GetRoutingOptions().GetStatic().GetRoute("0.0.0.0/0").GetNextHop(); len(got) != 1 || got[0] != "192.0.2.254" {
		t.Errorf("default route next-hop: got %v, want [192.0.2.254]", got)
	}
}

// TestProtocolNumbers pins the contract the data path relies on: ygot
// numbers enum constants as the YANG value plus one, and the YANG values of
// protocol names are IANA protocol numbers (and ICMP type numbers).
func TestProtocolNumbers(t *testing.T) {
	tests := []struct {
		name string
		got  int64
		want int64
	}{
		{"tcp", int64(gen.GnosApplications_Applications_Application_Protocol_tcp), 6},
		{"udp", int64(gen.GnosApplications_Applications_Application_Protocol_udp), 17},
		{"icmp", int64(gen.GnosApplications_Applications_Application_Protocol_icmp), 1},
		{"icmp6", int64(gen.GnosApplications_Applications_Application_Protocol_icmp6), 58},
		{"sctp", int64(gen.GnosApplications_Applications_Application_Protocol_sctp), 132},
		{"echo-request", int64(gen.GnosApplications_Applications_Application_IcmpType_echo_request), 8},
		{"icmp6 echo-request", int64(gen.GnosApplications_Applications_Application_Icmp6Type_echo_request), 128},
	}
	for _, tt := range tests {
		if tt.got-1 != tt.want {
			t.Errorf("%s: got number %d, want %d", tt.name, tt.got-1, tt.want)
		}
	}
}

// TestValidateRejects lists what ygot's Validate catches on its own: types,
// ranges, patterns and leafrefs. (mandatory, must, when and unique are
// gnos's job; yanglint_test.go checks that the modules express them.)
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string // substring of the error
	}{
		{
			name: "mtu below range",
			doc:  `{"gnos-interfaces:interfaces": {"interface": [{"name": "ge-0/0/0", "mtu": 100}]}}`,
			want: "mtu",
		},
		{
			name: "interface name pattern",
			doc:  `{"gnos-interfaces:interfaces": {"interface": [{"name": "ge-0/0/0.5"}]}}`,
			want: "ge-0/0/0.5",
		},
		{
			name: "service-interface must be an ms- interface",
			doc: `{"gnos-services:services": {"service-set": [{"name": "s",
				"interface-service": {"service-interface": "ge-0/0/0"}}]}}`,
			want: "ge-0/0/0",
		},
		{
			name: "service-set name pattern",
			doc:  `{"gnos-services:services": {"service-set": [{"name": "bad name"}]}}`,
			want: "bad name",
		},
		{
			name: "stateful-firewall-rules leafref",
			doc: `{"gnos-services:services": {"service-set": [{"name": "s",
				"gnos-stateful-firewall:stateful-firewall-rules": ["nope"]}]}}`,
			want: "nope",
		},
		{
			name: "interface service-set leafref",
			doc: `{"gnos-interfaces:interfaces": {"interface": [{"name": "ge-0/0/0", "unit": [{"name": 0,
				"family": {"inet": {"service": {"input": {"service-set": [{"service-set-name": "ghost"}]}}}}}]}]}}`,
			want: "ghost",
		},
		{
			name: "application leafref",
			doc: `{"gnos-applications:applications": {"application-set": [{"name": "s",
				"application": [{"name": "junos-nonexistent"}]}]}}`,
			want: "junos-nonexistent",
		},
		{
			name: "nat source-pool leafref",
			doc: `{"gnos-services:services": {"gnos-nat:nat": {"rule": [{"name": "r", "match-direction": "input",
				"term": [{"name": "t", "then": {"translated": {"source-pool": "dry"}}}]}]}}}`,
			want: "dry",
		},
		{
			name: "inactivity-timeout range",
			doc: `{"gnos-applications:applications": {"application": [{"name": "a", "protocol": "udp",
				"inactivity-timeout": 2}]}}`,
			want: "inactivity-timeout",
		},
		{
			name: "port range pattern",
			doc: `{"gnos-applications:applications": {"application": [{"name": "a", "protocol": "tcp",
				"destination-port": "65536"}]}}`,
			want: "65536",
		},
		{
			name: "static route next-hop",
			doc: `{"gnos-routing-options:routing-options": {"static": {"route": [{"name": "10.0.0.0/8",
				"next-hop": ["10.0.0.256"]}]}}}`,
			want: "10.0.0.256",
		},
		{
			name: "two actions of one choice",
			doc: `{"gnos-services:services": {"gnos-stateful-firewall:stateful-firewall": {"rule": [{"name": "r",
				"match-direction": "input", "term": [{"name": "t", "then": {"accept": [null], "discard": [null]}}]}]}}}`,
			want: "multiple cases",
		},
		{
			name: "policy-db-size range",
			doc: `{"gnos-chassis:chassis": {"fpc": [{"name": 0, "pic": [{"name": 0, "adaptive-services":
				{"service-package": {"extension-provider": {"policy-db-size": 0}}}}]}]}}`,
			want: "policy-db-size",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &gen.Device{}
			err := gen.Unmarshal([]byte(tt.doc), d)
			if err == nil {
				err = d.Validate()
			}
			if err == nil {
				t.Fatalf("got no error, want one mentioning %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestSampleIsJSON keeps testdata/device.json well-formed for every reader
// (this package, yanglint_test.go, other packages' tests).
func TestSampleIsJSON(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal(readFile(t, "testdata/device.json"), &v); err != nil {
		t.Fatalf("testdata/device.json: %v", err)
	}
}
