package netconf

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/yang"
)

// ietf-netconf-monitoring (RFC 6022): the capability, <get-schema> for
// every YANG module the daemon's schema was compiled from (core and
// plugins: configd's Schema().Modules, so exactly what runs), and the
// /netconf-state tree — capabilities, datastores with their locks,
// schemas, sessions and statistics — which <get> returns with the
// configuration, or alone when its subtree filter asks only for it.
// State is built as XML on each request from the live sessions and
// counters; it is small (one element per session) so nothing is cached.
// XPath filters evaluate on the configuration only: an xpath filter that
// names netconf-state is refused rather than answered wrongly.

const nsMonitoring = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"

// stats are the server-wide counters of /netconf-state/statistics.
type stats struct {
	inBadHellos, inSessions, droppedSessions atomic.Uint64
	inRPCs, inBadRPCs, outRPCErrors          atomic.Uint64
}

var (
	yangNamespace = regexp.MustCompile(`(?m)^\s*namespace\s+"?([^";\s]+)"?\s*;`)
	yangRevision  = regexp.MustCompile(`(?m)^\s*revision\s+"?(\d{4}-\d{2}-\d{2})"?`)
)

// schemaInfo describes one module for the schemas list and get-schema.
type schemaInfo struct {
	name, revision, namespace, source string
}

func moduleInfo(m yang.Module) schemaInfo {
	si := schemaInfo{name: m.Name, source: m.Source}
	if v := yangNamespace.FindStringSubmatch(m.Source); v != nil {
		si.namespace = v[1]
	}
	revs := yangRevision.FindAllStringSubmatch(m.Source, -1)
	for _, r := range revs { // the newest revision names the module's version
		if r[1] > si.revision {
			si.revision = r[1]
		}
	}
	return si
}

// schemas are the modules the daemon runs with, by name. The schema is
// fixed for the daemon's life, so they are read once.
func (s *Server) schemas() []schemaInfo {
	s.schemaOnce.Do(func() {
		for _, m := range s.cfg.Configd.Schema().Modules {
			s.schemaList = append(s.schemaList, moduleInfo(m))
		}
		sort.Slice(s.schemaList, func(i, j int) bool { return s.schemaList[i].name < s.schemaList[j].name })
	})
	return s.schemaList
}

// capabilities are the hello's: the protocol's and one per module.
func (s *Server) capabilities() []string {
	return append(slices.Clone(capabilities), s.moduleCapabilities()...)
}

// moduleCapabilities are the hello's capability URIs for the modules
// (RFC 6020 section 5.6.4) and for ietf-netconf-monitoring itself.
func (s *Server) moduleCapabilities() []string {
	out := []string{nsMonitoring + "?module=ietf-netconf-monitoring&amp;revision=2010-10-04"}
	for _, si := range s.schemas() {
		c := si.namespace + "?module=" + si.name
		if si.revision != "" {
			c += "&amp;revision=" + si.revision
		}
		out = append(out, c)
	}
	return out
}

// opGetSchema is RFC 6022's <get-schema>: identifier, optional version
// and format (yang, the only one served).
func opGetSchema(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	id := op.Child("identifier")
	if id == nil || id.Text == "" {
		return at(&RPCError{Type: "protocol", Tag: "missing-element", Message: "get-schema needs <identifier>", BadElement: "identifier"}, op)
	}
	if f := op.Child("format"); f != nil && f.Text != "yang" && !strings.HasSuffix(f.Text, ":yang") {
		return at(&RPCError{Type: "application", Tag: "invalid-value", Message: "schema format " + f.Text + " is not served (only yang)", BadElement: "format"}, f)
	}
	for _, si := range s.srv.schemas() {
		if si.name != id.Text {
			continue
		}
		if v := op.Child("version"); v != nil && v.Text != "" && v.Text != si.revision {
			return at(&RPCError{Type: "application", Tag: "invalid-value",
				Message: fmt.Sprintf("schema %s has version %s, not %s", si.name, si.revision, v.Text), BadElement: "version"}, v)
		}
		fmt.Fprintf(b, "<data xmlns=\"%s\">%s</data>\n", nsMonitoring, xmlEscape(si.source))
		return nil
	}
	return at(&RPCError{Type: "application", Tag: "invalid-value", Message: "no schema " + id.Text, BadElement: "identifier"}, id)
}

