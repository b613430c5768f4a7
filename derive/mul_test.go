package derive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// A product on one core is gonum's own product (mat.Dense.Mul, which
// computes large ones on several goroutines) to the bit: every shape the
// nets take (a batch of 1000 MNIST-like rows, mostly zero, through 784,
// 30 and 10 units, in both layouts and transposed), products below
// gonum's four blocks, sizes that are not multiples of 64, and a
// receiver that already holds numbers.
func TestMulOneCoreIsMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	dense := func(r, c int, zeros float64) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				if rng.Float64() >= zeros {
					m.Set(i, j, rng.NormFloat64())
				}
			}
		}
		return m
	}
	type operand struct {
		m     *mat.Dense
		trans bool
	}
	op := func(o operand) mat.Matrix {
		if o.trans {
			return o.m.T()
		}
		return o.m
	}
	// a is m×k and b k×n once transposed as marked.
	cases := []struct {
		name string
		a, b operand
	}{
		{"row Z = A W", operand{dense(1000, 784, 0.8), false}, operand{dense(784, 30, 0), false}},
		{"row ∂W = Aᵀ δ", operand{dense(1000, 784, 0.8), true}, operand{dense(1000, 30, 0), false}},
		{"row ∂A = δ Wᵀ", operand{dense(1000, 10, 0), false}, operand{dense(30, 10, 0), true}},
		{"column Z = W A", operand{dense(30, 784, 0), false}, operand{dense(784, 1000, 0.8), false}},
		{"column ∂W = δ Aᵀ, long k", operand{dense(30, 1000, 0), false}, operand{dense(784, 1000, 0.8), true}},
		{"column ∂A = Wᵀ δ", operand{dense(10, 30, 0), true}, operand{dense(10, 1000, 0), false}},
		{"both transposed", operand{dense(130, 200, 0.3), true}, operand{dense(150, 130, 0), true}},
		{"three blocks: gonum's serial path", operand{dense(190, 70, 0), false}, operand{dense(70, 60, 0), false}},
		{"odd sizes", operand{dense(257, 129, 0.5), false}, operand{dense(129, 65, 0), false}},
	}
	for _, tc := range cases {
		a, b := op(tc.a), op(tc.b)
		var want mat.Dense
		want.Mul(a, b)
		var got mat.Dense
		mulOneCore(&got, a, b)
		r, c := want.Dims()
		require.Equal(t, []int{r, c}, dims(&got), tc.name)
		assert.Equal(t, bits(want.RawMatrix().Data), bits(got.RawMatrix().Data), tc.name)
		// A receiver that holds numbers is overwritten, as by Mul.
		held := dense(r, c, 0)
		mulOneCore(held, a, b)
		assert.Equal(t, bits(want.RawMatrix().Data), bits(held.RawMatrix().Data), tc.name+", held")
	}
}

func dims(m *mat.Dense) []int {
	r, c := m.Dims()
	return []int{r, c}
}

func bits(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = fmt.Sprintf("%x", math.Float64bits(x))
	}
	return out
}

// A net on one core computes the trace of a net on every core, to the
// bit, in the row and column layouts on a batch large enough for gonum to
// go parallel.
func TestBackpropOneCore(t *testing.T) {
	for _, c := range []Convention{Row, Column} {
		rng := rand.New(rand.NewPCG(5, 6))
		sizes := []int{200, 70, 10}
		n := NewNet(NetSpec{Convention: c, Sizes: sizes, Acts: []Activation{Sigmoid, Sigmoid}, Cost: Quadratic, Reduction: Mean, Init: Normal}, rng)
		X, Y := randomBatch(rng, sizes, 300, Quadratic)
		X, Y = Batch(X, Column, c), Batch(Y, Column, c) // randomBatch lays out columns
		want := n.Backprop(X, Y)
		one := n.In(c)
		one.Cores = 1
		got := one.Backprop(X, Y)
		assert.Equal(t, math.Float64bits(want.Cost), math.Float64bits(got.Cost), c.String())
		assert.Equal(t, bits(want.Grad(nil)), bits(got.Grad(nil)), c.String())
		assert.Equal(t, 1, n.In(Row).Cores+one.In(Row).Cores, "In keeps Cores")
	}
}
