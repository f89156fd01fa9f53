package netconf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd"
)

// Namespaces and capabilities.
const (
	nsBase    = "urn:ietf:params:xml:ns:netconf:base:1.0"
	nsJunos   = "http://xml.juniper.net/junos/*/junos"
	capBase10 = "urn:ietf:params:netconf:base:1.0"
	capBase11 = "urn:ietf:params:netconf:base:1.1"
	xmlURI    = "http://www.w3.org/XML/1998/namespace"
)

// capabilities advertised in the server's hello.
var capabilities = []string{
	capBase10,
	capBase11,
	"urn:ietf:params:netconf:capability:candidate:1.0",
	"urn:ietf:params:netconf:capability:confirmed-commit:1.0",
	"urn:ietf:params:netconf:capability:confirmed-commit:1.1",
	"urn:ietf:params:netconf:capability:validate:1.0",
	"urn:ietf:params:netconf:capability:validate:1.1",
	"urn:ietf:params:netconf:capability:rollback-on-error:1.0",
	"urn:ietf:params:netconf:capability:xpath:1.0",
	capWithDefaults,
	"urn:ietf:params:xml:ns:netconf:base:1.0",
	"urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
	"urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
	"urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
	"http://xml.juniper.net/netconf/junos/1.0",
	"http://xml.juniper.net/dmi/system/1.0",
}

// Session is one NETCONF session: the hello exchange, then one RPC at a
// time, in order, on the goroutine that runs Serve. Only kill (from
// another session's kill-session or the server's Close) comes from
// elsewhere; it closes the transport, which ends Serve.
type Session struct {
	srv   *Server
	id    int
	user  string
	level Level
	r     *Reader
	w     *Writer
	conn  io.Closer

	// Owned by the Serve goroutine.
	cfg    *configd.Session // open configuration session, nil if none
	locked bool             // cfg is the exclusive lock (<lock>, <lock-configuration>)
	cli    *cli.Session     // for <command>, made on first use
	closed bool             // <close-session> received

	killOnce sync.Once
	done     chan struct{} // closed when release has run

	// For ietf-netconf-monitoring (monitoring.go): from and since are
	// set once, under srv.mu, before serve; the counters are written by
	// the Serve goroutine and read by any.
	from                         string    // client address, "" for the local service
	since                        time.Time // login time
	inRPCs, inBadRPCs, outErrors atomic.Uint64
	killedByRPC                  atomic.Bool // kill-session, which is no dropped session
}

// countBad counts a message that is not a correct <rpc>.
func (s *Session) countBad() {
	s.inBadRPCs.Add(1)
	s.srv.stats.inBadRPCs.Add(1)
}

// ID is the session-id sent in the hello.
func (s *Session) ID() int { return s.id }

// User is the authenticated user.
func (s *Session) User() string { return s.user }

func (s *Session) kill() {
	s.killOnce.Do(func() { s.conn.Close() })
}

