// Package testconfig generates large, realistic configurations for
// benchmarks and scale tests: N service-sets, each with its own
// stateful-firewall rule of T terms, on next-hop service interfaces.
package testconfig

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Shape sizes a generated configuration.
type Shape struct {
	ServiceSets  int // one firewall rule each
	TermsPerRule int
}

// Performance is the SPEC.md performance configuration: 10,000
// service-sets and 50,000 firewall terms.
var Performance = Shape{ServiceSets: 10000, TermsPerRule: 5}

// unitsPerIFD service-sets share one ms- interface (two units each;
// units stop at 16385).
const unitsPerIFD = 4000

var apps = []string{"junos-http", "junos-https", "junos-ssh", "junos-dns-udp", "junos-icmp-all"}

// WriteText writes the configuration in curly-brace text.
func WriteText(w io.Writer, s Shape) error {
	b := bufio.NewWriterSize(w, 1<<16)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("system {\n    host-name scale;\n}\n")
	p("chassis {\n    fpc 0 {\n        pic 0 {\n            adaptive-services {\n                service-package {\n                    extension-provider {\n")
	p("                        control-cores 1;\n                        data-cores 2;\n                        object-cache-size 2048;\n                        policy-db-size 1024;\n")
	p("                        package stateful-firewall;\n                        package nat;\n")
	p("                    }\n                }\n            }\n        }\n    }\n}\n")
	p("services {\n")
	for i := 1; i <= s.ServiceSets; i++ {
		p("    service-set ss%d {\n        stateful-firewall-rules r%d;\n", i, i)
		ifd, unit := (i-1)/unitsPerIFD, (i-1)%unitsPerIFD
		p("        next-hop-service {\n            inside-service-interface ms-0/0/%d.%d;\n            outside-service-interface ms-0/0/%d.%d;\n        }\n    }\n", ifd, 2*unit+1, ifd, 2*unit+2)
	}
	p("    stateful-firewall {\n")
	for i := 1; i <= s.ServiceSets; i++ {
		p("        rule r%d {\n            match-direction input;\n", i)
		for t := 1; t <= s.TermsPerRule; t++ {
			p("            term t%d {\n                from {\n", t)
			p("                    source-address 10.%d.%d.0/24;\n", (i>>8)&255, i&255)
			p("                    applications %s;\n                }\n", apps[t%len(apps)])
			if t == s.TermsPerRule {
				p("                then {\n                    discard;\n                }\n")
			} else {
				p("                then {\n                    accept;\n                }\n")
			}
			p("            }\n")
		}
		p("        }\n")
	}
	p("    }\n}\n")
	p("interfaces {\n")
	for ifd := 0; ifd <= (s.ServiceSets-1)/unitsPerIFD; ifd++ {
		p("    ms-0/0/%d {\n        unit 0 {\n            family inet;\n        }\n    }\n", ifd)
	}
	p("}\n")
	return b.Flush()
}

// EnvInt reads a scale knob from the environment (GNOS_SOAK_ROUNDS,
// GNOS_LOAD_TIME, …): a positive integer, else def.
func EnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
