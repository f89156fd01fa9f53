package netconf

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/tree"
)

// opLoadConfiguration is Junos' <load-configuration action=… format=…>
// with <configuration>, <configuration-text>, <configuration-set> or
// <configuration-json>, or rollback="N" to load a rollback, or
// rescue="rescue" the rescue configuration (PyEZ Config.rescue("reload")).
func opLoadConfiguration(_ context.Context, s *Session, op *Node, b *strings.Builder) error {
	c, err := s.config()
	if err != nil {
		return err
	}
	if _, ok := op.Attr("rescue"); ok {
		if err := c.RollbackRescue(); err != nil {
			return err
		}
		b.WriteString("<load-configuration-results>\n<ok/>\n</load-configuration-results>\n")
		return nil
	}
	if cfg := op.Child("configuration"); cfg != nil {
		if pat, ok := cfg.Attr("replace-pattern"); ok {
			return loadReplacePattern(c, cfg, pat, b)
		}
	}
	if r, ok := op.Attr("rollback"); ok {
		n, err := rollbackNumber(r)
		if err != nil {
			return err
		}
		if err := c.Rollback(n); err != nil {
			return err
		}
		b.WriteString("<load-configuration-results>\n<ok/>\n</load-configuration-results>\n")
		return nil
	}
	action, _ := op.Attr("action")
	if action == "" {
		action = "merge"
	}
	var (
		f    configd.Format
		text string
	)
	switch {
	case op.Has("configuration-set"):
		f, text, action = configd.FormatSet, op.Child("configuration-set").Text, "set"
	case op.Has("configuration-text"):
		f, text = configd.FormatText, op.Child("configuration-text").Text
	case op.Has("configuration-json"):
		f, text = configd.FormatJSON, op.Child("configuration-json").Text
	case op.Has("configuration"):
		f, text = configd.FormatXML, string(op.Child("configuration").Raw)
	default:
		return &RPCError{Type: "protocol", Tag: "missing-element", Message: "missing configuration to load", BadElement: "configuration"}
	}
	var la configd.LoadAction
	switch action {
	case "merge":
		la = configd.LoadMerge // honours replace="replace" / delete="delete" / operation=…
	case "replace":
		la = configd.LoadReplace
	case "override":
		la = configd.LoadOverride
	case "update":
		la = configd.LoadUpdate
	case "set":
		la = configd.LoadSet
	default:
		return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "unknown action " + action, BadElement: "action"}
	}
	if err := c.Load(la, f, text); err != nil {
		return err
	}
	b.WriteString("<load-configuration-results>\n<ok/>\n</load-configuration-results>\n")
	return nil
}

