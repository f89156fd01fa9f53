package picd

// FuzzControlStream feeds a picd arbitrary streams of servicesd messages
// (ToPIC, JSON as on the wire, one per line): configs, resync brackets in
// any order, adds/changes/deletes with any ids, generations and policy
// bytes, status queries. The picd must answer without panicking, ack
// every update it was sent (one a resync defers until its end, when it
// fits the budget, by that end or by the runtime's end), and report through
// Status exactly the SSRBs its runtime holds.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic/dataplane"
)

func FuzzControlStream(f *testing.F) {
	cfg := `{"config":{"configured":true,"online":true,"data-cores":1,"control-cores":1,"object-cache-size":1,"policy-db-size":1,"packages":["test-recorder"]}}`
	add := `{"update":{"op":"add","id":1,"name":"a","gen":5,"ssrb":{"id":1,"name":"a","gen":5,"forward":["test-recorder"],"policies":[{"plugin":"test-recorder","data":{"k":"v"}}]}}}`
	f.Add([]byte(cfg + "\n" + add + "\n" + `{"status-req":1,"query":{"sessions":true}}`))
	f.Add([]byte(cfg + "\n" + `{"resync":{"begin":true}}` + "\n" + add + "\n" + `{"resync":{"end":true,"count":1}}`))
	f.Add([]byte(cfg + "\n" + add + "\n" + `{"update":{"op":"delete","id":1,"name":"a","gen":6}}` + "\n" + add))
	f.Add([]byte(cfg + "\n" + `{"update":{"op":"change","id":7,"name":"b","gen":1}}` + "\n" + `{"config":{"configured":true,"online":false}}` + "\n" + add))
	f.Add([]byte(cfg + "\n" + `{"update":{"op":"add","id":2,"name":"x","gen":1,"ssrb":{"id":2,"forward":["nope","test-recorder"],"policies":[{"plugin":"test-recorder","data":"not an object"}]}}}`))
	f.Add([]byte(`{"resync":{"end":true}}` + "\n" + add + "\n" + `{"heartbeat":true}` + "\n" + `{"superseded":true}`))
	f.Fuzz(func(t *testing.T, stream []byte) {
		recorded = nil
		d := New(Options{Slot: dataplane.Slot{FPC: 0, PIC: 0}, Clock: clock.NewFake(time.Unix(0, 0)),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		defer d.stop("test over")
		ctx := context.Background()
		var pending []*Update
		for _, line := range bytes.Split(stream, []byte("\n")) {
			var m ToPIC
			if json.Unmarshal(line, &m) != nil {
				continue // the gRPC codec refuses it before the picd sees it
			}
			boundTrusted(&m)
			out, err := d.handle(ctx, &m)
			if err == ErrSuperseded {
				return
			}
			if err != nil {
				t.Fatalf("handle %s: %v", line, err)
			}
			if m.Update != nil && m.Config == nil && m.StatusReq == 0 && !m.Heartbeat && m.Resync == nil {
				pending = append(pending, m.Update)
			}
			for _, r := range out {
				if r.Ack != nil {
					pending = slices.DeleteFunc(pending, func(u *Update) bool { return u.ID == r.Ack.ID && u.Gen == r.Ack.Gen })
				}
			}
			for _, u := range pending { // unanswered only while a resync defers it
				if rt := d.Runtime(); rt == nil || !slices.Contains(rt.deferred, u) {
					t.Fatalf("update %+v: no ack, and not deferred by a resync under way (after %s)", u, line)
				}
			}
			st := d.Status()
			if rt := d.Runtime(); rt != nil && len(st.SSRBs) != len(rt.ssrbs) {
				t.Fatalf("status shows %d SSRBs, the runtime holds %d", len(st.SSRBs), len(rt.ssrbs))
			}
		}
	})
}

// boundTrusted clamps what servicesd validates before sending (the
// chassis shape's ranges), and keeps service-set ids small so the fuzzer
// explores the picd's handling rather than allocating tables of a million
// service-sets (the picd refuses ids past MaxServiceSetID and an SSRB
// whose id is not its update's: left to the fuzzer).
func boundTrusted(m *ToPIC) {
	if c := m.Config; c != nil {
		c.DataCores = min(max(c.DataCores, 0), 2)
		c.ControlCores = min(max(c.ControlCores, 0), 2)
		c.ObjectCacheMB = min(c.ObjectCacheMB, 4)
		c.PolicyDBMB = min(c.PolicyDBMB, 4)
	}
	if u := m.Update; u != nil {
		u.ID %= 4096
		if u.SSRB != nil && u.SSRB.ID > 4096 {
			u.SSRB.ID = u.ID + 1 // mismatched: refused
		}
	}
	if q := m.Query; q != nil {
		q.Limit = min(max(q.Limit, 0), 1000)
	}
}
