package backproof

import (
	"errors"
	"fmt"
	"math"

	"github.com/backproof/backproof/compare"
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
	// MaxAbs and MaxRel compare the learner's entries with backproof's
	// backpropagation (compare.RelError); zero when the shape is wrong.
	MaxAbs, MaxRel float64
	Agree          bool
	// Mistakes are the catalogue's explanations of a disagreement
	// (compare.Diagnose), empty when none reproduces it.
	Mistakes []compare.Mistake
	// Message explains a disagreement that no code names, such as a shape
	// that no mistake of the catalogue produces.
	Message string
}

// LearnerCheck sets a learner's gradient beside backproof's
// backpropagation and finite differences.
type LearnerCheck struct {
	Source  string
	Float32 bool
	// Values is the learner's gradient in the order of derive.Net.Params.
	// An array of the wrong shape has no entries to set side by side: its
	// places hold backpropagation's values, so that they add no error to
	// VsBackprop, and its LearnerParam says what is wrong.
	Values []float64
	// VsBackprop compares Values with backproof's backpropagation; this
	// decides, once backpropagation agrees with finite differences.
	VsBackprop *compare.Result
	// VsNumeric compares Values with the finite differences directly (nil
	// in a directional check).
	VsNumeric *compare.Result
	Params    []LearnerParam // W¹, b¹, W², b², …
	Outcome   Outcome
	Message   string // the conclusion in words
}

// Precision of a learner's gradient: the relative error within which it
// must agree with backpropagation, and the fraction of the largest entry
// under which an absolute difference is rounding. In float64 a
// backpropagation written another way agrees to about 1e-13; the
// tolerance is that of a central-difference check. float32 keeps about
// seven digits, and a sum over a batch or a layer loses two or three
// more.
const (
	tolFloat64, floorFloat64 = 1e-7, 1e-9
	tolFloat32, floorFloat32 = 1e-4, 1e-5
)

// ErrGradient is wrapped by the errors of CheckGradient for a gradient
// that cannot be judged at all (a missing layer): bad input, not a
// learner's mistake.
var ErrGradient = errors.New("gradient")

// CheckGradient checks a learner's gradient g of problem p. It runs Check
// (backpropagation against finite differences, confirmed), then sets g
// beside both, array by array and entry by entry, and names the mistake
// of every array that differs (compare.Diagnose). The report's Learner
// holds the result, and Pass is true only when backpropagation agrees
// with finite differences and g agrees with both.
func CheckGradient(p *problem.Problem, g *Gradient, s *Settings) (*Report, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: no gradient given", ErrGradient)
	}
	L := len(p.Net.Layers)
	if len(g.DW) != L {
		return nil, fmt.Errorf("%w: %d dW arrays for a network of %d layers: give dW1 … dW%d", ErrGradient, len(g.DW), L, L)
	}
	if len(g.DB) != L && len(g.DBMatrix) != L {
		return nil, fmt.Errorf("%w: %d db arrays for a network of %d layers: give db1 … db%d", ErrGradient, max(len(g.DB), len(g.DBMatrix)), L, L)
	}
	for ℓ := 1; ℓ <= L; ℓ++ {
		if g.DW[ℓ-1] == nil {
			return nil, fmt.Errorf("%w: dW%d is missing", ErrGradient, ℓ)
		}
		if g.bias(ℓ) == nil {
			return nil, fmt.Errorf("%w: db%d is missing", ErrGradient, ℓ)
		}
	}
	r, err := Check(p, s)
	if err != nil {
		return nil, err
	}
	r.Learner = judge(p, g, r)
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

