package term

import (
	"bytes"
	"fmt"
	"testing"
)

func TestKeySplitter(t *testing.T) {
	cases := []struct {
		name   string
		chunks []string
		want   []string
	}{
		{"typed slowly", []string{"s", "h", " ", "?"}, []string{"s", "h", " ", "?"}},
		{"typed fast", []string{"sh ver\t?"}, []string{"s", "h", " ", "v", "e", "r", "\t", "?"}},
		{"paste of two lines", []string{"a\rb\r"}, []string{"a", "\r", "b", "\r"}},
		{"CR LF is one Enter", []string{"a\r\nb\n"}, []string{"a", "\r", "b", "\r"}},
		{"CR LF cut by a read", []string{"a\r", "\nb"}, []string{"a", "\r", "b"}},
		{"CR NUL", []string{"a\r\x00b"}, []string{"a", "\r", "b"}},
		{"two Enters", []string{"\r\r"}, []string{"\r", "\r"}},
		{"arrow in a chunk", []string{"x\x1b[Ay"}, []string{"x", "\x1b[A", "y"}},
		{"arrow cut by slow link", []string{"\x1b", "[", "A"}, []string{"\x1b[A"}},
		{"CSI with parameters", []string{"\x1b[3~\x1b[1;5C"}, []string{"\x1b[3~", "\x1b[1;5C"}},
		{"SS3", []string{"\x1bOA\x1bOP"}, []string{"\x1bOA", "\x1bOP"}},
		{"meta keys", []string{"\x1bb\x1bf\x1bd\x1b\x7f"}, []string{"\x1bb", "\x1bf", "\x1bd", "\x1b\x7f"}},
		{"Esc then b", []string{"\x1b", "b"}, []string{"\x1bb"}},
		{"Esc Esc", []string{"\x1b\x1bb"}, []string{"\x1b", "\x1bb"}},
		{"UTF-8 rune", []string{"é€"}, []string{"é", "€"}},
		{"UTF-8 cut by a read", []string{"\xe2\x82", "\xac!"}, []string{"€", "!"}},
		{"control keys", []string{"\x01\x05\x0b\x12\x19"}, []string{"\x01", "\x05", "\x0b", "\x12", "\x19"}},
		{"bad UTF-8 byte", []string{"\xffa"}, []string{"\xff", "a"}},
		{"CSI broken by a control byte", []string{"\x1b[1\r"}, []string{"\x1b[1", "\r"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s keySplitter
			var got []string
			for _, ch := range c.chunks {
				for _, k := range s.feed([]byte(ch)) {
					got = append(got, string(k))
				}
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// FuzzKeySplitter: however the bytes are cut into reads, the keys are
// the same as from one read of all of them, no key is empty, and nothing
// is lost but the LF or NUL of a line end.
func FuzzKeySplitter(f *testing.F) {
	f.Add([]byte("sh ver\t?\r\n"), 3)
	f.Add([]byte("\x1b[1;5C\x1bOA\x1bb\xe2\x82\xac\x1b"), 1)
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		var whole keySplitter
		want := whole.feed(in)
		var s keySplitter
		var got [][]byte
		cut = max(cut%16, 1)
		for i := 0; i < len(in); i += cut {
			got = append(got, s.feed(in[i:min(i+cut, len(in))])...)
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) || !bytes.Equal(s.partial, whole.partial) {
			t.Fatalf("in %q cut %d: got %q (+%q), want %q (+%q)", in, cut, got, s.partial, want, whole.partial)
		}
		n := len(whole.partial)
		for _, k := range want {
			if len(k) == 0 {
				t.Fatal("empty key")
			}
			n += len(k)
		}
		if n > len(in) || n < len(in)-bytes.Count(in, []byte("\n"))-bytes.Count(in, []byte{0}) {
			t.Fatalf("in %q: keys %q hold %d bytes", in, want, n)
		}
	})
}
