package gnmi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"github.com/openconfig/goyang/pkg/yang"
	"github.com/openconfig/ygot/ygot"
	"github.com/openconfig/ygot/ytypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
	"github.com/gnos/gnos/yang/state"
)

// stateModule is the state module's name (RFC 7951 prefix of /state).
const stateModule = "gnos-state"

// PICReporter is servicesd's query API as the state tree needs it
// (*servicesd.Servicesd in one process, *servicesd.Client apart).
type PICReporter interface {
	PICs(ctx context.Context) ([]*servicesd.PICInfo, error)
	QueryPICs(ctx context.Context, q *picd.Query) ([]servicesd.PICReply, error)
}

// natPlugin and natPoolRPC name the nat plugin's pool command (show
// services nat pool), whose rows fill /state/services/nat.
const (
	natPlugin  = "nat"
	natPoolRPC = "get-service-nat-pool-information"
)

// StateSource is where the state tree's figures come from. Any field may
// be nil: its part of the tree is then empty (interfaces are still listed
// from the configuration, with zero counters).
type StateSource struct {
	PICs  PICReporter
	Links func(junos string) (ifname.LinkState, bool) // the live data plane's links
}

// snapshot is the state tree at one moment, in ygot's generated types.
type snapshot struct {
	dev *state.Device
	at  time.Time
}

var (
	schemaOnce sync.Once
	stateRootS *yang.Entry
	schemaErr  error
)

func stateSchema() (*yang.Entry, error) {
	schemaOnce.Do(func() {
		s, err := state.Schema()
		if err != nil {
			schemaErr = err
			return
		}
		stateRootS = s.RootSchema()
	})
	return stateRootS, schemaErr
}

// snapshot fills a state.Device from the daemons.
func (s *Server) snapshot(ctx context.Context) *snapshot {
	d := &state.Device{}
	st := d.GetOrCreateState()
	s.fillSystem(st.GetOrCreateSystem())
	s.fillInterfaces(st.GetOrCreateInterfaces())
	if p := s.cfg.State.PICs; p != nil {
		if pics, err := p.PICs(ctx); err == nil {
			fillPICs(st.GetOrCreateChassis(), st.GetOrCreateServices(), pics)
		} else {
			s.log.Warn("gnmi: state: PICs", "err", err)
		}
		if reps, err := p.QueryPICs(ctx, &picd.Query{Plugin: natPlugin, Command: natPoolRPC}); err == nil {
			fillNAT(st.GetOrCreateServices().GetOrCreateNat(), reps)
		}
	}
	return &snapshot{dev: d, at: s.clock.Now()}
}

func (s *Server) fillSystem(sys *state.GnosState_State_System) {
	cfg := s.cfg.Configd.Committed()
	if h, ok := cfg.ActiveChild("system").Leaf("host-name"); ok {
		sys.HostName = ygot.String(h)
	}
	hist, err := s.cfg.Configd.History()
	if err != nil {
		s.log.Warn("gnmi: state: commit history", "err", err)
		return
	}
	cs := sys.GetOrCreateCommits()
	for i, m := range hist {
		if i > 49 {
			break
		}
		c, err := cs.NewCommit(uint8(i))
		if err != nil {
			continue
		}
		c.Sequence = ygot.Uint64(m.Seq)
		c.Time = ygot.String(m.Time.UTC().Format(time.RFC3339))
		c.User = ygot.String(m.User)
		c.Client = ygot.String(string(m.Client))
		if m.Comment != "" {
			c.Comment = ygot.String(m.Comment)
		}
	}
}

// fillInterfaces lists the configured physical interfaces with their
// link's state and counters (the live data plane), or down and zero.
func (s *Server) fillInterfaces(ifs *state.GnosState_State_Interfaces) {
	cfg := s.cfg.Configd.Committed()
	for _, n := range cfg.ActiveChild("interfaces").ActiveNamed("interface") {
		it, err := ifs.NewInterface(n.Key)
		if err != nil {
			continue
		}
		it.AdminStatus = state.GnosState_OperStatus_up
		if n.ActiveChild("disable") != nil {
			it.AdminStatus = state.GnosState_OperStatus_down
		}
		it.OperStatus = state.GnosState_OperStatus_down
		c := it.GetOrCreateCounters()
		var ls ifname.LinkState
		ok := false
		if s.cfg.State.Links != nil {
			ls, ok = s.cfg.State.Links(n.Key)
		}
		if ok {
			if ls.OperUp {
				it.OperStatus = state.GnosState_OperStatus_up
			}
			it.Mtu = ygot.Uint32(uint32(ls.MTU))
		} else if v, has := n.Leaf("mtu"); has {
			if m, err := strconv.ParseUint(v, 10, 32); err == nil {
				it.Mtu = ygot.Uint32(uint32(m))
			}
		}
		c.InOctets, c.InPackets = ygot.Uint64(ls.RxBytes), ygot.Uint64(ls.RxPackets)
		c.InErrors, c.InDiscards = ygot.Uint64(ls.RxErrors), ygot.Uint64(ls.RxDropped)
		c.OutOctets, c.OutPackets = ygot.Uint64(ls.TxBytes), ygot.Uint64(ls.TxPackets)
		c.OutErrors, c.OutDiscards = ygot.Uint64(ls.TxErrors), ygot.Uint64(ls.TxDropped)
	}
}

