package servicesd

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/ifname"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
	"github.com/gnos/gnos/pic/dataplane"
	"github.com/gnos/gnos/pic/picd"
)

// Chassis defaults for an extension-provider stanza that leaves a size
// unset.
const (
	DefaultControlCores  = 1
	DefaultDataCores     = 1
	DefaultObjectCacheMB = 256
	DefaultPolicyDBMB    = 32
)

// resolved is servicesd's view of one service-set: its SSRB without id and
// generation (assigned at apply), the subtree it was built from and the
// configuration paths its policies read.
type resolved struct {
	ssrb *dataplane.SSRB
	node *tree.Node
	deps []string
}

// sameContent reports whether two SSRBs differ only in id and generation.
func sameContent(a, b *dataplane.SSRB) bool {
	x, y := *a, *b
	x.ID, x.Gen, y.ID, y.Gen = 0, 0, 0, 0
	return reflect.DeepEqual(x, y)
}

// active and child read the active configuration (tree.Node.ActiveNamed,
// ActiveChild) under the short names this package uses.
func active(n *tree.Node, name string) []*tree.Node { return n.ActiveNamed(name) }

func child(n *tree.Node, name string) *tree.Node { return n.ActiveChild(name) }

// slotOf is the PIC owning a service interface ms-F/P/N[.U].
func slotOf(name string) (dataplane.Slot, bool) {
	f, p, ok := ifname.ServiceSlot(name)
	if !ok {
		return dataplane.Slot{}, false
	}
	return dataplane.Slot{FPC: f, PIC: p}, true
}

// chassisPICs reads the services PICs configured under chassis.
func chassisPICs(root *tree.Node) map[dataplane.Slot]picConf {
	out := map[dataplane.Slot]picConf{}
	ch := child(root, "chassis")
	if ch == nil {
		return out
	}
	for _, f := range active(ch, "fpc") {
		for _, p := range active(f, "pic") {
			as := child(p, "adaptive-services")
			sp := child(as, "service-package")
			pkg := servicePackage(sp)
			if pkg == nil {
				continue
			}
			fn, _ := strconv.Atoi(f.Key)
			pn, _ := strconv.Atoi(p.Key)
			c := picd.Config{Configured: true, ControlCores: DefaultControlCores, DataCores: DefaultDataCores,
				ObjectCacheMB: DefaultObjectCacheMB, PolicyDBMB: DefaultPolicyDBMB}
			path := tree.Path{ch.Step(), f.Step(), p.Step(), as.Step(), sp.Step(), pkg.Step()}
			if pkg.S.Name != "extension-provider" {
				if pkg.S.Name != "layer-2" { // layer-3, layer-2-3: the built-in services
					c.Packages = pic.Layer3Packages()
				}
				out[dataplane.Slot{FPC: fn, PIC: pn}] = picConf{cfg: c, path: path, pkg: pkg.S.Name}
				continue
			}
			ep := pkg
			num := func(name string, dst *int) {
				if v, ok := ep.Leaf(name); ok {
					*dst, _ = strconv.Atoi(v)
				}
			}
			num("control-cores", &c.ControlCores)
			num("data-cores", &c.DataCores)
			var ocs, pdb int = int(c.ObjectCacheMB), int(c.PolicyDBMB)
			num("object-cache-size", &ocs)
			num("policy-db-size", &pdb)
			c.ObjectCacheMB, c.PolicyDBMB = uint32(ocs), uint32(pdb)
			for _, pk := range active(ep, "package") {
				c.Packages = append(c.Packages, pk.Key)
			}
			out[dataplane.Slot{FPC: fn, PIC: pn}] = picConf{cfg: c, path: path, pkg: pkg.S.Name}
		}
	}
	return out
}

// servicePackage returns the active case of a PIC's service-package
// (extension-provider, layer-3, layer-2-3, layer-2), or nil when none is
// configured.
func servicePackage(sp *tree.Node) *tree.Node {
	for _, name := range []string{"extension-provider", "layer-3", "layer-2-3", "layer-2"} {
		if n := child(sp, name); n != nil {
			return n
		}
	}
	return nil
}

// picConf is a configured PIC and where it is configured (for errors).
type picConf struct {
	cfg  picd.Config
	path tree.Path
	pkg  string // the service-package: extension-provider, layer-3, layer-2-3, layer-2
}

