package main

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var picListenLine = regexp.MustCompile(`accepts PICs of other hosts on (\S+)`)

// startListening starts `gnos CMD --data DIR --pic-listen 127.0.0.1:0`
// (daemon or servicesd), waits for the line containing ready and returns
// the address it listens on for PICs.
func startListening(t *testing.T, bin, command, dir, ready string) string {
	t.Helper()
	cmd := exec.Command(bin, command, "--data", dir, "--pic-listen", "127.0.0.1:0")
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(errp)
	addr := ""
	for sc.Scan() {
		if m := picListenLine.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
		if strings.Contains(sc.Text(), ready) {
			go func() {
				for sc.Scan() {
				}
			}()
			if addr == "" {
				t.Fatalf("gnos %s --pic-listen did not say where it listens", command)
			}
			return addr
		}
	}
	t.Fatalf("gnos %s did not start", command)
	return ""
}

func gnosRun(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("gnos %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestRemotePicdProcess: the documented steps, as processes on loopback.
// `gnos daemon --pic-listen` (or `gnos servicesd --pic-listen` beside
// `gnos configd`) makes the CA; `gnos pki issue` writes a PIC
// slot's files into another data directory (the PIC host's); `gnos picd
// --connect` there takes the slot from the embedded picd and is resynced;
// `gnos pki list` and `revoke` show and refuse its certificate, and the
// revoked picd is dropped and shown offline.
func TestRemotePicdProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs several processes")
	}
	bin := buildGnos(t)
	t.Run("daemon", func(t *testing.T) {
		re := t.TempDir()
		remotePicd(t, bin, re, startListening(t, bin, "daemon", re, "daemons running"))
	})
	t.Run("servicesd apart", func(t *testing.T) {
		re := t.TempDir()
		startProc(t, bin, "configd running", "configd", "--data", re)
		remotePicd(t, bin, re, startListening(t, bin, "servicesd", re, "servicesd (pid"))
	})
}

// remotePicd runs the steps against the routing engine in re listening on addr.
func remotePicd(t *testing.T, bin, re, addr string) {
	picHost := t.TempDir()
	c := dialCLI(t, re)
	c.run(threeServiceSets(1)...)
	c.waitPIC("the embedded picd", func(st picState) bool { return inSync(st, 3) })

	out := gnosRun(t, bin, "pki", "issue", "--fpc", "0", "--pic", "0", "--data", re, "--out", filepath.Join(picHost, "pki"))
	serial := regexp.MustCompile(`serial ([0-9a-f]+)`).FindStringSubmatch(out)
	if serial == nil {
		t.Fatalf("pki issue: got\n%s\nwant the serial", out)
	}
	pic := startProc(t, bin, "connecting", "picd", "--fpc", "0", "--pic", "0", "--data", picHost, "--connect", addr)
	st := c.waitPIC("the remote picd", func(st picState) bool { return st.pid == pic.Process.Pid && inSync(st, 3) })
	if !strings.Contains(st.out, "gnos-pic-fpc0-pic0, serial "+serial[1]) {
		t.Errorf("show chassis pic: got\n%s\nwant the remote picd's certificate", st.out)
	}
	if out := gnosRun(t, bin, "pki", "list", "--data", re); !strings.Contains(out, serial[1]+"   fpc0-pic0") || !strings.Contains(out, "valid") {
		t.Errorf("pki list: got\n%s\nwant %s valid", out, serial[1])
	}
	gnosRun(t, bin, "pki", "revoke", "--fpc", "0", "--pic", "0", "--data", re)
	c.waitPIC("the revoked picd dropped", func(st picState) bool { return strings.Contains(st.out, "picd not connected") })
	if out := gnosRun(t, bin, "pki", "list", "--data", re); !strings.Contains(out, "revoked") {
		t.Errorf("pki list after revoke: got\n%s", out)
	}
}
