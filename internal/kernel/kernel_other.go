//go:build !amd64 || purego

package kernel

// Asm is false: gather and scatter run their Go loops.
const (
	Asm    = false
	AVX512 = false
)

// gather32 and scatter32 are never called without Asm.

func gather32(dst, w []float64, stride int, rows []int32, coef []float64, nrows int) (bad int) {
	panic("kernel: gather32 without assembly")
}

func scatter32(w []float64, stride int, rows []int32, coef, v []float64, nrows int) (bad int) {
	panic("kernel: scatter32 without assembly")
}

func sigmoidAVX512(a, z []float64) { panic("kernel: sigmoidAVX512 without assembly") }

func Prefetch(col []int32, val []float64) { panic("kernel: Prefetch without assembly") }
