package services

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/servicesd"
)

// Redundant services PIC interfaces (servicesd/redundancy.go): show
// interfaces redundancy in Junos' layout (Interface, State, Last change,
// Primary, Secondary, Current status), show services redundancy with
// the replication's figures, and request interface switchover.

func (c *commands) redundancyCommands(t *cli.Table) {
	t.Describe("request interface", "Interface requests")
	t.Add(
		&cli.Command{Words: []string{"show", "interfaces", "redundancy"}, RPC: "get-redundancy-interface-information",
			Help: "Show redundant services PIC interfaces",
			Run:  c.showRedundancy, Text: textRedundancy},
		&cli.Command{Words: []string{"show", "services", "redundancy"}, RPC: "get-services-redundancy-information",
			Help: "Show session state replication of redundant services PIC interfaces",
			Run:  c.showReplication, Text: textReplication},
		&cli.Command{Words: []string{"request", "interface", "switchover"}, RPC: "request-interface-switchover",
			Help: "Switch a redundant services PIC interface to its other member",
			Args: []cli.Arg{{Name: "interface-name", Positional: true, Help: "Redundant services PIC interface (rsp0)"}},
			Run:  c.requestSwitchover},
	)
}

// ago is Junos' elapsed time of a last change: HH:MM:SS, or Nd HH:MM
// past a day.
func ago(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h >= 24 {
		return fmt.Sprintf("%dd %02d:%02d", h/24, h%24, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

func redundancyElem(v servicesd.RedundancyInfo) *cli.Elem {
	r := v.Replication
	e := cli.E("redundancy-interface",
		cli.T("redundancy-interface-name", v.Interface),
		cli.T("redundancy-interface-state", v.State),
		cli.T("redundancy-last-change", ago(v.Elapsed)),
		cli.T("redundancy-primary", v.Primary),
		cli.T("redundancy-secondary", v.Secondary),
		cli.T("redundancy-status", v.Status),
		cli.T("redundancy-active", v.Active),
		cli.T("hot-standby", strconv.FormatBool(v.HotStandby)),
		cli.T("replication-threshold", strconv.Itoa(int(v.Threshold/time.Second))),
		cli.T("switchovers", strconv.FormatUint(v.Switches, 10)),
		cli.T("last-switchover", r.LastSwitchBy),
		cli.T("replicas", strconv.FormatUint(r.Replicas, 10)),
		cli.T("delta-replicas", strconv.FormatUint(r.Deltas, 10)),
		cli.T("last-replica-type", map[bool]string{true: "delta", false: "whole table"}[r.LastDelta]),
		cli.T("closed-sessions", strconv.Itoa(r.Gone)),
		cli.T("unchanged-sessions", strconv.Itoa(r.Unchanged)),
		cli.T("replicated-sessions", strconv.Itoa(r.Sessions)),
		cli.T("skipped-sessions", strconv.Itoa(r.Skipped)),
		cli.T("replica-bytes", strconv.Itoa(r.Bytes)),
		cli.T("total-replicated-sessions", strconv.FormatUint(r.Total, 10)),
		cli.T("total-replicated-bytes", strconv.FormatUint(r.TotalBytes, 10)),
		cli.T("replication-lag", lag(v)),
		cli.T("replication-failures", strconv.FormatUint(r.Failures, 10)),
		cli.T("replication-error", r.LastError))
	if sb := standbyElem(v); sb != nil {
		e.Add(sb)
	}
	return e
}

// standbyElem is what the standby PIC holds (nil when it did not say).
func standbyElem(v servicesd.RedundancyInfo) *cli.Elem {
	if v.Standby == nil {
		return nil
	}
	return cli.E("standby-replica",
		cli.T("standby-sessions", strconv.Itoa(v.Standby.Sessions)),
		cli.T("standby-bytes", strconv.Itoa(v.Standby.Bytes)),
		cli.T("standby-replicas-received", strconv.FormatUint(v.Standby.Replicas, 10)))
}

func lag(v servicesd.RedundancyInfo) string {
	if v.Replication.Last.IsZero() {
		return "-"
	}
	return v.Lag.Truncate(time.Millisecond).String()
}

func (c *commands) redundancy(ctx context.Context) (*cli.Elem, error) {
	vs, err := c.b.Redundancy(ctx)
	if err != nil {
		return nil, err
	}
	e := cli.E("redundancy-interface-information")
	for _, v := range vs {
		e.Add(redundancyElem(v))
	}
	return e, nil
}

func (c *commands) showRedundancy(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	return c.redundancy(ctx)
}

func (c *commands) showReplication(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	return c.redundancy(ctx)
}

func textRedundancy(w io.Writer, e *cli.Elem) {
	fmt.Fprintf(w, "%-10s %-14s %-12s %-11s %-11s %s\n", "Interface", "State", "Last change", "Primary", "Secondary", "Current status")
	for _, r := range e.All("redundancy-interface") {
		fmt.Fprintf(w, "%-10s %-14s %-12s %-11s %-11s %s\n", r.Val("redundancy-interface-name"), r.Val("redundancy-interface-state"),
			r.Val("redundancy-last-change"), r.Val("redundancy-primary"), r.Val("redundancy-secondary"), r.Val("redundancy-status"))
	}
}

func textReplication(w io.Writer, e *cli.Elem) {
	for _, r := range e.All("redundancy-interface") {
		mode := "warm standby (no session state replicated)"
		if r.Val("hot-standby") == "true" {
			mode = "hot standby"
		}
		fmt.Fprintf(w, "Interface: %s, Active: %s, Standby mode: %s\n", r.Val("redundancy-interface-name"), r.Val("redundancy-active"), mode)
		fmt.Fprintf(w, "  Replication threshold: %s seconds\n", r.Val("replication-threshold"))
		fmt.Fprintf(w, "  Replicas sent: %s (%s deltas), failures: %s\n", r.Val("replicas"), r.Val("delta-replicas"), r.Val("replication-failures"))
		fmt.Fprintf(w, "  Sessions replicated: %s (%s bytes), not replicated: %s\n", r.Val("replicated-sessions"), r.Val("replica-bytes"), r.Val("skipped-sessions"))
		if r.Val("last-replica-type") == "delta" {
			fmt.Fprintf(w, "  Last replica: delta, %s closed, %s unchanged\n", r.Val("closed-sessions"), r.Val("unchanged-sessions"))
		} else if r.Val("replicas") != "0" {
			fmt.Fprintf(w, "  Last replica: whole table\n")
		}
		fmt.Fprintf(w, "  Replicated in all: %s sessions, %s bytes\n", r.Val("total-replicated-sessions"), r.Val("total-replicated-bytes"))
		fmt.Fprintf(w, "  Replication lag: %s\n", r.Val("replication-lag"))
		if sb := r.Get("standby-replica"); sb != nil {
			fmt.Fprintf(w, "  Standby holds: %s sessions (%s bytes), replicas received: %s\n",
				sb.Val("standby-sessions"), sb.Val("standby-bytes"), sb.Val("standby-replicas-received"))
		}
		if sw := r.Val("last-switchover"); sw != "" {
			fmt.Fprintf(w, "  Switchovers: %s, last: %s\n", r.Val("switchovers"), sw)
		}
		if er := r.Val("replication-error"); er != "" {
			fmt.Fprintf(w, "  Last error: %s\n", er)
		}
	}
}

func (c *commands) requestSwitchover(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	name := a["interface-name"]
	if _, ok := ifname.IsRedundant(name); !ok {
		return nil, errkind.Errorf(errkind.Invalid, "syntax error, expecting <interface-name> of a redundant services PIC interface (rsp0)")
	}
	v, err := c.b.Switchover(ctx, name)
	if err != nil {
		return nil, err
	}
	return &cli.Elem{Name: "request-interface-switchover", Text: fmt.Sprintf("%s: switched to %s (%s)", v.Interface, v.Active, v.State)}, nil
}
