package services

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// fakeBackend answers PICs with fixed data; its other methods fail.
type fakeBackend struct {
	servicesd.Client // the rest of Backend, never called here
	pics             []*servicesd.PICInfo
	alarms           []servicesd.Alarm
}

func (f *fakeBackend) PICs(context.Context) ([]*servicesd.PICInfo, error) { return f.pics, nil }

// QueryPICs answers the CPU query of the connected PIC in slot 2.
func (f *fakeBackend) QueryPICs(context.Context, *picd.Query) ([]servicesd.PICReply, error) {
	return []servicesd.PICReply{{Slot: dataplane.Slot{FPC: 2}, Status: &picd.Status{
		CPU: []picd.CPUUsage{{Name: "ss1", Percent: 20}, {Name: "System", Percent: 5}, {Name: "Idle", Percent: 75}}}}}, nil
}

func (f *fakeBackend) Alarms(context.Context) ([]servicesd.Alarm, error) { return f.alarms, nil }

func (f *fakeBackend) SetOnline(context.Context, dataplane.Slot, bool) error {
	return errors.New("servicesd is not reachable")
}

// TestSummaryStates: the summary words each PIC's state from what
// servicesd reports, whichever backend answers.
func TestSummaryStates(t *testing.T) {
	b := &fakeBackend{pics: []*servicesd.PICInfo{
		{Slot: dataplane.Slot{FPC: 0, PIC: 0}, Config: picd.Config{Online: false, PolicyDBMB: 1}},
		{Slot: dataplane.Slot{FPC: 1, PIC: 0}, Config: picd.Config{Online: true, PolicyDBMB: 1}},
		{Slot: dataplane.Slot{FPC: 2, PIC: 0}, Config: picd.Config{Online: true, PolicyDBMB: 1, ObjectCacheMB: 4}, Connected: true,
			PolicyBytes: 1 << 19, ServiceSets: []servicesd.SetGen{{Name: "ss1"}},
			Status: &picd.Status{State: "restarting", SSRBs: []picd.HeldSSRB{{Name: "ss1"}},
				ObjectCache: dataplane.CacheStats{Reserved: 1 << 20}}},
	}}
	tab := cli.NewTable()
	Commands(tab, b, "")
	c := tab.ByRPC("get-service-set-summary-information")
	e, err := c.Run(context.Background(), nil, cli.Args{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c.Text(&out, e)
	for _, want := range []string{
		"              Service sets                                            CPU",
		"Interface     configured    Bytes used           Policy bytes used    utilization  State",
		"ms-0/0/0      0             0 ( 0.00%)           0 ( 0.00%)           -            Offline (requested)",
		"ms-1/0/0      0             0 ( 0.00%)           0 ( 0.00%)           -            Offline (picd not connected)",
		"ms-2/0/0      1             1048576 (25.00%)     524288 (50.00%)      25.00 %      Restarting",
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("got\n%s\nwant a line %q", out.String(), want)
		}
	}
	var x strings.Builder
	e.WriteXML(&x, "")
	if want := "<service-set-percent-policy-bytes-used>50.00</service-set-percent-policy-bytes-used>"; !strings.Contains(x.String(), want) {
		t.Errorf("xml: got\n%s\nwant %s", x.String(), want)
	}
	if _, err := tab.ByRPC("request-chassis-pic").Run(context.Background(), nil,
		cli.Args{"fpc-slot": "0", "pic-slot": "0", "online": ""}, nil, nil); err == nil || err.Error() != "servicesd is not reachable" {
		t.Errorf("request chassis pic: got %v, want the backend's error", err)
	}
}

// TestAlarmsLayout: show chassis alarms in Junos' layout and element
// names, with and without alarms.
func TestAlarmsLayout(t *testing.T) {
	at := time.Date(2026, 12, 2, 18, 30, 1, 0, time.UTC)
	tests := []struct {
		name    string
		alarms  []servicesd.Alarm
		text    string
		summary string
	}{
		{"none", nil, "No alarms currently active\n", "<alarm-summary>\n    <no-active-alarms/>\n  </alarm-summary>"},
		{"two", []servicesd.Alarm{
			{Time: at, Class: "Major", Description: "FPC 0 PIC 0 failed to apply configuration", Short: "FPC 0 PIC 0 cfg fail"},
			{Time: at.Add(-time.Hour), Class: "Major", Description: "FPC 1 PIC 0 not responding", Short: "FPC 1 PIC 0 down"}},
			"2 alarms currently active\n" +
				"Alarm time               Class  Description\n" +
				"2026-12-02 18:30:01 UTC  Major  FPC 0 PIC 0 failed to apply configuration\n" +
				"2026-12-02 17:30:01 UTC  Major  FPC 1 PIC 0 not responding\n",
			"<alarm-summary>\n    <active-alarm-count>2</active-alarm-count>\n  </alarm-summary>\n  <alarm-detail>\n" +
				"    <alarm-time junos:seconds=\"1796236201\">2026-12-02 18:30:01 UTC</alarm-time>\n" +
				"    <alarm-class>Major</alarm-class>\n" +
				"    <alarm-description>FPC 0 PIC 0 failed to apply configuration</alarm-description>\n" +
				"    <alarm-short-description>FPC 0 PIC 0 cfg fail</alarm-short-description>\n" +
				"    <alarm-type>Chassis</alarm-type>\n  </alarm-detail>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := cli.NewTable()
			Commands(tab, &fakeBackend{alarms: tc.alarms}, "")
			c := tab.ByRPC("get-alarm-information")
			e, err := c.Run(context.Background(), nil, cli.Args{}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var text, xml strings.Builder
			c.Text(&text, e)
			if text.String() != tc.text {
				t.Errorf("text: got\n%s\nwant\n%s", text.String(), tc.text)
			}
			e.WriteXML(&xml, "  ")
			if !strings.Contains(xml.String(), tc.summary) {
				t.Errorf("xml: got\n%s\nwant it to contain\n%s", xml.String(), tc.summary)
			}
		})
	}
}

func (f *fakeBackend) PIC(_ context.Context, slot dataplane.Slot) (*servicesd.PICInfo, error) {
	for _, p := range f.pics {
		if p.Slot == slot {
			return p, nil
		}
	}
	return nil, errors.New("no such PIC")
}

// TestChassisPICLayout: show chassis pic prints Junos' block (Type,
// State) with Junos' elements; gnos' internals only under extensive.
func TestChassisPICLayout(t *testing.T) {
	b := &fakeBackend{pics: []*servicesd.PICInfo{{Slot: dataplane.Slot{FPC: 2}, Config: picd.Config{Online: true, DataCores: 2},
		Connected: true, PID: 42, ServiceSets: []servicesd.SetGen{{Name: "ss1", ID: 1, Gen: 3}},
		Status: &picd.Status{State: "online", SSRBs: []picd.HeldSSRB{{Name: "ss1", ID: 1, Gen: 3}}}}}}
	tab := cli.NewTable()
	Commands(tab, b, "")
	c := tab.ByRPC("get-pic-detail")
	run := func(args cli.Args) (string, string) {
		e, err := c.Run(context.Background(), nil, args, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var text, x strings.Builder
		c.Text(&text, e)
		e.WriteXML(&x, "")
		return text.String(), x.String()
	}
	text, x := run(cli.Args{"fpc-slot": "2", "pic-slot": "0"})
	if want := "FPC slot 2, PIC slot 0 information:\n  Type                             MS-MPC-PIC\n  State                            Online\n"; text != want {
		t.Errorf("brief: got\n%q\nwant\n%q", text, want)
	}
	if want := "<fpc-information junos:style=\"pic-detail\">\n<fpc>\n<slot>2</slot>\n<pic-detail>\n<pic-slot>0</pic-slot>\n<pic-type>MS-MPC-PIC</pic-type>\n<state>Online</state>\n</pic-detail>"; !strings.Contains(x, want) {
		t.Errorf("xml: got\n%s\nwant\n%s", x, want)
	}
	text, x = run(cli.Args{"fpc-slot": "2", "pic-slot": "0", "extensive": ""})
	for _, want := range []string{"  Data cores                       2\n", "  picd PID                         42\n",
		"  Service sets held                1\n", "    ss1                  1        3                      3\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("extensive: got\n%s\nwant %q", text, want)
		}
	}
	if !strings.Contains(x, "<picd-pid>42</picd-pid>") {
		t.Errorf("extensive xml lacks picd-pid:\n%s", x)
	}
}