// serve runs the session until the peer closes it, <close-session>, a
// framing error or kill. It always releases what the session held.
func (s *Session) serve(ctx context.Context) error {
	defer s.release()
	if err := s.w.Write(s.hello()); err != nil {
		return err
	}
	base11, err := s.readHello()
	if err != nil {
		s.srv.stats.inBadHellos.Add(1)
		return err
	}
	s.srv.stats.inSessions.Add(1)
	defer func() {
		if !s.closed && !s.killedByRPC.Load() {
			s.srv.stats.droppedSessions.Add(1)
		}
	}()
	if base11 {
		s.r.Chunked()
		s.w.Chunked()
	}
	for !s.closed {
		msg, err := s.r.Read()
		if err != nil && !errors.Is(err, ErrBusy) {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if errors.Is(err, ErrTooBig) || errors.Is(err, ErrFraming) {
				// The stream cannot be resynchronised: say why, then close.
				s.writeReply(nil, "", errorList{{Type: "rpc", Tag: "too-big", Message: err.Error()}})
			}
			return err
		}
		if errors.Is(err, ErrBusy) {
			rpc, _, _ := peekOperation(msg)
			err = s.writeReply(rpc, "", errorList{{Type: "application", Tag: "resource-denied", Message: err.Error() + "; retry later"}})
			s.r.Release()
			if err != nil {
				return err
			}
			continue
		}
		err = s.handle(ctx, msg)
		s.r.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// readHello reads the client's hello and reports whether it offers
// base:1.1 (chunked framing).
func (s *Session) readHello() (base11 bool, err error) {
	msg, err := s.r.Read()
	if err != nil {
		return false, fmt.Errorf("netconf: reading hello: %w", err)
	}
	defer s.r.Release()
	hello, err := Parse(msg)
	if err != nil || hello.Name.Local != "hello" {
		return false, fmt.Errorf("netconf: expected <hello> from the client")
	}
	if hello.Has("session-id") {
		return false, fmt.Errorf("netconf: client hello must not carry a session-id")
	}
	base10 := false
	caps := hello.Child("capabilities")
	if caps == nil {
		return false, fmt.Errorf("netconf: client hello without <capabilities>")
	}
	for _, c := range caps.Kids {
		switch c.Text {
		case capBase10:
			base10 = true
		case capBase11:
			base11 = true
		}
	}
	if !base10 && !base11 {
		// RFC 6241 section 8.1: no base protocol in common, no session.
		return false, fmt.Errorf("netconf: client hello offers neither %s nor %s: closing the session", capBase10, capBase11)
	}
	return base11, nil
}

// hello is the server's hello message.
func (s *Session) hello() []byte {
	var b strings.Builder
	b.WriteString(`<hello xmlns="` + nsBase + `">` + "\n<capabilities>\n")
	for _, c := range s.srv.capabilities() {
		fmt.Fprintf(&b, "<capability>%s</capability>\n", c)
	}
	fmt.Fprintf(&b, "</capabilities>\n<session-id>%d</session-id>\n</hello>\n", s.id)
	return []byte(b.String())
}

// handle answers one message. Only transport failures are returned; every
// other problem becomes an rpc-error and the session carries on.
func (s *Session) handle(ctx context.Context, msg []byte) error {
	// Refuse what the user may not do before parsing the whole message: a
	// read-only user's 50 MB edit costs no tree.
	if rpc, op, ok := peekOperation(msg); ok {
		if need, known := s.need(op); known && s.level < need {
			return s.writeReply(rpc, "", toRPCErrors(errPermission(op)))
		}
	}
	root, err := Parse(msg)
	if err != nil {
		s.countBad()
		return s.writeReply(nil, "", errorList{{Type: "rpc", Tag: "malformed-message", Message: err.Error()}})
	}
	if root.Name.Local != "rpc" {
		s.countBad()
		return s.writeReply(root, "", errorList{{Type: "rpc", Tag: "unknown-element",
			Message: fmt.Sprintf("syntax error, expecting <rpc>, got <%s>", root.Name.Local), BadElement: root.Name.Local}})
	}
	var op *Node
	for _, k := range root.Kids {
		if op != nil {
			return s.writeReply(root, "", errorList{{Type: "rpc", Tag: "operation-not-supported",
				Message: "more than one operation in <rpc>", BadElement: k.Name.Local}})
		}
		op = k
	}
	if op == nil {
		s.countBad()
		return s.writeReply(root, "", errorList{{Type: "rpc", Tag: "missing-element", Message: "<rpc> without an operation", BadElement: "rpc"}})
	}
	s.inRPCs.Add(1)
	s.srv.stats.inRPCs.Add(1)
	var body strings.Builder
	err = s.dispatch(ctx, op, &body)
	if err != nil {
		errs := toRPCErrors(err)
		for _, e := range errs {
			if e.Tag == "lock-denied" && e.SessionID == 0 {
				e.SessionID = s.srv.lockHolder()
			}
			if e.Path == "" && e.BadElement != "" {
				at(e, findElement(op, e.BadElement)) // a parameter of the operation, or the operation
			}
		}
		return s.writeReply(root, body.String(), errs)
	}
	return s.writeReply(root, body.String(), nil)
}

// writeReply sends <rpc-reply> with rpc's attributes (message-id …), the
// body (or <ok/> when empty and there are no errors) and the errors.
func (s *Session) writeReply(rpc *Node, body string, errs errorList) error {
	if len(errs) > 0 {
		s.outErrors.Add(1)
		s.srv.stats.outRPCErrors.Add(1)
	}
	var b strings.Builder
	b.Grow(len(body) + 256)
	b.WriteString(`<rpc-reply xmlns="` + nsBase + `" xmlns:junos="` + nsJunos + `"`)
	if rpc != nil {
		echoAttrs(&b, rpc)
	}
	b.WriteString(">\n")
	errs.write(&b)
	b.WriteString(body)
	if body == "" && len(errs) == 0 {
		b.WriteString("<ok/>\n")
	}
	b.WriteString("</rpc-reply>\n")
	return s.w.Write([]byte(b.String()))
}

// echoAttrs writes every attribute of <rpc> (message-id and any other,
// RFC 6241 section 4.2), those in a namespace with their prefix declared
// again on <rpc-reply>. rpc comes from Parse (an attribute's Space is its
// namespace) or from peekOperation (Space is the prefix as written).
func echoAttrs(b *strings.Builder, rpc *Node) {
	declared := map[string]bool{"junos": true}
	for _, a := range rpc.Attrs {
		if isXMLNS(a) {
			continue
		}
		if a.Name.Space == "" {
			fmt.Fprintf(b, ` %s="%s"`, a.Name.Local, attrEscape(a.Value))
			continue
		}
		if a.Name.Space == "xml" || a.Name.Space == xmlURI {
			fmt.Fprintf(b, ` xml:%s="%s"`, a.Name.Local, attrEscape(a.Value))
			continue
		}
		prefix, uri := a.Name.Space, ""
		for _, d := range rpc.Attrs {
			if d.Name.Space == "xmlns" && d.Name.Local == prefix {
				uri = d.Value // as written (peekOperation)
			}
		}
		if uri == "" { // Parse resolved the prefix to its namespace
			uri, prefix = a.Name.Space, declaredPrefix(rpc, a.Name.Space)
		}
		if prefix == "" || uri == "" {
			continue // cannot happen in a well-formed message
		}
		if prefix == "junos" && uri != nsJunos {
			prefix = "junos1" // the reply's junos prefix names Junos' namespace
		}
		if !declared[prefix] {
			fmt.Fprintf(b, ` xmlns:%s="%s"`, prefix, attrEscape(uri))
			declared[prefix] = true
		}
		fmt.Fprintf(b, ` %s:%s="%s"`, prefix, a.Name.Local, attrEscape(a.Value))
	}
}

// release closes the configuration session (which drops a lock and, for
// a private or exclusive session, its uncommitted changes) and the CLI
// session, and unregisters the session.
func (s *Session) release() {
	s.closeConfig()
	if s.cli != nil {
		s.cli.Close()
		s.cli = nil
	}
	s.srv.unregister(s)
	close(s.done)
}

func (s *Session) closeConfig() {
	if s.cfg != nil {
		if s.locked {
			s.srv.setLockHolder(s.cfg.ID(), 0)
		}
		s.cfg.Close()
		s.cfg, s.locked = nil, false
	}
}

// config returns the session's configuration session, opening a shared
// one on first use (NETCONF edits go to the shared candidate unless the
// session locked it or opened a private one).
func (s *Session) config() (*configd.Session, error) {
	if s.cfg != nil {
		return s.cfg, nil
	}
	c, err := s.srv.cfg.Configd.Open(s.user, "netconf", configd.Shared)
	if err != nil {
		return nil, err
	}
	c.SetOwner(s.id)
	s.cfg = c
	return c, nil
}

// readConfig runs fn on a configuration session without keeping one open
// when the session has none (a read must not leave the user listed in
// configuration mode).
func (s *Session) readConfig(fn func(c *configd.Session) error) error {
	if s.cfg != nil {
		return fn(s.cfg)
	}
	c, err := s.srv.cfg.Configd.Open(s.user, "netconf", configd.Shared)
	if err != nil {
		return err
	}
	c.SetOwner(s.id)
	defer c.Close()
	return fn(c)
}

// cliSession returns the session's CLI session for <command>.
func (s *Session) cliSession() *cli.Session {
	if s.cli == nil {
		s.cli = s.srv.cfg.CLI.NewSession(s.user, "netconf")
		if s.level < LevelConfigure {
			s.cli.HideSecrets()
			s.cli.RestrictFiles()
		}
	}
	return s.cli
}