// opEditConfig is RFC 6241 <edit-config> on the candidate (editconfig.go
// applies <config>), with Junos' <config-text><configuration-text> too.
// test-option: test-then-set (default) checks the edit itself — schema,
// types, keys, create and delete against the candidate — before setting
// anything, while the candidate's constraints (mandatory, must, leafref)
// wait for validate or commit as RFC 7950 section 8.3.3 allows for a
// candidate; set does the same; test-only applies nothing and also
// checks the result as <validate> would.
func opEditConfig(ctx context.Context, s *Session, op *Node, _ *strings.Builder) error {
	store, err := datastore(op.Child("target"))
	if err != nil {
		return err
	}
	if store != "candidate" {
		return at(&RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "edit the candidate, then commit", BadElement: store}, op.Child("target").Child(store))
	}
	def := opMerge
	if d := op.Child("default-operation"); d != nil {
		switch d.Text {
		case "merge":
		case "replace":
			def = opReplace
		case "none":
			def = opNone
		default:
			return at(&RPCError{Type: "protocol", Tag: "invalid-value", Message: "bad default-operation " + d.Text + ": expected merge, replace or none", BadElement: "default-operation"}, d)
		}
	}
	testOnly := false
	if t := op.Child("test-option"); t != nil {
		switch t.Text {
		case "test-then-set", "set":
		case "test-only":
			testOnly = true
		default:
			return at(&RPCError{Type: "protocol", Tag: "invalid-value", Message: "bad test-option " + t.Text + ": expected test-then-set, set or test-only", BadElement: "test-option"}, t)
		}
	}
	cont := false
	if e := op.Child("error-option"); e != nil {
		switch e.Text {
		case "stop-on-error", "rollback-on-error":
		case "continue-on-error":
			cont = true
		default:
			return at(&RPCError{Type: "protocol", Tag: "invalid-value", Message: "bad error-option " + e.Text + ": expected stop-on-error, continue-on-error or rollback-on-error", BadElement: "error-option"}, e)
		}
	}
	if u := op.Child("url"); u != nil {
		return at(&RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "edit-config from a <url> is not supported (:url is not advertised)", BadElement: "url"}, u)
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	if ct := op.Child("config-text"); ct != nil {
		// Junos text: its replace:/delete: tags are its operations.
		switch {
		case def == opNone:
			return at(&RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "default-operation none needs <config> (text carries no operation attributes)", BadElement: "default-operation"}, op.Child("default-operation"))
		case testOnly:
			return at(&RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "test-option test-only needs <config>; use <validate> after loading text", BadElement: "test-option"}, op.Child("test-option"))
		case def == opReplace:
			return c.Load(configd.LoadOverride, configd.FormatText, ct.Value("configuration-text"))
		}
		return c.Load(configd.LoadMerge, configd.FormatText, ct.Value("configuration-text"))
	}
	cfg := op.Child("config")
	if cfg == nil {
		return at(&RPCError{Type: "protocol", Tag: "missing-element", Message: "edit-config needs <config>", BadElement: "config"}, op)
	}
	root := s.srv.cfg.Configd.Schema().Root
	r := &editRun{cont: cont, modules: map[string]bool{}}
	for _, si := range s.srv.schemas() {
		r.modules[si.namespace] = true
	}
	fn := func(e *tree.Editor) error {
		r.e = e
		if err := r.applyConfig(cfg, def, root); err != nil {
			return err
		}
		if testOnly && len(r.errs) > 0 {
			return r.errs
		}
		return nil
	}
	if testOnly {
		return c.TestEdit(ctx, fn)
	}
	if err := c.Edit(fn); err != nil {
		return err
	}
	if len(r.errs) > 0 {
		return r.errs
	}
	return nil
}

// opCopyConfig copies running or inline <config> to the candidate.
func opCopyConfig(_ context.Context, s *Session, op *Node, _ *strings.Builder) error {
	target, err := datastore(op.Child("target"))
	if err != nil {
		return err
	}
	if target != "candidate" {
		return &RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "copy-config targets the candidate only", BadElement: target}
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	src := op.Child("source")
	if cfg := src.Child("config"); cfg != nil {
		if op.Has("with-defaults") {
			return at(&RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "with-defaults applies to a datastore source, not inline <config>", BadElement: "with-defaults"}, op.Child("with-defaults"))
		}
		return c.Load(configd.LoadOverride, configd.FormatXML, string(cfg.Raw))
	}
	store, err := datastore(src)
	if err != nil {
		return err
	}
	if store != "running" {
		return nil // the candidate onto itself
	}
	if !op.Has("with-defaults") {
		return c.Rollback(0)
	}
	t, err := withDefaults(s.srv.cfg.Configd.Committed(), op) // RFC 6243: the source as that mode reports it
	if err != nil {
		return err
	}
	return c.Edit(func(e *tree.Editor) error { return e.Put(nil, t) })
}

func opDeleteConfig(context.Context, *Session, *Node, *strings.Builder) error {
	return &RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "delete-config: only <startup> may be deleted and gnos has none", BadElement: "delete-config"}
}

// opLock takes the exclusive configuration lock (configure exclusive),
// for <lock> and <lock-configuration>.
func opLock(_ context.Context, s *Session, op *Node, _ *strings.Builder) error {
	if t := op.Child("target"); t != nil {
		if _, err := datastore(t); err != nil {
			return err
		}
	}
	if s.locked {
		return &RPCError{Type: "protocol", Tag: "lock-denied", Message: "configuration database already locked by this session", SessionID: s.id}
	}
	if s.cfg != nil && s.cfg.Mode() == configd.Private {
		return &RPCError{Type: "protocol", Tag: "lock-denied", Message: "close the private configuration first"}
	}
	s.closeConfig()
	c, err := s.srv.cfg.Configd.Open(s.user, "netconf", configd.Exclusive)
	if err != nil {
		return &RPCError{Type: "protocol", Tag: "lock-denied", Message: err.Error()}
	}
	c.SetOwner(s.id)
	s.cfg, s.locked = c, true
	s.srv.setLockHolder(c.ID(), s.id)
	return nil
}

