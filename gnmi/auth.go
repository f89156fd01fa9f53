package gnmi

import (
	"context"
	"crypto/sha256"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/internal/loginthrottle"
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
// PermissionDenied. A wrong password (or an unknown user) is answered
// after the login throttle's delay for that user and peer address, which
// doubles with each recent failure (internal/loginthrottle, as SSH logins
// are); a correct one is answered at once. The wait ends early when the
// caller gives up.
func (s *Server) authenticate(ctx context.Context) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	name, password := first(md, "username"), first(md, "password")
	if name == "" {
		return nil, status.Error(codes.Unauthenticated, "gnmi: username and password metadata required")
	}
	cfg := s.cfg.Configd.Active()
	acct, ok := netconf.LookupAccount(cfg, name)
	if !ok || !s.checkPassword(acct, password) {
		host := ""
		if p, ok := peer.FromContext(ctx); ok {
			host = loginthrottle.HostOf(p.Addr)
		}
		d := s.throttle.Fail(name, host)
		s.log.Warn(fmt.Sprintf("gNMI login failed for user '%s' from host '%s'", name, host),
			"facility", "authorization", "process", "gnmi", "user", name, "from", host, "delay", d)
		loginthrottle.Wait(s.clock, d, ctx.Done())
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

// maxVerified bounds the verified-credential cache.
const maxVerified = 1024

// checkPassword verifies password against the account's crypt(3) hash.
// gNMI sends the credentials with every RPC, and a SHA-512 crypt takes
// milliseconds, so a successful check is remembered: by user, stored
// hash and a SHA-256 of the password, so a changed password or hash
// misses the cache. The cache holds at most maxVerified entries (it is
// emptied when full); failures are never cached.
func (s *Server) checkPassword(acct *netconf.Account, password string) bool {
	if acct.Hash == "" {
		return false
	}
	sum := sha256.Sum256([]byte(password))
	key := acct.Name + "\x00" + acct.Hash + "\x00" + string(sum[:])
	s.authMu.Lock()
	_, ok := s.verified[key]
	s.authMu.Unlock()
	if ok {
		return true
	}
	if !acct.CheckPassword(password) {
		return false
	}
	s.authMu.Lock()
	if s.verified == nil || len(s.verified) >= maxVerified {
		s.verified = map[string]struct{}{}
	}
	s.verified[key] = struct{}{}
	s.authMu.Unlock()
	return true
}
