package netconf

import (
	"slices"
	"strings"

	"github.com/gnos/gnos/configd/tree"
)

// Level is what a login class allows, from least to most. gnos folds
// Junos' permission bits into these four steps; every RPC and every CLI
// command needs one of them.
type Level int

// Levels.
const (
	LevelNone      Level = iota // unauthorized: no login
	LevelView                   // read-only: show commands, read configuration
	LevelOperator               // operator: every operational command, no configuration mode
	LevelConfigure              // super-user: configure and commit
)

func (l Level) String() string {
	return [...]string{"unauthorized", "read-only", "operator", "super-user"}[l]
}

// ClassLevel returns the level of login class name in the committed
// configuration cfg. The predefined classes are super-user, operator,
// read-only and unauthorized; a configured class gets its level from its
// permissions: all or configure → configure; clear, reset, network,
// maintenance, control or any *-control → operator; anything else (view,
// view-configuration, …) → view; no permissions → none.
func ClassLevel(cfg *tree.Node, name string) Level {
	switch name {
	case "super-user":
		return LevelConfigure
	case "operator":
		return LevelOperator
	case "read-only":
		return LevelView
	case "unauthorized":
		return LevelNone
	}
	class := cfg.ChildNamed("system", "").ChildNamed("login", "").ChildNamed("class", name)
	if class == nil || class.Inactive {
		return LevelNone
	}
	var perms []string
	for _, p := range class.AllNamed("permissions") {
		if !p.Inactive {
			perms = append(perms, p.Value)
		}
	}
	switch {
	case len(perms) == 0:
		return LevelNone
	case slices.Contains(perms, "all"), slices.Contains(perms, "configure"):
		return LevelConfigure
	}
	for _, p := range perms {
		switch {
		case p == "clear", p == "reset", p == "network", p == "maintenance", p == "control",
			strings.HasSuffix(p, "-control"):
			return LevelOperator
		}
	}
	return LevelView
}

// CommandLevel is the level an operational command line needs, from its
// first word: show (and file list/show) need view, configure needs
// configure, anything else (clear, request, …) operator.
func CommandLevel(line string) Level {
	f := strings.Fields(line)
	if len(f) == 0 {
		return LevelView
	}
	w := f[0]
	switch {
	case len(w) >= 2 && strings.HasPrefix("show", w), w == "exit", w == "quit", w == "help":
		return LevelView
	case len(w) >= 2 && strings.HasPrefix("file", w) && len(f) > 1 &&
		(strings.HasPrefix("list", f[1]) || strings.HasPrefix("show", f[1])):
		return LevelView
	case len(w) >= 2 && strings.HasPrefix("set", w) && len(f) > 1 && strings.HasPrefix("cli", f[1]):
		return LevelView // session settings
	case len(w) >= 2 && strings.HasPrefix("configure", w):
		return LevelConfigure
	}
	return LevelOperator
}

// RPCLevel is the level a table RPC (one per operational command) needs.
func RPCLevel(words []string) Level {
	return CommandLevel(strings.Join(words, " "))
}
