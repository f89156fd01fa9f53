package cli

import "strings"

// WordCompletion decides what TAB (tab true) or a space (tab false) does
// at the end of line, the text before the cursor, given the candidates
// for its last word (Complete): the one rule every front end follows.
//
//   - Inside a quoted string, nothing.
//   - Value placeholders (<name>) and the pipe are never inserted.
//   - One keyword the word is a proper prefix of: complete it, with its
//     space.
//   - Several, on TAB: extend the word to their common prefix, or with
//     nothing to extend, list them.
//   - Otherwise a space is just a space (after a complete, ambiguous or
//     unknown word); TAB with only placeholders lists them.
//
// It returns the text to insert at the cursor and whether to list the
// candidates.
func WordCompletion(line string, cands []Completion, tab bool) (insert string, list bool) {
	if strings.Count(line, `"`)%2 == 1 {
		return "", false
	}
	word := ""
	if !strings.HasSuffix(line, " ") && !strings.HasSuffix(line, "\t") {
		if f := strings.Fields(line); len(f) > 0 {
			word = f[len(f)-1]
		}
	}
	if word == "" && !tab {
		return "", false
	}
	var real []string
	placeholders := false
	for _, c := range cands {
		switch {
		case strings.HasPrefix(c.Text, "<") || c.Text == "|":
			placeholders = true
		case strings.HasPrefix(c.Text, word):
			real = append(real, c.Text)
		}
	}
	switch {
	case len(real) == 1 && real[0] != word:
		return real[0][len(word):] + " ", false
	case len(real) > 1 && tab:
		if p := commonPrefix(real); len(p) > len(word) {
			return p[len(word):], false
		}
	case len(real) == 0 && tab:
		return "", placeholders
	default:
		return "", false
	}
	return "", tab
}

// commonPrefix is the longest prefix of every string in ss (not empty).
func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}
