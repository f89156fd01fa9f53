package cli

import (
	"context"
	"fmt"
	"io"
)

// SystemInfoCommands adds the show system commands about the host and
// the management plane: uptime, storage, memory, processes and the
// configuration database.
func SystemInfoCommands(t *Table) {
	usersCommands(t)
	t.Describe("show system configuration", "Show configuration information")
	t.Describe("show system configuration database", "Show configuration database information")
	t.Add(
		&Command{Words: []string{"show", "system", "configuration", "database", "usage"},
			RPC: "get-configuration-database-usage-information", Help: "Show configuration database usage",
			Run: showDatabaseUsage, Text: textDatabaseUsage},
		&Command{Words: []string{"show", "system", "memory"}, RPC: "get-system-memory-information",
			Help: "Show system memory usage", Run: showMemory, Text: textMemory},
		&Command{Words: []string{"show", "system", "processes"}, RPC: "get-system-process-information",
			Help: "Show system process table",
			Args: []Arg{{Name: "brief", Help: "Display brief output"}, {Name: "extensive", Help: "Display extensive output"}},
			Run:  showProcesses, Text: textProcesses},
		&Command{Words: []string{"show", "system", "storage"}, RPC: "get-system-storage",
			Help: "Show local storage data", Run: showStorage, Text: textStorage},
	)
}

// showDatabaseUsage is show system configuration database usage: the
// store file (DATA/gnos.db) and how much of it holds data; its maximum
// is what the file system lets it grow to.
func showDatabaseUsage(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	u, err := s.eng.Configd.DatabaseUsage()
	if err != nil {
		return nil, err
	}
	st, err := s.eng.statfs()
	if err != nil {
		return nil, err
	}
	mb := func(b int64) string { return fmt.Sprintf("%.2f", float64(b)/(1<<20)) }
	avail := int64(st.Avail)
	return E("database-usage-information",
		T("database-maximum-size", mb(u.FileBytes+avail)),
		T("database-current-size", mb(u.FileBytes)),
		T("database-actual-usage", mb(u.UsedBytes)),
		T("database-available-space", mb(u.FileBytes+avail-u.UsedBytes))), nil
}

func textDatabaseUsage(w io.Writer, e *Elem) {
	fmt.Fprintf(w, "Maximum size of the database: %s MB\n", e.Val("database-maximum-size"))
	fmt.Fprintf(w, "Current database size on disk: %s MB\n", e.Val("database-current-size"))
	fmt.Fprintf(w, "Actual database usage: %s MB\n", e.Val("database-actual-usage"))
	fmt.Fprintf(w, "Available database space: %s MB\n", e.Val("database-available-space"))
}
