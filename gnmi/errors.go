package gnmi

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/errkind"
)

// statusOf maps a gnos error to a gRPC status, once, for every RPC: the
// error kinds (internal/errkind) to codes, a refused commit to
// InvalidArgument carrying Junos' own text ([edit …], the message,
// "error: configuration check-out failed"). what prefixes the message
// (the operation and path). An error already a status passes unchanged.
func statusOf(what string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	msg := err.Error()
	if what != "" {
		msg = what + ": " + msg
	}
	var ce *configd.CommitError
	if errors.As(err, &ce) {
		return status.Error(codes.InvalidArgument, msg)
	}
	return status.Error(codeOf(errkind.Of(err)), msg)
}

func codeOf(k *errkind.Kind) codes.Code {
	switch k {
	case errkind.NotFound:
		return codes.NotFound
	case errkind.Invalid:
		return codes.InvalidArgument
	case errkind.Exists:
		return codes.AlreadyExists
	case errkind.Locked, errkind.Conflict:
		return codes.Aborted
	case errkind.Limit:
		return codes.ResourceExhausted
	case errkind.Permission:
		return codes.PermissionDenied
	case errkind.Corrupt:
		return codes.DataLoss
	}
	return codes.Internal
}

func invalidf(format string, args ...any) error {
	return status.Error(codes.InvalidArgument, fmt.Sprintf(format, args...))
}
