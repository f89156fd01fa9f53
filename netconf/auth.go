package netconf

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/netconf/crypt"
)

// Account is a user of `system login`, as authentication sees it.
type Account struct {
	Name  string
	Class string
	Hash  string // encrypted-password, crypt(3) form
	Keys  []ssh.PublicKey
}

// LookupAccount finds user name in the configuration cfg (the committed
// one: an uncommitted user cannot log in). Inactive users do not exist.
//
// root is the root login: `system root-authentication`, class super-user,
// as on Junos; it exists once root-authentication is configured.
func LookupAccount(cfg *tree.Node, name string) (*Account, bool) {
	var auth *tree.Node
	a := &Account{Name: name}
	if name == "root" {
		auth = cfg.ChildNamed("system", "").ChildNamed("root-authentication", "")
		if auth == nil || auth.Inactive {
			return nil, false
		}
		a.Class = "super-user"
	} else {
		u := cfg.ChildNamed("system", "").ChildNamed("login", "").ChildNamed("user", name)
		if u == nil || u.Inactive {
			return nil, false
		}
		a.Class, _ = u.Leaf("class")
		auth = u.ChildNamed("authentication", "")
	}
	if auth != nil && !auth.Inactive {
		a.Hash, _ = auth.Leaf("encrypted-password")
		for _, list := range []string{"ssh-rsa", "ssh-ed25519"} {
			for _, k := range auth.AllNamed(list) {
				if k.Inactive {
					continue
				}
				if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k.Key)); err == nil {
					a.Keys = append(a.Keys, pk)
				}
			}
		}
	}
	return a, true
}

// CheckPassword reports whether password is the account's.
func (a *Account) CheckPassword(password string) bool {
	if a.Hash == "" {
		return false
	}
	ok, err := crypt.Verify(a.Hash, password)
	return err == nil && ok
}

// HasKey reports whether key is one of the account's.
func (a *Account) HasKey(key ssh.PublicKey) bool {
	m := key.Marshal()
	for _, k := range a.Keys {
		if bytes.Equal(k.Marshal(), m) {
			return true
		}
	}
	return false
}

// errAuth is what a refused login gets (no detail for the client).
var errAuth = fmt.Errorf("netconf: authentication failed")

// RootLogin is `system services ssh root-login`: allow, deny or
// deny-password (Junos' default: root logs in with a key only).
func RootLogin(cfg *tree.Node) string {
	if v, ok := cfg.ChildNamed("system", "").ChildNamed("services", "").ChildNamed("ssh", "").Leaf("root-login"); ok {
		return v
	}
	return "deny-password"
}

// LoginMessage is `system login message`, the banner SSH clients print
// before authenticating; "" for none. Junos' \n escapes are new lines.
func LoginMessage(cfg *tree.Node) string {
	return loginText(cfg, "message")
}

// LoginAnnouncement is `system login announcement`, printed after login.
func LoginAnnouncement(cfg *tree.Node) string {
	return loginText(cfg, "announcement")
}

func loginText(cfg *tree.Node, leaf string) string {
	v, ok := cfg.ChildNamed("system", "").ChildNamed("login", "").Leaf(leaf)
	if !ok || v == "" {
		return ""
	}
	v = strings.ReplaceAll(strings.ReplaceAll(v, `\n`, "\n"), `\t`, "\t")
	if !strings.HasSuffix(v, "\n") {
		v += "\n"
	}
	return v
}
