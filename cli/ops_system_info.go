package cli

// SystemInfoCommands adds the show system commands about the host and
// the management plane: uptime, storage, memory, processes and the
// configuration database.
func SystemInfoCommands(t *Table) {
	usersCommands(t)
	t.Add(
		&Command{Words: []string{"show", "system", "storage"}, RPC: "get-system-storage",
			Help: "Show local storage data", Run: showStorage, Text: textStorage},
	)
}
