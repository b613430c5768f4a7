//go:build !amd64 || purego

package train

// useAsm is false: gather and scatter run their Go loops.
const (
	useAsm = false
	use512 = false
)

// gather32 and scatter32 are never called without useAsm.

func gather32(dst, w []float64, stride int, rows []int32, coef []float64, nrows int) (bad int) {
	panic("train: gather32 without assembly")
}

func scatter32(w []float64, stride int, rows []int32, coef, v []float64, nrows int) (bad int) {
	panic("train: scatter32 without assembly")
}

func sigmoidAVX512(a, z []float64) { panic("train: sigmoidAVX512 without assembly") }

func prefetchRow(col []int32, val []float64) { panic("train: prefetchRow without assembly") }
