package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	goyang "github.com/openconfig/goyang/pkg/yang"
)

// compilePatterns precompiles the XSD patterns of t and its union members.
// XSD regular expressions are implicitly anchored; the subset the gnos
// modules use is also valid RE2.
func (n *Node) compilePatterns(t *goyang.YangType) error {
	for _, p := range t.Pattern {
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			return fmt.Errorf("pattern %q: %w", p, err)
		}
		if n.patterns == nil {
			n.patterns = map[string]*regexp.Regexp{}
		}
		n.patterns[p] = re
	}
	for _, u := range t.Type {
		if err := n.compilePatterns(u); err != nil {
			return err
		}
	}
	return nil
}

// Target returns the leaf a leafref's path points at, or nil. It is
// resolved once, after the whole schema is compiled.
func (n *Node) Target() *Node {
	if n.target != nil {
		return n.target
	}
	if n.Type == nil || n.Type.Kind != goyang.Yleafref {
		return nil
	}
	return n.resolvePath(n.Type.Path)
}

// resolvePath follows a schema XPath (absolute or relative) without
// predicates, as used by leafref paths.
func (n *Node) resolvePath(p string) *Node {
	cur := n
	if strings.HasPrefix(p, "/") {
		for cur.Parent != nil {
			cur = cur.Parent
		}
	}
	for _, step := range strings.Split(strings.Trim(p, "/"), "/") {
		if i := strings.IndexByte(step, '['); i >= 0 {
			step = step[:i]
		}
		step = strings.TrimSpace(step)
		if i := strings.IndexByte(step, ':'); i >= 0 {
			step = step[i+1:]
		}
		switch step {
		case "", ".":
		case "..":
			if cur.Parent == nil {
				return nil
			}
			cur = cur.Parent
		default:
			if cur = cur.Child(step); cur == nil {
				return nil
			}
		}
	}
	return cur
}

// IsEmptyType reports whether leaf n has type empty (a flag like `disable`).
func (n *Node) IsEmptyType() bool {
	return n.Type != nil && n.Type.Kind == goyang.Yempty
}

// TypeName is the name the CLI shows for a value, e.g. <ipv4prefix>.
func (n *Node) TypeName() string {
	if n.Type == nil {
		return ""
	}
	t := n.Type
	if t.Kind == goyang.Yleafref {
		if tg := n.Target(); tg != nil && tg.Type != nil {
			t = tg.Type
		}
	}
	if t.Name != "" && t.Name != t.Kind.String() {
		return t.Name
	}
	return t.Kind.String()
}

// CheckValue checks v against leaf or leaf-list n's type: base type,
// ranges, lengths, patterns, enumerations and unions. Leafref existence is
// a validation concern (it depends on data); here a leafref value must only
// fit its target's type.
func (n *Node) CheckValue(v string) error {
	if n.Type == nil {
		return fmt.Errorf("%s is not a leaf", n.Name)
	}
	if n.InGroup && IsWildcardName(v) && n.IsKey() {
		return nil // a group's wildcard name (<ge-*>) stands for the entries it matches
	}
	return n.checkType(n.Type, v)
}

