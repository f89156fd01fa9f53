package eventlog

import (
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/internal/clock"
)

func withConfig(t *testing.T, l *Log, text string) {
	t.Helper()
	s, err := schema.Default()
	if err != nil {
		t.Fatal(err)
	}
	root, _, err := format.ParseText(s.Root, text)
	if err != nil {
		t.Fatal(err)
	}
	l.configure(root)
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func TestFilesByFacilityAndLevel(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Date(2026, 12, 3, 9, 42, 1, 0, time.UTC))
	l := New(Options{Dir: dir, Clock: clk, Hostname: "r1"})
	withConfig(t, l, `system {
    syslog {
        file messages {
            any notice;
            authorization info;
        }
        file interactive-commands {
            interactive-commands any;
        }
    }
}
`)
	log := slog.New(l.Handler(slog.NewTextHandler(new(strings.Builder), nil)))
	log.Info("User 'root' requested 'commit' operation (comment: none)", "tag", "UI_COMMIT",
		"facility", "interactive-commands", "severity", "notice", "process", "mgd", "seq", 3)
	log.Warn("Login failed for user 'x' from host '192.0.2.7'", "tag", "SSHD_LOGIN_FAILED", "facility", "authorization", "process", "sshd")
	log.Info("servicesd: PIC connected", "pic", "fpc0/pic0") // daemon info: below messages' notice
	log.Debug("chatter", "facility", "interactive-commands") // any: even debug
	msgs := read(t, dir, "messages")
	want := "Dec  3 09:42:01  r1 mgd[" // Junos' layout: two spaces before the host
	if !strings.HasPrefix(msgs, want) || !strings.Contains(msgs, ": UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n") {
		t.Errorf("messages:\n%s", msgs)
	}
	if !strings.Contains(msgs, "sshd[") || !strings.Contains(msgs, "SSHD_LOGIN_FAILED: Login failed for user 'x'") {
		t.Errorf("messages lacks the failed login (authorization info):\n%s", msgs)
	}
	if strings.Contains(msgs, "PIC connected") || strings.Contains(msgs, "chatter") {
		t.Errorf("messages took what is below its levels:\n%s", msgs)
	}
	ic := read(t, dir, "interactive-commands")
	if strings.Count(ic, "\n") != 2 || !strings.Contains(ic, "chatter") || strings.Contains(ic, "SSHD") {
		t.Errorf("interactive-commands:\n%s", ic)
	}
	// unconfigured: nothing more is written
	withConfig(t, l, "system { host-name r1; }\n")
	log.Error("after", "facility", "interactive-commands")
	if strings.Contains(read(t, dir, "interactive-commands"), "after") {
		t.Error("a file no longer configured was written")
	}
}

func TestArchive(t *testing.T) {
	dir := t.TempDir()
	l := New(Options{Dir: dir, Clock: clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))})
	withConfig(t, l, `system {
    syslog {
        file small {
            any any;
            archive {
                size 1k;
                files 2;
            }
        }
    }
}
`)
	for i := 0; i < 100; i++ { // ~70 bytes a line: several archives' worth
		l.Write(Record{Severity: Error, Message: strings.Repeat("x", 30)})
	}
	for _, name := range []string{"small", "small.0", "small.1"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Size() > 1024 || fi.Size() == 0 {
			t.Errorf("%s: %v, %v", name, fi, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "small.2")); err == nil {
		t.Error("more archives than files 2")
	}
}

func TestHostRFC5424(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := pc.LocalAddr().(*net.UDPAddr).Port
	l := New(Options{Dir: t.TempDir(), Clock: clock.NewFake(time.Date(2026, 12, 3, 9, 42, 1, 0, time.UTC)),
		Hostname: "r1"})
	withConfig(t, l, "system { syslog { host 127.0.0.1 { authorization info; port "+strconv.Itoa(port)+"; } } }\n")
	l.Write(Record{Facility: "authorization", Severity: Warning, Process: "sshd", Tag: "SSHD_LOGIN_FAILED", Message: "Login failed"})
	buf := make([]byte, 1024)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	// PRI = authorization (4) * 8 + warning (4)
	got := string(buf[:n])
	if !strings.HasPrefix(got, "<36>1 2026-12-03T09:42:01Z r1 sshd ") || !strings.HasSuffix(got, " SSHD_LOGIN_FAILED - Login failed") {
		t.Errorf("datagram %q", got)
	}
}
