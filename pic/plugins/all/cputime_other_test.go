//go:build !linux

package all_test

import "time"

// threadCPU is not measured here: the per-CPU-second figures are left out.
func threadCPU() time.Duration { return 0 }
