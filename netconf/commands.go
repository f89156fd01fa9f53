package netconf

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/gnos/gnos/cli"
)

// tableRPC runs an operational command of the CLI's table as its RPC:
// each child element is an argument (<service-set>S1</service-set> for a
// keyword with a value or a positional one, <terse/> for a flag); an
// unknown one is a syntax error, as on Junos. format="text" returns the
// CLI rendering in <output>, format="json" Junos JSON, otherwise the XML
// reply.
func (s *Session) tableRPC(ctx context.Context, cmd *cli.Command, op *Node, b *strings.Builder) error {
	a := cli.Args{}
	for _, k := range op.Kids {
		var arg *cli.Arg
		for i := range cmd.Args {
			if cmd.Args[i].Name == k.Name.Local {
				arg = &cmd.Args[i]
			}
		}
		if arg == nil {
			return &RPCError{Type: "protocol", Tag: "unknown-element",
				Message: fmt.Sprintf("syntax error: <%s> is not an argument of <%s>", k.Name.Local, op.Name.Local), BadElement: k.Name.Local}
		}
		if arg.Value || arg.Positional {
			a[arg.Name] = k.Text
		} else {
			a[arg.Name] = ""
		}
	}
	var out bytes.Buffer
	e, err := cmd.Run(ctx, s.cliSession(), a, &cli.Pipeline{}, &out)
	if err != nil {
		return err
	}
	f, _ := op.Attr("format")
	switch {
	case e == nil && out.Len() == 0:
		// nothing to say (file delete, copy, rename): Junos' empty reply,
		// which PyEZ reads as success (True); a blank body is not
		// replaced by <ok/> (writeReply)
		b.WriteString("\n")
	case e == nil:
		writeOutput(b, out.String())
	case f == "text" || f == "ascii":
		var t bytes.Buffer
		if cmd.Text != nil {
			cmd.Text(&t, e)
		} else if e.Text != "" {
			t.WriteString(e.Text + "\n")
		}
		writeOutput(b, t.String())
	case f == "json":
		var j bytes.Buffer
		if err := e.WriteJSON(&j); err != nil {
			return err
		}
		b.WriteString(xmlEscape(j.String()))
	default:
		e.WriteXML(b, "")
	}
	return nil
}

// writeOutput writes text the way Junos returns CLI text: <output>.
func writeOutput(b *strings.Builder, text string) {
	b.WriteString("<output>\n")
	b.WriteString(xmlEscape(text))
	b.WriteString("</output>\n")
}

// writeConfigurationOutput writes the text of `show configuration` the
// way Junos returns it to <command format="text">: in
// <configuration-information><configuration-output>, where Ansible's
// junos_command looks for it (other commands' text is in <output>).
func writeConfigurationOutput(b *strings.Builder, text string) {
	b.WriteString("<configuration-information>\n<configuration-output>\n")
	b.WriteString(xmlEscape(text))
	b.WriteString("</configuration-output>\n</configuration-information>\n")
}

// showsConfiguration reports whether line runs `show configuration`,
// spelled out or abbreviated as the CLI takes it (`sh conf | display
// set`): its first two words each a prefix of one command's words only.
func (s *Session) showsConfiguration(line string) bool {
	cmd, _, _ := strings.Cut(line, "|")
	f := strings.Fields(cmd)
	if len(f) < 2 {
		return false
	}
	match := map[string]bool{}
	for _, c := range s.srv.cfg.CLI.Ops.Commands() {
		if len(c.Words) >= 2 && strings.HasPrefix(c.Words[0], f[0]) && strings.HasPrefix(c.Words[1], f[1]) {
			match[c.Words[0]+" "+c.Words[1]] = true
		}
	}
	return len(match) == 1 && match["show configuration"]
}

// opCommand is Junos' <command format="xml|text|json">LINE</command>:
// any operational command line, pipes included, run by the CLI engine.
// The login class check is the CLI's: show commands need view,
// configuration mode cannot be entered this way.
func opCommand(ctx context.Context, s *Session, op *Node, b *strings.Builder) error {
	line := strings.TrimSpace(op.Text)
	need := CommandLevel(line)
	if s.level < need {
		return errPermission(line)
	}
	if need == LevelConfigure {
		return &RPCError{Type: "protocol", Tag: "operation-not-supported",
			Message: "syntax error: configuration mode is not available through <command>", BadElement: line}
	}
	f, _ := op.Attr("format")
	c := s.cliSession()
	switch f {
	case "text", "ascii":
		r := c.Exec(ctx, line)
		if r.Failed {
			return commandError(line, r)
		}
		if s.showsConfiguration(line) {
			writeConfigurationOutput(b, r.Output)
		} else {
			writeOutput(b, r.Output)
		}
	case "set":
		// Junos' format="set" is `show configuration`'s set form, in
		// <configuration-set> (Ansible's junos_command sends it for
		// `show configuration … | display set`)
		if !s.showsConfiguration(line) {
			return &RPCError{Type: "protocol", Tag: "invalid-value",
				Message: "format set is only for show configuration", BadElement: "format"}
		}
		r := c.Exec(ctx, line+" | display set")
		if r.Failed {
			return commandError(line, r)
		}
		b.WriteString("<configuration-set>\n")
		b.WriteString(xmlEscape(r.Output))
		b.WriteString("</configuration-set>\n")
	case "json":
		r := c.Exec(ctx, line+" | display json")
		if r.Failed {
			return commandError(line, r)
		}
		b.WriteString(xmlEscape(r.Output))
	default:
		r := c.Exec(ctx, line+" | display xml")
		if r.Failed {
			return commandError(line, r)
		}
		root, err := Parse([]byte(r.Output))
		if err != nil || root.Name.Local != "rpc-reply" {
			writeOutput(b, r.Output)
			return nil
		}
		for _, k := range root.Kids {
			if !isBanner(k) {
				b.Write(k.Raw)
				b.WriteString("\n")
			}
		}
	}
	return nil
}

// isBanner reports whether k is the <cli><banner/></cli> trailer of a
// CLI reply (a <cli> with other content, show cli directory's, is data).
func isBanner(k *Node) bool {
	return k.Name.Local == "cli" && len(k.Kids) == 1 && k.Kids[0].Name.Local == "banner"
}

// commandError is a failed <command>: Junos names the word the CLI
// stopped at as the bad element (PyEZ's switch_style fact reads
// bad_element "bridge" of `show bridge mac-table count`), the whole line
// when there is no such word.
func commandError(line string, r cli.Result) error {
	msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.Output), "error:"))
	if msg == "" {
		msg = "syntax error"
	}
	bad := line
	if r.Caret >= 0 && r.Caret < len(line) {
		if f := strings.Fields(line[r.Caret:]); len(f) > 0 {
			bad = f[0]
		}
	}
	return &RPCError{Type: "protocol", Tag: "operation-failed", Message: msg, BadElement: bad}
}
