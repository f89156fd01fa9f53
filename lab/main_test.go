package lab_test

import (
	"os"
	"testing"

	"github.com/gnos/gnos/lab"
)

func TestMain(m *testing.M) {
	lab.RoleIfAsked() // the traffic processes of the rate measurements (procs.go)
	os.Exit(m.Run())
}
