package services

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/compile"
)

// addProperties adds a plugin's configurable properties (varpd's
// propinfo: type, default, range, required), taken from its YANG module
// in the schema this CLI runs (compile.Properties), to its element of
// show services service-sets plug-ins detail.
func addProperties(e *cli.Elem, plugin string) error {
	p := pic.Lookup(plugin)
	if p == nil {
		return nil // loaded on the PIC, not linked here: nothing known of it
	}
	s, err := schema.Default()
	if err != nil {
		return err
	}
	e.Add(cli.T("plugin-module", p.Module))
	for _, pr := range compile.Properties(s, p.Module) {
		pe := cli.E("plugin-property", cli.T("property-path", pr.Path), cli.T("property-type", pr.Type),
			cli.T("property-required", strconv.FormatBool(pr.Required)))
		if pr.Default != "" {
			pe.Add(cli.T("property-default", pr.Default))
		}
		if pr.Range != "" {
			pe.Add(cli.T("property-range", pr.Range))
		}
		if pr.Description != "" {
			pe.Add(cli.T("property-description", pr.Description))
		}
		e.Add(pe)
	}
	return nil
}

// textProperties prints a plugin's properties under its line: the YANG
// module, then one block per property (path, then type, default, range,
// required), as show … detail outputs list attributes in Junos.
func textProperties(w io.Writer, p *cli.Elem) {
	props := p.All("plugin-property")
	switch {
	case p.Get("plugin-module") == nil: // not asked for detail
		return
	case len(props) == 0:
		fmt.Fprintf(w, "    Properties: none (no configuration of its own)\n")
		return
	}
	fmt.Fprintf(w, "    YANG module: %s, properties: %d\n", p.Val("plugin-module"), len(props))
	for _, pr := range props {
		fmt.Fprintf(w, "      %s\n", pr.Val("property-path"))
		fmt.Fprintf(w, "        Type: %s, Default: %s, Range: %s, Required: %s\n", pr.Val("property-type"),
			dash(pr.Val("property-default")), dash(pr.Val("property-range")),
			map[string]string{"true": "yes", "false": "no"}[pr.Val("property-required")])
	}
}
