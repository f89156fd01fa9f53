package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Logs is the system log's files (eventlog.Log): `show log`, `clear log`,
// `monitor start`.
type Logs interface {
	Files() ([]string, error)
	Path(name string) (string, error)
	Clear(name string) error
	// Watch calls f with each line written to file name from now on
	// (f must not block) until stop is called.
	Watch(name string, f func(line string)) (stop func(), err error)
}

// LogCommands are `show log [FILE]` and `clear log FILE`.
func LogCommands(t *Table) {
	t.Describe("clear log", "Clear contents of log file")
	t.Add(
		&Command{Words: []string{"show", "log"}, RPC: "get-log",
			Help: "Show contents of log and trace files",
			Args: []Arg{{Name: "filename", Positional: true, Help: "Name of log file"}},
			Run:  showLog},
		&Command{Words: []string{"clear", "log"}, RPC: "clear-log",
			Help: "Clear contents of log file",
			Args: []Arg{{Name: "filename", Positional: true, Help: "Name of log file"}},
			Run:  clearLog},
	)
}

var errNoLogs = errors.New("the system log is not available")

// showLog lists the log files, or shows one.
func showLog(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if s.eng.Logs == nil {
		return nil, errNoLogs
	}
	name := a["filename"]
	if name == "" {
		files, err := s.eng.Logs.Files()
		if err != nil {
			return nil, err
		}
		return &Elem{Name: "file-content", Text: strings.Join(files, "\n")}, nil
	}
	p, err := s.eng.Logs.Path(name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("could not resolve file: %s", name)
	}
	return &Elem{Name: "file-content", Text: strings.TrimSuffix(string(b), "\n"),
		Attrs: []xml.Attr{{Name: xml.Name{Local: "filename"}, Value: name}}}, nil
}

func clearLog(_ context.Context, s *Session, a Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	if s.eng.Logs == nil {
		return nil, errNoLogs
	}
	if a["filename"] == "" {
		return nil, fmt.Errorf("missing argument: filename")
	}
	return nil, s.eng.Logs.Clear(a["filename"])
}
