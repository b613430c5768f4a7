//go:build linux || darwin

package experiments

import (
	"math"

	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time the calling thread has used, in seconds; NaN
// where the system does not say.
func threadCPU() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return math.NaN()
	}
	return float64(ts.Nano()) / 1e9
}
