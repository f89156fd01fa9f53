package cli

import (
	"fmt"
	"io"

	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/netconf/crypt"
)

// minPassword is the shortest plain-text password accepted (Junos'
// default minimum length).
const minPassword = 6

// plainTextPassword handles `set … authentication plain-text-password`
// (asks for the password twice, as Junos does) and the scriptable
// `set … authentication plain-text-password-value "pw"`: the password is
// stored only as a sha512-crypt hash in encrypted-password. It reports
// whether args were such a command.
func (s *Session) plainTextPassword(args []token, out io.Writer, lineLen int) (bool, error) {
	at := -1
	for i, a := range args {
		if !a.quoted && (a.s == "plain-text-password" || a.s == "plain-text-password-value") {
			at = i
			break
		}
	}
	if at < 1 {
		return false, nil
	}
	ps, err := s.paths(args[:at], tree.ForRef, lineLen)
	if err != nil {
		return true, err
	}
	auth := ps[0]
	if last := auth[len(auth)-1]; (last.S.Name != "authentication" && last.S.Name != "root-authentication") || last.S.Kind != schema.Container {
		return true, errAt(args, at, lineLen, "syntax error.")
	}
	enc := auth[len(auth)-1].S.Child("encrypted-password")
	store := func(pw string) error {
		if len(pw) < minPassword {
			return fmt.Errorf("minimum password length is %d", minPassword)
		}
		h, err := crypt.Hash(pw)
		if err != nil {
			return err
		}
		return s.cfg.Set(auth.Append(tree.Step{S: enc, Value: h}))
	}
	if args[at].s == "plain-text-password-value" {
		if at+1 >= len(args) || at+2 < len(args) {
			return true, errAt(args, at+1, lineLen, "syntax error, expecting <password>.")
		}
		return true, store(args[at+1].s)
	}
	if at+1 != len(args) {
		return true, errAt(args, at+1, lineLen, "syntax error.")
	}
	fmt.Fprint(out, "New password: ")
	s.secret = true
	s.question = func(first string) (string, bool) {
		s.question = func(second string) (string, bool) {
			if first != second {
				return "error: passwords do not match\n", false
			}
			if err := store(first); err != nil {
				return errorText(err), false
			}
			return "", false
		}
		return "Retype new password: ", false
	}
	return true, nil
}
