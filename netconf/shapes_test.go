package netconf

import (
	"context"
	"strings"
	"testing"
)

// shapesBase is committed before each case: what the edits refer to.
const shapesBase = `set system host-name shapes
set chassis fpc 0 pic 0 adaptive-services service-package layer-3
set interfaces ms-0/0/0 unit 0 family inet
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set applications application web protocol tcp
set applications application web destination-port 80
set applications application-set web-set application web
set services stateful-firewall rule allow-web match-direction input
set services stateful-firewall rule allow-web term t1 then accept
set services stateful-firewall rule deny-rest match-direction input
set services stateful-firewall rule deny-rest term t1 then reject
set services nat pool p1 address 203.0.113.0/28
set services nat rule src-nat match-direction input
set services nat rule src-nat term t1 then translated source-pool p1
set services nat rule src-nat term t1 then translated translation-type napt-44
set services service-set edge interface-service service-interface ms-0/0/0`

// TestEditConfigJunosShapes: an edit-config built the way ncclient and
// PyEZ scripts build it from Junos' own XML loads and commits, for every
// list, presence container and choice that took its Junos shape; the
// committed configuration then holds the set lines Junos would show, in
// order, and not the ones a replaced choice case held.
func TestEditConfigJunosShapes(t *testing.T) {
	ss := `<services><service-set><name>edge</name>%s</service-set></services>`
	sfwTerm := `<services><stateful-firewall><rule><name>allow-web</name><term><name>t1</name>%s</term></rule></stateful-firewall></services>`
	tests := []struct {
		name   string
		config string
		want   []string // set lines, in this order
		gone   []string // lines no longer committed
	}{
		{"stateful-firewall-rules list, ordered by user",
			strings.Replace(ss, "%s", `<stateful-firewall-rules><name>deny-rest</name></stateful-firewall-rules><stateful-firewall-rules><name>allow-web</name></stateful-firewall-rules>`, 1),
			[]string{"set services service-set edge stateful-firewall-rules deny-rest", "set services service-set edge stateful-firewall-rules allow-web"}, nil},
		{"nat-rules list",
			strings.Replace(ss, "%s", `<nat-rules><name>src-nat</name></nat-rules>`, 1),
			[]string{"set services service-set edge nat-rules src-nat"}, nil},
		{"interface service-sets keyed name",
			`<interfaces><interface><name>ge-0/0/0</name><unit><name>0</name><family><inet><service><input><service-set><name>edge</name></service-set></input><output><service-set><name>edge</name></service-set></output></service></inet></family></unit></interface></interfaces>`,
			[]string{"set interfaces ge-0/0/0 unit 0 family inet service input service-set edge", "set interfaces ge-0/0/0 unit 0 family inet service output service-set edge"}, nil},
		{"address lists with except",
			strings.Replace(sfwTerm, "%s", `<from><source-address><name>10.0.0.0/8</name></source-address><source-address><name>10.1.0.0/16</name><except/></source-address><destination-address><name>198.51.100.0/24</name><except/></destination-address></from>`, 1),
			[]string{"set services stateful-firewall rule allow-web term t1 from source-address 10.0.0.0/8",
				"set services stateful-firewall rule allow-web term t1 from source-address 10.1.0.0/16 except",
				"set services stateful-firewall rule allow-web term t1 from destination-address 198.51.100.0/24 except"}, nil},
		{"application-sets list",
			strings.Replace(sfwTerm, "%s", `<from><application-sets><name>web-set</name></application-sets></from>`, 1),
			[]string{"set services stateful-firewall rule allow-web term t1 from application-sets web-set"}, nil},
		{"then discard presence container",
			`<services><stateful-firewall><rule><name>deny-rest</name><term><name>t1</name><then><discard/></then></term></rule></stateful-firewall></services>`,
			[]string{"set services stateful-firewall rule deny-rest term t1 then discard"},
			[]string{"set services stateful-firewall rule deny-rest term t1 then reject"}},
		{"pool address list and port automatic",
			`<services><nat><pool><name>p1</name><address><name>203.0.113.64/28</name></address><port><automatic/></port></pool></nat></services>`,
			[]string{"set services nat pool p1 address 203.0.113.0/28", "set services nat pool p1 address 203.0.113.64/28", "set services nat pool p1 port automatic"}, nil},
		{"translation-type basic-nat44 presence container",
			`<services><nat><rule><name>src-nat</name><term><name>t1</name><then><translated><translation-type><napt-44 operation="delete"/><basic-nat44/></translation-type></translated></then></term></rule></nat></services>`,
			[]string{"set services nat rule src-nat term t1 then translated translation-type basic-nat44"},
			[]string{"set services nat rule src-nat term t1 then translated translation-type napt-44"}},
		{"service-order presence container",
			strings.Replace(ss, "%s", `<service-order><forward-flow>stateful-firewall</forward-flow><forward-flow>nat</forward-flow></service-order>`, 1),
			[]string{"set services service-set edge service-order forward-flow stateful-firewall", "set services service-set edge service-order forward-flow nat"}, nil},
		{"next-hop-service replaces interface-service",
			strings.Replace(ss, "%s", `<next-hop-service><inside-service-interface>ms-0/0/0.1</inside-service-interface><outside-service-interface>ms-0/0/0.2</outside-service-interface></next-hop-service>`, 1),
			[]string{"set services service-set edge next-hop-service inside-service-interface ms-0/0/0.1", "set services service-set edge next-hop-service outside-service-interface ms-0/0/0.2"},
			[]string{"set services service-set edge interface-service service-interface ms-0/0/0"}},
		{"system services presence container",
			`<system><services/></system>`,
			[]string{"set system services"}, nil},
		{"user without class",
			`<system><login><user><name>bob</name><uid>2001</uid></user></login></system>`,
			[]string{"set system login user bob uid 2001"}, nil},
		{"service-package layer-3 on another PIC",
			`<chassis><fpc><name>1</name><pic><name>0</name><adaptive-services><service-package><layer-3/></service-package></adaptive-services></pic></fpc></chassis>`,
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package layer-3", "set chassis fpc 1 pic 0 adaptive-services service-package layer-3"}, nil},
		{"extension-provider replaces layer-3",
			`<chassis><fpc><name>0</name><pic><name>0</name><adaptive-services><service-package><extension-provider><package><name>nat</name></package></extension-provider></service-package></adaptive-services></pic></fpc></chassis>`,
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package nat"},
			[]string{"set chassis fpc 0 pic 0 adaptive-services service-package layer-3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestServer(t)
			commitSet(t, srv, shapesBase)
			ss, err := srv.register("root", LevelConfigure, nopCloser{})
			if err != nil {
				t.Fatal(err)
			}
			defer ss.release()
			rpc := func(body string) string {
				t.Helper()
				var out strings.Builder
				ss.w = NewWriter(&out)
				if err := ss.handle(context.Background(), []byte(`<rpc message-id="1">`+body+`</rpc>`)); err != nil {
					t.Fatalf("handle: %v", err)
				}
				reply := out.String()
				if strings.Contains(reply, "<rpc-error>") {
					t.Fatalf("%s\ngot an error:\n%s", body, reply)
				}
				return reply
			}
			rpc(`<edit-config><target><candidate/></target><config><configuration>` + tc.config + `</configuration></config></edit-config>`)
			rpc(`<commit/>`)
			got := rpc(`<get-configuration database="committed" format="set"/>`)
			at := 0
			for _, w := range tc.want {
				i := strings.Index(got[at:], w+"\n")
				if i < 0 {
					t.Fatalf("committed configuration lacks %q (or has it out of order):\n%s", w, got)
				}
				at += i + len(w)
			}
			for _, g := range tc.gone {
				if strings.Contains(got, g+"\n") {
					t.Errorf("committed configuration still has %q:\n%s", g, got)
				}
			}
		})
	}
}