// interfaceBindings lists the service-sets applied to one interface's
// units: service-set name → bindings.
func interfaceBindings(ifc *tree.Node) map[string][]dataplane.Binding {
	out := map[string][]dataplane.Binding{}
	if ifc == nil || ifc.Inactive {
		return out
	}
	for _, u := range active(ifc, "unit") {
		fam := child(u, "family")
		for _, af := range []string{"inet", "inet6"} {
			svc := child(child(fam, af), "service")
			for _, dir := range []string{"input", "output"} {
				for _, ss := range active(child(svc, dir), "service-set") {
					out[ss.Key] = append(out[ss.Key], dataplane.Binding{Interface: ifname.Unit(ifc.Key, u.Key), Direction: dir})
				}
			}
		}
	}
	return out
}

// resolveError is a validation failure placed at a configuration path.
type resolveError struct {
	path      tree.Path
	statement string
	msg       string
}

// resolve builds the SSRB of service-set ss (without id and generation)
// from the active configuration root. It fails when the service-set cannot
// run on a PIC: chain, plugins, service interfaces.
func resolve(root, defaults *tree.Node, ss *tree.Node, pics map[dataplane.Slot]picConf, ifs ifResolver, bindings []dataplane.Binding) (*resolved, *resolveError) {
	ssPath := tree.Path{child(root, "services").Step(), ss.Step()}
	fail := func(p tree.Path, st, format string, a ...any) (*resolved, *resolveError) {
		return nil, &resolveError{path: p, statement: st, msg: fmt.Sprintf(format, a...)}
	}
	s := &dataplane.SSRB{Name: ss.Key, Bindings: bindings}
	if v, ok := ss.Leaf("max-flows"); ok {
		n, _ := strconv.ParseUint(v, 10, 32)
		s.MaxFlows = uint32(n)
	}
	s.TCPMSS = tcpMSS(ss)
	// Service interfaces and the owning PIC.
	var ifPath tree.Path
	var ifStmt string
	if is := child(ss, "interface-service"); is != nil {
		s.ServiceInterface, _ = is.Leaf("service-interface")
		ifPath, ifStmt = ssPath.Append(is.Step()), "service-interface"
	} else if nh := child(ss, "next-hop-service"); nh != nil {
		s.Inside, _ = nh.Leaf("inside-service-interface")
		s.Outside, _ = nh.Leaf("outside-service-interface")
		s.ServiceInterface = s.Inside
		ifPath, ifStmt = ssPath.Append(nh.Step()), "inside-service-interface"
		a, _, _ := ifs.slot(s.Inside)
		if b, _, _ := ifs.slot(s.Outside); a != b {
			return fail(ifPath, "outside-service-interface",
				"inside and outside service interfaces must be on the same PIC (%s is not on %s)", s.Outside, a)
		}
	} else {
		return fail(ssPath, "", "service-set must have interface-service or next-hop-service")
	}
	slot, why, ok := ifs.slot(s.ServiceInterface)
	if !ok {
		return fail(ifPath, ifStmt, "%s", why)
	}
	pc, ok := pics[slot]
	if !ok {
		return fail(ifPath, ifStmt, "%s: no services PIC at fpc %d pic %d (chassis fpc %d pic %d adaptive-services service-package is not configured)",
			s.ServiceInterface, slot.FPC, slot.PIC, slot.FPC, slot.PIC)
	}
	s.FPC, s.PIC = slot.FPC, slot.PIC

	// The chain.
	so := child(ss, "service-order")
	s.Forward = compile.Values(so, "forward-flow")
	s.Reverse = compile.Values(so, "reverse-flow")
	if exts := active(ss, "extension-service"); len(exts) > 0 && len(s.Forward) == 0 {
		return fail(ssPath, "extension-service", "service-order forward-flow must be configured when extension-service is configured")
	}
	explicit := len(s.Forward) > 0
	in := &compile.Input{Name: ss.Key, ServiceSet: ss, Root: root, Defaults: defaults}
	var deps []string
	compile := func(p *pic.Plugin) ([]byte, *resolveError) {
		data, d, err := p.Compile(in)
		if err == nil && data != nil && p.Check != nil {
			err = p.Check(data) // what the PIC would refuse, refused in the commit
		}
		if err != nil {
			return nil, &resolveError{path: ssPath, msg: fmt.Sprintf("%s: %v", p.Name, err)}
		}
		deps = append(deps, d...)
		return data, nil
	}
	if explicit {
		for _, dir := range []struct {
			stmt  string
			chain []string
		}{{"forward-flow", s.Forward}, {"reverse-flow", s.Reverse}} {
			for _, name := range dir.chain {
				if pic.Lookup(name) == nil {
					return fail(ssPath.Append(so.Step()), dir.stmt, "unknown service plugin '%s'", name)
				}
			}
		}
		for _, name := range union(s.Forward, s.Reverse) {
			data, rerr := compile(pic.Lookup(name))
			if rerr != nil {
				return nil, rerr
			}
			if data == nil {
				data = []byte("{}")
			}
			s.Policies = append(s.Policies, dataplane.Policy{Plugin: name, Data: data})
		}
	} else {
		for _, p := range pic.Plugins() {
			data, rerr := compile(p)
			if rerr != nil {
				return nil, rerr
			}
			if data != nil {
				s.Policies = append(s.Policies, dataplane.Policy{Plugin: p.Name, Data: data})
				s.Forward = append(s.Forward, p.Name)
			}
		}
		sort.SliceStable(s.Forward, func(i, j int) bool { return orderOf(s.Forward[i]) < orderOf(s.Forward[j]) })
	}
	if len(s.Reverse) == 0 {
		for i := len(s.Forward) - 1; i >= 0; i-- {
			s.Reverse = append(s.Reverse, s.Forward[i])
		}
	}
	sort.Slice(s.Policies, func(i, j int) bool { return s.Policies[i].Plugin < s.Policies[j].Plugin })
	if err := dataplane.CheckChain(s); err != nil {
		if so != nil {
			return fail(ssPath.Append(so.Step()), "forward-flow", "%v", err)
		}
		return fail(ssPath, "", "%v", err)
	}
	for _, pol := range s.Policies {
		if !slices.Contains(pc.cfg.Packages, pol.Plugin) {
			st := "forward-flow"
			p := ssPath
			if so != nil {
				p = ssPath.Append(so.Step())
			} else {
				st = ""
			}
			if pc.pkg != "extension-provider" {
				return fail(p, st, "plugin '%s' is not part of service-package %s on fpc %d pic %d: configure service-package extension-provider with 'package %s' under [edit chassis fpc %d pic %d adaptive-services]",
					pol.Plugin, pc.pkg, slot.FPC, slot.PIC, pol.Plugin, slot.FPC, slot.PIC)
			}
			return fail(p, st, "plugin '%s' is not loaded on fpc %d pic %d: add 'package %s' under [edit chassis fpc %d pic %d adaptive-services service-package extension-provider]",
				pol.Plugin, slot.FPC, slot.PIC, pol.Plugin, slot.FPC, slot.PIC)
		}
	}
	return &resolved{ssrb: s, node: ss, deps: deps}, nil
}

