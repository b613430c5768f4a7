package backproof

import (
	"errors"
	"math"
	"time"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// Gradient is a learner's own ∂C/∂W and ∂C/∂b, from their numpy or Go
// backpropagation, in the problem's convention: DW[ℓ−1] is ∂C/∂W^ℓ, laid
// out like W^ℓ (n_{ℓ−1}×n_ℓ in the row convention, n_ℓ×n_{ℓ−1} in the
// column and per-example ones), and DB[ℓ−1] is ∂C/∂b^ℓ, n_ℓ numbers.
//
// A wrongly shaped array is the learner's mistake, not bad input: DW[ℓ−1]
// may have any shape, and a bias that is not n_ℓ numbers (an m×n δ left
// unsummed) goes in DBMatrix[ℓ−1] with DB[ℓ−1] nil.
type Gradient struct {
	DW []*mat.Dense
	DB [][]float64
	// DBMatrix, when set, holds for each layer a bias gradient that was
	// given as a matrix: 1×n and n×1 are read as the n numbers they hold;
	// any other shape is judged as a shape mistake.
	DBMatrix []*mat.Dense
	// Source says where the gradient came from, for the report: a file
	// name, or empty for Go.
	Source string
	// Float32 is set when the numbers were computed in float32: they are
	// then judged to the precision float32 carries.
	Float32 bool
}

// LearnerParam is one of the learner's arrays (dW^ℓ or db^ℓ) judged.
type LearnerParam struct {
	Layer int
	Name  string // "W" or "b"
	// Rows, Cols is the shape given; WantRows, WantCols the shape of the
	// parameter in the problem's convention (a bias as 1×n in the row
	// convention, n×1 in the others).
	Rows, Cols, WantRows, WantCols int
	ShapeOK                        bool
	// MaxAbs and MaxRel compare the learner's finite entries with the
	// reference (compare.RelError); MaxRel is over the entries judged by
	// their relative error (those above the array's floor). Both are zero
	// when the shape is wrong.
	MaxAbs, MaxRel float64
	// Judged is false when the array could not be judged at all;
	// Unjudged then says why, and the array keeps the verdict from
	// "right".
	Judged   bool
	Unjudged Unjudged
	Agree    bool
	// Tol and Floor are what the array was judged to: an entry agrees
	// when |yours − reference| ≤ max(Tol·|reference|, Floor), Floor being
	// a fraction of this array's own largest entry.
	Tol, Floor float64
	// Scale is the array's largest reference entry, the scale Floor is a
	// fraction of.
	Scale float64
	// Float64Err is how far float64 backpropagation is from the exact
	// gradient in this array, relative to its largest entry (0 without the
	// exact reference); Widened is set when ten times that exceeds the
	// floor, which is then raised to it.
	Float64Err float64
	Widened    bool
	// Kinks counts the entries on a relu kink, judged against the
	// interval of their two one-sided values.
	Kinks int
	// NaN and Inf count the learner's entries that are not finite.
	NaN, Inf int
	// Inherits is the layer whose mistake this array inherits: it differs
	// only because that layer's δ does (see LearnerCheck.First); 0 when
	// its difference, if any, is its own.
	Inherits int
	// Mistakes are the catalogue's explanations of a disagreement
	// (compare.Diagnose), empty when none reproduces it.
	Mistakes []compare.Mistake
	// Finding is what the judgement found where no mistake of the
	// catalogue names the disagreement, such as a shape that none
	// produces; render words it from the fields it names.
	Finding Finding
	// ShapeRule is compare's rule for the parameter's shape (Misshaped).
	ShapeRule string
	// Flat is what a flat vector holds read back into the matrix's shape
	// (Flattened).
	Flat *FlatReading
	// Largest is backpropagation's largest |entry| in the array (AllZeros).
	Largest float64
}

// LearnerEntry is one entry of the learner's gradient set beside
// backproof's values, for the worst-entry lists.
type LearnerEntry struct {
	Param derive.Param
	Yours float64
	// Backprop is backproof's float64 backpropagation; Reference is what
	// the entry was judged against (Backprop, or the exact gradient).
	Backprop, Reference float64
	// Numeric is the finite difference, when the check has one per entry.
	Numeric    float64
	HasNumeric bool
	RelErr     float64 // RelError(Yours, Reference); +Inf for NaN
	// First is set for the entries of the first wrong layer in backward
	// order, listed first: the line to fix first.
	First bool
}

// NonFinite reports whether the learner's value is NaN or ±Inf.
func (e LearnerEntry) NonFinite() bool { return math.IsNaN(e.Yours) || math.IsInf(e.Yours, 0) }

// Precision is how closely a learner's arrays are judged at one
// floating-point width. Both gradients are analytic, so only rounding
// separates them, and rounding is relative to each array's own entries.
// An entry agrees within the relative tolerance Tol, or within Floor, a
// fraction of the largest entry of its own array, under which a
// difference is rounding in a sum whose terms cancel. Below Tiny an
// array's entries have lost digits to underflow.
type Precision struct {
	Bits             int
	Tol, Floor, Tiny float64
}

var (
	// Float64Precision: a backpropagation written another way agrees to
	// about 1e-13, and the tolerance is that of a central-difference
	// check. float64's smallest normal number is 2.2e-308, and a few
	// orders of magnitude above it a product of two entries already
	// underflows.
	Float64Precision = Precision{Bits: 64, Tol: numgrad.Central.Tol(), Floor: 1e-9, Tiny: 1e-290}
	// Float32Precision: float32 keeps about seven digits, and a sum over
	// a batch or a layer loses two or three more; its smallest normal
	// number is 1.2e-38.
	Float32Precision = Precision{Bits: 32, Tol: 1e-4, Floor: 1e-5, Tiny: 1e-30}
)

// ErrGradient is wrapped by the errors of CheckGradient for a gradient
// that cannot be judged at all (a missing layer): bad input, not a
// learner's mistake.
var ErrGradient = errors.New("gradient")

// CheckGradient checks a learner's gradient g of problem p. It runs
// CheckBackprop (backpropagation against finite differences, confirmed),
// or CheckDirections when s.Directions > 0, then sets g beside both, array
// by array and entry by entry, and names the mistake of every array that
// differs (compare.Diagnose). Pass is true only when backpropagation
// agrees with finite differences and g agrees with both.
func CheckGradient(p *problem.Problem, g *Gradient, s *Settings) (*GradientResult, error) {
	if g == nil {
		return nil, printf.Errorf("%w: no gradient given", ErrGradient)
	}
	L := len(p.Net.Layers)
	if len(g.DW) != L {
		return nil, printf.Errorf("%w: %d dW arrays for a network of %d layers: give dW1 … dW%d", ErrGradient, len(g.DW), L, L)
	}
	if len(g.DB) != L && len(g.DBMatrix) != L {
		return nil, printf.Errorf("%w: %d db arrays for a network of %d layers: give db1 … db%d", ErrGradient, max(len(g.DB), len(g.DBMatrix)), L, L)
	}
	for ℓ := 1; ℓ <= L; ℓ++ {
		if g.DW[ℓ-1] == nil {
			return nil, printf.Errorf("%w: dW%d is missing", ErrGradient, ℓ)
		}
		if g.bias(ℓ) == nil {
			return nil, printf.Errorf("%w: db%d is missing", ErrGradient, ℓ)
		}
	}
	start := time.Now()
	set, autoStep, err := settle(p, s)
	if err != nil {
		return nil, err
	}
	var r *GradientResult
	if set.Directions > 0 {
		d := checkDirections(p, set, autoStep)
		d.Exact = exactReference(p, d.Analytic)
		r = judge(p, g, &d.Backprop, nil)
		r.Directions = d
	} else {
		e := checkEntries(p, s, set, true)
		r = judge(p, g, &e.Backprop, e.Numeric)
		r.Entries = e
	}
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

// bias returns the learner's db^ℓ as a matrix as given: the n numbers of
// DB as one row, or DBMatrix's matrix.
func (g *Gradient) bias(ℓ int) *mat.Dense {
	if ℓ-1 < len(g.DB) && g.DB[ℓ-1] != nil {
		b := g.DB[ℓ-1]
		if len(b) == 0 {
			return mat.NewDense(1, 1, []float64{math.NaN()}) // a 0-length bias: wrong shape below
		}
		return mat.NewDense(1, len(b), b)
	}
	if ℓ-1 < len(g.DBMatrix) {
		return g.DBMatrix[ℓ-1]
	}
	return nil
}

// flatReading reads back a matrix given as a flat vector of the right
// length, row by row (numpy's ravel), and judges it as the matrix it
// would be: the forum thread's question whether the gradient is a matrix
// or a vector.
func flatReading(lp *LearnerParam, got, truth *mat.Dense, ctx compare.Context) *FlatReading {
	shaped := mat.NewDense(lp.WantRows, lp.WantCols, flat(got))
	if compare.Matches(shaped, truth) {
		return &FlatReading{Right: true}
	}
	f := &FlatReading{}
	for _, m := range compare.Diagnose(shaped, truth, ctx) {
		f.Mistakes = append(f.Mistakes, m.Code)
	}
	return f
}

// flat lists a matrix row by row, the order of derive.Net.Params.
func flat(m *mat.Dense) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		out = append(out, m.RawRowView(i)...)
	}
	return out
}