// opUnlock releases the lock; uncommitted changes made under it are
// discarded, as when leaving configure exclusive.
func opUnlock(_ context.Context, s *Session, _ *Node, _ *strings.Builder) error {
	if !s.locked {
		return &RPCError{Type: "protocol", Tag: "operation-failed", Message: "configuration database is not locked by this session"}
	}
	s.closeConfig()
	return nil
}

// opOpenConfiguration opens a private candidate (<private/>) or takes the
// lock (<exclusive/>).
func opOpenConfiguration(ctx context.Context, s *Session, op *Node, b *strings.Builder) error {
	switch {
	case op.Has("private"):
		if s.cfg != nil && s.cfg.Mode() == configd.Private {
			return nil
		}
		if s.locked {
			return &RPCError{Type: "protocol", Tag: "operation-failed", Message: "unlock the configuration first"}
		}
		c, err := s.srv.cfg.Configd.Open(s.user, "netconf", configd.Private)
		if err != nil {
			return err
		}
		c.SetOwner(s.id)
		s.closeConfig()
		s.cfg = c
		return nil
	case op.Has("exclusive"):
		return opLock(ctx, s, op, b)
	}
	for _, k := range op.Kids {
		if k.Name.Local != "batch" { // batch commits land in the normal configuration: the shared candidate
			return unsupportedDatabase(k.Name.Local)
		}
	}
	_, err := s.config()
	return err
}

// unsupportedDatabase refuses a Junos configuration database gnos does
// not have (ephemeral, ephemeral-instance, dynamic): opening the
// shared candidate in its place would put the client's changes into the
// normal configuration, which is what the client asked to avoid.
func unsupportedDatabase(name string) error {
	what := map[string]string{
		"ephemeral":          "the ephemeral database",
		"ephemeral-instance": "ephemeral database instances",
		"dynamic":            "the dynamic database",
	}[name]
	if what == "" {
		return &RPCError{Type: "protocol", Tag: "unknown-element", Message: "open-configuration: unknown element <" + name + ">", BadElement: name}
	}
	return &RPCError{Type: "protocol", Tag: "operation-not-supported",
		Message:    "open-configuration: gnos does not support " + what + "; nothing was opened (use <private/>, <exclusive/> or the shared candidate)",
		BadElement: name}
}

func opCloseConfiguration(_ context.Context, s *Session, _ *Node, _ *strings.Builder) error {
	s.closeConfig()
	return nil
}

func opDiscard(_ context.Context, s *Session, _ *Node, _ *strings.Builder) error {
	c, err := s.config()
	if err != nil {
		return err
	}
	return c.Rollback(0)
}

func opValidate(ctx context.Context, s *Session, op *Node, _ *strings.Builder) error {
	if src := op.Child("source"); src != nil && src.Has("config") {
		return &RPCError{Type: "protocol", Tag: "operation-not-supported", Message: "validate the candidate", BadElement: "config"}
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	_, err = c.Commit(ctx, configd.CommitOptions{Check: true})
	return err
}

// opCommit is RFC 6241 <commit> with <confirmed/>, <confirm-timeout>
// (seconds, default 600); a plain commit confirms a pending confirmed
// commit. <persist> and <persist-id> are accepted and ignored: as on
// Junos, a confirmed commit outlives the session that made it.
func opCommit(ctx context.Context, s *Session, op *Node, _ *strings.Builder) error {
	o := configd.CommitOptions{}
	if op.Has("confirmed") {
		o.Confirmed = 600 * time.Second
		if v := op.Value("confirm-timeout"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "bad confirm-timeout", BadElement: "confirm-timeout"}
			}
			o.Confirmed = time.Duration(n) * time.Second
		}
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	_, err = c.Commit(ctx, o)
	return err
}

