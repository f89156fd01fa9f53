package format

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/gnos/gnos/configd/tree"
)

// Header is what Junos puts before a whole configuration: in curly-brace
// text the `## Last commit: DATE by USER` comment (the committed
// configuration) or `## Last changed: DATE` (a candidate), then the
// version statement when the configuration has none; in XML the
// junos:commit-* or junos:changed-* attributes of <configuration>.
type Header struct {
	Committed bool      // the committed configuration (else a candidate)
	Time      time.Time // last commit, or last change; zero: none yet
	User      string    // who committed
	Version   string    // the running software's version statement value
}

// headerTime is how Junos prints times in configuration headers.
const headerTime = "2006-01-02 15:04:05 MST"

// Text is the header of root in curly-brace text.
func (h Header) Text(root *tree.Node) string {
	var b strings.Builder
	switch {
	case h.Time.IsZero():
	case h.Committed:
		fmt.Fprintf(&b, "## Last commit: %s by %s\n", h.Time.UTC().Format(headerTime), h.User)
	default:
		fmt.Fprintf(&b, "## Last changed: %s\n", h.Time.UTC().Format(headerTime))
	}
	if h.Version != "" && root.ChildNamed("version", "") == nil {
		fmt.Fprintf(&b, "version %s;\n", tree.Quote(h.Version))
	}
	return b.String()
}

// XMLAttrs are the attributes of <configuration> (with a leading space).
func (h Header) XMLAttrs() string {
	var b strings.Builder
	for _, a := range h.attrs() {
		fmt.Fprintf(&b, ` %s="%s"`, a[0], attrEscape(a[1]))
	}
	return b.String()
}

func attrEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&quot;")
}
