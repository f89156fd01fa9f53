package netconf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

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
			return commandError(line, r.Output)
		}
		writeOutput(b, r.Output)
	case "json":
		r := c.Exec(ctx, line+" | display json")
		if r.Failed {
			return commandError(line, r.Output)
		}
		b.WriteString(xmlEscape(r.Output))
	default:
		r := c.Exec(ctx, line+" | display xml")
		if r.Failed {
			return commandError(line, r.Output)
		}
		root, err := Parse([]byte(r.Output))
		if err != nil || root.Name.Local != "rpc-reply" {
			writeOutput(b, r.Output)
			return nil
		}
		for _, k := range root.Kids {
			if k.Name.Local != "cli" {
				b.Write(k.Raw)
				b.WriteString("\n")
			}
		}
	}
	return nil
}

func commandError(line, out string) error {
	msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(out), "error:"))
	if msg == "" {
		msg = "syntax error"
	}
	return &RPCError{Type: "protocol", Tag: "operation-failed", Message: msg, BadElement: line}
}

// builtinRPCs answer informational RPCs that PyEZ's facts ask for and
// that the CLI table does not (yet) provide; a table entry with the same
// RPC name takes precedence.
var builtinRPCs = map[string]func(s *Session, op *Node, b *strings.Builder) error{
	"get-route-engine-information": func(s *Session, _ *Node, b *strings.Builder) error {
		up := s.srv.clock.Now().Sub(s.srv.started).Truncate(time.Second)
		fmt.Fprintf(b, "<route-engine-information>\n<route-engine>\n<slot>0</slot>\n<mastership-state>master</mastership-state>\n"+
			"<mastership-priority>master (default)</mastership-priority>\n<status>OK</status>\n<model>GNOS-RE</model>\n"+
			"<start-time>%s</start-time>\n<up-time>%s</up-time>\n<last-reboot-reason>Router rebooted after a normal shutdown.</last-reboot-reason>\n"+
			"</route-engine>\n</route-engine-information>\n",
			s.srv.started.UTC().Format("2006-01-02 15:04:05 MST"), up)
		return nil
	},
	"get-chassis-inventory": func(s *Session, _ *Node, b *strings.Builder) error {
		fmt.Fprintf(b, "<chassis-inventory>\n<chassis junos:style=\"inventory\">\n<name>Chassis</name>\n"+
			"<serial-number>%s</serial-number>\n<description>GNOS</description>\n"+
			"<chassis-module>\n<name>Routing Engine 0</name>\n<description>gnos routing engine</description>\n</chassis-module>\n"+
			"</chassis>\n</chassis-inventory>\n", xmlEscape(s.srv.serial))
		return nil
	},
}
