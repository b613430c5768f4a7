package train

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// sparseRows is a matrix kept as its nonzero entries only, row by row
// (compressed sparse rows): row i's entries are val[start[i]:start[i+1]],
// in columns col[start[i]:start[i+1]], in increasing column order. An MNIST
// image is about 81% zero pixels, so its 784 inputs become about 150.
//
// The training set does not change during a run: its sparse rows are built
// once, and a mini-batch is then a list of row numbers.
type sparseRows struct {
	start  []int
	col    []int32
	val    []float64
	maxAbs float64 // the largest |entry|, NaN if any entry is NaN
}

func newSparseRows(x *mat.Dense) *sparseRows {
	r, c := x.Dims()
	guess := r*c/4 + 1 // room for 25% nonzeros; append grows it if need be
	s := &sparseRows{start: make([]int, 1, r+1), col: make([]int32, 0, guess), val: make([]float64, 0, guess)}
	for i := range r {
		for j, v := range x.RawRowView(i) {
			if v != 0 {
				s.col = append(s.col, int32(j))
				s.val = append(s.val, v)
				s.maxAbs = maxAbsNaN(s.maxAbs, v)
			}
		}
		s.start = append(s.start, len(s.col))
	}
	return s
}

// row returns row i's columns and values.
func (s *sparseRows) row(i int) ([]int32, []float64) {
	a, b := s.start[i], s.start[i+1]
	return s.col[a:b], s.val[a:b]
}

// maxAbsNaN is max(m, |v|), and NaN once either is NaN.
func maxAbsNaN(m, v float64) float64 {
	if a := math.Abs(v); a > m || a != a {
		return a
	}
	return m
}

// fetch starts the memory system fetching rows idx, a mini-batch in
// shuffled order: with the assembly by prefetch instructions, which do not
// wait, so that the step works on the first example while the others
// arrive; else by touch.
func (s *sparseRows) fetch(idx []int) (sink float64) {
	if !useAsm {
		return s.touch(idx)
	}
	for _, i := range idx {
		prefetchRow(s.row(i))
	}
	return 0
}

// touch reads one entry in every cache line of rows idx and returns their
// sum, which means nothing: the point is that the memory system fetches
// every line of the batch at once, instead of one example's lines after
// the previous example's arithmetic. A mini-batch's rows lie anywhere in
// the set's sparse rows (90 MB for MNIST), and fetched together they
// arrive in about the time of one.
func (s *sparseRows) touch(idx []int) (sum float64) {
	for _, i := range idx {
		a, b := s.start[i], s.start[i+1]
		for k := a; k < b; k += 8 {
			sum += s.val[k]
		}
		for k := a; k < b; k += 16 {
			sum += float64(s.col[k])
		}
	}
	return sum
}