// judge compares the learner's arrays with the report's backpropagation.
func judge(p *problem.Problem, g *Gradient, r *Report) *LearnerCheck {
	n := p.Net
	lc := &LearnerCheck{Source: g.Source, Float32: g.Float32, Values: make([]float64, 0, len(r.Analytic))}
	tol, floorFrac := tolFloat64, floorFloat64
	if g.Float32 {
		tol, floorFrac = tolFloat32, floorFloat32
	}
	var top float64
	for _, a := range r.Analytic {
		top = math.Max(top, math.Abs(a))
	}
	set := &compare.Settings{Floor: math.Max(floorFrac*top, 1e-300), Tol: tol, Worst: r.Comparison.Settings.Worst}

	// The arrays as given, and the truth in the same layout: a bias is
	// 1×n in the row convention and n×1 in the others.
	type array struct {
		quantity   compare.Quantity
		got, truth *mat.Dense
	}
	var arrays []array
	for ℓ := 1; ℓ <= len(n.Layers); ℓ++ {
		nb := len(n.Layers[ℓ-1].B)
		br, bc := 1, nb
		if n.Convention.ColumnLayout() {
			br, bc = nb, 1
		}
		gotB := g.bias(ℓ)
		if r0, c0 := gotB.Dims(); (r0 == 1 && c0 == nb) || (r0 == nb && c0 == 1) {
			gotB = mat.NewDense(br, bc, flat(gotB)) // 1×n and n×1 are both the n numbers
		}
		arrays = append(arrays,
			array{compare.DW, g.DW[ℓ-1], r.Trace.DW[ℓ]},
			array{compare.DB, gotB, mat.NewDense(br, bc, append([]float64(nil), r.Trace.DB[ℓ]...))})
	}
	for i, a := range arrays {
		gr, gc := a.got.Dims()
		wr, wc := a.truth.Dims()
		lp := LearnerParam{Layer: i/2 + 1, Name: map[compare.Quantity]string{compare.DW: "W", compare.DB: "b"}[a.quantity],
			Rows: gr, Cols: gc, WantRows: wr, WantCols: wc, ShapeOK: gr == wr && gc == wc}
		if lp.ShapeOK {
			lc.Values = append(lc.Values, flat(a.got)...)
		} else {
			lc.Values = append(lc.Values, flat(a.truth)...)
		}
		lc.Params = append(lc.Params, lp)
	}
	lc.VsBackprop = compare.Gradients(lc.Values, r.Analytic, n.ParamAt, nil, set)
	if r.Numeric != nil {
		lc.VsNumeric = compare.Gradients(lc.Values, r.Numeric, n.ParamAt, nil, &r.Comparison.Settings)
	}
	wrong := 0
	for i := range lc.Params {
		lp, a := &lc.Params[i], arrays[i]
		grp := lc.VsBackprop.Groups[i] // W¹, b¹, W², b², … as Params
		if lp.ShapeOK {
			lp.MaxAbs, lp.MaxRel = grp.MaxAbs, grp.MaxRel
		}
		lp.Agree = lp.ShapeOK && grp.MaxRel <= tol
		if lp.Agree {
			continue
		}
		wrong++
		ctx := compare.ContextFor(n, r.Trace, a.quantity, lp.Layer)
		lp.Mistakes = compare.Diagnose(a.got, a.truth, ctx)
		switch {
		case len(lp.Mistakes) > 0:
		case !lp.ShapeOK && (lp.Rows == 1 || lp.Cols == 1) && lp.Rows*lp.Cols == lp.WantRows*lp.WantCols && lp.WantRows > 1 && lp.WantCols > 1:
			lp.Message = flatMessage(lp, a.got, a.truth, ctx)
		case !lp.ShapeOK:
			lp.Message = fmt.Sprintf("d%s%d is %d×%d, but ∂C/∂%s%d has the shape of %s%d, %d×%d: %s; no mistake of the catalogue gives a %d×%d array",
				lp.Name, lp.Layer, lp.Rows, lp.Cols, lp.Name, lp.Layer, lp.Name, lp.Layer, lp.WantRows, lp.WantCols,
				ctx.ShapeRule(), lp.Rows, lp.Cols)
		default:
			lp.Message = fmt.Sprintf("d%s%d differs from backpropagation (max relative error %.3g) in a way no classic mistake reproduces: compare its worst entries with your code",
				lp.Name, lp.Layer, lp.MaxRel)
		}
	}
	lc.Outcome, lc.Message = lc.conclude(r, wrong)
	return lc
}

// flatMessage explains a matrix given as a flat vector of the right
// length: the forum thread's question whether the gradient is a matrix or
// a vector. The numbers are read back row by row (numpy's ravel) and
// judged as the matrix they would be.
func flatMessage(lp *LearnerParam, got, truth *mat.Dense, ctx compare.Context) string {
	shaped := mat.NewDense(lp.WantRows, lp.WantCols, flat(got))
	head := fmt.Sprintf("d%s%d is a flat vector of %d numbers, but ∂C/∂%s%d is a matrix shaped like %s%d, %d×%d, one entry per weight (the thread's question: the gradient is a matrix)",
		lp.Name, lp.Layer, lp.Rows*lp.Cols, lp.Name, lp.Layer, lp.Name, lp.Layer, lp.WantRows, lp.WantCols)
	if compare.Matches(shaped, truth) {
		return head + "; read row by row into that shape, its numbers are right: keep the matrix instead of flattening it"
	}
	if ms := compare.Diagnose(shaped, truth, ctx); len(ms) > 0 {
		var codes []compare.Code
		for _, m := range ms {
			codes = append(codes, m.Code)
		}
		return head + "; read row by row into that shape, it would still be wrong: " + compare.Join(codes)
	}
	return head + "; read row by row into that shape, its numbers are not right either"
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

// conclude says what the three values, side by side, let one conclude.
func (lc *LearnerCheck) conclude(r *Report, wrong int) (Outcome, string) {
	precision := ""
	if lc.Float32 {
		precision = fmt.Sprintf(" Your arrays are float32, which keeps about 7 significant digits: they are judged to a relative %.0e (and entries under %.0e of the largest to an absolute error), so a mistake smaller than that cannot be seen; save float64 arrays to judge to %.0e.",
			tolFloat32, floorFloat32, tolFloat64)
	}
	ref := "backproof's backpropagation agrees with finite differences"
	if r.Confirmation != nil && r.Outcome == Agree {
		ref = "backproof's backpropagation agrees with finite differences once the step is right (" + r.Confirmation.Cause.String() + ")"
	}
	switch {
	case r.Outcome == Agree && wrong == 0:
		return Agree, fmt.Sprintf("%s, and your gradient agrees with both (max relative error %.3g against backpropagation): your gradient is right.%s", ref, lc.VsBackprop.MaxRel, precision)
	case r.Outcome == Agree:
		return Disagree, fmt.Sprintf("%s, and your gradient differs from both in %d of its %d arrays: your gradient is wrong.%s", ref, wrong, len(lc.Params), precision)
	case wrong > 0:
		return Disagree, fmt.Sprintf("your gradient differs from backproof's backpropagation in %d of its %d arrays: your gradient is most likely wrong, but finite differences could not confirm backpropagation here (%s), so this rests on backpropagation alone.%s",
			wrong, len(lc.Params), r.confirmationWords(), precision)
	}
	return CannotTell, fmt.Sprintf("your gradient agrees with backproof's backpropagation, but finite differences could not confirm either here (%s): cannot tell.%s", r.confirmationWords(), precision)
}

// confirmationWords is why the check's own comparison did not settle.
func (r *Report) confirmationWords() string {
	if r.Confirmation != nil {
		return r.Confirmation.Message
	}
	return r.Comparison.Verdict.Explain(r.Comparison.Settings.Tol)
}

// LearnerPass reports whether the learner's gradient agrees.
func (lc *LearnerCheck) Pass() bool { return lc.Outcome == Agree }