// writeState writes /netconf-state.
func (s *Server) writeState(b *strings.Builder) {
	ts := func(t time.Time) string { return t.Format(time.RFC3339) }
	fmt.Fprintf(b, "<netconf-state xmlns=\"%s\">\n<capabilities>\n", nsMonitoring)
	for _, c := range s.capabilities() {
		fmt.Fprintf(b, "<capability>%s</capability>\n", c)
	}
	b.WriteString("</capabilities>\n<datastores>\n<datastore>\n<name>running</name>\n</datastore>\n<datastore>\n<name>candidate</name>\n")
	if id, since, ok := s.lockInfo(); ok {
		fmt.Fprintf(b, "<locks>\n<global-lock>\n<locked-by-session>%d</locked-by-session>\n<locked-time>%s</locked-time>\n</global-lock>\n</locks>\n", id, ts(since))
	}
	b.WriteString("</datastore>\n</datastores>\n<schemas>\n")
	for _, si := range s.schemas() {
		fmt.Fprintf(b, "<schema>\n<identifier>%s</identifier>\n<version>%s</version>\n<format>yang</format>\n<namespace>%s</namespace>\n<location>NETCONF</location>\n</schema>\n",
			xmlEscape(si.name), xmlEscape(si.revision), xmlEscape(si.namespace))
	}
	b.WriteString("</schemas>\n<sessions>\n")
	type row struct {
		ss    *Session
		from  string
		since time.Time
	}
	s.mu.Lock()
	rows := make([]row, 0, len(s.sessions))
	for _, ss := range s.sessions {
		rows = append(rows, row{ss, ss.from, ss.since})
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].ss.id < rows[j].ss.id })
	for _, r := range rows {
		ss := r.ss
		transport := "netconf-ssh"
		if r.from == "" {
			transport = "gnos-local" // the local service behind `gnos netconf`
		}
		fmt.Fprintf(b, "<session>\n<session-id>%d</session-id>\n<transport>%s</transport>\n<username>%s</username>\n", ss.id, transport, xmlEscape(ss.user))
		if r.from != "" {
			fmt.Fprintf(b, "<source-host>%s</source-host>\n", xmlEscape(r.from))
		}
		fmt.Fprintf(b, "<login-time>%s</login-time>\n<in-rpcs>%d</in-rpcs>\n<in-bad-rpcs>%d</in-bad-rpcs>\n<out-rpc-errors>%d</out-rpc-errors>\n<out-notifications>0</out-notifications>\n</session>\n",
			ts(r.since), ss.inRPCs.Load(), ss.inBadRPCs.Load(), ss.outErrors.Load())
	}
	st := &s.stats
	fmt.Fprintf(b, "</sessions>\n<statistics>\n<netconf-start-time>%s</netconf-start-time>\n<in-bad-hellos>%d</in-bad-hellos>\n<in-sessions>%d</in-sessions>\n<dropped-sessions>%d</dropped-sessions>\n<in-rpcs>%d</in-rpcs>\n<in-bad-rpcs>%d</in-bad-rpcs>\n<out-rpc-errors>%d</out-rpc-errors>\n<out-notifications>0</out-notifications>\n</statistics>\n</netconf-state>\n",
		ts(s.started), st.inBadHellos.Load(), st.inSessions.Load(), st.droppedSessions.Load(), st.inRPCs.Load(), st.inBadRPCs.Load(), st.outRPCErrors.Load())
}

// lockInfo is the NETCONF session holding the configuration lock and
// since when (id 0: held outside NETCONF); ok false when nobody holds it.
func (s *Server) lockInfo() (id int, since time.Time, ok bool) {
	for _, si := range s.cfg.Configd.Sessions() {
		if si.Mode == configd.Exclusive {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.lockedBy[si.ID], si.Since, true
		}
	}
	return 0, time.Time{}, false
}

// state is /netconf-state parsed, for subtree filtering.
func (s *Server) state() *Node {
	var b strings.Builder
	s.writeState(&b)
	n, err := Parse([]byte(b.String()))
	if err != nil {
		panic("netconf: state does not parse: " + err.Error()) // built here: a bug
	}
	return n
}

// selectDOM is RFC 6241 section 6's subtree filtering on state d, an
// element filter element f matched by name: the rules of selectNode,
// on elements instead of configuration statements. Data children come
// out in their order; several filter elements for one child give the
// union of what they select.
func selectDOM(d, f *Node) *Node {
	for _, a := range f.Attrs {
		if !isXMLNS(a) {
			return nil // state carries no attributes
		}
	}
	if len(f.Kids) == 0 {
		if f.Text == "" || (len(d.Kids) == 0 && d.Text == f.Text) {
			return d
		}
		return nil
	}
	var content, other []*Node
	for _, c := range f.Kids {
		if len(c.Kids) == 0 && c.Text != "" {
			content = append(content, c)
		} else {
			other = append(other, c)
		}
	}
	picked := map[*Node]*Node{} // data child → what is selected of it
	for _, c := range content {
		matched := false
		for _, k := range d.Kids {
			if k.Name.Local == c.Name.Local && len(k.Kids) == 0 && k.Text == c.Text {
				picked[k], matched = k, true
			}
		}
		if !matched {
			return nil
		}
	}
	if len(other) == 0 {
		return d
	}
	found := len(content) > 0
	for _, c := range other {
		for _, k := range d.Kids {
			if k.Name.Local != c.Name.Local {
				continue
			}
			n := selectDOM(k, c)
			if n == nil {
				continue
			}
			found = true
			switch prev := picked[k]; {
			case prev == nil:
				picked[k] = n
			case prev == k || n == k:
				picked[k] = k
			default:
				picked[k] = &Node{Name: k.Name, Text: k.Text, Kids: append(append([]*Node(nil), prev.Kids...), n.Kids...)}
			}
		}
	}
	if !found {
		return nil
	}
	out := &Node{Name: d.Name, Text: d.Text}
	for _, k := range d.Kids {
		if n := picked[k]; n != nil {
			out.Kids = append(out.Kids, n)
		}
	}
	return out
}

// writeDOM writes element n (root: with its namespace declared).
func writeDOM(b *strings.Builder, n *Node, root bool) {
	b.WriteString("<" + n.Name.Local)
	if root && n.Name.Space != "" {
		fmt.Fprintf(b, ` xmlns="%s"`, attrEscape(n.Name.Space))
	}
	b.WriteString(">")
	if len(n.Kids) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(xmlEscape(n.Text))
	for _, k := range n.Kids {
		writeDOM(b, k, false)
	}
	b.WriteString("</" + n.Name.Local + ">\n")
}

// domUnion merges two selections of /netconf-state (several
// <netconf-state> filter elements).
func domUnion(a, b *Node) *Node {
	if a == nil || b == a {
		return b
	}
	seen := map[*Node]bool{}
	out := &Node{Name: a.Name}
	for _, k := range append(append([]*Node(nil), a.Kids...), b.Kids...) {
		if !seen[k] {
			seen[k] = true
			out.Kids = append(out.Kids, k)
		}
	}
	return out
}
