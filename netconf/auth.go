package netconf

import (
	"bytes"
	"fmt"

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
func LookupAccount(cfg *tree.Node, name string) (*Account, bool) {
	u := cfg.ChildNamed("system", "").ChildNamed("login", "").ChildNamed("user", name)
	if u == nil || u.Inactive {
		return nil, false
	}
	a := &Account{Name: name}
	a.Class, _ = u.Leaf("class")
	auth := u.ChildNamed("authentication", "")
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