func fillPICs(ch *state.GnosState_State_Chassis, svc *state.GnosState_State_Services, pics []*servicesd.PICInfo) {
	for _, pi := range pics {
		fpc, picSlot := uint8(pi.Slot.FPC), uint8(pi.Slot.PIC)
		p, err := ch.NewPic(fpc, picSlot)
		if err != nil {
			continue
		}
		p.State = ygot.String("disconnected")
		p.ServiceSets = ygot.Uint32(uint32(len(pi.ServiceSets)))
		p.PolicyDbBytes = ygot.Uint64(uint64(pi.PolicyBytes))
		p.Acks, p.Resyncs, p.Refused = ygot.Uint64(pi.Acks), ygot.Uint64(pi.Resyncs), ygot.Uint64(pi.Refused)
		if st := pi.Status; st != nil {
			p.State = ygot.String(st.State)
			p.DataCores = ygot.Uint16(uint16(st.DataCores))
			if dp := st.DataPath; dp != nil {
				d := p.GetOrCreateDataPath()
				d.Sessions = ygot.Uint64(uint64(max(dp.Sessions, 0)))
				d.RxPackets, d.RxOctets, d.TxPackets = ygot.Uint64(dp.Rx), ygot.Uint64(dp.RxBytes), ygot.Uint64(dp.Tx)
				d.SessionsCreated, d.SessionsClosed = ygot.Uint64(dp.Created), ygot.Uint64(dp.Closed)
				d.SessionsExpired, d.Rejects = ygot.Uint64(dp.Expired), ygot.Uint64(dp.Rejects)
				d.DropsPolicy, d.DropsMemlimit = ygot.Uint64(dp.DropPolicy), ygot.Uint64(dp.DropMemlimit)
				d.DropsNoServiceSet, d.DropsMaxFlows = ygot.Uint64(dp.DropNoSet), ygot.Uint64(dp.DropMaxFlows)
			}
		}
		held := map[uint32]int64{}
		if pi.Status != nil {
			for _, h := range pi.Status.SSRBs {
				held[h.ID] = h.Sessions
			}
		}
		for _, g := range pi.ServiceSets {
			ss, err := svc.NewServiceSet(g.Name)
			if err != nil {
				continue
			}
			ss.Id, ss.Generation = ygot.Uint32(g.ID), ygot.Uint64(g.Gen)
			ss.FpcSlot, ss.PicSlot = ygot.Uint8(fpc), ygot.Uint8(picSlot)
			if n, ok := held[g.ID]; ok {
				ss.Sessions = ygot.Uint64(uint64(n))
			}
		}
	}
}

// fillNAT copies the nat plugin's pool rows (a PIC without the plugin
// answers none).
func fillNAT(nat *state.GnosState_State_Services_Nat, reps []servicesd.PICReply) {
	for _, r := range reps {
		if r.Status == nil {
			continue
		}
		for _, row := range r.Status.Rows {
			f := map[string]string{}
			for _, fd := range row {
				f[fd.Name] = fd.Value
			}
			p, err := nat.NewPool(f["pool-name"], f["service-set-name"])
			if err != nil {
				continue
			}
			p.AddressRange, p.PortRange = ygot.String(f["pool-address-range"]), ygot.String(f["source-port-range"])
			if v, err := strconv.ParseUint(f["translations-in-use"], 10, 64); err == nil {
				p.TranslationsInUse = ygot.Uint64(v)
			}
			if v, err := strconv.ParseUint(f["allocation-failures"], 10, 64); err == nil {
				p.AllocationFailures = ygot.Uint64(v)
			}
		}
	}
}

