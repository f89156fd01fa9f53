package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/lab"
)

// nodeOptions are the options of `gnos run` and `gnos daemon`.
func nodeOptions(data string, live bool) compose.Options {
	o := compose.Options{DataDir: data}
	if live {
		o.Live = &compose.Live{} // the namespace gnos runs in
	}
	return o
}

// labName is the prefix of the lab's namespaces.
const labName = "gnos-lab"

// labCmd builds (up), shows (status) or tears down (down) the lab: three
// namespaces and gnos daemon --live in the router one, its data in DATA
// (--data, as for every command).
func labCmd(ctx context.Context, data string, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: gnos lab [--data DIR] up|down|status")
	}
	l := lab.New(labName)
	pidFile := filepath.Join(data, "lab.pid")
	switch args[0] {
	case "up":
		if !lab.Permitted() {
			return errors.New("lab: needs root (network namespaces)")
		}
		if err := l.Up(); err != nil {
			return err
		}
		if err := labStart(ctx, l, data, pidFile); err != nil {
			l.Down()
			return err
		}
		fmt.Printf(`lab up: namespaces %s (%s), %s (gnos), %s (%s)
gnos daemon --live runs in %s; data in %s, log in %s
  configure:  ip netns exec %s gnos cli --data %s
  traffic:    ip netns exec %s ping %s
  tear down:  gnos lab --data %s down
`, l.Client, lab.ClientAddr, l.Router, l.Server, lab.ServerAddr, l.Router, data,
			filepath.Join(data, "gnos.log"), l.Router, data, l.Client, lab.ServerAddr, data)
		return nil
	case "down":
		labStop(pidFile)
		return l.Down()
	case "status":
		for _, ns := range []string{l.Client, l.Router, l.Server} {
			out, err := lab.Exec(ns, "ip", "-br", "addr")
			if err != nil {
				fmt.Printf("%s: not running\n", ns)
				continue
			}
			fmt.Printf("%s:\n%s", ns, out)
		}
		if pid, err := readPid(pidFile); err == nil && syscall.Kill(pid, 0) == nil {
			fmt.Printf("gnos daemon --live: pid %d\n", pid)
		} else {
			fmt.Println("gnos daemon: not running")
		}
		return nil
	}
	return fmt.Errorf("lab: unknown action %q (up, down, status)", args[0])
}

// labStart runs this binary as `gnos daemon --live` inside the router
// namespace, in the background, and waits for its socket.
func labStart(ctx context.Context, l *lab.Lab, data, pidFile string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(data, "gnos.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("ip", "netns", "exec", l.Router, self, "daemon", "--live", "--data", data)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlives this command
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	sock := compose.SocketPath(data)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			return nil
		}
		select {
		case err := <-done:
			return fmt.Errorf("lab: gnos daemon exited (%v); see %s", err, logf.Name())
		case <-deadline:
			return fmt.Errorf("lab: gnos daemon did not open %s", sock)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// labStop stops the lab's daemon (SIGTERM, the process group the lab
// started) and waits for it to go.
func labStop(pidFile string) {
	pid, err := readPid(pidFile)
	if err != nil {
		return
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // a process we do not parent: nothing to wait on
	}
	os.Remove(pidFile)
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(b))
}
