package term

import "unicode/utf8"

// keySplitter cuts the bytes a terminal sends into keystrokes, whatever
// the size of the reads they arrive in: a person typing gives one key a
// read, a paste or a fast typist gives many, a slow link may cut an escape
// sequence or a UTF-8 character in two. A key is one of:
//
//   - a CSI sequence: ESC [ parameters… final byte (0x40–0x7E);
//   - an SS3 sequence: ESC O and one byte (F1–F4, application arrows);
//   - a meta key: ESC and one character (Esc-b, Esc-f, Esc-Backspace…);
//   - one UTF-8 encoded character, or one control byte;
//   - Enter: CR, LF, or the pair CR LF (or CR NUL, a telnet-style line
//     end), always given as "\r".
//
// An incomplete key at the end of a chunk waits for the next chunk, so an
// Esc pressed alone and then b is the meta key Esc-b, as it is in Junos.
type keySplitter struct {
	partial []byte // the start of a key cut by a read
	lastCR  bool   // the previous key was a CR: a LF or NUL next is its line end
}

// maxCSI bounds a CSI sequence: garbage that never ends is cut into keys.
const maxCSI = 32

// feed adds a chunk and returns the complete keys it finishes.
func (s *keySplitter) feed(b []byte) [][]byte {
	buf := append(s.partial, b...)
	s.partial = nil
	var keys [][]byte
	for len(buf) > 0 {
		n, complete := keyLen(buf)
		if !complete {
			s.partial = append([]byte(nil), buf...)
			break
		}
		k := buf[:n]
		buf = buf[n:]
		afterCR := s.lastCR
		s.lastCR = len(k) == 1 && k[0] == '\r'
		switch {
		case afterCR && len(k) == 1 && (k[0] == '\n' || k[0] == 0):
			continue // the second half of a CR LF line end
		case len(k) == 1 && k[0] == '\n':
			k = []byte{'\r'}
		}
		keys = append(keys, append([]byte(nil), k...))
	}
	return keys
}

// keyLen is the length of the key that starts b, and whether b holds all
// of it.
func keyLen(b []byte) (int, bool) {
	c := b[0]
	switch {
	case c == 0x1b:
		if len(b) < 2 {
			return 0, false
		}
		switch b[1] {
		case '[':
			for i := 2; i < len(b); i++ {
				if b[i] >= 0x40 && b[i] <= 0x7e {
					return i + 1, true
				}
				if b[i] < 0x20 || i >= maxCSI {
					return i, true // not a sequence: cut before the odd byte
				}
			}
			return 0, false
		case 'O':
			if len(b) < 3 {
				return 0, false
			}
			return 3, true
		case 0x1b:
			return 1, true // Esc Esc: the first is a key on its own
		}
		n, ok := keyLen(b[1:]) // a meta key: ESC and one character
		if !ok {
			return 0, false
		}
		return 1 + n, true
	case c < utf8.RuneSelf:
		return 1, true
	}
	if !utf8.FullRune(b) {
		return 0, false
	}
	_, n := utf8.DecodeRune(b)
	return n, true
}
