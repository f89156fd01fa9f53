package gnmi

import (
	"context"
	"encoding/json"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/netconf"
)

// Get answers each path with one notification holding one update: the
// committed configuration (as written, secrets masked for classes that
// may not configure) or the state tree at that path, in JSON or
// JSON_IETF. The root path holds the whole configuration and, unless the
// request asks for CONFIG only, the state tree under "gnos-state:state".
// Data type STATE or OPERATIONAL yields no configuration (gnos's
// configuration has no state leaves), CONFIG no state.
func (s *Server) Get(ctx context.Context, req *gpb.GetRequest) (*gpb.GetResponse, error) {
	if err := need(ctx, netconf.LevelView, "get"); err != nil {
		return nil, err
	}
	enc := req.GetEncoding()
	if enc != gpb.Encoding_JSON && enc != gpb.Encoding_JSON_IETF {
		return nil, status.Errorf(codes.Unimplemented, "gnmi: encoding %s is not supported (JSON, JSON_IETF)", enc)
	}
	if err := s.checkModels(req.GetUseModels()); err != nil {
		return nil, err
	}
	paths := req.GetPath()
	if len(paths) == 0 {
		paths = []*gpb.Path{{}}
	}
	typ := req.GetType()
	wantConfig := typ == gpb.GetRequest_ALL || typ == gpb.GetRequest_CONFIG
	wantState := typ != gpb.GetRequest_CONFIG
	ts := s.clock.Now().UnixNano()
	var snap *snapshot // the state, built once per request
	resp := &gpb.GetResponse{}
	for _, p := range paths {
		elems, err := fullPath(req.GetPrefix(), p)
		if err != nil {
			return nil, err
		}
		var val []byte
		switch {
		case len(elems) == 0:
			if val, err = s.rootValue(ctx, wantConfig, wantState, &snap); err != nil {
				return nil, err
			}
		case isState(elems):
			if !wantState {
				resp.Notification = append(resp.Notification, &gpb.Notification{Timestamp: ts, Prefix: req.GetPrefix()})
				continue
			}
			if snap == nil {
				snap = s.snapshot(ctx)
			}
			if val, err = snap.value(elems, enc == gpb.Encoding_JSON_IETF); err != nil {
				return nil, err
			}
		default:
			if !wantConfig {
				resp.Notification = append(resp.Notification, &gpb.Notification{Timestamp: ts, Prefix: req.GetPrefix()})
				continue
			}
			ups, err := s.configUpdates(ctx, req.GetPrefix(), p, elems, enc)
			if err != nil {
				return nil, err
			}
			resp.Notification = append(resp.Notification, &gpb.Notification{Timestamp: ts, Prefix: req.GetPrefix(), Update: ups})
			continue
		}
		if enc == gpb.Encoding_JSON && !isState(elems) {
			if val, err = stripModules(val); err != nil {
				return nil, status.Errorf(codes.Internal, "%v", err)
			}
		}
		resp.Notification = append(resp.Notification, &gpb.Notification{
			Timestamp: ts, Prefix: req.GetPrefix(),
			Update: []*gpb.Update{{Path: p, Val: typedJSON(val, enc)}},
		})
	}
	return resp, nil
}

// configUpdates answers a configuration path: one update holding the
// value at it, or, when a list step inside it is a wildcard, one update
// per match, each with its own path (relative to the prefix).
func (s *Server) configUpdates(ctx context.Context, prefix, p *gpb.Path, elems []*gpb.PathElem, enc gpb.Encoding) ([]*gpb.Update, error) {
	cfg := s.readable(ctx)
	cp, err := configPath(cfg.S, elems)
	if err != nil {
		return nil, err
	}
	wild := wildInside(cp)
	var ups []*gpb.Update
	for _, m := range expand(cfg, cp) {
		val, ok, err := configValue(cfg, m)
		if err != nil {
			return nil, status.Errorf(codes.Internal, "%v", err)
		}
		if !ok {
			continue
		}
		if enc == gpb.Encoding_JSON {
			if val, err = stripModules(val); err != nil {
				return nil, status.Errorf(codes.Internal, "%v", err)
			}
		}
		up := p
		if wild {
			up = relative(gnmiPath(m).GetElem(), len(prefix.GetElem()))
		}
		ups = append(ups, &gpb.Update{Path: up, Val: typedJSON(val, enc)})
	}
	if len(ups) == 0 {
		return nil, status.Errorf(codes.NotFound, "gnmi: %s: not configured", pathString(elems))
	}
	return ups, nil
}

// readable is the committed configuration as the caller may read it.
func (s *Server) readable(ctx context.Context) *tree.Node {
	cfg := s.cfg.Configd.Committed()
	if userOf(ctx).level < netconf.LevelConfigure {
		cfg = tree.MaskSecrets(cfg)
	}
	return cfg
}

// rootValue is the whole configuration and state as one JSON object.
func (s *Server) rootValue(ctx context.Context, config, state bool, snap **snapshot) ([]byte, error) {
	m := map[string]json.RawMessage{}
	if config {
		v, _, err := configValue(s.readable(ctx), nil)
		if err != nil {
			return nil, status.Errorf(codes.Internal, "%v", err)
		}
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, status.Errorf(codes.Internal, "gnmi: %v", err)
		}
	}
	if state {
		if *snap == nil {
			*snap = s.snapshot(ctx)
		}
		v, err := (*snap).value([]*gpb.PathElem{{Name: stateRoot}}, true)
		if err != nil {
			return nil, err
		}
		m[stateModule+":"+stateRoot] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "gnmi: %v", err)
	}
	return out, nil
}

func typedJSON(v []byte, enc gpb.Encoding) *gpb.TypedValue {
	if enc == gpb.Encoding_JSON_IETF {
		return &gpb.TypedValue{Value: &gpb.TypedValue_JsonIetfVal{JsonIetfVal: v}}
	}
	return &gpb.TypedValue{Value: &gpb.TypedValue_JsonVal{JsonVal: v}}
}
