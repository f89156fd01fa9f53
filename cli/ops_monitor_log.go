package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// monitor start FILE follows a system log file, as Junos' does: each line
// written to it from then on reaches the session as a notice (notices.go)
// under a `*** FILE ***` heading, until monitor stop [FILE] or the end of
// the session. monitor list names the files followed.

func monitorLogCommands(t *Table) []*Command {
	file := []Arg{{Name: "filename", Positional: true, Help: "Name of log file"}}
	return []*Command{
		{Words: []string{"monitor", "start"}, RPC: "monitor-start", Help: "Start showing log file in real time",
			Args: file, Run: monitorStart},
		{Words: []string{"monitor", "stop"}, RPC: "monitor-stop", Help: "Stop showing log file in real time",
			Args: file, Run: monitorStop},
		{Words: []string{"monitor", "list"}, RPC: "monitor-list", Help: "Show status of monitored files",
			Run: monitorList},
	}
}

func monitorStart(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	name := a["filename"]
	switch {
	case s.eng.Logs == nil:
		return nil, errNoLogs
	case name == "":
		return nil, fmt.Errorf("missing argument: filename")
	case s.login == nil:
		return nil, fmt.Errorf("monitor start needs a CLI session")
	}
	if s.monitors[name] != nil {
		return nil, nil // already followed
	}
	n := s.login.notices
	stop, err := s.eng.Logs.Watch(name, func(line string) { n.post("\n*** " + name + " ***\n" + line) })
	if err != nil {
		return nil, fmt.Errorf("could not start monitoring %s: %v", name, err)
	}
	if s.monitors == nil {
		s.monitors = map[string]func(){}
	}
	s.monitors[name] = stop
	return nil, nil
}

func monitorStop(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	name := a["filename"]
	if name != "" && s.monitors[name] == nil {
		return nil, fmt.Errorf("%s is not being monitored", name)
	}
	s.stopMonitors(name)
	return nil, nil
}

// stopMonitors stops following name, or every file when name is "".
func (s *Session) stopMonitors(name string) {
	for f, stop := range s.monitors {
		if name == "" || f == name {
			stop()
			delete(s.monitors, f)
		}
	}
}

func monitorList(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	var names []string
	for f := range s.monitors {
		names = append(names, f)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, f := range names {
		fmt.Fprintf(&b, "monitor start \"%s\"\n", f)
	}
	return &Elem{Name: "output", Text: strings.TrimSuffix(b.String(), "\n")}, nil
}
