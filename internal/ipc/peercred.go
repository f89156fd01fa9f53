package ipc

import (
	"context"
	"errors"
	"net"
	"os/user"
	"strconv"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

// peerCreds are transport credentials for Unix sockets that read the
// connecting process's credentials (SO_PEERCRED) at handshake, so a
// service knows which local user is calling.
type peerCreds struct{}

// Ucred is the AuthInfo of a Unix-socket peer.
type Ucred struct {
	credentials.CommonAuthInfo
	PID, UID, GID int
}

// AuthType names the auth info.
func (Ucred) AuthType() string { return "peercred" }

// PeerCredentials is a server option that records peer credentials.
func PeerCredentials() grpc.ServerOption { return grpc.Creds(peerCreds{}) }

// Peer returns the calling process's credentials, when known.
func Peer(ctx context.Context) (Ucred, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return Ucred{}, false
	}
	u, ok := p.AuthInfo.(Ucred)
	return u, ok
}

// PeerUser names the user at the other end of a Unix socket: the peer's
// login name, else its numeric uid; without peer credentials, the user
// this process runs as, else "root".
func PeerUser(ctx context.Context) string {
	if u, ok := Peer(ctx); ok && u.UID >= 0 {
		if lu, err := user.LookupId(strconv.Itoa(u.UID)); err == nil {
			return lu.Username
		}
		return strconv.Itoa(u.UID)
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}

func (peerCreds) ServerHandshake(c net.Conn) (net.Conn, credentials.AuthInfo, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return c, Ucred{UID: -1, PID: -1, GID: -1}, nil
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return nil, nil, err
	}
	var cred *syscall.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		cred, serr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return nil, nil, err
	}
	if serr != nil {
		return nil, nil, serr
	}
	return c, Ucred{CommonAuthInfo: credentials.CommonAuthInfo{SecurityLevel: credentials.NoSecurity},
		PID: int(cred.Pid), UID: int(cred.Uid), GID: int(cred.Gid)}, nil
}

func (peerCreds) ClientHandshake(context.Context, string, net.Conn) (net.Conn, credentials.AuthInfo, error) {
	return nil, nil, errors.New("ipc: peer credentials are server-side only")
}

func (peerCreds) Info() credentials.ProtocolInfo {
	return credentials.ProtocolInfo{SecurityProtocol: "peercred"}
}
func (p peerCreds) Clone() credentials.TransportCredentials { return p }
func (peerCreds) OverrideServerName(string) error           { return nil }
