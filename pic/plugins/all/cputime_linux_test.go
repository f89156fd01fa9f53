package all_test

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling OS thread has used (user and
// system), for the benchmarks' per-CPU-second figures: on a shared
// machine the wall clock also counts the time other processes had the
// CPU. The caller locks itself to its thread (runtime.LockOSThread)
// around the two readings.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
