package validate

import "testing"

func TestSmoke(t *testing.T) {
	s := testSchema(t)
	root := load(t, s, `
set system login class admin permissions all
set system login user bob class admin
set system login user bob uid 2000
set system login user alice class admon
set system login user alice uid 2000
set system login user alice authentication encrypted-password x
set chassis fpc 0 pic 1 extension-provider object-cache-size 100
set chassis fpc 0 pic 1 extension-provider policy-db-size 200
set services service-set S1 extension-service sfw
set services service-set S1 stateful-firewall-rules R9
set services service-set S1 nat-rules N1
set services service-set S1 interface-service
set applications application a1 protocol icmp
set applications application a1 destination-port 80
set applications application-set as1
`)
	for _, e := range Validate(root, Options{}) {
		t.Log(e.Format())
	}
}