// orderOf is a plugin's place in the forward chain of a service-set
// without service-order: its registered ChainOrder, those without one
// last.
func orderOf(name string) int {
	if p := pic.Lookup(name); p != nil && p.ChainOrder > 0 {
		return p.ChainOrder
	}
	return math.MaxInt
}

// union is a then the names of b not in a, each once.
func union(a, b []string) []string {
	var out []string
	for _, s := range slices.Concat(a, b) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// depKeys returns the dependency keys of a change path: each prefix that
// ends at a list entry or leaf ("services stateful-firewall rule r1"),
// spelled like compile.Dep.
func depKeys(p tree.Path) []string {
	var out []string
	var b strings.Builder
	for i, st := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(st.S.Name)
		if st.Key != "" {
			b.WriteByte(' ')
			b.WriteString(st.Key)
		}
		out = append(out, b.String())
	}
	return out
}

// tcpMSS is a service-set's MSS clamp: its tcp-mss, else service-set-options
// tcp-session tcp-mss (0: none).
func tcpMSS(ss *tree.Node) uint16 {
	v, ok := ss.Leaf("tcp-mss")
	if !ok {
		if o := child(child(ss, "service-set-options"), "tcp-session"); o != nil {
			v, ok = o.Leaf("tcp-mss")
		}
	}
	if !ok {
		return 0
	}
	n, _ := strconv.ParseUint(v, 10, 16)
	return uint16(n)
}
