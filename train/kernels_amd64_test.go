//go:build !purego

package train

import (
	"os"

	"github.com/backproof/backproof/internal/kernel"
)

// BACKPROOF_AVX2=1 runs the tests and benchmarks with the AVX2 kernels on
// a machine with AVX-512, to compare the two (docs/training-speed.md).
func init() {
	if os.Getenv("BACKPROOF_AVX2") == "1" {
		kernel.AVX512 = false
	}
}
