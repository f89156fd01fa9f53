package netconf

import (
	"context"
	_ "embed" // the state's YANG module
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/yang"
)

// ietf-netconf-monitoring (RFC 6022): the capability, <get-schema> for
// every YANG module the daemon's schema was compiled from (core and
// plugins: configd's Schema().Modules, so exactly what runs), and the
// /netconf-state tree — capabilities, datastores with their locks,
// schemas, sessions and statistics — which <get> returns with the
// configuration, or alone when its filter selects only state. State is
// built on each request from the live sessions and counters, as a tree
// of its own small schema (state/gnos-netconf-state.yang), so the
// configuration's subtree and xpath filters run on it unchanged; it is
// small (one entry per session), so nothing is cached.

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

// lockInfo is the session holding the configuration lock (a NETCONF or
// CLI session, as lockHolder) and since when (id 0: no management
// session); ok false when nobody holds it.
func (s *Server) lockInfo() (id int, since time.Time, ok bool) {
	for _, si := range s.cfg.Configd.Sessions() {
		if si.Mode == configd.Exclusive {
			if si.Owner != 0 {
				return si.Owner, si.Since, true
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.lockedBy[si.ID], si.Since, true
		}
	}
	return 0, time.Time{}, false
}

//go:embed state/gnos-netconf-state.yang
var stateYANG string

// stateSchema is the shape of /netconf-state (state/gnos-netconf-state.yang),
// compiled once, apart from the configuration's schema.
var stateSchema = sync.OnceValues(func() (*schema.Schema, error) {
	return schema.Compile([]yang.Module{{Name: "gnos-netconf-state", Source: stateYANG}})
})

// state is /netconf-state as a tree of stateSchema, which the
// configuration's subtree and xpath filters evaluate on.
func (s *Server) state() (*tree.Node, error) {
	sch, err := stateSchema()
	if err != nil {
		return nil, fmt.Errorf("netconf: state schema: %w", err)
	}
	var b strings.Builder
	s.writeState(&b)
	t, _, err := format.ParseXML(sch.Root, strings.NewReader(b.String()))
	if err != nil {
		return nil, fmt.Errorf("netconf: state does not parse: %w", err)
	}
	return t, nil
}

// writeStateXML writes the netconf-state of state tree t, if any.
func writeStateXML(b *strings.Builder, t *tree.Node) error {
	n := t.ChildNamed("netconf-state", "")
	if n == nil {
		return nil
	}
	fmt.Fprintf(b, "<netconf-state xmlns=\"%s\">\n", nsMonitoring)
	if err := format.WriteXML(b, n, true); err != nil {
		return err
	}
	b.WriteString("</netconf-state>\n")
	return nil
}
