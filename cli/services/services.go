// Package services is the CLI side of servicesd: its operational
// commands (show chassis pic, show/clear/request services …, and every
// plugin's own commands) as entries of the CLI table, their argument
// parsing and their renderings. The commands ask a Backend for data —
// *servicesd.Servicesd when servicesd shares the process,
// *servicesd.Client when it runs apart — so text, XML and JSON are the
// same in both, and servicesd itself knows nothing of the CLI.
//
// File arguments are resolved here, for the session's user
// (cli.UserFilePath), and servicesd gets absolute paths.
package services

import (
	"context"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// Backend is servicesd's query API (see servicesd/query.go).
type Backend interface {
	PIC(ctx context.Context, slot dataplane.Slot) (*servicesd.PICInfo, error)
	PICs(ctx context.Context) ([]*servicesd.PICInfo, error)
	Alarms(ctx context.Context) ([]servicesd.Alarm, error)
	SetOnline(ctx context.Context, slot dataplane.Slot, online bool) error
	QueryPICs(ctx context.Context, q *picd.Query) ([]servicesd.PICReply, error)
	PICQuery(ctx context.Context, slot dataplane.Slot, q *picd.Query) (*picd.Status, error)
	TrafficGenerate(ctx context.Context, t servicesd.Target, spec picd.GenSpec) (*servicesd.TrafficPIC, error)
	Traffic(ctx context.Context, q picd.TrafficReq) ([]servicesd.TrafficPIC, error)
	TrafficReplay(ctx context.Context, r servicesd.ReplayReq) (*servicesd.ReplayResult, error)
	CaptureStart(ctx context.Context, limit int) (int, error)
	CaptureStop(ctx context.Context, file, path string) (*servicesd.CaptureResult, error)
	Redundancy(ctx context.Context) ([]servicesd.RedundancyInfo, error)
	Switchover(ctx context.Context, name string) (*servicesd.RedundancyInfo, error)
}

var (
	_ Backend = (*servicesd.Servicesd)(nil)
	_ Backend = (*servicesd.Client)(nil)
)

// commands are the command handlers, on a backend. dataDir holds the
// file area traffic replay and capture files are resolved in.
type commands struct {
	b       Backend
	dataDir string
}

// Commands adds servicesd's operational commands to t, answered by b;
// dataDir holds the file area (DATA/files).
func Commands(t *cli.Table, b Backend, dataDir string) {
	c := &commands{b: b, dataDir: dataDir}
	c.picCommands(t)
	c.alarmCommands(t)
	c.fpcCommands(t)
	c.sessionCommands(t)
	c.trafficCommands(t)
	c.pluginCommands(t)
	c.redundancyCommands(t)
}

// serviceIf is the PIC's services interface, as Junos names PICs in
// services output.
func serviceIf(slot dataplane.Slot) string { return ifname.Service(slot.FPC, slot.PIC) }
