package nat

import (
	"encoding/binary"

	"github.com/gnos/gnos/pic"
)

// NAT's HA state blob is the session's translation: u8 type (0 napt-44,
// 1 basic-nat44), private address (4), public address (4), private port,
// public port (u16 each), u8 length and the pool's name. Restoring it
// takes that very address and port from the pool of that name in the
// current policy, so the session keeps its public address and port; when
// the pool is gone, no longer holds the address or port, or another
// session took them meanwhile, the session is refused.

const (
	blobNAPT  = 0
	blobBasic = 1
)

// SaveSession writes the session's translation.
func (d *Data) SaveSession(c *pic.DataCtx, b []byte) []byte {
	x, ok := translation(c)
	if !ok || len(x.pool.name)+14 > pic.MaxStateBlob {
		return b
	}
	kind := byte(blobNAPT)
	if x.ai < 0 {
		kind = blobBasic
	}
	sd := x.sides(c.Session)
	b = append(b, kind)
	b = append(b, sd.orig[:]...)
	b = append(b, sd.pub[:]...)
	b = binary.BigEndian.AppendUint16(b, sd.origPort)
	b = binary.BigEndian.AppendUint16(b, sd.pubPort)
	return append(append(b, byte(len(x.pool.name))), x.pool.name...)
}

// RestoreSession takes the saved translation again.
func (d *Data) RestoreSession(c *pic.DataCtx, blob []byte) pic.Result {
	if blob == nil {
		return pic.OK // the session was not translated
	}
	pol, _ := c.Policy.(*Policy)
	if pol == nil || len(blob) < 14 || 14+int(blob[13]) != len(blob) || blob[0] > blobBasic {
		return pic.Drop
	}
	pl := pol.pools[string(blob[14:])]
	if pl == nil {
		return pic.Drop
	}
	x := xlate{pool: pl, ai: -1}
	sd := sides{orig: [4]byte(blob[1:5]), pub: [4]byte(blob[5:9]),
		origPort: binary.BigEndian.Uint16(blob[9:]), pubPort: binary.BigEndian.Uint16(blob[11:])}
	if k := keySides(c.Session); sd.orig != k.orig || sd.pub != k.pub ||
		(blob[0] == blobNAPT && (sd.origPort != k.origPort || sd.pubPort != k.pubPort)) {
		return pic.Drop // the translation is the session's keys' (xlate.sides): a blob that disagrees is not this session's
	}
	if blob[0] == blobNAPT {
		ai := pl.index(sd.pub)
		if ai < 0 || !pl.claimPort(ai, sd.pubPort) {
			pl.fails.Add(1)
			return pic.Drop
		}
		x.ai = int32(ai)
	} else if !pl.claimAddr(sd.orig, sd.pub) {
		pl.fails.Add(1)
		return pic.Drop
	}
	x.set(c)
	return pic.OK
}

// index is the position of public address a in the pool, -1 if none.
func (pl *pool) index(a [4]byte) int {
	for i, b := range pl.addrs {
		if b == a {
			return i
		}
	}
	return -1
}

// claimPort takes port of address ai, which must be in the pool's range
// and free.
func (pl *pool) claimPort(ai int, port uint16) bool {
	if port < pl.lo || port > pl.hi {
		return false
	}
	w := &pl.ports[ai][port>>6]
	bit := uint64(1) << (port & 63)
	for {
		old := w.Load()
		if old&bit != 0 {
			return false
		}
		if w.CompareAndSwap(old, old|bit) {
			pl.inUse.Add(1)
			return true
		}
	}
}

// claimAddr maps priv to pub (basic-nat44): pub must be free, or be priv's
// mapping already.
func (pl *pool) claimAddr(priv, pub [4]byte) bool {
	if pl.index(pub) < 0 {
		return false
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if m := pl.bymap[priv]; m != nil {
		if m.pub != pub {
			return false
		}
		m.refs++
		return true
	}
	if pl.taken[pub] {
		return false
	}
	pl.taken[pub] = true
	pl.bymap[priv] = &mapping{pub: pub, refs: 1}
	pl.inUse.Add(1)
	return true
}
