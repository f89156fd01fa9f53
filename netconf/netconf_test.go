package netconf_test

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testkit"
	"github.com/gnos/gnos/netconf"
	_ "github.com/gnos/gnos/pic/plugins/all"
)

func TestHelloAndFramings(t *testing.T) {
	n, _ := startNode(t)
	for _, tt := range []struct {
		name   string
		base11 bool
	}{{"base1.0 end-of-message", false}, {"base1.1 chunked", true}} {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, n, "admin", tt.base11)
			if c.hello.Value("session-id") == "" {
				t.Fatalf("server hello without session-id")
			}
			caps := map[string]bool{}
			for _, k := range c.hello.Child("capabilities").Kids {
				caps[k.Text] = true
			}
			for _, want := range []string{"urn:ietf:params:netconf:base:1.1", "urn:ietf:params:netconf:capability:candidate:1.0",
				"urn:ietf:params:netconf:capability:confirmed-commit:1.0", "urn:ietf:params:netconf:capability:validate:1.0"} {
				if !caps[want] {
					t.Errorf("hello lacks capability %s", want)
				}
			}
			r := ok(t, c.rpc(`<get-configuration/>`))
			if got := r.Child("configuration").Child("system").Value("host-name"); got != "lab1" {
				t.Fatalf("host-name = %q, want lab1", got)
			}
			// a second RPC on the same session, then close-session
			ok(t, c.rpc(`<get-config><source><running/></source></get-config>`))
			if r := ok(t, c.rpc(`<close-session/>`)); !r.Has("ok") {
				t.Fatalf("close-session: got no <ok/>")
			}
		})
	}
}

