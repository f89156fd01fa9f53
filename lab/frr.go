package lab

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// FRR runs FRRouting's zebra and staticd (Debian package frr) inside a
// namespace, every file of theirs (pid files, the zserv and vty sockets,
// logs) in one directory, for make bench's reference: FRR's vtysh loading
// static routes into the kernel beside gnos doing the same.
type FRR struct {
	NS, Dir string
	pids    []int
}

// FRRInstalled reports whether zebra, staticd and vtysh are there.
func FRRInstalled() bool {
	for _, p := range []string{"/usr/lib/frr/zebra", "/usr/lib/frr/staticd"} {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	_, err := exec.LookPath("vtysh")
	return err == nil
}

// StartFRR starts zebra and then staticd in ns (daemonised, as the frr
// user), with dir (created, owned by frr) for their files. Each daemon
// has its vty socket in dir when StartFRR returns (the daemon forks only
// once it is ready).
func StartFRR(ns, dir string) (*FRR, error) {
	u, err := user.Lookup("frr")
	if err != nil {
		return nil, fmt.Errorf("lab: frr user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	f := &FRR{NS: ns, Dir: dir}
	for _, d := range []string{"zebra", "staticd"} {
		pidFile := filepath.Join(dir, d+".pid")
		if _, err := Exec(ns, "/usr/lib/frr/"+d, "-d", "-f", "/dev/null", "-i", pidFile,
			"-z", filepath.Join(dir, "zserv.api"), "--vty_socket", dir, "-A", "127.0.0.1", "-P", "0",
			"-u", "frr", "-g", "frr", "--log", "file:"+filepath.Join(dir, d+".log")); err != nil {
			f.Close()
			return nil, err
		}
		b, err := os.ReadFile(pidFile)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lab: %s started without a pid file: %w", d, err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lab: %s pid file: %w", d, err)
		}
		f.pids = append(f.pids, pid)
	}
	return f, nil
}

// Vtysh runs `vtysh -f file` against the daemons (configuration commands,
// as FRR loads a configuration file).
func (f *FRR) Vtysh(file string) (string, error) {
	return Exec(f.NS, "vtysh", "--vty_socket", f.Dir, "-f", file)
}

// Close stops the daemons it started (staticd first), by their pids.
func (f *FRR) Close() {
	for i := len(f.pids) - 1; i >= 0; i-- {
		if p, err := os.FindProcess(f.pids[i]); err == nil {
			p.Signal(syscall.SIGTERM)
		}
	}
	f.pids = nil
}

// Running reports whether any daemon Close stopped (or StartFRR started)
// is still alive.
func (f *FRR) Running(pids ...int) bool {
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			return true
		}
	}
	return false
}

// Pids are the daemons' process ids.
func (f *FRR) Pids() []int { return append([]int(nil), f.pids...) }
