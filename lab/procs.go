package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The traffic of a rate measurement runs in processes of its own, in
// their namespaces, as the hosts it stands for would: inside the
// measuring process the clients and servers would share its Go scheduler
// with whatever it measures (an in-process gnos: its packet readers then
// wait for a P behind the clients' goroutines, which no router's packets
// do). Each is this executable again, started with an environment
// variable naming its role; the test binary's TestMain calls RoleIfAsked
// first thing, and it runs the role and exits.

// Roles and their environment variables.
const (
	floodEnv = "GNOS_LAB_FLOOD" // MeasurePPS's sender: "addr flows size duration"
	cpsEnv   = "GNOS_LAB_CPS"   // MeasureCPS's clients: "addr workers duration"
	serveEnv = "GNOS_LAB_SERVE" // ServeProcess: "port"
)

// RoleIfAsked runs the role this process was started for (MeasurePPS's
// sender, MeasureCPS's clients, ServeProcess's server) and exits; it
// returns at once in any other process.
func RoleIfAsked() {
	var err error
	switch {
	case os.Getenv(floodEnv) != "":
		err = floodRole(os.Getenv(floodEnv))
	case os.Getenv(cpsEnv) != "":
		err = cpsRole(os.Getenv(cpsEnv))
	case os.Getenv(serveEnv) != "":
		err = serveRole(os.Getenv(serveEnv))
	default:
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lab:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// roleCommand is this executable started in namespace ns for a role.
func roleCommand(ns, env, value string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", "netns", "exec", ns, self, "-test.run=^$")
	cmd.Env = append(os.Environ(), env+"="+value)
	return cmd, nil
}

// MeasureCPS opens TCP connections from namespace ns to addr (the lab
// server's line protocol: send a line, read the answer, close) from
// workers concurrent clients for d, and returns completed connections
// per second. The clients run in a process of their own.
func MeasureCPS(ns, addr string, workers int, d time.Duration) (float64, error) {
	cmd, err := roleCommand(ns, cpsEnv, fmt.Sprintf("%s %d %s", addr, workers, d))
	if err != nil {
		return 0, err
	}
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return 0, fmt.Errorf("lab: connections: %v: %s", err, ee.Stderr)
		}
		return 0, fmt.Errorf("lab: connections: %v", err)
	}
	cps, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		return 0, fmt.Errorf("lab: connections: the clients printed %q", out)
	}
	return cps, nil
}

// cpsRole is MeasureCPS's client process: it prints connections per
// second.
func cpsRole(v string) error {
	f := strings.Fields(v)
	if len(f) != 3 {
		return fmt.Errorf("bad %s=%q", cpsEnv, v)
	}
	workers, err1 := strconv.Atoi(f[1])
	d, err2 := time.ParseDuration(f[2])
	if err1 != nil || err2 != nil || workers <= 0 {
		return fmt.Errorf("bad %s=%q", cpsEnv, v)
	}
	var done atomic.Uint64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	deadline := time.Now().Add(d)
	t0 := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failures := 0
			for time.Now().Before(deadline) {
				if err := exchange(f[0]); err != nil {
					if failures++; failures > 100 {
						errs <- err
						return
					}
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	close(errs)
	for err := range errs {
		return err
	}
	fmt.Println(float64(done.Load()) / el.Seconds())
	return nil
}

// ProcServer is the lab server's TCP line protocol (answer a line with
// "seen ADDR", the peer's address) served by a process of its own.
type ProcServer struct {
	cmd  *exec.Cmd
	done chan error
}

// ServeProcess starts a ProcServer on TCP port in namespace ns and
// returns once it listens.
func ServeProcess(ns string, port int) (*ProcServer, error) {
	cmd, err := roleCommand(ns, serveEnv, strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &ProcServer{cmd: cmd, done: make(chan error, 1)}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "listening" {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("lab: server process: %q, %v: %s", line, err, stderr.String())
	}
	go func() {
		io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	return s, nil
}

// Close stops the server process.
func (s *ProcServer) Close() {
	s.cmd.Process.Kill()
	<-s.done
}

// serveRole is ServeProcess's server: it says "listening", then serves
// until killed.
func serveRole(v string) error {
	port, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("bad %s=%q", serveEnv, v)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	fmt.Println("listening")
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go answer(c)
	}
}
