package netconf

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// error-path (RFC 6241 section 4.3) is an absolute XPath of the node of
// the request an rpc-error is about, written with the request's own
// namespace prefixes and declared on <error-path>. Configuration data
// (the content of <config> and <filter>) is named from its own root, as
// the RFC's examples do (/configuration/interfaces/interface[name='ge-0/0/0']/mtu);
// everything else from <rpc> (/nc:rpc/nc:edit-config/nc:default-operation).

// xpathNS collects the prefixes a path uses: prefix → namespace URI.
type xpathNS map[string]string

// step is el's name as an XPath name test: prefixed when el is in a
// namespace. The prefix is the one the request declared for it (xmlns:p
// on el or an ancestor); a namespace only given as a default namespace
// gets one made up, since XPath has no default namespace.
func (ns xpathNS) step(el *Node) string {
	uri := el.Name.Space
	if uri == "" {
		return el.Name.Local
	}
	p := declaredPrefix(el, uri)
	if p == "" {
		for p0, u := range ns {
			if u == uri {
				p = p0
			}
		}
	}
	if p == "" {
		p = "nc"
		if uri != nsBase {
			p = "ns" + strconv.Itoa(len(ns)+1)
		}
		for ns[p] != "" && ns[p] != uri {
			p += "x"
		}
	}
	ns[p] = uri
	return p + ":" + el.Name.Local
}

// declaredPrefix is the prefix declared for uri on el or its nearest
// ancestor that declares one, or "".
func declaredPrefix(el *Node, uri string) string {
	for n := el; n != nil; n = n.Parent {
		for _, a := range n.Attrs {
			if a.Name.Space == "xmlns" && a.Value == uri {
				return a.Name.Local
			}
		}
	}
	return ""
}

// xpathOf is the error-path of request node n and the prefixes it uses.
func xpathOf(n *Node) (string, xpathNS) {
	var chain []*Node
	for c := n; c != nil; c = c.Parent {
		chain = append(chain, c)
	}
	ns := xpathNS{}
	var b strings.Builder
	for i := len(chain) - 1; i >= 0; i-- {
		b.WriteString("/")
		b.WriteString(ns.step(chain[i]))
	}
	return b.String(), ns
}

// at returns e with its error-path set to request node n.
func at(e *RPCError, n *Node) *RPCError {
	if n != nil {
		e.Path, e.PathNS = xpathOf(n)
	}
	return e
}

// predicate is an XPath predicate [name='value'] (double quotes when the
// value holds an apostrophe; XPath 1.0 literals cannot hold both).
func predicate(name, value string) string {
	if strings.Contains(value, "'") {
		return "[" + name + `="` + value + `"]`
	}
	return "[" + name + "='" + value + "']"
}

// isXMLNS reports whether a is a namespace declaration.
func isXMLNS(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

// findElement is the element named name among op and its parameters (a
// child, or a grandchild as in <target><running/></target>), or nil.
func findElement(op *Node, name string) *Node {
	if op.Name.Local == name {
		return op
	}
	if c := op.Child(name); c != nil {
		return c
	}
	for _, k := range op.Kids {
		if c := k.Child(name); c != nil {
			return c
		}
	}
	return nil
}
