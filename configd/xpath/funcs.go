package xpath

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gnos/gnos/configd/schema"
	goyang "github.com/openconfig/goyang/pkg/yang"
)

// function is one entry of the function library.
type function struct {
	name       string
	min, max   int  // argument counts; max < 0: any number
	implicit   bool // with no argument, reads the context node
	positional bool // reads the context position or size
	call       func(c *evalCtx, x *Node, pos, size int, args []Value) (Value, error)
}

var functions map[string]*function

func init() {
	functions = map[string]*function{
		// XPath 1.0 node-set functions.
		"current":    {call: fnCurrent},
		"count":      {min: 1, max: 1, call: fnCount},
		"last":       {positional: true, call: func(_ *evalCtx, _ *Node, _, size int, _ []Value) (Value, error) { return numValue(float64(size)), nil }},
		"position":   {positional: true, call: func(_ *evalCtx, _ *Node, pos, _ int, _ []Value) (Value, error) { return numValue(float64(pos)), nil }},
		"local-name": {max: 1, implicit: true, call: fnName},
		"name":       {max: 1, implicit: true, call: fnName},
		// Boolean functions.
		"not":     {min: 1, max: 1, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) { return boolValue(!a[0].Bool()), nil }},
		"true":    {call: func(*evalCtx, *Node, int, int, []Value) (Value, error) { return boolValue(true), nil }},
		"false":   {call: func(*evalCtx, *Node, int, int, []Value) (Value, error) { return boolValue(false), nil }},
		"boolean": {min: 1, max: 1, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) { return boolValue(a[0].Bool()), nil }},
		// String functions.
		"string": {max: 1, implicit: true, call: fnString},
		"concat": {min: 2, max: -1, call: fnConcat},
		"contains": {min: 2, max: 2, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
			return boolValue(strings.Contains(a[0].String(), a[1].String())), nil
		}},
		"starts-with": {min: 2, max: 2, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
			return boolValue(strings.HasPrefix(a[0].String(), a[1].String())), nil
		}},
		"string-length":    {max: 1, implicit: true, call: fnStringLength},
		"substring-before": {min: 2, max: 2, call: fnSubstringBefore},
		"substring-after":  {min: 2, max: 2, call: fnSubstringAfter},
		"substring":        {min: 2, max: 3, call: fnSubstring},
		"normalize-space":  {max: 1, implicit: true, call: fnNormalizeSpace},
		"translate":        {min: 3, max: 3, call: fnTranslate},
		// Number functions.
		"number": {max: 1, implicit: true, call: fnNumber},
		"sum":    {min: 1, max: 1, call: fnSum},
		"floor": {min: 1, max: 1, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
			return numValue(math.Floor(a[0].Number())), nil
		}},
		"ceiling": {min: 1, max: 1, call: func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
			return numValue(math.Ceil(a[0].Number())), nil
		}},
		"round": {min: 1, max: 1, call: fnRound},
		// YANG 1.1 functions (RFC 7950 section 10).
		"re-match":             {min: 2, max: 2, call: fnReMatch},
		"derived-from":         {min: 2, max: 2, call: fnDerivedFrom(false)},
		"derived-from-or-self": {min: 2, max: 2, call: fnDerivedFrom(true)},
	}
	for name, f := range functions {
		f.name = name
	}
}

// eval evaluates the arguments onto the context's argument stack (calls
// nested in arguments push above them and pop before) and calls the
// function; one with an implicit argument and none given gets the
// context node. Functions must not keep their args slice.
func (f *call) eval(c *evalCtx, x *Node, pos, size int) (Value, error) {
	base := len(c.args)
	defer func() { c.args = c.args[:base] }()
	for _, a := range f.args {
		v, err := a.eval(c, x, pos, size)
		if err != nil {
			return Value{}, err
		}
		c.args = append(c.args, v)
	}
	if f.fn.implicit && len(f.args) == 0 {
		c.args = append(c.args, nodesValue([]Node{*x}))
	}
	return f.fn.call(c, x, pos, size, c.args[base:])
}

var errNotNodeSet = errors.New("argument is not a node-set")

func fnCurrent(c *evalCtx, _ *Node, _, _ int, _ []Value) (Value, error) {
	return nodesValue([]Node{*c.current}), nil
}

func fnCount(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	if !a[0].isNodeSet() {
		return Value{}, errNotNodeSet
	}
	return numValue(float64(len(a[0].ns))), nil
}

