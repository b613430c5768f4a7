package train

import "github.com/backproof/backproof/internal/kernel"

// Kernels names the loops that a training step's gather, scatter and
// sigmoid run on this machine: "avx512", "avx2" or "go" (other machines,
// and the purego build). Each gives the same numbers wherever it runs; two
// of them agree to rounding, not to the bit (the AVX-512 gather adds a
// list's even and odd entries apart, and the assembly fuses its
// multiply-adds), so a record of a run's numbers to the bit holds for one
// of them.
func Kernels() string { return kernel.Name() }
