package tree

import "testing"

func TestSortChunkEntries(t *testing.T) {
	paths := []string{"services/nat/pool/address"}
	tests := []struct {
		name, in, want string
	}{
		{"out of order entries with their subtrees",
			"0\tw\tservices\t\t\n1\tw\tnat\t\t\n2\t\tpool\tp\t\n3\t\taddress\t10.0.0.64/28\tnote\n4\t\texcept\t\t\n3\ti\taddress\t10.0.0.0/28\t\n3\t\tport\t\t\n",
			"0\tw\tservices\t\t\n1\tw\tnat\t\t\n2\t\tpool\tp\t\n3\ti\taddress\t10.0.0.0/28\t\n3\t\taddress\t10.0.0.64/28\tnote\n4\t\texcept\t\t\n3\t\tport\t\t\n"},
		{"numbers in key order, not byte order",
			"0\t\tservices\t\t\n1\t\tnat\t\t\n2\t\tpool\tp\t\n3\t\taddress\t10.0.0.10\t\n3\t\taddress\t10.0.0.9\t\n",
			"0\t\tservices\t\t\n1\t\tnat\t\t\n2\t\tpool\tp\t\n3\t\taddress\t10.0.0.9\t\n3\t\taddress\t10.0.0.10\t\n"},
		{"other statements keep their order",
			"0\t\tservices\t\t\n1\t\tstateful-firewall-rules\tb\t\n1\t\tstateful-firewall-rules\ta\t\n",
			"0\t\tservices\t\t\n1\t\tstateful-firewall-rules\tb\t\n1\t\tstateful-firewall-rules\ta\t\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SortChunkEntries([]byte(tc.in), paths)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	if _, err := SortChunkEntries([]byte("x\t\tservices\t\t\n"), paths); err == nil {
		t.Errorf("bad depth: got no error, want one")
	}
}
