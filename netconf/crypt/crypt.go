// Package crypt verifies and makes Unix crypt(3) password hashes, the form
// Junos keeps in `encrypted-password`: sha512-crypt ($6$), sha256-crypt
// ($5$) and md5-crypt ($1$), written from Ulrich Drepper's specification
// and the FreeBSD md5-crypt. Verification compares in constant time. New
// hashes are sha512-crypt with a random 16-character salt.
package crypt

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// ErrFormat is a hash this package does not understand.
var ErrFormat = errors.New("crypt: unsupported or malformed hash")

const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Rounds limits of sha-crypt.
const (
	defaultRounds = 5000
	minRounds     = 1000
	maxRounds     = 999999999
)

// Verify reports whether password matches the crypt hash.
func Verify(hashed, password string) (bool, error) {
	got, err := Crypt(password, hashed)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(hashed)) == 1, nil
}

// Hash returns the sha512-crypt hash of password with a fresh salt.
func Hash(password string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("crypt: %w", err)
	}
	salt := make([]byte, 16)
	for i, v := range b {
		salt[i] = itoa64[int(v)&0x3f]
	}
	return Crypt(password, "$6$"+string(salt))
}

// Crypt hashes password with the method, rounds and salt of setting
// ("$6$salt", "$5$rounds=N$salt$…", "$1$salt$…"): a whole hash works as a
// setting, which is how Verify uses it.
func Crypt(password, setting string) (string, error) {
	switch {
	case strings.HasPrefix(setting, "$6$"):
		return shaCrypt(sha512.New, "$6$", sha512Order, password, setting[3:])
	case strings.HasPrefix(setting, "$5$"):
		return shaCrypt(sha256.New, "$5$", sha256Order, password, setting[3:])
	case strings.HasPrefix(setting, "$1$"):
		return md5Crypt(password, setting[3:]), nil
	}
	return "", ErrFormat
}

// sha512Order, sha256Order and md5Order list the digest bytes in the order their
// encoding takes them, three at a time (the last group is shorter).
var (
	sha512Order = []int{0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26,
		6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54,
		34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61,
		19, 62, 20, 41, -1, -1, 63}
	sha256Order = []int{0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5,
		6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29, -1, 31, 30}
	md5Order = []int{0, 6, 12, 1, 7, 13, 2, 8, 14, 3, 9, 15, 4, 10, 5, -1, -1, 11}
)

func shaCrypt(newHash func() hash.Hash, magic string, order []int, password, rest string) (string, error) {
	rounds, custom := defaultRounds, false
	if strings.HasPrefix(rest, "rounds=") {
		i := strings.IndexByte(rest, '$')
		if i < 0 {
			return "", ErrFormat
		}
		n, err := strconv.ParseUint(rest[len("rounds="):i], 10, 64)
		if err != nil {
			return "", ErrFormat
		}
		rounds, custom = int(min(max(n, minRounds), maxRounds)), true
		rest = rest[i+1:]
	}
	salt := saltOf(rest, 16)
	pw, s := []byte(password), []byte(salt)

	h := newHash()
	h.Write(pw)
	h.Write(s)
	h.Write(pw)
	b := h.Sum(nil)
	size := len(b)

	h.Reset()
	h.Write(pw)
	h.Write(s)
	n := len(pw)
	for ; n > size; n -= size {
		h.Write(b)
	}
	h.Write(b[:n])
	for n = len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(pw)
		}
	}
	a := h.Sum(nil)

	h.Reset()
	for range len(pw) {
		h.Write(pw)
	}
	p := repeatTo(h.Sum(nil), len(pw))

	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(s)
	}
	ss := repeatTo(h.Sum(nil), len(s))

	a = stretch(h, a, p, ss, rounds)

	var out strings.Builder
	out.WriteString(magic)
	if custom {
		fmt.Fprintf(&out, "rounds=%d$", rounds)
	}
	out.WriteString(salt)
	out.WriteByte('$')
	encodeDigest(&out, a, order)
	return out.String(), nil
}

// saltOf returns the salt at the start of rest (up to a '$'), cut to n
// characters.
func saltOf(rest string, n int) string {
	if i := strings.IndexByte(rest, '$'); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) > n {
		rest = rest[:n]
	}
	return rest
}

// stretch runs the rounds md5-crypt and sha-crypt share: each hashes the
// previous digest with the password p and salt s, in an order set by the
// round number. It returns the last digest.
func stretch(h hash.Hash, digest, p, s []byte, rounds int) []byte {
	for i := range rounds {
		h.Reset()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(digest)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(digest)
		} else {
			h.Write(p)
		}
		digest = h.Sum(digest[:0])
	}
	return digest
}

// encodeDigest writes the digest bytes d in order, three at a time, as
// four base-64 characters per group (fewer for a group with -1 entries).
func encodeDigest(out *strings.Builder, d []byte, order []int) {
	for i := 0; i+3 <= len(order); i += 3 {
		var w uint32
		chars := 4
		for j, idx := range order[i : i+3] {
			if idx < 0 {
				chars--
				continue
			}
			w |= uint32(d[idx]) << (8 * (2 - j))
		}
		encode64(out, w, chars)
	}
}

// repeatTo returns length bytes of d repeated.
func repeatTo(d []byte, length int) []byte {
	out := make([]byte, 0, length)
	for len(out) < length {
		out = append(out, d[:min(len(d), length-len(out))]...)
	}
	return out
}

func encode64(b *strings.Builder, w uint32, n int) {
	for ; n > 0; n-- {
		b.WriteByte(itoa64[w&0x3f])
		w >>= 6
	}
}

func md5Crypt(password, rest string) string {
	salt := saltOf(rest, 8)
	pw, s := []byte(password), []byte(salt)
	h := md5.New()
	h.Write(pw)
	h.Write(s)
	h.Write(pw)
	alt := h.Sum(nil)

	h.Reset()
	h.Write(pw)
	h.Write([]byte("$1$"))
	h.Write(s)
	for n := len(pw); n > 0; n -= 16 {
		h.Write(alt[:min(n, 16)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	f := stretch(h, h.Sum(nil), pw, s, 1000)
	var out strings.Builder
	out.WriteString("$1$" + salt + "$")
	encodeDigest(&out, f, md5Order)
	return out.String()
}
