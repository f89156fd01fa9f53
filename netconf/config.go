package netconf

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/groups"
	"github.com/gnos/gnos/configd/tree"
)

// datastore names the configuration a <source>/<target> or a Junos
// database="…" attribute selects: "running" (committed) or "candidate".
func datastore(n *Node) (string, error) {
	if n == nil {
		return "", &RPCError{Type: "protocol", Tag: "missing-element", Message: "missing datastore", BadElement: "source"}
	}
	for _, k := range n.Kids {
		switch k.Name.Local {
		case "running", "candidate":
			return k.Name.Local, nil
		case "startup", "url":
			return "", &RPCError{Type: "protocol", Tag: "operation-not-supported",
				Message: "datastore <" + k.Name.Local + "> is not supported", BadElement: k.Name.Local}
		}
	}
	return "", &RPCError{Type: "protocol", Tag: "missing-element", Message: "missing datastore", BadElement: n.Name.Local}
}

// tree returns the committed configuration or this session's candidate.
func (s *Session) tree(store string) (*tree.Node, error) {
	if store == "running" || store == "committed" {
		return s.visible(s.srv.cfg.Configd.Committed()), nil
	}
	var t *tree.Node
	err := s.readConfig(func(c *configd.Session) error { t = c.Candidate(); return nil })
	if err != nil {
		// Another session holds the exclusive lock: its edits are not
		// visible here; show the committed configuration.
		return s.visible(s.srv.cfg.Configd.Committed()), nil
	}
	return s.visible(t), nil
}

// revision is rollback n as this session may see it.
func (s *Session) revision(n int) (*tree.Node, error) {
	t, _, err := s.srv.cfg.Configd.Revision(n)
	if err != nil {
		return nil, err
	}
	return s.visible(t), nil
}

// visible is configuration t as this session's login class may see it:
// classes that may not configure see secrets as /* SECRET-DATA */.
func (s *Session) visible(t *tree.Node) *tree.Node {
	if s.level < LevelConfigure {
		return tree.MaskSecrets(t)
	}
	return t
}

// writeConfigXML writes t as a Junos <configuration> element.
func writeConfigXML(b *strings.Builder, t *tree.Node) error { return writeConfigXMLHeader(b, t, nil) }

// writeConfigXMLHeader is writeConfigXML with the header's attributes on
// <configuration> (none when h is nil).
func writeConfigXMLHeader(b *strings.Builder, t *tree.Node, h *format.Header) error {
	b.WriteString("<configuration")
	if h != nil {
		b.WriteString(h.XMLAttrs())
	}
	b.WriteString(">\n")
	if err := format.WriteXML(b, t, true); err != nil {
		return err
	}
	b.WriteString("</configuration>\n")
	return nil
}

// writeConfig writes t in a Junos reply format: xml (default), text, set,
// json or json-minified (Junos JSON, bare in the reply as Junos sends it).
func writeConfig(b *strings.Builder, t *tree.Node, f string, h *format.Header) error {
	var buf bytes.Buffer
	var wrap string
	switch f {
	case "", "xml":
		return writeConfigXMLHeader(b, t, h)
	case "text":
		wrap = "configuration-text"
		if h != nil {
			buf.WriteString(h.Text(t))
		}
		if err := format.WriteText(&buf, t); err != nil {
			return err
		}
	case "set":
		wrap = "configuration-set"
		if err := format.WriteSet(&buf, t, nil); err != nil {
			return err
		}
	case "json", "json-minified":
		if err := format.WriteJunosJSON(&buf, t, h, f == "json-minified"); err != nil {
			return err
		}
		b.WriteString(xmlEscape(buf.String()))
		return nil
	default:
		return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "unknown format " + f, BadElement: "format"}
	}
	fmt.Fprintf(b, "<%s>\n%s</%s>\n", wrap, xmlEscape(buf.String()), wrap)
	return nil
}

// opGet is <get>: the committed configuration and the state of
// ietf-netconf-monitoring (monitoring.go), both through the filter. The
// configuration comes back unless the filter selects state only.
func opGet(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	filter := op.Child("filter")
	cfg, err := withDefaults(s.visible(s.srv.cfg.Configd.Committed()), op)
	if err != nil {
		return err
	}
	st, err := s.srv.state()
	if err != nil {
		return err
	}
	if filter != nil {
		if cfg, err = filtered(cfg, filter); err != nil {
			return err
		}
		if st, err = filtered(st, filter); err != nil {
			return err
		}
	}
	b.WriteString("<data>\n")
	if cfg.NumKids() > 0 || st.NumKids() == 0 {
		if err := writeConfigXML(b, cfg); err != nil {
			return err
		}
	}
	if err := writeStateXML(b, st); err != nil {
		return err
	}
	b.WriteString("</data>\n")
	return nil
}

func opGetConfig(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	store, err := datastore(op.Child("source"))
	if err != nil {
		return err
	}
	t, err := s.tree(store)
	if err != nil {
		return err
	}
	if t, err = withDefaults(t, op); err != nil {
		return err
	}
	if t, err = filtered(t, op.Child("filter")); err != nil {
		return err
	}
	b.WriteString("<data>\n")
	if err := writeConfigXML(b, t); err != nil {
		return err
	}
	b.WriteString("</data>\n")
	return nil
}