func (n *Node) checkType(t *goyang.YangType, v string) error {
	switch t.Kind {
	case goyang.Yempty:
		if v != "" {
			return fmt.Errorf("%s takes no value", n.Name)
		}
		return nil
	case goyang.Ystring:
		if err := checkLength(t, v); err != nil {
			return err
		}
		return n.checkPatterns(t, v)
	case goyang.Ybool:
		if v != "true" && v != "false" {
			return fmt.Errorf("invalid value '%s': expecting true or false", v)
		}
		return nil
	case goyang.Yenum:
		if t.Enum != nil && t.Enum.IsDefined(v) {
			return nil
		}
		return fmt.Errorf("invalid value '%s': expecting one of %s", v, strings.Join(enumNames(t), ", "))
	case goyang.Yidentityref:
		if t.IdentityBase != nil {
			for _, id := range t.IdentityBase.Values {
				if id.Name == v || strings.HasSuffix(v, ":"+id.Name) {
					return nil
				}
			}
		}
		return fmt.Errorf("invalid value '%s'", v)
	case goyang.Yunion:
		var first error
		for _, u := range t.Type {
			err := n.checkType(u, v)
			if err == nil {
				return nil
			}
			if first == nil {
				first = err
			}
		}
		if first == nil {
			first = fmt.Errorf("invalid value '%s'", v)
		}
		return first
	case goyang.Yleafref:
		tg := n.Target()
		if tg == nil || tg.Type == nil {
			return nil
		}
		return tg.checkType(tg.Type, v)
	case goyang.Ydecimal64:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("invalid value '%s': expecting a decimal number", v)
		}
		return nil
	case goyang.Ybinary, goyang.Ybits, goyang.YinstanceIdentifier:
		return nil
	}
	if isInt(t.Kind) {
		return checkInt(t, v)
	}
	return nil
}

func enumNames(t *goyang.YangType) []string {
	if t.Enum == nil {
		return nil
	}
	return t.Enum.Names()
}

func isInt(k goyang.TypeKind) bool {
	switch k {
	case goyang.Yint8, goyang.Yint16, goyang.Yint32, goyang.Yint64,
		goyang.Yuint8, goyang.Yuint16, goyang.Yuint32, goyang.Yuint64:
		return true
	}
	return false
}

func checkInt(t *goyang.YangType, v string) error {
	num, err := goyang.ParseInt(v)
	if err != nil {
		return fmt.Errorf("invalid numeric value: '%s'", v)
	}
	r := t.Range
	if len(r) == 0 {
		r = goyang.YangRange{{Min: goyang.FromInt(minOf(t.Kind)), Max: goyang.FromUint(maxOf(t.Kind))}}
	}
	if !inRange(r, num) {
		return fmt.Errorf("value %s is not within range (%s)", v, r.String())
	}
	return nil
}

func inRange(r goyang.YangRange, v goyang.Number) bool {
	for _, x := range r {
		if !v.Less(x.Min) && !x.Max.Less(v) {
			return true
		}
	}
	return false
}

func minOf(k goyang.TypeKind) int64 {
	switch k {
	case goyang.Yint8:
		return -128
	case goyang.Yint16:
		return -32768
	case goyang.Yint32:
		return -1 << 31
	case goyang.Yint64:
		return -1 << 63
	}
	return 0
}

func maxOf(k goyang.TypeKind) uint64 {
	switch k {
	case goyang.Yint8:
		return 127
	case goyang.Yint16:
		return 32767
	case goyang.Yint32:
		return 1<<31 - 1
	case goyang.Yint64:
		return 1<<63 - 1
	case goyang.Yuint8:
		return 255
	case goyang.Yuint16:
		return 65535
	case goyang.Yuint32:
		return 1<<32 - 1
	}
	return 1<<64 - 1
}

func checkLength(t *goyang.YangType, v string) error {
	if len(t.Length) == 0 {
		return nil
	}
	if !inRange(t.Length, goyang.FromInt(int64(len([]rune(v))))) {
		return fmt.Errorf("invalid value '%s': length must be %s", v, t.Length.String())
	}
	return nil
}

func (n *Node) checkPatterns(t *goyang.YangType, v string) error {
	for _, p := range t.Pattern {
		re := n.pattern(p)
		if re != nil && !re.MatchString(v) {
			if strings.Contains(t.Name, "prefix") || strings.Contains(t.Name, "address") || strings.Contains(t.Name, "interface-name") {
				return fmt.Errorf("invalid value '%s': not a valid %s", v, t.Name)
			}
			return fmt.Errorf("invalid value '%s': must match '%s'", v, p)
		}
	}
	return nil
}

func (n *Node) pattern(src string) *regexp.Regexp { return n.patterns[src] }
