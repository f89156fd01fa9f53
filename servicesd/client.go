package servicesd

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/internal/errkind"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// Client calls the query API of a servicesd in another process. Its
// methods are those of *Servicesd; while servicesd is down they fail with
// "servicesd is not reachable". The connection is dialled when first
// needed, and again after a failure (servicesd may have restarted).
type Client struct {
	dial func() (*grpc.ClientConn, error)
	mu   sync.Mutex // guards cc
	cc   *grpc.ClientConn
}

// NewClient returns a client dialling with dial. Close it when done.
func NewClient(dial func() (*grpc.ClientConn, error)) *Client { return &Client{dial: dial} }

// PIC is (*Servicesd).PIC.
func (c *Client) PIC(ctx context.Context, slot dataplane.Slot) (*PICInfo, error) {
	return call[dataplane.Slot, *PICInfo](ctx, c, "PIC", slot)
}

// PICs is (*Servicesd).PICs.
func (c *Client) PICs(ctx context.Context) ([]*PICInfo, error) {
	return call[struct{}, []*PICInfo](ctx, c, "PICs", struct{}{})
}

// Alarms is (*Servicesd).Alarms.
func (c *Client) Alarms(ctx context.Context) ([]Alarm, error) {
	return call[struct{}, []Alarm](ctx, c, "Alarms", struct{}{})
}

// SetOnline is (*Servicesd).SetOnline.
func (c *Client) SetOnline(ctx context.Context, slot dataplane.Slot, online bool) error {
	_, err := call[onlineReq, struct{}](ctx, c, "SetOnline", onlineReq{Slot: slot, Online: online})
	return err
}

// QueryPICs is (*Servicesd).QueryPICs.
func (c *Client) QueryPICs(ctx context.Context, q *picd.Query) ([]PICReply, error) {
	return call[*picd.Query, []PICReply](ctx, c, "QueryPICs", q)
}

// PICQuery is (*Servicesd).PICQuery.
func (c *Client) PICQuery(ctx context.Context, slot dataplane.Slot, q *picd.Query) (*picd.Status, error) {
	return call[picQueryReq, *picd.Status](ctx, c, "PICQuery", picQueryReq{Slot: slot, Query: q})
}

// TrafficGenerate is (*Servicesd).TrafficGenerate.
func (c *Client) TrafficGenerate(ctx context.Context, t Target, spec picd.GenSpec) (*TrafficPIC, error) {
	return call[generateReq, *TrafficPIC](ctx, c, "TrafficGenerate", generateReq{Target: t, Spec: spec})
}

// Traffic is (*Servicesd).Traffic.
func (c *Client) Traffic(ctx context.Context, q picd.TrafficReq) ([]TrafficPIC, error) {
	return call[picd.TrafficReq, []TrafficPIC](ctx, c, "Traffic", q)
}

// TrafficReplay is (*Servicesd).TrafficReplay.
func (c *Client) TrafficReplay(ctx context.Context, r ReplayReq) (*ReplayResult, error) {
	return call[ReplayReq, *ReplayResult](ctx, c, "TrafficReplay", r)
}

// CaptureStart is (*Servicesd).CaptureStart.
func (c *Client) CaptureStart(ctx context.Context, limit int) (int, error) {
	return call[int, int](ctx, c, "CaptureStart", limit)
}

// CaptureStop is (*Servicesd).CaptureStop.
func (c *Client) CaptureStop(ctx context.Context, file, path string) (*CaptureResult, error) {
	return call[captureReq, *CaptureResult](ctx, c, "CaptureStop", captureReq{File: file, Path: path})
}

// call makes one call of the API, turning a remote error back into an
// error of its kind.
func call[Req, Resp any](ctx context.Context, c *Client, name string, req Req) (Resp, error) {
	var zero Resp
	cc, err := c.conn()
	if err != nil {
		return zero, fmt.Errorf("servicesd is not reachable: %w", err)
	}
	resp, err := ipc.Call[Req, apiResp[Resp]](ctx, cc, "/"+APIService+"/"+name, &req)
	if err != nil {
		c.mu.Lock()
		if c.cc == cc { // dial afresh next time
			c.cc.Close()
			c.cc = nil
		}
		c.mu.Unlock()
		return zero, fmt.Errorf("servicesd is not reachable: %w", err)
	}
	if resp.Error != "" {
		if k := errkind.Parse(resp.Kind); k != nil {
			return zero, errkind.Errorf(k, "%s", resp.Error)
		}
		return zero, errors.New(resp.Error)
	}
	return resp.Value, nil
}

func (c *Client) conn() (*grpc.ClientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cc == nil {
		cc, err := c.dial()
		if err != nil {
			return nil, err
		}
		c.cc = cc
	}
	return c.cc, nil
}

// Close drops the connection.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cc != nil {
		c.cc.Close()
		c.cc = nil
	}
}

// Redundancy is (*Servicesd).Redundancy.
func (c *Client) Redundancy(ctx context.Context) ([]RedundancyInfo, error) {
	return call[struct{}, []RedundancyInfo](ctx, c, "Redundancy", struct{}{})
}

// Switchover is (*Servicesd).Switchover.
func (c *Client) Switchover(ctx context.Context, name string) (*RedundancyInfo, error) {
	return call[string, *RedundancyInfo](ctx, c, "Switchover", name)
}
