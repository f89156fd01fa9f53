package cli

// SystemInfoCommands adds the show system commands about the host and
// the management plane: uptime, storage, memory, processes and the
// configuration database.
func SystemInfoCommands(t *Table) {
	usersCommands(t)
	t.Add(
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
