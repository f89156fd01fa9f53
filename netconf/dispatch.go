package netconf

import (
	"context"
	"strings"
)

// handler answers one RPC, writing the reply body (without <rpc-reply>)
// to b; an empty body means <ok/>.
type handler func(ctx context.Context, s *Session, op *Node, b *strings.Builder) error

type rpcOp struct {
	need Level
	fn   handler
}

// ops are the RPCs the server implements itself: the standard operations
// (RFC 6241) and the Junos XML API's configuration RPCs. Every other RPC
// is looked up in the CLI's operational command table, then in the few
// built-in informational RPCs that PyEZ asks for (facts.go).
var ops map[string]rpcOp

func init() {
	ops = map[string]rpcOp{
		// RFC 6241
		"get":             {LevelView, opGet},
		"get-config":      {LevelView, opGetConfig},
		"edit-config":     {LevelConfigure, opEditConfig},
		"copy-config":     {LevelConfigure, opCopyConfig},
		"delete-config":   {LevelConfigure, opDeleteConfig},
		"lock":            {LevelConfigure, opLock},
		"unlock":          {LevelConfigure, opUnlock},
		"validate":        {LevelConfigure, opValidate},
		"commit":          {LevelConfigure, opCommit},
		"cancel-commit":   {LevelConfigure, opCancelCommit},
		"discard-changes": {LevelConfigure, opDiscard},
		"close-session":   {LevelView, opCloseSession},
		"kill-session":    {LevelConfigure, opKillSession},
		// RFC 6022
		"get-schema": {LevelView, opGetSchema},
		// Junos XML API
		"get-configuration":        {LevelView, opGetConfiguration},
		"load-configuration":       {LevelConfigure, opLoadConfiguration},
		"commit-configuration":     {LevelConfigure, opCommitConfiguration},
		"open-configuration":       {LevelConfigure, opOpenConfiguration},
		"close-configuration":      {LevelConfigure, opCloseConfiguration},
		"lock-configuration":       {LevelConfigure, opLock},
		"unlock-configuration":     {LevelConfigure, opUnlock},
		"get-rollback-information": {LevelView, opGetRollback},
		"get-rescue-information":   {LevelView, opGetRescue},
		"command":                  {LevelView, opCommand}, // the command's own level is checked too
	}
}

// dispatch runs op after checking the session's login class.
// need returns the level operation name requires (known false for an
// operation dispatch does not know: it reports that itself).
func (s *Session) need(name string) (Level, bool) {
	if o, ok := ops[name]; ok {
		return o.need, true
	}
	if cmd := s.srv.cfg.CLI.Ops.ByRPC(name); cmd != nil {
		return RPCLevel(cmd.Words), true
	}
	return 0, false
}

func (s *Session) dispatch(ctx context.Context, op *Node, b *strings.Builder) error {
	name := op.Name.Local
	if o, ok := ops[name]; ok {
		if s.level < o.need {
			return errPermission(name)
		}
		return o.fn(ctx, s, op, b)
	}
	if cmd := s.srv.cfg.CLI.Ops.ByRPC(name); cmd != nil {
		if s.level < RPCLevel(cmd.Words) {
			return errPermission(name)
		}
		return s.tableRPC(ctx, cmd, op, b)
	}
	return &RPCError{Type: "protocol", Tag: "operation-not-supported",
		Message: "syntax error, expecting <rpc> content: unknown RPC <" + name + ">", BadElement: name}
}
