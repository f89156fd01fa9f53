package lab

// RSPNAT is the configuration of rsp0 over ms-0/0/0 (primary) and
// ms-1/0/0 (secondary), hot-standby, with a next-hop service-set named
// ss (stateful firewall: junos-http only, then napt-44 of the client's
// 10.0.1.0/24 to 203.0.113.1) on its units, routed between the lab's
// client and server subnets; the PICs' chassis lines are the caller's.
func RSPNAT(ss string) []string {
	return []string{
		"set interfaces rsp0 redundancy-options primary ms-0/0/0",
		"set interfaces rsp0 redundancy-options secondary ms-1/0/0",
		"set interfaces rsp0 redundancy-options hot-standby",
		"set interfaces rsp0 unit 1 family inet",
		"set interfaces rsp0 unit 1 service-domain inside",
		"set interfaces rsp0 unit 2 family inet",
		"set interfaces rsp0 unit 2 service-domain outside",
		"set routing-options static route 10.0.2.0/24 next-hop rsp0.1",
		"set routing-options static route 10.0.1.0/24 next-hop rsp0.2",
		"set routing-options static route 203.0.113.1/32 next-hop rsp0.2",
		"set services nat pool p1 address 203.0.113.1/32",
		"set services nat pool p1 port range low 20000",
		"set services nat pool p1 port range high 20999",
		"set services nat rule nr match-direction input",
		"set services nat rule nr term t1 from source-address 10.0.1.0/24",
		"set services nat rule nr term t1 then translated source-pool p1",
		"set services nat rule nr term t1 then translated translation-type napt-44",
		"set services stateful-firewall rule fw match-direction input",
		"set services stateful-firewall rule fw term web from applications junos-http",
		"set services stateful-firewall rule fw term web then accept",
		"set services service-set " + ss + " stateful-firewall-rules fw",
		"set services service-set " + ss + " nat-rules nr",
		"set services service-set " + ss + " next-hop-service inside-service-interface rsp0.1",
		"set services service-set " + ss + " next-hop-service outside-service-interface rsp0.2",
	}
}