func fnName(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	if !a[0].isNodeSet() {
		return Value{}, errNotNodeSet
	}
	if len(a[0].ns) == 0 {
		return strValue(""), nil
	}
	return strValue(a[0].ns[0].Schema().Name), nil
}

func fnString(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	return strValue(a[0].String()), nil
}

func fnNumber(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	return numValue(a[0].Number()), nil
}

func fnConcat(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	var b strings.Builder
	for _, v := range a {
		b.WriteString(v.String())
	}
	return strValue(b.String()), nil
}

func fnStringLength(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	return numValue(float64(utf8.RuneCountInString(a[0].String()))), nil
}

func fnSubstringBefore(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	s, sep := a[0].String(), a[1].String()
	if i := strings.Index(s, sep); i >= 0 {
		return strValue(s[:i]), nil
	}
	return strValue(""), nil
}

func fnSubstringAfter(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	s, sep := a[0].String(), a[1].String()
	if i := strings.Index(s, sep); i >= 0 {
		return strValue(s[i+len(sep):]), nil
	}
	return strValue(""), nil
}

// fnSubstring follows XPath's rounding rules: characters at positions p
// with round(start) <= p < round(start) + round(length) are kept.
func fnSubstring(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	r := []rune(a[0].String())
	from := xround(a[1].Number())
	to := math.Inf(1)
	if len(a) == 3 {
		to = from + xround(a[2].Number())
	}
	var b strings.Builder
	for i, c := range r {
		if p := float64(i + 1); p >= from && p < to {
			b.WriteRune(c)
		}
	}
	return strValue(b.String()), nil
}

func fnNormalizeSpace(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	return strValue(strings.Join(strings.Fields(a[0].String()), " ")), nil
}

func fnTranslate(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	from, to := []rune(a[1].String()), []rune(a[2].String())
	m := map[rune]int{}
	for i, c := range from {
		if _, ok := m[c]; !ok {
			m[c] = i
		}
	}
	var b strings.Builder
	for _, c := range a[0].String() {
		i, ok := m[c]
		switch {
		case !ok:
			b.WriteRune(c)
		case i < len(to):
			b.WriteRune(to[i])
		}
	}
	return strValue(b.String()), nil
}

func fnSum(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	if !a[0].isNodeSet() {
		return Value{}, errNotNodeSet
	}
	t := 0.0
	for i := range a[0].ns {
		t += toNumber(a[0].ns[i].String())
	}
	return numValue(t), nil
}

func fnRound(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	return numValue(xround(a[0].Number())), nil
}

// xround rounds half up, as XPath's round() does.
func xround(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	return math.Floor(f + 0.5)
}

var regexps sync.Map // pattern → *regexp.Regexp or error

// fnReMatch implements YANG's re-match(): the whole string must match the
// XSD regular expression (the subset gnos uses is valid RE2).
func fnReMatch(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
	p := a[1].String()
	v, ok := regexps.Load(p)
	if !ok {
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			v = err
		} else {
			v = re
		}
		regexps.Store(p, v)
	}
	re, ok := v.(*regexp.Regexp)
	if !ok {
		return Value{}, v.(error)
	}
	return boolValue(re.MatchString(a[0].String())), nil
}

// fnDerivedFrom implements derived-from() and derived-from-or-self() for
// identityref leaves, from what goyang records of the leaf's base
// identity. An identity it cannot place answers false.
func fnDerivedFrom(orSelf bool) func(*evalCtx, *Node, int, int, []Value) (Value, error) {
	return func(_ *evalCtx, _ *Node, _, _ int, a []Value) (Value, error) {
		if !a[0].isNodeSet() {
			return Value{}, errNotNodeSet
		}
		want := local(a[1].String())
		for i := range a[0].ns {
			n := &a[0].ns[i]
			if derives(n.Schema(), local(n.String()), want, orSelf) {
				return boolValue(true), nil
			}
		}
		return boolValue(false), nil
	}
}

func derives(s *schema.Node, id, want string, orSelf bool) bool {
	if orSelf && id == want {
		return true
	}
	if s.Type == nil || s.Type.Kind != goyang.Yidentityref || s.Type.IdentityBase == nil {
		return false
	}
	base := s.Type.IdentityBase
	if base.Name == want {
		return id != want && identityIn(base.Values, id)
	}
	for _, v := range base.Values {
		if v.Name == want {
			return id != want && identityIn(v.Values, id)
		}
	}
	return false
}

func identityIn(ids []*goyang.Identity, name string) bool {
	for _, v := range ids {
		if v.Name == name {
			return true
		}
	}
	return false
}

func local(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}