func TestJunosConfigurationAPI(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "admin", true)
	steps := []struct {
		name  string
		rpc   string
		check func(t *testing.T, r *nodeT)
	}{
		{"load set", `<load-configuration action="set" format="text"><configuration-set>set system domain-name example.net</configuration-set></load-configuration>`,
			func(t *testing.T, r *nodeT) { has(t, r, "load-configuration-results") }},
		{"compare", `<get-configuration compare="rollback" rollback="0" format="text"/>`,
			func(t *testing.T, r *nodeT) {
				out := r.Child("configuration-information").Value("configuration-output")
				if !strings.Contains(out, "+  domain-name example.net;") {
					t.Fatalf("compare = %q, want the added domain-name", out)
				}
			}},
		{"commit check", `<commit-configuration><check/></commit-configuration>`,
			func(t *testing.T, r *nodeT) {
				has(t, r.Child("commit-results").Child("routing-engine"), "commit-check-success")
			}},
		{"commit with log", `<commit-configuration><log>first</log></commit-configuration>`,
			func(t *testing.T, r *nodeT) {
				has(t, r.Child("commit-results").Child("routing-engine"), "commit-success")
			}},
		{"load text", `<load-configuration action="merge" format="text"><configuration-text>system { time-zone Europe/Paris; }</configuration-text></load-configuration>`, nil},
		{"load xml", `<load-configuration action="merge" format="xml"><configuration><system><host-name>lab2</host-name></system></configuration></load-configuration>`, nil},
		{"validate", `<validate><source><candidate/></source></validate>`, nil},
		{"candidate text", `<get-configuration format="text"><configuration><system/></configuration></get-configuration>`,
			func(t *testing.T, r *nodeT) {
				txt := r.Value("configuration-text")
				if !strings.Contains(txt, "host-name lab2;") || !strings.Contains(txt, "time-zone Europe/Paris;") {
					t.Fatalf("candidate = %q, want host-name lab2 and the time-zone", txt)
				}
			}},
		{"commit confirmed", `<commit-configuration><confirmed/><confirm-timeout>5</confirm-timeout><log>try</log></commit-configuration>`, nil},
		{"confirm", `<commit-configuration/>`, nil},
		{"commit information", `<get-commit-information/>`,
			func(t *testing.T, r *nodeT) {
				ci := r.Child("commit-information")
				if got := len(ci.Kids); got < 3 {
					t.Fatalf("commit-history entries = %d, want at least 3", got)
				}
				if h := ci.Child("commit-history"); h.Value("user") != "admin" || h.Value("client") != "netconf" {
					t.Fatalf("last commit by %s via %s, want admin via netconf", h.Value("user"), h.Value("client"))
				}
			}},
		{"rollback 2", `<load-configuration rollback="2"/>`, nil},
		{"diff after rollback", `<get-configuration compare="rollback" rollback="0" format="text"/>`,
			func(t *testing.T, r *nodeT) {
				out := r.Child("configuration-information").Value("configuration-output")
				if !strings.Contains(out, "-  host-name lab2;") || !strings.Contains(out, "+  host-name lab1;") {
					t.Fatalf("compare after rollback 2 = %q, want host-name lab2 replaced by lab1", out)
				}
			}},
		{"discard", `<discard-changes/>`, nil},
		{"lock", `<lock-configuration/>`, nil},
		{"unlock", `<unlock-configuration/>`, nil},
		{"std lock", `<lock><target><candidate/></target></lock>`, nil},
		{"std unlock", `<unlock><target><candidate/></target></unlock>`, nil},
		{"edit-config delete", `<edit-config><target><candidate/></target><config><configuration><system><time-zone operation="delete"/></system></configuration></config></edit-config>`, nil},
		{"std commit", `<commit/>`, nil},
		{"committed xml", `<get-configuration database="committed"><configuration><system><time-zone/></system></configuration></get-configuration>`,
			func(t *testing.T, r *nodeT) {
				if r.Child("configuration").Child("system").Has("time-zone") {
					t.Fatalf("time-zone still committed after edit-config delete")
				}
			}},
		{"set format", `<get-configuration database="committed" format="set"/>`,
			func(t *testing.T, r *nodeT) {
				if !strings.Contains(r.Value("configuration-set"), "set system host-name lab2") {
					t.Fatalf("set form = %q", r.Value("configuration-set"))
				}
			}},
		{"rollback information", `<get-rollback-information><rollback>1</rollback><compare>0</compare></get-rollback-information>`,
			func(t *testing.T, r *nodeT) { has(t, r.Child("rollback-information"), "configuration-information") }},
	}
	for _, st := range steps {
		r := c.rpc(st.rpc)
		if errs := errorsOf(r); len(errs) > 0 {
			t.Fatalf("%s: got rpc-error %q", st.name, errs)
		}
		if st.check != nil {
			t.Run(st.name, func(t *testing.T) { st.check(t, r) })
		}
	}
}

func TestPrivateAndLocks(t *testing.T) {
	n, _ := startNode(t)
	a := dial(t, n, "admin", true)
	b := dial(t, n, "admin", false)
	ok(t, a.rpc(`<lock-configuration/>`))
	wantError(t, b.rpc(`<lock-configuration/>`), "lock-denied")
	ok(t, a.rpc(`<unlock-configuration/>`))
	ok(t, b.rpc(`<lock-configuration/>`))
	ok(t, b.rpc(`<unlock-configuration/>`))

	ok(t, a.rpc(`<open-configuration><private/></open-configuration>`))
	ok(t, a.rpc(`<load-configuration action="set"><configuration-set>set system domain-name private.example</configuration-set></load-configuration>`))
	// b's view of the candidate does not see a's private change
	r := ok(t, b.rpc(`<get-configuration><configuration><system><domain-name/></system></configuration></get-configuration>`))
	if r.Child("configuration").Child("system").Has("domain-name") {
		t.Fatalf("a private change is visible to another session")
	}
	ok(t, a.rpc(`<commit-configuration/>`))
	ok(t, a.rpc(`<close-configuration/>`))
	r = ok(t, b.rpc(`<get-configuration database="committed"/>`))
	if got := r.Child("configuration").Child("system").Value("domain-name"); got != "private.example" {
		t.Fatalf("committed domain-name = %q, want private.example", got)
	}

	// kill-session ends a session and releases its lock
	ok(t, a.rpc(`<lock><target><candidate/></target></lock>`))
	wantError(t, b.rpc(`<lock><target><candidate/></target></lock>`), "lock-denied")
	ok(t, b.rpc(`<kill-session><session-id>`+a.hello.Value("session-id")+`</session-id></kill-session>`))
	if _, err := a.try(`<get-configuration/>`); err == nil {
		t.Fatalf("killed session still answers")
	}
	ok(t, b.rpc(`<lock><target><candidate/></target></lock>`)) // released before kill-session replied
}

