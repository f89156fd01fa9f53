// Package ifname owns every rule about Junos interface names: how a
// physical interface (ge-0/0/0) and its logical units (ge-0/0/0.0) are
// spelled, which names are service interfaces (ms-F/P/N, the TUN-backed
// interfaces of a services PIC in slot F/P), and how a Junos name maps to
// a Linux link name. Callers never take names apart themselves; a rule
// changes here or nowhere. It also holds LinkState, the live state of the
// link behind a name, as the one type the interface manager reports and
// the CLI renders (a leaf both import).
//
// Linux link names cannot hold '/' and are at most 15 bytes, so gnos
// spells a Junos name for Linux by one rule:
//
//   - a physical interface replaces '/' with '-': ge-0/0/0 → ge-0-0-0,
//     ms-0/1/2 → ms-0-1-2; lo0 → lo; fxp0 and em0 keep their names;
//   - unit 0 of an interface is the link itself: ge-0/0/0.0 → ge-0-0-0;
//   - any other unit N is the link's sub-interface named the way Linux
//     names VLAN sub-interfaces: ge-0/0/0.5 → ge-0-0-0.5, ms-0/0/0.1 →
//     ms-0-0-0.1 (gnos creates service interface units as TUN devices; a
//     sub-interface of a real port must exist already).
//
// The rule is overridable per host by a mapping file (Map): the wiring
// of a box (which NIC is ge-0/0/1) is a fact about the host, not about
// the configuration, so it does not belong in the configuration where
// rollback and load override would move it. Lines hold a Junos name and
// a Linux name; a physical mapping also renames its units (ge-0/0/1 eth1
// makes ge-0/0/1.5 eth1.5), a logical mapping overrides one unit.
package ifname

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// MaxLen is the longest Linux link name (IFNAMSIZ - 1).
const MaxLen = 15

// FileName is the mapping file's name inside a gnos data directory.
const FileName = "interfaces.map"

// Map holds overrides of the default rule. The zero Map (or nil) applies
// the rule alone. A Map is immutable once loaded.
type Map struct {
	m map[string]string // Junos name (physical, or logical with unit) → Linux name
}

// Split returns the physical interface and unit of a Junos name; a name
// without a unit is unit 0.
func Split(junos string) (ifd string, unit int, err error) {
	ifd, u, found := strings.Cut(junos, ".")
	if !found {
		return ifd, 0, nil
	}
	unit, err = strconv.Atoi(u)
	if err != nil || unit < 0 {
		return "", 0, fmt.Errorf("ifname: %q: bad unit", junos)
	}
	return ifd, unit, nil
}

// Unit spells unit of physical interface ifd: Unit("ge-0/0/0", "5") is
// ge-0/0/0.5.
func Unit(ifd, unit string) string { return ifd + "." + unit }

// Logical spells a Junos name with its unit: ge-0/0/0 is ge-0/0/0.0, a
// unit written with leading zeros is normalised (ge-0/0/0.05 is
// ge-0/0/0.5); "" and names with a bad unit are returned as they are. It
// does not allocate for a name already spelled with its unit (the data
// path calls it per packet).
func Logical(junos string) string {
	if junos == "" {
		return ""
	}
	i := strings.IndexByte(junos, '.')
	if i < 0 {
		return junos + ".0"
	}
	if canonicalUnit(junos[i+1:]) {
		return junos
	}
	if ifd, unit, err := Split(junos); err == nil {
		return Unit(ifd, strconv.Itoa(unit))
	}
	return junos
}

// canonicalUnit reports whether u is a unit number as Logical spells it:
// decimal digits without a leading zero (or "0").
func canonicalUnit(u string) bool {
	return digits(u) && (u[0] != '0' || len(u) == 1)
}

// Within reports whether name is physical interface ifd or one of its
// units: ge-0/0/0 and ge-0/0/0.5 are within ge-0/0/0, ge-0/0/00 is not.
func Within(name, ifd string) bool {
	return name == ifd || strings.HasPrefix(name, ifd+".")
}

// HasUnit reports whether name is spelled with a unit (ge-0/0/0.0).
func HasUnit(name string) bool { return strings.Contains(name, ".") }

// servicePrefix starts the name of every service interface, in Junos and
// (by the default rule) in Linux.
const servicePrefix = "ms-"

// IsService reports whether a Junos interface (physical or logical) is a
// service interface, ms-F/P/N[.U], which gnos creates as TUN devices.
func IsService(junos string) bool { return strings.HasPrefix(junos, servicePrefix) }

