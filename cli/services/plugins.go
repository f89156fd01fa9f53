package services

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

// pluginCommands adds every registered plugin's own commands: each asks
// the PICs, whose plugin data handler answers with rows (or, for a clear
// command, clears the sessions the plugin holds state for). Rows are
// filtered here by the command's arguments.
func (c *commands) pluginCommands(t *cli.Table) {
	for _, p := range pic.Plugins() {
		for _, pc := range p.Commands {
			t.Add(c.pluginCommand(p.Name, pc))
		}
	}
}

func (c *commands) pluginCommand(plugin string, pc pic.PluginCommand) *cli.Command {
	verb := pc.Verb
	if verb == "" {
		verb = "show"
	}
	var args []cli.Arg
	for _, a := range pc.Args {
		args = append(args, cli.Arg{Name: a.Name, Help: a.Help, Value: !a.Positional && !a.Flag, Positional: a.Positional})
	}
	cmd := &cli.Command{Words: append([]string{verb}, pc.Words...), RPC: pc.RPC, Help: pc.Help, Args: args}
	q := &picd.Query{Plugin: plugin, Command: pc.RPC}
	if verb == "clear" {
		cmd.Run = func(ctx context.Context, _ *cli.Session, _ cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
			_, err := c.b.QueryPICs(ctx, q)
			return nil, err
		}
		return cmd
	}
	cmd.Run = func(ctx context.Context, _ *cli.Session, a cli.Args, _ *cli.Pipeline, _ io.Writer) (*cli.Elem, error) {
		replies, err := c.b.QueryPICs(ctx, q)
		if err != nil {
			return nil, err
		}
		e := cli.E(strings.TrimPrefix(pc.RPC, "get-"))
		for _, pa := range pc.Args {
			if pa.Flag && a.Has(pa.Name) {
				e.Attrs = []xml.Attr{{Name: xml.Name{Space: "junos", Local: "style"}, Value: pa.Name}}
			}
		}
		for _, r := range replies {
			pe := cli.E("pic", cli.T("interface-name", serviceIf(r.Slot)))
			all, err := c.moreRows(ctx, r, q)
			if err != nil {
				return nil, err
			}
		rows:
			for _, row := range all {
				for _, pa := range pc.Args {
					if v, ok := a[pa.Name]; ok && !pa.Flag && row.Field(pa.Field) != v {
						continue rows
					}
				}
				re := cli.E("entry")
				for _, f := range row {
					re.Add(cli.T(f.Name, f.Value))
				}
				pe.Add(re)
			}
			e.Add(pe)
		}
		return e, nil
	}
	cmd.Text = textRows
	switch {
	case pc.Styled != nil:
		cmd.Text = pluginText(pc.Styled)
	case pc.Text != nil:
		text := pc.Text
		cmd.Text = pluginText(func(w io.Writer, iface, _ string, rows []pic.ShowRow) { text(w, iface, rows) })
	}
	return cmd
}

// pluginText renders a plugin command with the plugin's own renderer,
// PIC by PIC.
func pluginText(text func(io.Writer, string, string, []pic.ShowRow)) func(io.Writer, *cli.Elem) {
	return func(w io.Writer, e *cli.Elem) {
		style := ""
		for _, a := range e.Attrs {
			if a.Name.Local == "style" {
				style = a.Value
			}
		}
		for _, pe := range e.All("pic") {
			var rows []pic.ShowRow
			for _, re := range pe.All("entry") {
				row := make(pic.ShowRow, 0, len(re.Kids))
				for _, f := range re.Kids {
					row = append(row, pic.ShowField{Name: f.Name, Value: f.Text})
				}
				rows = append(rows, row)
			}
			text(w, pe.Val("interface-name"), style, rows)
		}
	}
}

// textRows renders a plugin command's rows: one block per row.
func textRows(w io.Writer, e *cli.Elem) {
	for _, pe := range e.All("pic") {
		fmt.Fprintf(w, "Interface: %s\n", pe.Val("interface-name"))
		for _, re := range pe.All("entry") {
			for _, f := range re.Kids {
				fmt.Fprintf(w, "  %-24s %s\n", strings.ReplaceAll(f.Name, "-", " ")+":", f.Text)
			}
			fmt.Fprintln(w)
		}
	}
}

// moreRows completes a PIC's first page of a plugin's session rows with
// the pages after it.
func (c *commands) moreRows(ctx context.Context, r servicesd.PICReply, q *picd.Query) ([]pic.ShowRow, error) {
	rows := r.Status.Rows
	for next := r.Status.Next; next != nil; {
		pq := *q
		pq.Cursor = next
		st, err := c.b.PICQuery(ctx, r.Slot, &pq)
		if err != nil {
			return nil, err
		}
		rows, next = append(rows, st.Rows...), st.Next
	}
	return rows, nil
}