func TestCommandsAndTableRPCs(t *testing.T) {
	n, _ := startNode(t)
	c := dial(t, n, "oper", true)
	r := ok(t, c.rpc(`<get-software-information/>`))
	if got := r.Child("software-information").Value("host-name"); got != "lab1" {
		t.Fatalf("software-information host-name = %q, want lab1", got)
	}
	r = ok(t, c.rpc(`<command format="text">show version</command>`))
	if out := r.Value("output"); !strings.Contains(out, "Hostname: lab1") {
		t.Fatalf("show version text = %q", out)
	}
	// show configuration's text comes back as Junos returns it, in
	// configuration-information/configuration-output (Ansible's
	// junos_command reads it there), however abbreviated or piped
	for _, line := range []string{"show configuration system host-name", "sh conf system | display set"} {
		r = ok(t, c.rpc(`<command format="text">`+line+`</command>`))
		if r.Has("output") {
			t.Fatalf("%s: got <output>, want <configuration-information>", line)
		}
		if out := r.Child("configuration-information").Value("configuration-output"); !strings.Contains(out, "lab1") {
			t.Fatalf("%s: configuration-output = %q, want the host-name", line, out)
		}
	}
	r = ok(t, c.rpc(`<command format="set">show configuration system</command>`))
	if out := r.Value("configuration-set"); !strings.Contains(out, "set system host-name lab1") {
		t.Fatalf("format=set: configuration-set = %q, want set system host-name lab1", out)
	}
	r = ok(t, c.rpc(`<command format="text">show system commit</command>`))
	if r.Has("configuration-information") || !r.Has("output") {
		t.Fatalf("show system commit text: got %v, want <output>", names(r))
	}
	r = ok(t, c.rpc(`<command>show version</command>`))
	if !r.Has("software-information") {
		t.Fatalf("<command> xml: got %v, want <software-information>", names(r))
	}
	r = ok(t, c.rpc(`<get-software-information format="text"/>`))
	if !strings.Contains(r.Value("output"), "Hostname: lab1") {
		t.Fatalf("format=text reply = %q", r.Value("output"))
	}
	wantError(t, c.rpc(`<get-software-information><all-servers/></get-software-information>`), "unknown-element")
	wantError(t, c.rpc(`<command>show version invoke-on all-routing-engines</command>`), "operation-failed")
	ok(t, c.rpc(`<get-route-engine-information/>`))
	r = ok(t, c.rpc(`<get-alarm-information/>`)) // servicesd's PIC alarms: the CLI table's RPC
	if !r.Child("alarm-information").Child("alarm-summary").Has("no-active-alarms") {
		t.Fatalf("get-alarm-information: got %v, want alarm-summary/no-active-alarms", names(r.Child("alarm-information")))
	}
	r = ok(t, c.rpc(`<get-chassis-inventory/>`))
	if r.Child("chassis-inventory").Child("chassis").Value("serial-number") == "" {
		t.Fatalf("chassis-inventory without serial-number")
	}
	// operator: no configuration
	wantError(t, c.rpc(`<load-configuration action="set"><configuration-set>set system host-name x</configuration-set></load-configuration>`), "access-denied")
	wantError(t, c.rpc(`<command>configure</command>`), "access-denied")
	admin := dial(t, n, "admin", false)
	wantError(t, admin.rpc(`<command>configure private</command>`), "operation-not-supported")
}