// IsServiceLink reports whether a Linux link name is one the default rule
// gives a service interface (ms-0-0-0, ms-0-0-0.1, rsp0.1): what an earlier gnos
// may have left behind.
func IsServiceLink(linux string) bool {
	return strings.HasPrefix(linux, servicePrefix) || strings.HasPrefix(linux, redundantPrefix)
}

// Service is the services interface of the PIC in slot fpc/pic, as Junos
// names PICs in services output: ms-F/P/0.
func Service(fpc, pic int) string {
	return servicePrefix + strconv.Itoa(fpc) + "/" + strconv.Itoa(pic) + "/0"
}

// ServiceSlot returns the FPC and PIC slot owning a service interface
// ms-F/P/N[.U]; ok is false for any other name.
func ServiceSlot(junos string) (fpc, pic int, ok bool) {
	rest, found := strings.CutPrefix(junos, servicePrefix)
	if !found {
		return 0, 0, false
	}
	if ifd, u, hasUnit := strings.Cut(rest, "."); hasUnit {
		if !digits(u) {
			return 0, 0, false
		}
		rest = ifd
	}
	f := strings.Split(rest, "/")
	if len(f) != 3 || !digits(f[0]) || !digits(f[1]) || !digits(f[2]) {
		return 0, 0, false
	}
	fpc, err1 := strconv.Atoi(f[0])
	pic, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return fpc, pic, true
}

// digits reports whether s is one or more decimal digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Linux returns the Linux link name of a Junos physical or logical
// interface, or an error when the result is not a valid Linux name.
func (m *Map) Linux(junos string) (string, error) {
	ifd, unit, err := Split(junos)
	if err != nil {
		return "", err
	}
	var over map[string]string // nil: the rule alone
	if m != nil {
		over = m.m
	}
	if n, ok := over[ifd+"."+strconv.Itoa(unit)]; ok {
		return n, nil
	}
	base := over[ifd]
	if base == "" {
		switch ifd {
		case "lo0":
			base = "lo"
		default:
			base = strings.ReplaceAll(ifd, "/", "-")
		}
	}
	name := base
	if unit != 0 {
		name += "." + strconv.Itoa(unit)
	}
	if err := Valid(name); err != nil {
		return "", fmt.Errorf("ifname: %s maps to %w; add a line to %s", junos, err, FileName)
	}
	return name, nil
}

// Valid checks a Linux link name.
func Valid(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("invalid Linux name %q", name)
	case len(name) > MaxLen:
		return fmt.Errorf("Linux name %q, longer than %d characters", name, MaxLen)
	case strings.ContainsAny(name, "/ \t\n:"):
		return fmt.Errorf("invalid Linux name %q", name)
	}
	return nil
}

// Parse reads a mapping: one "JUNOS-NAME LINUX-NAME" per line, '#'
// comments, blank lines ignored.
func Parse(b []byte) (*Map, error) {
	m := &Map{m: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for ln := 1; sc.Scan(); ln++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("ifname: line %d: want JUNOS-NAME LINUX-NAME", ln)
		}
		if _, _, err := Split(f[0]); err != nil {
			return nil, fmt.Errorf("ifname: line %d: %w", ln, err)
		}
		if err := Valid(f[1]); err != nil {
			return nil, fmt.Errorf("ifname: line %d: %w", ln, err)
		}
		if _, dup := m.m[f[0]]; dup {
			return nil, fmt.Errorf("ifname: line %d: %s mapped twice", ln, f[0])
		}
		m.m[f[0]] = f[1]
	}
	return m, sc.Err()
}

// Load reads a mapping file; a missing file is the default rule alone.
func Load(path string) (*Map, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Map{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ifname: %w", err)
	}
	return Parse(b)
}

// String renders the overrides, sorted, in the file's syntax.
func (m *Map) String() string {
	if m == nil {
		return ""
	}
	keys := make([]string, 0, len(m.m))
	for k := range m.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %s\n", k, m.m[k])
	}
	return b.String()
}

// redundantPrefix starts a redundant services PIC interface (rsp0..rsp15):
// not a device of its own, it stands for the active member of its
// redundancy-options.
const redundantPrefix = "rsp"

// IsRedundant reports whether a Junos interface (physical or logical) is a
// redundant services PIC interface, and returns its physical name.
func IsRedundant(junos string) (ifd string, ok bool) {
	if !strings.HasPrefix(junos, redundantPrefix) {
		return "", false
	}
	ifd, _, _ = strings.Cut(junos, ".")
	return ifd, digits(ifd[len(redundantPrefix):])
}
