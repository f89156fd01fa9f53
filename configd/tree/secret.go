package tree

import "github.com/gnos/gnos/configd/schema"

// SecretMask stands for a secret's value (a password hash) in what a
// login class that may not configure sees, as Junos prints it. Quote
// leaves it as it is.
const SecretMask = "/* SECRET-DATA */"

// MaskSecrets returns root with the value of every secret leaf
// (gnos-ext:secret) replaced by SecretMask, sharing everything else; it
// returns root itself when there is nothing to hide. Only subtrees whose
// schema holds a secret are walked.
func MaskSecrets(root *Node) *Node {
	var paths []Path
	root.Walk(func(p Path, n *Node) bool {
		if n.S.Kind == schema.Leaf && n.S.Secret && n.Value != SecretMask {
			paths = append(paths, p)
		}
		return n.S.SecretBelow
	})
	if len(paths) == 0 {
		return root
	}
	e := NewEditor(root)
	for _, p := range paths {
		p[len(p)-1].Value = SecretMask
		_ = e.Set(p) // the path exists: it was just walked
	}
	return e.Freeze()
}
