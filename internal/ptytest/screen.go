package ptytest

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Screen renders terminal output the way a VT100-style terminal would show
// it (printable text, CR, LF, backspace, cursor movement, erase in line
// and display; colours and modes ignored), so tests can compare what a
// person saw with a golden transcript, independent of how a line editor
// chose to redraw.
func Screen(out string, cols int) string {
	var lines [][]rune
	row, col := 0, 0
	ensure := func() {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
		for len(lines[row]) < col {
			lines[row] = append(lines[row], ' ')
		}
	}
	put := func(r rune) {
		if cols > 0 && col >= cols {
			row, col = row+1, 0
		}
		ensure()
		if col < len(lines[row]) {
			lines[row][col] = r
		} else {
			lines[row] = append(lines[row], r)
		}
		col++
	}
	rs := []rune(out)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; {
		case c == '\r':
			col = 0
		case c == '\n':
			row++
		case c == '\b':
			if col > 0 {
				col--
			}
		case c == 0x1b && i+1 < len(rs) && rs[i+1] == '[':
			j := i + 2
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == ';' || rs[j] == '?') {
				j++
			}
			if j >= len(rs) {
				i = j
				continue
			}
			args := string(rs[i+2 : j])
			n := 1
			if v, err := strconv.Atoi(strings.TrimPrefix(args, "?")); err == nil && v > 0 {
				n = v
			}
			switch rs[j] {
			case 'A':
				row = max(row-n, 0)
			case 'B':
				row += n
			case 'C':
				col += n
			case 'D':
				col = max(col-n, 0)
			case 'G':
				col = n - 1
			case 'H':
				row, col = 0, 0
				if parts := strings.Split(args, ";"); len(parts) == 2 {
					r, _ := strconv.Atoi(parts[0])
					c, _ := strconv.Atoi(parts[1])
					row, col = max(r-1, 0), max(c-1, 0)
				}
			case 'K':
				ensure()
				if args == "" || args == "0" {
					lines[row] = lines[row][:col]
				} else {
					lines[row] = nil
				}
			case 'J':
				ensure()
				if args == "2" {
					lines = nil
				} else {
					lines[row] = lines[row][:col]
					lines = lines[:row+1]
				}
			}
			i = j
		case c == 0x1b && i+1 < len(rs) && rs[i+1] == ']': // OSC: title etc.
			j := i + 2
			for j < len(rs) && rs[j] != 0x07 {
				j++
			}
			i = j
		case c < 0x20:
		default:
			put(c)
		}
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimRight(string(l), " "))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// Raw returns everything the program printed, escape sequences included.
func (t *Term) Raw() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.String()
}

// Golden renders out as Screen does, cols wide, with the Go version
// written goX.Y.Z (goldens outlive a Go upgrade), and compares it with the
// transcript at path; with update set it rewrites the file instead.
func Golden(t testing.TB, path, out string, cols int, update bool) {
	t.Helper()
	screen := Screen(strings.ReplaceAll(out, runtime.Version(), "goX.Y.Z"), cols)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(screen), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if screen != string(want) {
		t.Fatalf("screen differs from %s\n--- got ---\n%s\n--- want ---\n%s", path, screen, want)
	}
}
