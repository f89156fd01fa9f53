package netconf

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/validate"
	"github.com/gnos/gnos/internal/errkind"
)

// RPCError is one <rpc-error> (RFC 6241 section 4.3, shaped like
// Junos'): error-type, error-tag, error-severity, error-app-tag,
// error-path, error-message and error-info with the elements appendix A
// lists for the tag.
type RPCError struct {
	Type     string // transport, rpc, protocol, application
	Tag      string // RFC 6241 appendix A
	Severity string // error (default) or warning
	AppTag   string // error-app-tag, where a data model defines one
	// Path is the error-path: an XPath of the request's offending node
	// (xpath.go), with PathNS declaring its prefixes, or for a commit
	// diagnostic Junos' "[edit system services]".
	Path         string
	PathNS       map[string]string // prefix → namespace URI
	Message      string
	BadElement   string
	BadAttribute string
	BadNamespace string
	SessionID    int // error-info/session-id: lock-denied (0: held outside NETCONF), in-use
}

func (e *RPCError) Error() string { return e.Message }

// errorList is a reply carrying several rpc-errors (a failed commit).
type errorList []*RPCError

func (l errorList) Error() string {
	var ms []string
	for _, e := range l {
		ms = append(ms, e.Message)
	}
	return strings.Join(ms, "; ")
}

// errPermission is what a login class refuses, in Junos' words.
func errPermission(rpc string) *RPCError {
	return &RPCError{Type: "protocol", Tag: "access-denied", Message: "permission denied", BadElement: rpc}
}

// toRPCErrors maps any error to rpc-errors. Error kinds become tags in
// kindError, the one place (CONVENTIONS: mapped once at the API edge);
// *configd.CommitError becomes one rpc-error per diagnostic, then
// "configuration check-out failed", as Junos replies.
func toRPCErrors(err error) errorList {
	var (
		re *RPCError
		rl errorList
		ce *configd.CommitError
		pe *format.ParseError
		pr *configd.ProtectedError
	)
	switch {
	case errors.As(err, &rl):
		return rl
	case errors.As(err, &re):
		return errorList{re}
	case errors.As(err, &ce):
		var out errorList
		for _, d := range ce.Diagnostics {
			out = append(out, &RPCError{Type: "application", Tag: appTagError[d.AppTag],
				AppTag: d.AppTag, Path: d.Path.Edit(), BadElement: d.Statement, Message: d.Message})
		}
		if ce.Cause != nil {
			out = append(out, kindError(ce.Cause)) // a damaged store says so
		}
		return append(out, &RPCError{Type: "protocol", Tag: "operation-failed", Message: "configuration check-out failed"})
	case errors.As(err, &pe):
		e := &RPCError{Type: "protocol", Tag: "invalid-value", Message: "syntax error: " + pe.Error()}
		if i := strings.Index(pe.Msg, "unknown element <"); i >= 0 {
			name := pe.Msg[i+len("unknown element <"):]
			if j := strings.IndexByte(name, '>'); j > 0 {
				e.Tag, e.BadElement = "unknown-element", name[:j]
			}
			if where := strings.TrimSuffix(pe.Msg[:i], ": "); where != "" && !strings.HasPrefix(where, "...") && !strings.ContainsAny(where, " :") {
				e.Path = "/" + where // the elements' path as the parser saw them (no key predicates)
			}
		}
		return errorList{e}
	case errors.As(err, &pr):
		// Junos warns for each change a protected statement refused; the
		// rest of the edit was made
		var out errorList
		for _, w := range pr.Warnings {
			out = append(out, &RPCError{Type: "application", Tag: "access-denied", Severity: "warning",
				Message: strings.TrimPrefix(w, "warning: ")})
		}
		return out
	}
	return errorList{kindError(err)}
}

// appTagError is the error-tag RFC 7950 section 15 gives each
// error-app-tag; a diagnostic without one is invalid-value.
var appTagError = map[string]string{
	"":                           "invalid-value",
	validate.AppTooManyElements:  "operation-failed",
	validate.AppTooFewElements:   "operation-failed",
	validate.AppDataNotUnique:    "operation-failed",
	validate.AppMustViolation:    "operation-failed",
	validate.AppMissingChoice:    "data-missing",
	validate.AppInstanceRequired: "data-missing",
}

// kindError is the one mapping of gnos's error kinds (package errkind) to
// rpc-error tags, RFC 6241 appendix A. An error of no kind is
// operation-failed. Messages carry no kind suffix, so they go out as they
// are, except corruption, whose message says the store is damaged.
func kindError(err error) *RPCError {
	e := &RPCError{Type: "application", Tag: "operation-failed", Message: err.Error()}
	var held *configd.HeldError
	if errors.As(err, &held) {
		e.SessionID = held.Holder // error-info <session-id> of lock-denied and in-use
	}
	switch errkind.Of(err) {
	case errkind.NotFound:
		e.Tag = "data-missing"
	case errkind.Invalid:
		e.Tag = "invalid-value"
	case errkind.Exists:
		e.Tag = "data-exists"
	case errkind.Locked:
		e.Tag = "lock-denied"
	case errkind.Conflict:
		e.Tag = "in-use" // another session's changes hold what the request needs
	case errkind.Limit:
		e.Tag = "resource-denied"
	case errkind.Permission:
		e.Tag = "access-denied"
	case errkind.Corrupt:
		if !strings.Contains(e.Message, "damaged") {
			e.Message = "the configuration store is damaged: " + e.Message
		}
	}
	return e
}

// write appends the rpc-error elements to b.
func (l errorList) write(b *strings.Builder) {
	for _, e := range l {
		sev := e.Severity
		if sev == "" {
			sev = "error"
		}
		b.WriteString("<rpc-error>\n")
		fmt.Fprintf(b, "<error-type>%s</error-type>\n<error-tag>%s</error-tag>\n<error-severity>%s</error-severity>\n",
			e.Type, e.Tag, sev)
		if e.AppTag != "" {
			fmt.Fprintf(b, "<error-app-tag>%s</error-app-tag>\n", xmlEscape(e.AppTag))
		}
		if e.Path != "" {
			b.WriteString("<error-path")
			for _, p := range slices.Sorted(maps.Keys(e.PathNS)) {
				fmt.Fprintf(b, ` xmlns:%s="%s"`, p, attrEscape(e.PathNS[p]))
			}
			fmt.Fprintf(b, ">%s</error-path>\n", xmlEscape(e.Path))
		}
		fmt.Fprintf(b, "<error-message>%s</error-message>\n", xmlEscape(e.Message))
		sid := e.Tag == "lock-denied" || (e.Tag == "in-use" && e.SessionID != 0)
		if e.BadElement != "" || e.BadAttribute != "" || e.BadNamespace != "" || sid {
			b.WriteString("<error-info>\n")
			if e.BadAttribute != "" {
				fmt.Fprintf(b, "<bad-attribute>%s</bad-attribute>\n", xmlEscape(e.BadAttribute))
			}
			if e.BadElement != "" {
				fmt.Fprintf(b, "<bad-element>%s</bad-element>\n", xmlEscape(e.BadElement))
			}
			if e.BadNamespace != "" {
				fmt.Fprintf(b, "<bad-namespace>%s</bad-namespace>\n", xmlEscape(e.BadNamespace))
			}
			if sid {
				fmt.Fprintf(b, "<session-id>%d</session-id>\n", e.SessionID)
			}
			b.WriteString("</error-info>\n")
		}
		b.WriteString("</rpc-error>\n")
	}
}
