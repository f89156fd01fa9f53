// Package wildcard matches Junos wildcard patterns, as `wildcard delete`,
// configuration groups' `<ge-*>` names and the interface names PyEZ
// tables send ('[afgxe][et]-*') use them: * matches any run of
// characters, ? one character, and [abc] / [a-c] one of a set ([!a] or
// [^a] one outside it). Matching is by bytes, allocates nothing and takes
// time proportional to the pattern times the name (no regular expression,
// no backtracking blow-up).
package wildcard

import (
	"fmt"
	"strings"
)

// Valid reports why pattern is not a wildcard pattern (an unterminated
// set), or nil.
func Valid(pattern string) error {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '[' {
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				return fmt.Errorf("unterminated '[' in %q", pattern)
			}
			i += j
		}
	}
	return nil
}

// Has reports whether s holds any wildcard character.
func Has(s string) bool { return strings.ContainsAny(s, "*?[") }

// Match reports whether s matches pattern as a whole. An invalid pattern
// matches nothing (check it with Valid).
func Match(pattern, s string) bool {
	// the classic two-pointer match: on a mismatch, go back to the last
	// star and let it take one more character
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				star, mark = p, i
				p++
				continue
			case '?':
				p, i = p+1, i+1
				continue
			case '[':
				end := strings.IndexByte(pattern[p:], ']')
				if end < 0 {
					return false
				}
				if inSet(pattern[p+1:p+end], s[i]) {
					p, i = p+end+1, i+1
					continue
				}
			default:
				if c == s[i] {
					p, i = p+1, i+1
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		p, mark = star+1, mark+1
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func inSet(set string, c byte) bool {
	neg := strings.HasPrefix(set, "!") || strings.HasPrefix(set, "^")
	if neg {
		set = set[1:]
	}
	in := false
	for i := 0; i < len(set); i++ {
		if i+2 < len(set) && set[i+1] == '-' {
			if set[i] <= c && c <= set[i+2] {
				in = true
			}
			i += 2
			continue
		}
		if set[i] == c {
			in = true
		}
	}
	return in != neg
}
