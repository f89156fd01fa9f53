package servicesd

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// servicesd as its own process (`gnos servicesd`): it takes part in
// commits through configd's remote subscription (configd.RunRemote), and
// serves its query API (query.go, traffic.go) on its socket as the unary
// methods of APIService, one per method of *Servicesd. Client, in the
// configd process, makes the same calls over that socket, so the CLI side
// runs on either without knowing which.

// APIService is the gRPC service of the query API.
const APIService = "gnos.ServicesAPI"

// The requests of the methods whose arguments are not one value.
type (
	onlineReq struct {
		Slot   dataplane.Slot
		Online bool
	}
	generateReq struct {
		Target Target
		Spec   picd.GenSpec
	}
	captureReq struct{ File, Path string }
)

// apiResp carries a method's result, or its error with its kind
// (errkind.Name) so the CLI renders a remote failure as a local one.
type apiResp[T any] struct {
	Value T      `json:"value"`
	Error string `json:"error,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

// registerAPI serves APIService on g.
func (s *Servicesd) registerAPI(g *grpc.Server) {
	g.RegisterService(&grpc.ServiceDesc{
		ServiceName: APIService,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			method(s, "PIC", s.PIC),
			method(s, "PICs", func(ctx context.Context, _ struct{}) ([]*PICInfo, error) { return s.PICs(ctx) }),
			method(s, "Alarms", func(ctx context.Context, _ struct{}) ([]Alarm, error) { return s.Alarms(ctx) }),
			method(s, "SetOnline", func(ctx context.Context, r onlineReq) (struct{}, error) {
				return struct{}{}, s.SetOnline(ctx, r.Slot, r.Online)
			}),
			method(s, "QueryPICs", func(ctx context.Context, q *picd.Query) ([]PICReply, error) { return s.QueryPICs(ctx, q) }),
			method(s, "PICQuery", func(ctx context.Context, r picQueryReq) (*picd.Status, error) {
				return s.PICQuery(ctx, r.Slot, r.Query)
			}),
			method(s, "TrafficGenerate", func(ctx context.Context, r generateReq) (*TrafficPIC, error) {
				return s.TrafficGenerate(ctx, r.Target, r.Spec)
			}),
			method(s, "Redundancy", func(ctx context.Context, _ struct{}) ([]RedundancyInfo, error) { return s.Redundancy(ctx) }),
			method(s, "Switchover", s.Switchover),
			method(s, "Traffic", s.Traffic),
			method(s, "TrafficReplay", s.TrafficReplay),
			method(s, "CaptureStart", s.CaptureStart),
			method(s, "CaptureStop", func(ctx context.Context, r captureReq) (*CaptureResult, error) {
				return s.CaptureStop(ctx, r.File, r.Path)
			}),
		},
	}, nil)
}

// method serves f as the unary method name. A servicesd that just started
// answers once it has applied the configuration (until then it knows no
// PIC).
func method[Req, Resp any](s *Servicesd, name string, f func(context.Context, Req) (Resp, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var req Req
			if err := dec(&req); err != nil {
				return nil, err
			}
			select {
			case <-s.applied:
			case <-ctx.Done():
				return &apiResp[Resp]{Error: "servicesd is starting: " + ctx.Err().Error()}, nil
			}
			v, err := f(ctx, req)
			if err != nil {
				return &apiResp[Resp]{Error: err.Error(), Kind: errkind.Name(err)}, nil
			}
			return &apiResp[Resp]{Value: v}, nil
		},
	}
}

type picQueryReq struct {
	Slot  dataplane.Slot `json:"slot"`
	Query *picd.Query    `json:"query"`
}
