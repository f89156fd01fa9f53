package tree

import "testing"

func TestNestChunkValues(t *testing.T) {
	leaves := map[string]string{"routing-options/autonomous-system": "as-number"}
	cases := []struct {
		name, in, want string
		err            bool
	}{
		{"leaf becomes container", "0\t\trouting-options\t\t\n1\ti\tautonomous-system\t65000\tours\n1\t\trouter-id\t1.1.1.1\t\n",
			"0\t\trouting-options\t\t\n1\ti\tautonomous-system\t\tours\n2\t\tas-number\t65000\t\n1\t\trouter-id\t1.1.1.1\t\n", false},
		{"inside a group", "0\t\tgroups\tg1\t\n1\t\trouting-options\t\t\n2\t\tautonomous-system\t1\t\n",
			"0\t\tgroups\tg1\t\n1\t\trouting-options\t\t\n2\t\tautonomous-system\t\t\n3\t\tas-number\t1\t\n", false},
		{"already a container", "0\t\trouting-options\t\t\n1\t\tautonomous-system\t\t\n2\t\tas-number\t1\t\n",
			"0\t\trouting-options\t\t\n1\t\tautonomous-system\t\t\n2\t\tas-number\t1\t\n", false},
		{"other paths untouched", "0\t\tsystem\t\t\n1\t\tautonomous-system\t1\t\n", "0\t\tsystem\t\t\n1\t\tautonomous-system\t1\t\n", false},
		{"malformed", "0\trouting-options\n", "", true},
		{"bad depth", "0\t\trouting-options\t\t\n3\t\tautonomous-system\t1\t\n", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := NestChunkValues([]byte(c.in), leaves)
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v", err, c.err)
			}
			if !c.err && string(got) != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