func TestClassesAndErrors(t *testing.T) {
	n, _ := startNode(t)
	ro := dial(t, n, "ro", true)
	ok(t, ro.rpc(`<get-configuration/>`))
	ok(t, ro.rpc(`<command format="text">show system commit</command>`))
	for _, op := range []string{
		`<commit-configuration/>`,
		`<commit/>`,
		`<lock><target><candidate/></target></lock>`,
		`<edit-config><target><candidate/></target><config><configuration/></config></edit-config>`,
		`<clear-system-commit/>`,
		`<command>clear system commit</command>`,
	} {
		wantError(t, ro.rpc(op), "access-denied")
	}
	admin := dial(t, n, "admin", false)
	tests := []struct {
		name, msg, tag string
	}{
		{"malformed XML", `<rpc message-id="9"><get-configuration></rpc>`, "malformed-message"},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><rpc message-id="9"><get-configuration>&lol2;</get-configuration></rpc>`, "malformed-message"},
		{"undefined entity", `<rpc message-id="9"><command>&boom;</command></rpc>`, "malformed-message"},
		{"unknown RPC", `<rpc message-id="9"><get-the-moon/></rpc>`, "operation-not-supported"},
		{"not an rpc", `<bogus/>`, "unknown-element"},
		{"two operations", `<rpc message-id="9"><get-configuration/><get-configuration/></rpc>`, "operation-not-supported"},
		{"bad load", `<rpc message-id="9"><load-configuration action="set"><configuration-set>set system no-such-thing 1</configuration-set></load-configuration></rpc>`, "invalid-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := admin.raw([]byte(tt.msg), "")
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, r, tt.tag)
			ok(t, admin.rpc(`<get-configuration/>`)) // the session carries on
		})
	}
	wantError(t, admin.rpc(`<kill-session><session-id>99999</session-id></kill-session>`), "invalid-value")
	// a commit that fails validation names the path, Junos-style
	ok(t, admin.rpc(`<load-configuration action="set"><configuration-set>set services stateful-firewall rule R1 term t1 then accept</configuration-set></load-configuration>`))
	r := admin.rpc(`<commit-configuration/>`)
	var sawPath, sawCheckout bool
	for _, k := range r.Kids {
		if k.Name.Local != "rpc-error" {
			continue
		}
		if strings.Contains(k.Value("error-path"), "[edit services stateful-firewall rule R1]") {
			sawPath = true
		}
		if k.Value("error-message") == "configuration check-out failed" {
			sawCheckout = true
		}
	}
	if !sawPath || !sawCheckout {
		t.Fatalf("failed commit errors = %q, want the [edit …] path and check-out failed", errorsOf(r))
	}
}

// TestHugeMessageEndsOnlyThatSession: a chunk declared over the 64 MiB
// limit is refused from its header (nothing is buffered), gets a too-big
// rpc-error and ends that session; another session is served on. The
// end-of-message framing's limit is tested in framing_test.go and
// session_test.go.
func TestHugeMessageEndsOnlyThatSession(t *testing.T) {
	n, _ := startNode(t)
	other := dial(t, n, "admin", true)
	c := dial(t, n, "admin", true)
	if _, err := io.WriteString(c.in, "\n#100000000\n<rpc>"); err != nil {
		t.Fatal(err)
	}
	b, err := c.r.Read()
	if err != nil {
		t.Fatalf("reading the too-big reply: %v", err)
	}
	r, err := netconf.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, r, "too-big")
	if _, err := c.try(`<get-configuration/>`); err == nil {
		t.Fatalf("session still served after a too-big message")
	}
	ok(t, other.rpc(`<get-configuration/>`))
}

func TestAuthentication(t *testing.T) {
	n, clk := startNode(t)
	failLogin(t, n, clk, "admin", "wrong", 250*time.Millisecond)
	failLogin(t, n, clk, "nobody", "x", 250*time.Millisecond)
}

// failLogin makes one failed password login and checks the server
// answered it after delay (on the fake clock).
func failLogin(t *testing.T, n *compose.Node, clk *clock.Fake, user, pw string, delay time.Duration) {
	t.Helper()
	before := clk.Pending()
	res := make(chan error, 1)
	go func() {
		sc, err := dialSSH(t, n, user, pw)
		if err == nil {
			sc.Close()
		}
		res <- err
	}()
	blocked := make(chan struct{})
	go func() { clk.BlockUntil(before + 1); close(blocked) }() // the server holds the failure back
	select {
	case err := <-res:
		t.Fatalf("failed login of %s answered at once (err %v), want after %v", user, err, delay)
	case <-blocked:
	}
	if d, _ := clk.Next(); d != delay {
		t.Errorf("failed login of %s delayed %v, want %v", user, d, delay)
	}
	clk.Advance(delay)
	if err := <-res; err == nil {
		t.Fatalf("login of %s with a wrong password succeeded", user)
	}
}

func TestPublicKeyLogin(t *testing.T) {
	n, _ := startNode(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " ro@test"
	admin := dial(t, n, "admin", true)
	ok(t, admin.rpc(`<load-configuration action="set"><configuration-set>set system login user ro authentication ssh-ed25519 "`+line+`"</configuration-set></load-configuration>`))
	ok(t, admin.rpc(`<commit-configuration/>`))
	cfg := func(user string) *ssh.ClientConfig {
		return &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
	}
	sc, err := ssh.Dial("tcp", n.Netconf.Addr().String(), cfg("ro"))
	if err != nil {
		t.Fatalf("key login: %v", err)
	}
	sc.Close()
	if _, err := ssh.Dial("tcp", n.Netconf.Addr().String(), cfg("oper")); err == nil {
		t.Fatalf("a key of ro logged in as oper")
	}
}

// Failed passwords are answered ever later for that user and address,
// as sshd does, but the right password is never refused: nobody behind
// the same NAT is locked out by a guesser.
func TestLoginThrottleNeverLocksOut(t *testing.T) {
	n, clk := startNode(t)
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 8 * time.Second, 8 * time.Second}
	for _, d := range want {
		failLogin(t, n, clk, "oper", "wrong", d)
	}
	// Another user from the same address starts at the base delay.
	failLogin(t, n, clk, "ro", "wrong", 250*time.Millisecond)
	// The right password, at once, for the guessed user and for another.
	for _, u := range []string{"oper", "admin"} {
		sc, err := dialSSH(t, n, u, password(u))
		if err != nil {
			t.Fatalf("%s with the right password after failures: %v", u, err)
		}
		sc.Close()
	}
	// A quiet pair starts again at the base delay.
	clk.Advance(11 * time.Minute)
	failLogin(t, n, clk, "oper", "wrong", 250*time.Millisecond)
}

// An address may hold only a few connections that have not authenticated
// (sshd's MaxStartups); more are closed before the SSH banner.
func TestUnauthenticatedConnectionsCapped(t *testing.T) {
	n, _ := startNode(t)
	addr := n.Netconf.Addr().String()
	var held []net.Conn
	for range 100 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		readBanner(t, c) // admitted: the server speaks first
	}
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard, not synchronisation
	if b, err := bufio.NewReader(extra).ReadString('\n'); err == nil {
		t.Fatalf("101st unauthenticated connection got %q, want it closed", b)
	}
	for _, c := range held {
		c.Close()
	}
	// Once they are gone, a login works again (the server notices each close
	// when its handshake read fails; retry until it has).
	testkit.Eventually(t, "a login after the held connections closed", func() error {
		sc, err := dialSSH(t, n, "admin", password("admin"))
		if err == nil {
			sc.Close()
		}
		return err
	})
}

func readBanner(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(b, "SSH-2.0-") {
		t.Fatalf("banner: %q %v", b, err)
	}
	c.SetReadDeadline(time.Time{})
}
