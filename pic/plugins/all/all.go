// Package all links every built-in service plugin into the binary: import
// it for its side effects. The order of service chains comes from the
// configuration (service-order) or, without it, from each plugin's
// registered ChainOrder; plugin IDs derive from names. Never from import
// order.
package all

import (
	_ "github.com/gnos/gnos/pic/plugins/nat"      // NAT
	_ "github.com/gnos/gnos/pic/plugins/passthru" // example plugin
	_ "github.com/gnos/gnos/pic/plugins/sfw"      // stateful firewall
)
