package services

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// fakeBackend answers PICs with fixed data; its other methods fail.
type fakeBackend struct {
	servicesd.Client // the rest of Backend, never called here
	pics             []*servicesd.PICInfo
}

func (f *fakeBackend) PICs(context.Context) ([]*servicesd.PICInfo, error) { return f.pics, nil }

func (f *fakeBackend) SetOnline(context.Context, dataplane.Slot, bool) error {
	return errors.New("servicesd is not reachable")
}

// TestSummaryStates: the summary words each PIC's state from what
// servicesd reports, whichever backend answers.
func TestSummaryStates(t *testing.T) {
	b := &fakeBackend{pics: []*servicesd.PICInfo{
		{Slot: dataplane.Slot{FPC: 0, PIC: 0}, Config: picd.Config{Online: false, PolicyDBMB: 1}},
		{Slot: dataplane.Slot{FPC: 1, PIC: 0}, Config: picd.Config{Online: true, PolicyDBMB: 1}},
		{Slot: dataplane.Slot{FPC: 2, PIC: 0}, Config: picd.Config{Online: true, PolicyDBMB: 1}, Connected: true,
			PolicyBytes: 1 << 19, ServiceSets: []servicesd.SetGen{{Name: "ss1"}},
			Status: &picd.Status{State: "restarting", SSRBs: []picd.HeldSSRB{{Name: "ss1"}}}},
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
		"ms-0/0/0                 0            -                  0     0.00 Offline (requested)",
		"ms-1/0/0                 0            -                  0     0.00 Offline (picd not connected)",
		"ms-2/0/0                 1            1             524288    50.00 Restarting",
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("got\n%s\nwant a line %q", out.String(), want)
		}
	}
	if _, err := tab.ByRPC("request-chassis-pic").Run(context.Background(), nil,
		cli.Args{"fpc-slot": "0", "pic-slot": "0", "online": ""}, nil, nil); err == nil || err.Error() != "servicesd is not reachable" {
		t.Errorf("request chassis pic: got %v, want the backend's error", err)
	}
}
