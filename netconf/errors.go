package netconf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/format"
)

// RPCError is one <rpc-error>, shaped like Junos': error-type, error-tag,
// error-severity, error-path, error-message, error-info/bad-element.
type RPCError struct {
	Type       string // transport, rpc, protocol, application
	Tag        string // RFC 6241 appendix A
	Severity   string // error (default) or warning
	Path       string // Junos: "[edit system services]"
	Message    string
	BadElement string
	SessionID  int // error-info/session-id (lock-denied)
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

// toRPCErrors maps any error to rpc-errors. This is the one place where
// configd's sentinel kinds become rpc-error tags (CONVENTIONS: mapped once
// at the API edge); *configd.CommitError becomes one rpc-error per
// diagnostic, then "configuration check-out failed", as Junos replies.
func toRPCErrors(err error) errorList {
	var (
		re *RPCError
		rl errorList
		ce *configd.CommitError
		pe *format.ParseError
	)
	switch {
	case errors.As(err, &rl):
		return rl
	case errors.As(err, &re):
		return errorList{re}
	case errors.As(err, &ce):
		var out errorList
		for _, d := range ce.Diagnostics {
			out = append(out, &RPCError{Type: "application", Tag: "invalid-value",
				Path: d.Path.Edit(), BadElement: d.Statement, Message: d.Message})
		}
		if ce.Cause != nil {
			out = append(out, &RPCError{Type: "application", Tag: "operation-failed", Message: ce.Cause.Error()})
		}
		return append(out, &RPCError{Type: "protocol", Tag: "operation-failed", Message: "configuration check-out failed"})
	case errors.As(err, &pe):
		return errorList{{Type: "protocol", Tag: "invalid-value", Message: "syntax error: " + pe.Error()}}
	}
	tag := "operation-failed"
	for _, k := range sentinelTags {
		if errors.Is(err, k.err) {
			tag = k.tag
			break
		}
	}
	return errorList{{Type: "application", Tag: tag, Message: errorMessage(err)}}
}

// sentinelTags maps configd's sentinel kinds to rpc-error tags, first
// match wins.
var sentinelTags = []struct {
	err error
	tag string
}{
	{configd.ErrNotFound, "data-missing"},
	{configd.ErrInvalid, "invalid-value"},
	{configd.ErrLocked, "lock-denied"},
	{configd.ErrConflict, "data-exists"},
	{configd.ErrLimit, "resource-denied"},
	{configd.ErrPermission, "access-denied"},
}

// errorMessage strips the sentinel suffix configd appends (": locked").
func errorMessage(err error) string {
	msg := err.Error()
	for _, k := range sentinelTags {
		msg = strings.TrimSuffix(msg, ": "+k.err.Error())
	}
	return msg
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
		if e.Path != "" {
			fmt.Fprintf(b, "<error-path>%s</error-path>\n", xmlEscape(e.Path))
		}
		fmt.Fprintf(b, "<error-message>%s</error-message>\n", xmlEscape(e.Message))
		if e.BadElement != "" || e.SessionID != 0 {
			b.WriteString("<error-info>\n")
			if e.BadElement != "" {
				fmt.Fprintf(b, "<bad-element>%s</bad-element>\n", xmlEscape(e.BadElement))
			}
			if e.SessionID != 0 {
				fmt.Fprintf(b, "<session-id>%d</session-id>\n", e.SessionID)
			}
			b.WriteString("</error-info>\n")
		}
		b.WriteString("</rpc-error>\n")
	}
}
