package services

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/servicesd"
)

// alarmCommands adds show chassis alarms (get-alarm-information): the
// faults of the services PICs servicesd reports, in Junos' layout and
// element names.
func (c *commands) alarmCommands(t *cli.Table) {
	t.Add(&cli.Command{Words: []string{"show", "chassis", "alarms"}, RPC: "get-alarm-information",
		Help: "Show alarm status", Run: c.showAlarms, Text: textAlarms},
		&cli.Command{Words: []string{"show", "system", "alarms"}, RPC: "get-system-alarm-information",
			Help: "Show system alarm status", Run: c.showSystemAlarms, Text: textAlarms})
}

// showSystemAlarms is show system alarms: the chassis alarms and the
// management plane's (cli.Session.SystemAlarms), one list, newest first.
func (c *commands) showSystemAlarms(ctx context.Context, s *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	as, err := c.b.Alarms(ctx)
	if err != nil {
		return nil, err
	}
	var all []*cli.Elem
	for _, a := range as {
		all = append(all, alarmElem(a))
	}
	all = append(all, s.SystemAlarms()...)
	sort.SliceStable(all, func(i, j int) bool {
		return all[i].Val("alarm-time") > all[j].Val("alarm-time")
	})
	e := cli.E("alarm-information")
	if len(all) == 0 {
		return e.Add(cli.E("alarm-summary", cli.T("no-active-alarms", ""))), nil
	}
	e.Add(cli.E("alarm-summary", cli.T("active-alarm-count", strconv.Itoa(len(all)))))
	return e.Add(all...), nil
}

func (c *commands) showAlarms(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
	as, err := c.b.Alarms(ctx)
	if err != nil {
		return nil, err
	}
	e := cli.E("alarm-information")
	if len(as) == 0 {
		return e.Add(cli.E("alarm-summary", cli.T("no-active-alarms", ""))), nil
	}
	e.Add(cli.E("alarm-summary", cli.T("active-alarm-count", strconv.Itoa(len(as)))))
	for _, a := range as {
		e.Add(alarmElem(a))
	}
	return e, nil
}

// alarmElem is one alarm as Junos' alarm-detail.
func alarmElem(a servicesd.Alarm) *cli.Elem {
	return cli.AlarmElem(a.Time, a.Class, a.Description, a.Short, "Chassis")
}

// textAlarms renders Junos' layout:
//
//	1 alarms currently active
//	Alarm time               Class  Description
//	2026-12-02 18:30:01 UTC  Major  FPC 0 PIC 0 failed to apply configuration
func textAlarms(w io.Writer, e *cli.Elem) {
	sum := e.Get("alarm-summary")
	if sum == nil || sum.Get("no-active-alarms") != nil {
		fmt.Fprintln(w, "No alarms currently active")
		return
	}
	fmt.Fprintf(w, "%s alarms currently active\n", sum.Val("active-alarm-count"))
	fmt.Fprintf(w, "%-24s %-6s %s\n", "Alarm time", "Class", "Description")
	for _, a := range e.All("alarm-detail") {
		fmt.Fprintf(w, "%-24s %-6s %s\n", a.Val("alarm-time"), a.Val("alarm-class"), a.Val("alarm-description"))
	}
}
