package servicesd

import (
	"path/filepath"

	"github.com/gnos/gnos/internal/ipc"
)

// SocketPath is servicesd's socket under a data directory: every picd,
// in-process or not, connects there.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, "services.sock") }

// Listen serves the PIC streams on an owner-only Unix socket at path.
func (s *Servicesd) Listen(path string) error {
	lis, err := ipc.ListenUnix(path)
	if err != nil {
		return err
	}
	g := ipc.NewServer()
	s.Register(g)
	s.mu.Lock()
	s.srv, s.lis = g, lis
	s.mu.Unlock()
	go g.Serve(lis)
	return nil
}

// Close stops serving: every PIC stream ends (picds reconnect to the next
// servicesd).
func (s *Servicesd) Close() {
	s.mu.Lock()
	g := s.srv
	s.srv = nil
	s.mu.Unlock()
	if g != nil {
		g.Stop()
	}
}
