//go:build !amd64 || purego

package train

// useAsm is false: gather and scatter run their Go loops.
const useAsm = false

func gather32(dst, w []float64, stride int, rows []int32, coef []float64) {
	gatherGo(dst[:kernelWidth], w, stride, rows, coef)
}

func scatter32(w []float64, stride int, rows []int32, coef, v []float64) {
	scatterGo(w, stride, rows, coef, v[:kernelWidth])
}

const use512 = false
