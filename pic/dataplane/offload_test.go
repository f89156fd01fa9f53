package dataplane

import (
	"encoding/binary"
	"testing"
)

// toPartial turns p's complete transport checksum into the kernel's
// CHECKSUM_PARTIAL form (the pseudo-header's sum, uncomplemented) and
// marks the packet so.
func toPartial(t *testing.T, p *Packet) {
	t.Helper()
	off := 16
	if p.Proto == ProtoUDP {
		off = 6
	}
	d := p.Data
	s := pseudoSum(d, p.V6, p.Proto, len(d)-p.L4)
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	binary.BigEndian.PutUint16(d[p.L4+off:], uint16(s))
	p.Offload = Offload{Partial: true, CsumStart: uint16(p.L4), CsumOffset: uint16(off)}
	if validChecksums(p) {
		t.Fatal("partial form passes as complete: the test would prove nothing")
	}
}

// complete does what the kernel does with a partial checksum.
func complete(p *Packet) {
	c := int(p.Offload.CsumStart) + int(p.Offload.CsumOffset)
	binary.BigEndian.PutUint16(p.Data[c:], Checksum(p.Data[p.Offload.CsumStart:], 0))
}

func TestRewriteAddr4Partial(t *testing.T) {
	for name, spec := range map[string]PacketSpec{
		"tcp":       tcp(cli4, srv4, 1234, 80, TCPAck, 7, 9),
		"tcp-super": {Src: cli4, Dst: srv4, Proto: ProtoTCP, SPort: 1234, DPort: 80, Flags: TCPAck, Payload: 30000},
		"udp":       {Src: cli4, Dst: srv4, Proto: ProtoUDP, SPort: 1, DPort: 53, Payload: 33},
	} {
		t.Run(name, func(t *testing.T) {
			var pool PacketPool
			p := pool.Get()
			if spec.Payload > MaxPacket-60 { // a super-packet: built in a large buffer
				var small Packet
				pay := spec.Payload
				spec.Payload = 0
				if err := small.Build(spec); err != nil {
					t.Fatal(err)
				}
				lb := pool.GetLarge(nil)
				n := copy(lb[LargeHeadroom:], small.Data)
				for i := 0; i < pay; i++ {
					lb[LargeHeadroom+n+i] = byte(i)
				}
				p.AttachLarge(lb, LargeHeadroom, n+pay)
				binary.BigEndian.PutUint16(p.Data[2:], uint16(n+pay))
				binary.BigEndian.PutUint16(p.Data[10:], 0)
				binary.BigEndian.PutUint16(p.Data[10:], Checksum(p.Data[:20], 0))
				if err := p.Parse(); err != nil || len(p.Data) != n+pay {
					t.Fatalf("super-packet: Parse %v, %d bytes", err, len(p.Data))
				}
			} else if err := p.Build(spec); err != nil {
				t.Fatal(err)
			}
			toPartial(t, p)
			p.RewriteAddr4(true, [4]byte{203, 0, 113, 9}, 61000)
			p.RewriteAddr4(false, [4]byte{198, 51, 100, 1}, 4444)
			complete(p)
			if !validChecksums(p) {
				t.Errorf("checksums invalid after rewrite and completion")
			}
			if err := p.Parse(); err != nil || p.SPort != 61000 || p.DPort != 4444 || p.Src4() != [4]byte{203, 0, 113, 9} {
				t.Errorf("got %+v %v after rewrite", p.Key(), err)
			}
			pool.Put(p)
			if p.large != nil {
				t.Errorf("Put kept the large buffer on the packet")
			}
		})
	}
}

func TestClampMSSPartial(t *testing.T) {
	var p Packet
	if err := p.Build(PacketSpec{Src: cli4, Dst: srv4, Proto: ProtoTCP, SPort: 1, DPort: 80, Flags: TCPSyn, Payload: 4}); err != nil {
		t.Fatal(err)
	}
	d := p.Data
	d[p.L4+12] = 6 << 4 // the 4 payload bytes become the MSS option
	copy(d[p.L4+20:], []byte{2, 4, 0x05, 0xb4})
	binary.BigEndian.PutUint16(d[p.L4+16:], 0)
	binary.BigEndian.PutUint16(d[p.L4+16:], Checksum(d[p.L4:], pseudoSum(d, false, ProtoTCP, len(d)-p.L4)))
	if err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	toPartial(t, &p)
	if !p.ClampMSS(1360) {
		t.Fatal("ClampMSS: got no change, want 1460 lowered to 1360")
	}
	complete(&p)
	if mss, _ := p.MSS(); mss != 1360 || !validChecksums(&p) {
		t.Errorf("after clamp: MSS %d, checksums valid %v; want 1360, true", mss, validChecksums(&p))
	}
}

func TestLargePoolBound(t *testing.T) {
	var pool PacketPool
	pool.SetLargeLimit(2)
	a, b := pool.GetLarge(nil), pool.GetLarge(nil)
	if a == nil || b == nil || a == b {
		t.Fatalf("first two: got %p %p, want two buffers", a, b)
	}
	done := make(chan struct{})
	close(done)
	if c := pool.GetLarge(done); c != nil {
		t.Errorf("third past a limit of 2: got a buffer, want nil (wait, then done)")
	}
	p := pool.Get()
	p.AttachLarge(a, LargeHeadroom, 100)
	pool.Put(p) // gives a back
	if c := pool.GetLarge(done); c != a {
		t.Errorf("after a packet with a large buffer went back: got %p, want its buffer %p", c, a)
	}
}
