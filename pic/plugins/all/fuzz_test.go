package all_test

// FuzzSSRB decodes an arbitrary SSRB as a picd receives it, hands each of
// its policies to the real plugins' control handlers (stateful-firewall,
// nat, passthru), installs the service-set in a data plane and pushes an
// arbitrary packet through it in both directions. Bad policies must be
// refused with an error; nothing may panic, whatever the policy bytes, the
// chains or the packet.

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/plugins/nat"
	"github.com/gnos/gnos/pic/plugins/sfw"
)

func FuzzSSRB(f *testing.F) {
	syn := &pic.Packet{}
	if err := syn.Build(pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoTCP, SPort: 40000, DPort: 80, Flags: pic.TCPSyn}); err != nil {
		f.Fatal(err)
	}
	udp := &pic.Packet{}
	if err := udp.Build(pic.PacketSpec{Src: client, Dst: server, Proto: pic.ProtoUDP, SPort: 1234, DPort: 53, Payload: 20}); err != nil {
		f.Fatal(err)
	}
	if b, err := os.ReadFile("../../../servicesd/testdata/ssrbs.json"); err == nil {
		var sets []json.RawMessage
		if json.Unmarshal(b, &sets) == nil {
			for _, s := range sets {
				f.Add([]byte(s), append([]byte(nil), syn.Data...))
				f.Add([]byte(s), append([]byte(nil), udp.Data...))
			}
		}
	}
	f.Add([]byte(`{"id":1,"name":"x","forward":["nat"],"reverse":["nat"],"policies":[{"plugin":"nat","data":{"pools":[{"name":"p","addresses":[]}],"rules":[{"name":"r","terms":[{"name":"t","source-pool":"p","translation-type":"napt-44"}]}]}}]}`), append([]byte(nil), udp.Data...))
	f.Add([]byte(`{"id":1,"forward":["stateful-firewall","stateful-firewall"],"policies":[{"plugin":"stateful-firewall","data":{"rules":[{"terms":[{"apps":[{"protocol":"tcp","destination-port":"99999"}]}]}]}}]}`), append([]byte(nil), syn.Data...))
	f.Fuzz(func(t *testing.T, ssrbJSON, packet []byte) {
		var s dataplane.SSRB
		if json.Unmarshal(ssrbJSON, &s) != nil {
			return
		}
		s.ID = 1 // servicesd allocates ids densely from 1
		db := dataplane.NewPolicyDB(1<<20, 1)
		oc := dataplane.NewObjectCache(1 << 20)
		ctx := context.Background()
		var plugins []*pic.Plugin
		handlers := map[string]pic.ControlHandler{}
		for _, name := range []string{sfw.Name, nat.Name, "passthru"} {
			p := pic.Lookup(name)
			if p == nil {
				continue
			}
			h := p.Control()
			if err := h.Control(ctx, &pic.ControlEvent{Kind: pic.EvInit, Plugin: p.Slot(), DB: db, Cache: oc}); err != nil {
				t.Fatal(err)
			}
			plugins = append(plugins, p)
			handlers[name] = h
		}
		for _, pol := range s.Policies {
			p, h := pic.Lookup(pol.Plugin), handlers[pol.Plugin]
			if h == nil {
				continue
			}
			_ = h.Control(ctx, &pic.ControlEvent{Kind: pic.EvPolicyAdd, Plugin: p.Slot(), ServiceSet: s.ID,
				Name: s.Name, Gen: s.Gen, Policy: pol.Data}) // a refusal is an error, not a crash
		}
		dp, err := dataplane.NewDataplane(dataplane.DataplaneOptions{Cores: 1, DB: db, Cache: oc,
			Clock: clock.NewFake(time.Unix(0, 0)), Plugins: pic.DataPlugins(plugins), Tx: func(int, []*pic.Packet) {}})
		if err != nil {
			t.Fatal(err)
		}
		if dp.SetServiceSet(&s) != nil {
			return
		}
		for _, side := range []pic.Side{pic.Input, pic.Output} {
			p := &pic.Packet{ServiceSet: s.ID, Side: side}
			p.SetData(packet)
			if p.Parse() != nil {
				return
			}
			c := dp.Core(0)
			db.Online(c.ID())
			c.Process([]*pic.Packet{p})
			db.Quiesce(c.ID())
		}
		dp.DeleteServiceSet(s.ID)
	})
}
