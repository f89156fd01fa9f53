package netconf

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFramingRoundTrip(t *testing.T) {
	msgs := []string{"<rpc/>", "", "a]]>b", strings.Repeat("x", 100000), "<rpc>\n##\n</rpc>"}
	for _, chunked := range []bool{false, true} {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		r := NewReader(&buf, 1<<20)
		if chunked {
			w.Chunked()
			r.Chunked()
		}
		for _, m := range msgs {
			if !chunked && strings.Contains(m, eom) {
				continue // base:1.0 cannot carry its own marker
			}
			if chunked && m == "" {
				continue // a chunked message has at least one chunk
			}
			if err := w.Write([]byte(m)); err != nil {
				t.Fatal(err)
			}
			got, err := r.Read()
			if err != nil || string(got) != m {
				t.Fatalf("chunked=%v: Read = %.40q, %v; want %.40q", chunked, got, err, m)
			}
		}
		if _, err := r.Read(); err != io.EOF {
			t.Fatalf("chunked=%v: Read at end = %v, want io.EOF", chunked, err)
		}
	}
}

func TestChunkedParsing(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"two chunks", "\n#4\n<rpc\n#3\n/>\n\n##\n", "<rpc/>\n", nil},
		{"rfc example", "\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>\n##\n",
			"<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>", nil},
		{"zero size", "\n#0\n\n##\n", "", ErrFraming},
		{"leading zero", "\n#01\nx\n##\n", "", ErrFraming},
		{"no newline", "#4\n<rpc\n##\n", "", ErrFraming},
		{"letters", "\n#abc\n", "", ErrFraming},
		{"end first", "\n##\n", "", ErrFraming},
		{"too big", "\n#2000\n", "", ErrTooBig},
		{"too many digits", "\n#12345678901\n", "", ErrFraming},
		{"truncated", "\n#10\nabc", "", io.ErrUnexpectedEOF},
		{"truncated header", "\n#4\n<rpc", "", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), 1000)
			r.Chunked()
			got, err := r.Read()
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %q, %v; want error %v", got, err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestEOMLimits(t *testing.T) {
	r := NewReader(strings.NewReader(strings.Repeat("x", 5000)+eom), 1000)
	if _, err := r.Read(); !errors.Is(err, ErrTooBig) {
		t.Fatalf("got %v, want ErrTooBig", err)
	}
	r = NewReader(strings.NewReader("<rpc/>"), 1000)
	if _, err := r.Read(); err != io.ErrUnexpectedEOF {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
}

// FuzzReader feeds arbitrary bytes to both framings: no panic, no message
// over the limit, and a chunked message re-framed reads back the same.
func FuzzReader(f *testing.F) {
	f.Add([]byte("\n#4\n<rpc\n#3\n/>\n\n##\n"), true)
	f.Add([]byte("<rpc/>]]>]]><rpc/>]]>]]>"), false)
	f.Add([]byte("\n#99999999999\n"), true)
	f.Fuzz(func(t *testing.T, in []byte, chunked bool) {
		r := NewReader(bytes.NewReader(in), 4096)
		if chunked {
			r.Chunked()
		}
		for i := 0; i < 64; i++ {
			m, err := r.Read()
			if err != nil {
				return
			}
			if len(m) > 4096 {
				t.Fatalf("message of %d bytes over the 4096 limit", len(m))
			}
			if chunked {
				var buf bytes.Buffer
				w := NewWriter(&buf)
				w.Chunked()
				w.Write(m)
				rr := NewReader(&buf, 4096)
				rr.Chunked()
				if got, err := rr.Read(); err != nil || !bytes.Equal(got, m) {
					t.Fatalf("re-framed message reads back %q, %v; want %q", got, err, m)
				}
			}
		}
	})
}
