package gnmi_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/testkit"
)

// TestStateServicesApart: with servicesd in its own process, /state
// reads the service-sets and the PIC through its socket.
func TestStateServicesApart(t *testing.T) {
	n, clk := startNode(t, compose.Options{ServicesApart: true})
	sv, err := compose.StartServices(context.Background(), compose.Options{DataDir: n.Opts.DataDir, NoSync: true, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer sv.Close()
	select {
	case <-sv.Ready():
	case <-time.After(testkit.Deadline):
		t.Fatal("servicesd did not subscribe")
	}
	commitSet(t, n, `set chassis fpc 0 pic 0 adaptive-services service-package extension-provider data-cores 1
set chassis fpc 0 pic 0 adaptive-services service-package extension-provider package stateful-firewall
set services stateful-firewall rule fw match-direction input
set services stateful-firewall rule fw term t1 from applications junos-http
set services stateful-firewall rule fw term t1 then accept
set services service-set ss1 stateful-firewall-rules fw
set services service-set ss1 interface-service service-interface ms-0/0/0
`)
	testkit.Until(t, "servicesd to resolve ss1", func() bool { _, ok := sv.Services.SSRB("ss1"); return ok })
	ssrb, _ := sv.Services.SSRB("ss1")
	ro := dial(t, n, "ro", "ro123")
	testkit.Until(t, "/state to list ss1", func() bool {
		got, err := getJSON(t, ro, "/state/services/service-set[name=ss1]/id", gpb.Encoding_JSON_IETF)
		return err == nil && got == strconv.Itoa(int(ssrb.ID))
	})
	got, err := getJSON(t, ro, "/state/chassis/pic[fpc-slot=0][pic-slot=0]/service-sets", gpb.Encoding_JSON_IETF)
	if err != nil || got != "1" {
		t.Errorf("the PIC's service-sets: got %s (%v), want 1", got, err)
	}
}
