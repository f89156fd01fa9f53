// Command genconfig writes the performance configuration of SPEC.md
// (10,000 service-sets, 50,000 firewall terms) in curly-brace text:
//
//	go run ./scripts/genconfig > perf.conf
//	go run ./scripts/genconfig -service-sets 1000 -terms 5 > small.conf
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gnos/gnos/internal/testconfig"
)

func main() {
	s := testconfig.Performance
	flag.IntVar(&s.ServiceSets, "service-sets", s.ServiceSets, "number of service-sets (one rule each)")
	flag.IntVar(&s.TermsPerRule, "terms", s.TermsPerRule, "firewall terms per rule")
	flag.Parse()
	if err := testconfig.WriteText(os.Stdout, s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
