package gnmi

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/netconf"
)

// user is an authenticated gNMI caller.
type user struct {
	name  string
	level netconf.Level
}

type userKey struct{}

// userOf returns the caller the interceptors authenticated.
func userOf(ctx context.Context) user {
	u, _ := ctx.Value(userKey{}).(user)
	return u
}

// authenticate checks the username and password metadata of ctx against
// the committed `system login`. A wrong or missing credential is
// Unauthenticated without detail; a class without any permission is
// PermissionDenied.
func (s *Server) authenticate(ctx context.Context) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	name, password := first(md, "username"), first(md, "password")
	if name == "" {
		return nil, status.Error(codes.Unauthenticated, "gnmi: username and password metadata required")
	}
	cfg := s.cfg.Configd.Active()
	acct, ok := netconf.LookupAccount(cfg, name)
	if !ok || !acct.CheckPassword(password) {
		s.log.Warn("gnmi: authentication failed", "user", name)
		return nil, status.Error(codes.Unauthenticated, "gnmi: authentication failed")
	}
	lvl := netconf.ClassLevel(cfg, acct.Class)
	if lvl == netconf.LevelNone {
		return nil, status.Errorf(codes.PermissionDenied, "gnmi: user %s: login class %s is unauthorized", name, acct.Class)
	}
	return context.WithValue(ctx, userKey{}, user{name: name, level: lvl}), nil
}

func first(md metadata.MD, key string) string {
	if v := md.Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// need refuses the request unless the caller's class reaches lvl.
func need(ctx context.Context, lvl netconf.Level, what string) error {
	u := userOf(ctx)
	if u.level < lvl {
		return status.Errorf(codes.PermissionDenied, "gnmi: %s: permission denied: user %s (class %s) may not %s",
			what, u.name, u.level, what)
	}
	return nil
}

func (s *Server) unaryAuth(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	ctx, err := s.authenticate(ctx)
	if err != nil {
		return nil, err
	}
	return h(ctx, req)
}

func (s *Server) streamAuth(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	ctx, err := s.authenticate(ss.Context())
	if err != nil {
		return err
	}
	return h(srv, &authStream{ServerStream: ss, ctx: ctx})
}

type authStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (a *authStream) Context() context.Context { return a.ctx }