// opCancelCommit cancels a pending confirmed commit by committing
// rollback 1, what its timer would have done.
func opCancelCommit(ctx context.Context, s *Session, _ *Node, _ *strings.Builder) error {
	if _, ok := s.srv.cfg.Configd.PendingConfirm(); !ok {
		return &RPCError{Type: "protocol", Tag: "operation-failed", Message: "no confirmed commit is pending"}
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	if err := c.Rollback(1); err != nil {
		return err
	}
	_, err = c.Commit(ctx, configd.CommitOptions{Comment: "cancel-commit"})
	return err
}

// opCommitConfiguration is Junos' <commit-configuration> with <check/>,
// <confirmed/>, <confirm-timeout> (minutes), <log>, <at-time>,
// <synchronize/>; the reply is <commit-results>.
func opCommitConfiguration(ctx context.Context, s *Session, op *Node, b *strings.Builder) error {
	o := configd.CommitOptions{Check: op.Has("check"), Comment: op.Value("log")}
	if op.Has("confirmed") {
		o.Confirmed = 10 * time.Minute
		if v := op.Value("confirm-timeout"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "confirm-timeout must be 1..65535 minutes", BadElement: "confirm-timeout"}
			}
			o.Confirmed = time.Duration(n) * time.Minute
		}
	}
	if at := op.Value("at-time"); at != "" {
		t, err := parseAtTime(at, s.srv.cfg.Configd.Clock().Now())
		if err != nil {
			return &RPCError{Type: "protocol", Tag: "invalid-value", Message: err.Error(), BadElement: "at-time"}
		}
		o.At = t
	}
	c, err := s.config()
	if err != nil {
		return err
	}
	res, err := c.Commit(ctx, o)
	if err != nil {
		return err
	}
	b.WriteString("<commit-results>\n<routing-engine junos:style=\"normal\">\n<name>re0</name>\n")
	switch {
	case o.Check:
		b.WriteString("<commit-check-success/>\n")
	case !o.At.IsZero():
		fmt.Fprintf(b, "<commit-success/>\n<commit-scheduled>commit at %s</commit-scheduled>\n", res.At.Format("2006-01-02 15:04:05 MST"))
	default:
		b.WriteString("<commit-success/>\n")
		fmt.Fprintf(b, "<commit-revision-information>\n<new-db-revision>re0-%d</new-db-revision>\n</commit-revision-information>\n", res.Seq)
	}
	b.WriteString("</routing-engine>\n</commit-results>\n")
	return nil
}

// parseAtTime reads Junos' at-time: "hh:mm[:ss]" (today, or tomorrow if
// past) or "yyyy-mm-dd hh:mm[:ss]", local time of the daemon's clock.
func parseAtTime(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			at := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, now.Location())
			if !at.After(now) {
				at = at.AddDate(0, 0, 1)
			}
			return at, nil
		}
	}
	return time.Time{}, errors.New("at-time: expected \"hh:mm[:ss]\" or \"yyyy-mm-dd hh:mm[:ss]\"")
}

func opCloseSession(_ context.Context, s *Session, _ *Node, _ *strings.Builder) error {
	s.closed = true
	return nil
}

func opKillSession(_ context.Context, s *Session, op *Node, _ *strings.Builder) error {
	id, err := strconv.Atoi(op.Value("session-id"))
	if err != nil {
		return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "bad session-id", BadElement: "session-id"}
	}
	if id == s.id {
		return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "a session cannot kill itself", BadElement: "session-id"}
	}
	if !s.srv.kill(id) {
		return &RPCError{Type: "protocol", Tag: "invalid-value", Message: fmt.Sprintf("no session %d", id), BadElement: "session-id"}
	}
	return nil
}

// loadReplacePattern is <load-configuration><configuration
// replace-pattern="P" with="R" [upto="N"]/>: replace pattern over the
// whole configuration (the attribute on a deeper element, which Junos
// also takes, is not supported).
func loadReplacePattern(c *configd.Session, cfg *Node, pat string, b *strings.Builder) error {
	with, _ := cfg.Attr("with")
	upto := 0
	if u, ok := cfg.Attr("upto"); ok {
		n, err := strconv.Atoi(u)
		if err != nil || n < 0 {
			return &RPCError{Type: "protocol", Tag: "invalid-value", Message: "invalid upto " + u, BadElement: "configuration"}
		}
		upto = n
	}
	if _, err := c.ReplacePattern(nil, pat, with, upto); err != nil {
		return err
	}
	b.WriteString("<load-configuration-results>\n<ok/>\n</load-configuration-results>\n")
	return nil
}