// opGetConfiguration is Junos' <get-configuration database=… format=…
// compare="rollback" rollback=N> with an optional <configuration> filter.
func opGetConfiguration(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	db, _ := op.Attr("database")
	store := "candidate"
	if db == "committed" {
		store = "running"
	}
	t, err := s.tree(store)
	if err != nil {
		return err
	}
	if inh, ok := op.Attr("inherit"); inh == "inherit" || inh == "defaults" {
		// the configuration with groups applied, no groups or apply-groups
		// left: what PyEZ asks with options={'inherit': 'inherit'}
		t = groups.Expand(t)
	} else if ok && inh != "" {
		return &RPCError{Type: "protocol", Tag: "bad-attribute", Message: "invalid inherit value " + inh, BadElement: "get-configuration"}
	}
	f, _ := op.Attr("format")
	if cmp, _ := op.Attr("compare"); cmp == "rollback" {
		n := 0
		if r, ok := op.Attr("rollback"); ok {
			if n, err = rollbackNumber(r); err != nil {
				return err
			}
		}
		old, err := s.revision(n)
		if err != nil {
			return err
		}
		sel := op.Child("configuration")
		if old, err = filtered(old, sel); err != nil {
			return err
		}
		if t, err = filtered(t, sel); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := format.WriteCompare(&buf, old, t); err != nil {
			return err
		}
		out := buf.String()
		if store == "candidate" {
			out = s.conflictWarning() + out
		}
		if out == "" {
			out = "\n"
		}
		fmt.Fprintf(b, "<configuration-information>\n<configuration-output>%s</configuration-output>\n</configuration-information>\n", xmlEscape(out))
		return nil
	}
	var h *format.Header
	if sel := op.Child("configuration"); sel == nil || len(sel.Kids) == 0 { // the whole configuration
		h = s.header(store)
	}
	if t, err = filtered(t, op.Child("configuration")); err != nil {
		return err
	}
	return writeConfig(b, t, f, h)
}

// header is the Junos header of a whole configuration of store.
func (s *Session) header(store string) *format.Header {
	h := &format.Header{Committed: store == "running", Version: cli.JunosVersion}
	if h.Committed {
		if hist, err := s.srv.cfg.Configd.History(); err == nil && len(hist) > 0 {
			h.Time, h.User = hist[0].Time, hist[0].User
		}
	} else if c, err := s.config(); err == nil {
		h.Time = c.LastChanged()
	}
	return h
}

func rollbackNumber(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > configd.MaxRollback {
		return 0, &RPCError{Type: "protocol", Tag: "invalid-value", Message: "invalid rollback number " + v, BadElement: "rollback"}
	}
	return n, nil
}

// opGetRollback is <get-rollback-information><rollback>N</rollback>
// [<compare>M</compare>] [<format>text|xml</format>].
func opGetRollback(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	n, err := rollbackNumber(op.Value("rollback"))
	if err != nil {
		return err
	}
	t, err := s.revision(n)
	if err != nil {
		return err
	}
	b.WriteString("<rollback-information>\n<ok/>\n")
	if cmp := op.Value("compare"); cmp != "" {
		m, err := rollbackNumber(cmp)
		if err != nil {
			return err
		}
		other, err := s.revision(m)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := format.WriteCompare(&buf, other, t); err != nil {
			return err
		}
		fmt.Fprintf(b, "<configuration-information>\n<configuration-output>%s</configuration-output>\n</configuration-information>\n", xmlEscape(buf.String()))
	} else if f := op.Value("format"); f == "text" {
		var buf bytes.Buffer
		if err := format.WriteText(&buf, t); err != nil {
			return err
		}
		fmt.Fprintf(b, "<configuration-information>\n<configuration-output>%s</configuration-output>\n</configuration-information>\n", xmlEscape(buf.String()))
	} else if err := writeConfigXML(b, t); err != nil {
		return err
	}
	b.WriteString("</rollback-information>\n")
	return nil
}

// opGetRescue is <get-rescue-information> [<format>text|xml</format>]:
// the rescue configuration in rescue-information, as Junos answers it.
func opGetRescue(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	t, _, err := s.srv.cfg.Configd.Rescue()
	if err != nil {
		return err
	}
	t = s.visible(t)
	b.WriteString("<rescue-information>\n<ok/>\n")
	if op.Value("format") == "text" {
		var buf bytes.Buffer
		if err := format.WriteText(&buf, t); err != nil {
			return err
		}
		fmt.Fprintf(b, "<configuration-information>\n<configuration-output>%s</configuration-output>\n</configuration-information>\n", xmlEscape(buf.String()))
	} else if err := writeConfigXML(b, t); err != nil {
		return err
	}
	b.WriteString("</rescue-information>\n")
	return nil
}

// conflictWarning is the warning `show | compare` prints when the shared
// candidate holds statements another commit changed since they were
// edited ("" otherwise, and for a private candidate).
func (s *Session) conflictWarning() string {
	var w string
	_ = s.readConfig(func(c *configd.Session) error { w = configd.ConflictWarning(c.Conflicts()); return nil })
	return w
}