// value renders the state at elems: ygot finds the nodes (a list element
// without keys, or with "*", matches every entry) and renders them as
// RFC 7951 JSON (ietf) or ygot's internal JSON. Several matches are a
// JSON array.
func (sn *snapshot) value(elems []*gpb.PathElem, ietf bool) ([]byte, error) {
	root, err := stateSchema()
	if err != nil {
		return nil, status.Errorf(codes.Internal, "gnmi: state schema: %v", err)
	}
	p := &gpb.Path{}
	for _, e := range elems {
		p.Elem = append(p.Elem, &gpb.PathElem{Name: localName(e.GetName()), Key: e.GetKey()})
	}
	nodes, err := ytypes.GetNode(root, sn.dev, p, &ytypes.GetPartialKeyMatch{}, &ytypes.GetHandleWildcards{})
	if err != nil || len(nodes) == 0 {
		return nil, status.Errorf(codes.NotFound, "gnmi: %s: no such state", pathString(elems))
	}
	vals := make([]any, 0, len(nodes))
	for _, n := range nodes {
		v, err := renderNode(n.Data, n.Schema, ietf)
		if err != nil {
			return nil, status.Errorf(codes.Internal, "gnmi: %s: %v", pathString(elems), err)
		}
		vals = append(vals, v)
	}
	var out any = vals
	if len(vals) == 1 && !listWithoutKeys(root, p) {
		out = vals[0]
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "gnmi: %v", err)
	}
	return b, nil
}

// renderNode renders one ygot node: a struct through ConstructIETFJSON or
// ConstructInternalJSON, a leaf as its JSON scalar (64-bit integers as
// strings, as RFC 7951 and ygot's struct rendering write them).
func renderNode(data any, e *yang.Entry, ietf bool) (any, error) {
	if gs, ok := data.(ygot.GoStruct); ok {
		if ietf {
			return ygot.ConstructIETFJSON(gs, &ygot.RFC7951JSONConfig{})
		}
		return ygot.ConstructInternalJSON(gs)
	}
	tv, err := ygot.EncodeTypedValue(data, gpb.Encoding_JSON)
	if err != nil {
		return nil, err
	}
	if e != nil && e.Type != nil {
		switch e.Type.Kind {
		case yang.Yint8, yang.Yint16, yang.Yint32:
			return tv.GetIntVal(), nil
		case yang.Yuint8, yang.Yuint16, yang.Yuint32:
			return tv.GetUintVal(), nil
		}
	}
	return scalarOf(tv), nil
}

// scalarOf is a scalar TypedValue as a Go value for encoding/json;
// 64-bit integers are strings, as RFC 7951 says.
func scalarOf(tv *gpb.TypedValue) any {
	switch v := tv.GetValue().(type) {
	case *gpb.TypedValue_StringVal:
		return v.StringVal
	case *gpb.TypedValue_UintVal:
		return strconv.FormatUint(v.UintVal, 10)
	case *gpb.TypedValue_IntVal:
		return strconv.FormatInt(v.IntVal, 10)
	case *gpb.TypedValue_BoolVal:
		return v.BoolVal
	case *gpb.TypedValue_DoubleVal:
		return v.DoubleVal
	case nil:
		return nil
	}
	return fmt.Sprint(tv.GetValue())
}

// listWithoutKeys reports whether p ends at a list element naming no key
// (or only wildcards): its answer is an array even with one entry.
func listWithoutKeys(root *yang.Entry, p *gpb.Path) bool {
	e := root
	for _, el := range p.GetElem() {
		if e = e.Dir[el.GetName()]; e == nil {
			return false
		}
	}
	if e == nil || !e.IsList() {
		return false
	}
	last := p.GetElem()[len(p.GetElem())-1]
	for _, v := range last.GetKey() {
		if v != "*" {
			return false
		}
	}
	return true
}

// checkPath checks that elems name a node of the configuration schema
// or of the state module, without reading any data (a subscription's
// path is checked once, before its first sample).
func checkPath(root *schema.Node, elems []*gpb.PathElem) error {
	if !isState(elems) {
		if len(elems) == 0 {
			return nil
		}
		_, err := configPath(root, elems)
		return err
	}
	e, err := stateSchema()
	if err != nil {
		return status.Errorf(codes.Internal, "gnmi: state schema: %v", err)
	}
	for i, el := range elems {
		if e = e.Dir[localName(el.GetName())]; e == nil {
			return status.Errorf(codes.NotFound, "gnmi: %s: no element %q in the state model", pathString(elems[:i+1]), el.GetName())
		}
		for k := range el.GetKey() {
			if !e.IsList() || !slices.Contains(strings.Fields(e.Key), k) {
				return status.Errorf(codes.InvalidArgument, "gnmi: %s: %s has no key %q", pathString(elems[:i+1]), e.Name, k)
			}
		}
	}
	return nil
}
