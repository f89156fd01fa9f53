package term

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// pagerRun pages n numbered lines on a screen of rows lines with the
// given keys and returns what the pager printed.
func pagerRun(n, rows int, keys ...string) string {
	var lines []string
	for i := 1; i <= n; i++ {
		lines = append(lines, fmt.Sprintf("line %d\n", i))
	}
	var out strings.Builder
	pg := &pager{lines: lines, rows: rows, w: &out, key: func() ([]byte, error) {
		if len(keys) == 0 {
			return nil, errors.New("no more keys")
		}
		k := keys[0]
		keys = keys[1:]
		return []byte(k), nil
	}}
	pg.run()
	return out.String()
}

// shown is the line numbers printed, in order, and the more prompts.
func shown(out string) string {
	var b []string
	for _, f := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
		f = strings.TrimSpace(f)
		switch {
		case strings.HasPrefix(f, "line "):
			b = append(b, strings.TrimPrefix(f, "line "))
		case strings.HasPrefix(f, "---(more"), f == "Pattern not found":
			b = append(b, "["+f+"]")
		}
	}
	return strings.Join(b, " ")
}

func TestPagerKeys(t *testing.T) {
	cases := []struct {
		name string
		n    int
		keys []string
		want string
	}{
		{"space pages", 7, []string{" ", " "}, "1 2 3 [---(more 42%)---] 4 5 6 [---(more 85%)---] 7"},
		{"enter a line", 5, []string{"\r", "\r"}, "1 2 3 [---(more 60%)---] 4 [---(more 80%)---] 5"},
		{"q stops", 9, []string{"q"}, "1 2 3 [---(more 33%)---]"},
		{"ctrl-c stops", 9, []string{"\x03"}, "1 2 3 [---(more 33%)---]"},
		{"unknown keys ignored", 5, []string{"x", "\x1b[Z", "q"}, "1 2 3 [---(more 60%)---] [---(more 60%)---] [---(more 60%)---]"},
		{"G goes to the end", 9, []string{"G"}, "1 2 3 [---(more 33%)---] 7 8 9"},
		{"g goes back to the start", 9, []string{" ", "g", "q"}, "1 2 3 [---(more 33%)---] 4 5 6 [---(more 66%)---] 1 2 3 [---(more 33%)---]"},
		{"b a screen back", 12, []string{" ", " ", "b", "q"}, "1 2 3 [---(more 25%)---] 4 5 6 [---(more 50%)---] 7 8 9 [---(more 75%)---] 4 5 6 [---(more 50%)---]"},
		{"k a line back", 9, []string{" ", "k", "q"}, "1 2 3 [---(more 33%)---] 4 5 6 [---(more 66%)---] 3 4 5 [---(more 55%)---]"},
		{"count", 12, []string{"2", "\r", "q"}, "1 2 3 [---(more 25%)---] [---(more 25%)---] 4 5 [---(more 41%)---]"},
		{"search", 12, []string{"/", "1", "0", "\r"}, "1 2 3 [---(more 25%)---] 10 11 12"},
		{"search then n", 30, []string{"/", "2", "\r", "n", "q"}, "1 2 3 [---(more 10%)---] 2 3 4 [---(more 13%)---] 12 13 14 [---(more 46%)---]"},
		{"N searches back", 30, []string{"/", "2", "\r", "n", "N", "q"}, "1 2 3 [---(more 10%)---] 2 3 4 [---(more 13%)---] 12 13 14 [---(more 46%)---] 2 3 4 [---(more 13%)---]"},
		{"not found", 9, []string{"/", "x", "\r", "q"}, "1 2 3 [---(more 33%)---] [Pattern not found]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := shown(pagerRun(c.n, 3, c.keys...)); got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestPagerHelp(t *testing.T) {
	out := pagerRun(9, 3, "h", "q")
	if !strings.Contains(out, "Search forward for text") || !strings.Contains(out, "Quit") {
		t.Fatalf("h shows no help:\n%s", out)
	}
}
