package compose

import (
	"context"
	"fmt"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/servicesd"
)

// daemons lists the node's daemons for show system processes: servicesd
// (in this process unless it runs apart) and each connected picd with
// its process id (this process's for an in-process picd).
func (n *Node) daemons(ctx context.Context) []cli.Daemon {
	var out []cli.Daemon
	var pics []*servicesd.PICInfo
	switch {
	case n.Services != nil:
		out = append(out, cli.Daemon{Name: "servicesd"})
		pics, _ = n.Services.PICs(ctx)
	case n.servicesClient != nil:
		pics, _ = n.servicesClient.PICs(ctx)
	}
	for _, p := range pics {
		if p.Connected {
			out = append(out, cli.Daemon{Name: fmt.Sprintf("picd fpc%d/pic%d", p.Slot.FPC, p.Slot.PIC), PID: p.PID})
		}
	}
	return out
}
