package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/configd/schema"
)

// WriteReference writes the CLI reference (docs/cli.md) from the command
// tables (operational commands, configuration verbs) and the schema, so
// the documentation cannot drift from the code.
func WriteReference(w io.Writer, t *Table, root *schema.Node) {
	p := func(f string, a ...any) { fmt.Fprintf(w, f, a...) }
	p("# gnos CLI reference\n\n")
	p("Generated from the operational command table, the configuration verb\n")
	p("table and the YANG schema by\n")
	p("`go test ./cli -run TestReference -update`; do not edit by hand.\n\n")
	p("Every word may be abbreviated to a unique prefix (`sh conf sys`). TAB and\n")
	p("space complete, `?` lists what may come next with help, `|` pipes output.\n\n")
	p("## Operational mode (`user@host>`)\n\n")
	p("| command | RPC | arguments | description |\n|---|---|---|---|\n")
	p("| `configure [private\\|exclusive]` | | | Enter configuration mode |\n")
	for _, c := range t.Commands() {
		var args []string
		for _, a := range c.Args {
			switch {
			case a.Positional:
				args = append(args, "<"+a.Name+">")
			case a.Value:
				args = append(args, a.Name+" <value>")
			default:
				args = append(args, a.Name)
			}
		}
		p("| `%s` | `%s` | %s | %s |\n", strings.Join(c.Words, " "), c.RPC, strings.Join(args, ", "), c.Help)
	}
	p("| `exit`, `quit` | | | Leave the CLI |\n")
	p("\n## Configuration mode (`user@host#`)\n\n| command | description |\n|---|---|\n")
	for _, v := range configVerbs {
		p("| `%s` | %s |\n", v.name, v.help)
	}
	p("\nA `set` command may carry several statements of one level after a leaf,\n")
	p("as Junos takes them: `set services nat pool p1 port range low 20000 high\n")
	p("20999`, `set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n")
	p("primary preferred`, `set routing-options static route 0.0.0.0/0 next-hop\n")
	p("192.0.2.254 preference 7`; each is set as if typed alone, and a word that\n")
	p("is no statement of that level is a syntax error at that word (nothing of\n")
	p("the line is set). `delete`, `show` and the other verbs name one statement.\n")
	p("\nCommit variants: `commit`, `commit check`, `commit confirmed [MINUTES]`, `commit comment \"…\"`,\n")
	p("`commit and-quit`, `commit at \"yyyy-mm-dd hh:mm[:ss]\"|\"hh:mm[:ss]\"` (cancel with\n")
	p("`clear system commit`), `commit synchronize`. `load merge|override|replace|set|update FILE`\n")
	p("reads curly-brace text, set commands, XML or Junos JSON (detected; `load … FILE json` or\n")
	p("`load … terminal json` says it is JSON) from the data directory or the terminal.\n")
	p("Text and set loads go on past errors as Junos' do: each refused statement is reported\n")
	p("(`FILE:LINE:(COL) message`, its `[edit …]` level and text), changes nothing, and the\n")
	p("rest loads; the load ends with `load complete (N errors)`. XML and JSON load whole or not at all.\n")
	p("\nThe rescue configuration: `request system configuration rescue save` keeps the committed\n")
	p("configuration as the rescue configuration (DATA/rescue.conf, outside the store, so it\n")
	p("survives a damaged store), `rollback rescue` loads it into the candidate, `show system\n")
	p("configuration rescue` shows it, `request system configuration rescue delete` removes it.\n")
	p("\n## Pipes\n\n| pipe | description |\n|---|---|\n")
	for _, c := range pipeCompletions(nil) {
		p("| `| %s` | %s |\n", c.Text, c.Help)
	}
	p("| `| display set\\|xml\\|json\\|detail` | Render configuration or reply data in another format; configuration JSON is Junos' (`{\"configuration\" : {…}}`, the `junos:commit-*` header in `\"@\"`, `[null]` for empty leaves, `\"@\"`/`\"@name\"` metadata for inactive statements and comments) |\n")
	p("| `| display inheritance [no-comments]` | Show the configuration with groups applied (with or without the notes naming each group) |\n")
	p("| `| refresh [N]` | Run the command again every N seconds (1 by default) until Ctrl-C, each run under `---(refreshed at TIME)---`; needs a terminal |\n")
	p("\n## Configuration hierarchy\n\n")
	p("Top-level statements and their children (the full tree: `?` at any level).\n")
	p("`apply-groups` and `apply-groups-except` are accepted at every level; `groups <name>`\n")
	p("holds any of the configuration below.\n\n")
	for _, c := range root.Children {
		if c.Generic {
			name := c.Name
			if c.Kind == schema.List {
				name += " <" + c.Keys[0] + ">"
			}
			p("- `%s`: %s\n", name, c.Description)
			continue
		}
		p("- `%s`: %s\n", c.Name, c.Description)
		for _, k := range c.Children {
			if k.Generic {
				continue
			}
			name := k.Name
			if k.Flat {
				name = "<" + k.Keys[0] + ">"
			} else if k.Kind == schema.List {
				name += " <" + k.Keys[0] + ">"
			}
			p("  - `%s`: %s\n", name, k.Description)
		}
	}
}
