package nat

import (
	"fmt"
	"log/slog"

	"github.com/gnos/gnos/pic"
)

// Pool exhaustion reaches the system log as Junos logs it, at most once
// a report (about a second) per pool and kind, with how many allocations
// failed since the last line:
//
//	{ss1}[FWNAT]: JSERVICES_NAT_OUTOF_PORTS: natpool p1 is out of ports (12 allocations failed)
//
// The data path records nothing for it: the report compares each pool's
// failure counters (kept for show services nat pool anyway) with what it
// reported last.

// ReportEvents emits a line per pool that ran out of ports or addresses
// since the last report.
func (d *Data) ReportEvents(sets []pic.ShowSet, emit func(pic.Message)) {
	for _, ss := range sets {
		pol, _ := ss.Policy.(*Policy)
		if pol == nil {
			continue
		}
		for _, n := range pol.poolNames() {
			pl := pol.pools[n]
			addr := pl.addrFails.Load() // first: see data.go
			port := pl.fails.Load() - addr
			if k := addr - pl.reported[0]; k > 0 {
				emit(pic.Message{ServiceSet: ss.Name, Tag: "JSERVICES_NAT_OUTOF_ADDRESSES", Level: slog.LevelWarn,
					Text: fmt.Sprintf("natpool %s is out of addresses (%d allocations failed)", n, k)})
			}
			if k := port - pl.reported[1]; k > 0 {
				emit(pic.Message{ServiceSet: ss.Name, Tag: "JSERVICES_NAT_OUTOF_PORTS", Level: slog.LevelWarn,
					Text: fmt.Sprintf("natpool %s is out of ports (%d allocations failed)", n, k)})
			}
			pl.reported = [2]uint64{addr, port}
		}
	}
}
