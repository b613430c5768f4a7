package data

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Set is a labelled data set, one example per row (the row convention's
// layout). The column and per-example conventions take X transposed; keeping
// one layout here means every loader and generator is written once.
type Set struct {
	Name    string
	X       *mat.Dense // m × n inputs, one example a row
	Labels  []int      // class of each example, 0..Classes-1
	Classes int
}

// Len returns the number of examples m.
func (s *Set) Len() int { return len(s.Labels) }

// OneHot returns the m × Classes target matrix Y with Y[i, Labels[i]] = 1 and
// zeros elsewhere: the targets y that every cost in docs/contracts.md compares the
// output activations against.
func (s *Set) OneHot() *mat.Dense {
	y := mat.NewDense(s.Len(), s.Classes, nil)
	for i, l := range s.Labels {
		y.Set(i, l, 1)
	}
	return y
}

// Subset returns the first n examples as a new Set that shares no memory with
// s, so a caller may scale or shuffle it in place without touching s. Its Name
// gains a "[:n]" suffix so printed results say which data they came from.
// MNIST and the synthetic sets interleave or mix their classes, so a prefix is
// a fair sample. Subset panics unless 1 ≤ n ≤ s.Len(): a caller taking a size
// from a user checks it against Len first.
func (s *Set) Subset(n int) *Set {
	if n < 1 || n > s.Len() {
		panic(fmt.Sprintf("data: Subset(%d) of %q with %d examples", n, s.Name, s.Len()))
	}
	_, c := s.X.Dims()
	return &Set{
		Name:    fmt.Sprintf("%s[:%d]", s.Name, n),
		X:       mat.DenseCopyOf(s.X.Slice(0, n, 0, c)),
		Labels:  slices.Clone(s.Labels[:n]),
		Classes: s.Classes,
	}
}

// Batch returns rows idx of the inputs and of the one-hot targets as freshly
// allocated len(idx) × n and len(idx) × Classes matrices. idx must not be
// empty. Training loops should prefer BatchInto, which reuses its matrices.
func (s *Set) Batch(idx []int) (x, y *mat.Dense) {
	_, n := s.X.Dims()
	x = mat.NewDense(len(idx), n, nil)
	y = mat.NewDense(len(idx), s.Classes, nil)
	s.BatchInto(x, y, idx)
	return x, y
}

// BatchInto writes rows idx of the inputs into x (len(idx) × n) and their
// one-hot targets into y (len(idx) × Classes) without allocating: it runs once
// per mini-batch, thousands of times an epoch, and garbage there would cost
// more than the copying. idx may repeat rows and come in any order (a shuffled
// epoch). A shape mismatch is a bug in the caller and panics.
func (s *Set) BatchInto(x, y *mat.Dense, idx []int) {
	_, n := s.X.Dims()
	if r, c := x.Dims(); r != len(idx) || c != n {
		panic(fmt.Sprintf("data: BatchInto x is %d×%d, want %d×%d", r, c, len(idx), n))
	}
	if r, c := y.Dims(); r != len(idx) || c != s.Classes {
		panic(fmt.Sprintf("data: BatchInto y is %d×%d, want %d×%d", r, c, len(idx), s.Classes))
	}
	for k, i := range idx {
		copy(x.RawRowView(k), s.X.RawRowView(i))
		row := y.RawRowView(k)
		clear(row)
		row[s.Labels[i]] = 1
	}
}
