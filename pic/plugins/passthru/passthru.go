// Package passthru is the example service plugin: session-based, it
// passes every packet and stores a per-session description (an extension
// handle allocated from the object cache on the first packet, shown by
// show services sessions extensive, freed on session destroy; saved and
// restored as the session's HA state blob). It has no configuration of its own: a service-set runs it
// by naming it in extension-service and service-order. Its policy is the
// description its sessions get.
package passthru

import (
	"encoding/json"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

// Name is the plugin name used in service-order and package lists.
const Name = "passthru"

// Policy is what a passthru service-set tells its sessions.
type Policy struct {
	Description string `json:"description"`
}

// Compile returns the policy when the service-set names passthru in
// extension-service or service-order; nil otherwise.
func Compile(in *compile.Input) ([]byte, []string, error) {
	used := in.ServiceSet.ChildNamed("extension-service", Name) != nil
	for _, f := range compile.Values(compile.Active(in.ServiceSet, "service-order"), "forward-flow") {
		used = used || f == Name
	}
	if !used {
		return nil, nil, nil
	}
	b, err := json.Marshal(Policy{Description: "passthru for service-set " + in.Name})
	return b, nil, err
}

func init() {
	pic.Register(&pic.Plugin{Name: Name, Mode: pic.SessionBased, Restart: true, Compile: Compile,
		Control: func() pic.ControlHandler { return pic.JSONControl[Policy](Name) },
		Data:    func() pic.DataHandler { return &Data{} }})
}

// note is the per-session state: the description the session got.
type note struct{ description string }

// Data is passthru's data handler.
type Data struct{ notes *pic.Class[note] }

// FirstPacketOnly: passthru has nothing to do for later packets
// (pic.FirstPacketOnly).
func (d *Data) FirstPacketOnly() {}

// SessionEvents: passthru frees its note on destroy (pic.SessionEvents).
func (d *Data) SessionEvents() pic.EventSet { return pic.Events(pic.EvSessionDestroy) }

// Data handles the data events: every packet is forwarded.
func (d *Data) Data(ev pic.DataEvent, c *pic.DataCtx) pic.Result {
	switch ev {
	case pic.EvSessionManagerInit: // one object class, carved per core
		d.notes = pic.NewClass[note](c.Cache, Name, c.Cores, 256)
	case pic.EvFirstPacket:
		pol, _ := c.Policy.(*Policy)
		if pol == nil {
			return pic.ResultForward
		}
		n, ok := d.notes.Local(c.Core).Alloc()
		if !ok {
			return pic.DropMemlimit // object cache full
		}
		n.description = pol.Description
		pic.SetExt(c, pic.Forward, n)
	case pic.EvSessionDestroy:
		if n := pic.Ext[note](c, pic.Forward); n != nil {
			d.notes.Local(c.Core).Free(n)
			pic.SetExt[note](c, pic.Forward, nil)
		}
	}
	return pic.ResultForward
}

// SaveSession is the session's HA state blob: its description.
func (d *Data) SaveSession(c *pic.DataCtx, b []byte) []byte {
	if n := pic.Ext[note](c, pic.Forward); n != nil {
		return append(b, n.description[:min(len(n.description), pic.MaxStateBlob)]...)
	}
	return b
}

// RestoreSession gives a restored session its saved description.
func (d *Data) RestoreSession(c *pic.DataCtx, blob []byte) pic.Result {
	if blob == nil {
		return pic.OK
	}
	n, ok := d.notes.Local(c.Core).Alloc()
	if !ok {
		return pic.DropMemlimit
	}
	n.description = string(blob)
	pic.SetExt(c, pic.Forward, n)
	return pic.OK
}

// Describe returns the session's description.
func (d *Data) Describe(c *pic.DataCtx) string {
	if n := pic.Ext[note](c, pic.Forward); n != nil {
		return n.description
	}
	return ""
}
