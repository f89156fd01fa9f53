package dataplane

import (
	"testing"
	"unsafe"
)

// TestSessionLayout: every field an established packet reads or writes
// lies in a session's first hotBytes (its first two cache lines, which
// touchSessions pulls in), and a session is 256 bytes.
func TestSessionLayout(t *testing.T) {
	var s Session
	hot := []struct {
		name      string
		off, size uintptr
	}{
		{"flags", unsafe.Offsetof(s.flags), unsafe.Sizeof(s.flags)},
		{"TCP", unsafe.Offsetof(s.TCP), unsafe.Sizeof(s.TCP)},
		{"finSeen", unsafe.Offsetof(s.finSeen), unsafe.Sizeof(s.finSeen)},
		{"Side", unsafe.Offsetof(s.Side), unsafe.Sizeof(s.Side)},
		{"Key", unsafe.Offsetof(s.Key), unsafe.Sizeof(s.Key)},
		{"Pkts", unsafe.Offsetof(s.Pkts), unsafe.Sizeof(s.Pkts)},
		{"Bytes", unsafe.Offsetof(s.Bytes), unsafe.Sizeof(s.Bytes)},
		{"set", unsafe.Offsetof(s.set), unsafe.Sizeof(s.set)},
		{"last", unsafe.Offsetof(s.last), unsafe.Sizeof(s.last)},
	}
	for _, f := range hot {
		if f.off+f.size > hotBytes {
			t.Errorf("Session.%s at bytes %d-%d: past the first %d a packet reads", f.name, f.off, f.off+f.size, hotBytes)
		}
	}
	if SessionSize != 256 {
		t.Errorf("a session is %d bytes, want 256", SessionSize)
	}
}
