package data

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// tiny is a hand-written set whose every entry the tests can predict.
func tiny() *Set {
	return &Set{
		Name:    "tiny",
		X:       mat.NewDense(4, 3, []float64{0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32}),
		Labels:  []int{2, 0, 1, 2},
		Classes: 3,
	}
}

func TestOneHot(t *testing.T) {
	s := tiny()
	want := mat.NewDense(4, 3, []float64{
		0, 0, 1,
		1, 0, 0,
		0, 1, 0,
		0, 0, 1,
	})
	assert.True(t, mat.Equal(want, s.OneHot()), "got\n%v", mat.Formatted(s.OneHot()))
}

func TestSubsetCopies(t *testing.T) {
	s := tiny()
	sub := s.Subset(2)
	require.Equal(t, 2, sub.Len())
	assert.Equal(t, "tiny[:2]", sub.Name)
	assert.Equal(t, 3, sub.Classes)
	assert.True(t, mat.Equal(mat.NewDense(2, 3, []float64{0, 1, 2, 10, 11, 12}), sub.X))
	assert.Equal(t, []int{2, 0}, sub.Labels)

	// Writing to the subset must leave the original untouched, and back.
	sub.X.Set(0, 0, -1)
	sub.Labels[0] = 1
	assert.Equal(t, 0.0, s.X.At(0, 0))
	assert.Equal(t, 2, s.Labels[0])
	s.X.Set(1, 1, -1)
	assert.Equal(t, 11.0, sub.X.At(1, 1))

	assert.Equal(t, 4, s.Subset(4).Len(), "the whole set is a valid subset")
	assert.Panics(t, func() { s.Subset(5) })
	assert.Panics(t, func() { s.Subset(0) })
}

func TestBatch(t *testing.T) {
	s := tiny()
	x, y := s.Batch([]int{3, 1, 3})
	assert.True(t, mat.Equal(mat.NewDense(3, 3, []float64{30, 31, 32, 10, 11, 12, 30, 31, 32}), x))
	assert.True(t, mat.Equal(mat.NewDense(3, 3, []float64{0, 0, 1, 1, 0, 0, 0, 0, 1}), y))

	// The batch is a copy: changing it leaves the set alone.
	x.Set(0, 0, -1)
	assert.Equal(t, 30.0, s.X.At(3, 0))
}

func TestBatchIntoOverwrites(t *testing.T) {
	s := tiny()
	x := mat.NewDense(2, 3, nil)
	y := mat.NewDense(2, 3, nil)
	// Stale values from a previous batch, including a stale 1 in y.
	for _, m := range []*mat.Dense{x, y} {
		r, c := m.Dims()
		for i := range r {
			for j := range c {
				m.Set(i, j, 7)
			}
		}
	}
	s.BatchInto(x, y, []int{0, 2})
	assert.True(t, mat.Equal(mat.NewDense(2, 3, []float64{0, 1, 2, 20, 21, 22}), x))
	assert.True(t, mat.Equal(mat.NewDense(2, 3, []float64{0, 0, 1, 0, 1, 0}), y))
}

func TestBatchIntoShapePanics(t *testing.T) {
	s := tiny()
	assert.PanicsWithValue(t, "data: BatchInto x is 2×2, want 2×3", func() {
		s.BatchInto(mat.NewDense(2, 2, nil), mat.NewDense(2, 3, nil), []int{0, 1})
	})
	assert.PanicsWithValue(t, "data: BatchInto y is 3×3, want 2×3", func() {
		s.BatchInto(mat.NewDense(2, 3, nil), mat.NewDense(3, 3, nil), []int{0, 1})
	})
}

func TestBatchIntoAllocatesNothing(t *testing.T) {
	s := Blobs(1000, 3, 20, 1)
	idx := []int{5, 999, 0, 17, 17, 300, 2, 64}
	x := mat.NewDense(len(idx), 20, nil)
	y := mat.NewDense(len(idx), 3, nil)
	allocs := testing.AllocsPerRun(100, func() { s.BatchInto(x, y, idx) })
	assert.Zero(t, allocs)
}
