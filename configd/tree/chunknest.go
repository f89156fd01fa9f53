package tree

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// NestChunkValues rewrites one encoded chunk so that each leaf named in
// leaves (statement names from the top, keys left out:
// "routing-options/autonomous-system", also found under "groups/") becomes
// a container holding that value in the child leaf leaves[path]
// ("as-number"): the leaf's line turns into the container's (its flags
// and annotation stay on the statement) followed by the child's line one
// level deeper. A store migration uses it when a statement modelled as a
// leaf takes Junos' shape of a container holding one value. It returns
// data itself when nothing changes.
func NestChunkValues(data []byte, leaves map[string]string) ([]byte, error) {
	var out bytes.Buffer
	var path []string // names of the open statements by depth
	changed := false
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		var raw []byte
		if i < 0 {
			raw, rest = rest, nil
		} else {
			raw, rest = rest[:i], rest[i+1:]
		}
		if len(raw) == 0 {
			continue
		}
		f := strings.SplitN(string(raw), "\t", 5)
		if len(f) < 5 {
			return nil, fmt.Errorf("malformed line %q", raw)
		}
		d, err := strconv.Atoi(f[0])
		if err != nil || d < 0 || d > len(path) {
			return nil, fmt.Errorf("bad depth in %q", raw)
		}
		path = append(path[:d], f[2])
		p := strings.Join(path, "/")
		leaf, ok := leaves[p]
		if !ok && strings.HasPrefix(p, "groups/") {
			leaf, ok = leaves[strings.SplitN(p, "/", 2)[1]]
		}
		if !ok || f[1] == "w" || f[3] == "" {
			out.Write(raw)
			out.WriteByte('\n')
			continue
		}
		changed = true
		// the container: the statement's flags and annotation, no value
		fmt.Fprintf(&out, "%d\t%s\t%s\t\t%s\n", d, f[1], f[2], f[4])
		// its value leaf, one level deeper
		fmt.Fprintf(&out, "%d\t\t%s\t%s\t\n", d+1, leaf, f[3])
	}
	if !changed {
		return data, nil
	}
	return out.Bytes(), nil
}
