package netconf_test

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// kexInit reads the server's SSH_MSG_KEXINIT (sent in clear before any
// key exchange) and returns its name-lists: kex, host key, ciphers and
// MACs (client to server).
func kexInit(t *testing.T, addr string) (kex, hostKeys, ciphers, macs []string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second)) // a hang guard
	io.WriteString(c, "SSH-2.0-gnos-test\r\n")
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		t.Fatal(err)
	}
	pkt := make([]byte, binary.BigEndian.Uint32(hdr[:4])-1)
	if _, err := io.ReadFull(r, pkt); err != nil {
		t.Fatal(err)
	}
	pkt = pkt[:len(pkt)-int(hdr[4])] // padding
	if pkt[0] != 20 {
		t.Fatalf("first packet type %d, want KEXINIT (20)", pkt[0])
	}
	b := pkt[1+16:] // cookie
	var lists [][]string
	for range 5 { // kex, host key, ciphers c→s and s→c, MACs c→s
		n := binary.BigEndian.Uint32(b)
		lists = append(lists, strings.Split(string(b[4:4+n]), ","))
		b = b[4+n:]
	}
	return lists[0], lists[1], lists[2], lists[4]
}

// The server offers what OpenSSH 9 offers by default (less what
// x/crypto/ssh lacks), never the SHA-1 key exchange or truncated MAC.
func TestSSHAlgorithmsAreOpenSSH9Defaults(t *testing.T) {
	n, _ := startNode(t)
	kex, hostKeys, ciphers, macs := kexInit(t, n.Netconf.Addr().String())
	wantKex := []string{"mlkem768x25519-sha256", "curve25519-sha256", "curve25519-sha256@libssh.org",
		"ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
		"diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group14-sha256"}
	// x/crypto appends the strict-kex and ext-info pseudo-algorithms.
	kex = slices.DeleteFunc(kex, func(s string) bool { return strings.HasPrefix(s, "kex-strict-") || strings.HasPrefix(s, "ext-info-") })
	if !slices.Equal(kex, wantKex) {
		t.Errorf("kex offered %v\nwant %v", kex, wantKex)
	}
	if want := []string{"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
		"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}; !slices.Equal(ciphers, want) {
		t.Errorf("ciphers offered %v\nwant %v", ciphers, want)
	}
	if want := []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256",
		"hmac-sha2-512", "hmac-sha1"}; !slices.Equal(macs, want) {
		t.Errorf("MACs offered %v\nwant %v", macs, want)
	}
	if !slices.Contains(hostKeys, "ssh-ed25519") {
		t.Errorf("host keys %v lack ssh-ed25519", hostKeys)
	}
	// A client that insists on the weak algorithms cannot connect.
	for _, weak := range []ssh.Config{
		{KeyExchanges: []string{ssh.InsecureKeyExchangeDH14SHA1}},
		{MACs: []string{ssh.InsecureHMACSHA196}, Ciphers: []string{ssh.CipherAES128CTR}},
	} {
		cfg := &ssh.ClientConfig{Config: weak, User: "admin", Auth: []ssh.AuthMethod{ssh.Password(password("admin"))},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
		if sc, err := ssh.Dial("tcp", n.Netconf.Addr().String(), cfg); err == nil {
			sc.Close()
			t.Errorf("a client offering only %v%v connected", weak.KeyExchanges, weak.MACs)
		}
	}
}
