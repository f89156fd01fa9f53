package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Each user has a home directory in the file area, DATA/files/home/USER
// (Junos' /var/home/USER): `save`, `| save`, `load`, `file list` and
// `file show` take relative names from it. A user whose login class may
// not configure (RestrictFiles) writes only inside their own home: they
// can read the rest of the file area but overwrite nobody's files. The
// super-user class writes anywhere in the area.

// homeRel is user's home relative to the file area.
func homeRel(user string) string {
	if user == "" || user == "." || user == ".." || strings.ContainsAny(user, "/\\\x00") {
		user = "_"
	}
	return filepath.Join("home", user)
}

// User is the session's login name.
func (s *Session) User() string { return s.user }

// RestrictFiles confines this session's writes to the user's home
// directory (front ends call it for classes below super-user).
func (s *Session) RestrictFiles() { s.ownFilesOnly = true }

// FilesRestricted reports whether RestrictFiles was called.
func (s *Session) FilesRestricted() bool { return s.ownFilesOnly }

// filePath resolves a file name of this session's user (write: for
// writing) in the file tree, relative to the working directory (see
// Session.resolve in ops_files.go).
func (s *Session) filePath(name string, write bool) (string, error) {
	p, _, err := s.resolve(name, write)
	return p, err
}

// UserFilePath resolves name for user in the file area of dataDir:
// relative names in the user's home (created on first use), absolute ones
// as FilePath does. With restricted, a write outside the user's home is
// refused. Other daemons' file commands (traffic replay and capture) use
// it with the session's user.
func UserFilePath(dataDir, user string, restricted bool, name string, write bool) (string, error) {
	home := filepath.Join(dataDir, "files", homeRel(user))
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", fmt.Errorf("home directory: %w", err)
	}
	rel := name
	if name != "" && !filepath.IsAbs(name) {
		rel = filepath.Join(homeRel(user), name)
	}
	p, err := FilePath(dataDir, rel)
	if err != nil {
		return "", err
	}
	if write && restricted && !within(home, p) {
		return "", fmt.Errorf("%s: permission denied: you may write only in your home directory (/%s)", name, homeRel(user))
	}
	return p, nil
}

// HomeDir is user's home directory in the file area.
func (e *Engine) HomeDir(user string) string { return filepath.Join(e.FilesDir(), homeRel(user)) }
