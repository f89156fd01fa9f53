package lab_test

import (
	"os"
	"testing"

	"github.com/gnos/gnos/lab"
)

func TestMain(m *testing.M) {
	lab.FloodIfAsked() // MeasurePPS's sender process
	os.Exit(m.Run())
}
