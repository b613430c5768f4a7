package backproof

import (
	"math"
	"sort"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// learnerArray is one of the learner's arrays as given, with where its
// entries sit in the order of derive.Net.Params.
type learnerArray struct {
	quantity compare.Quantity
	layer    int
	got      *mat.Dense
	// rows, cols is the parameter's shape in the problem's layout; off is
	// the index of its first entry in derive.Net.Params.
	rows, cols, off int
}

func (a learnerArray) name() string {
	if a.quantity == compare.DW {
		return "W"
	}
	return "b"
}

// learnerArrays lists the learner's arrays W¹, b¹, W², b², … A bias given
// as 1×n or n×1 is the n numbers either way: a vector has no orientation.
func learnerArrays(n *derive.Net, g *Gradient) []learnerArray {
	var out []learnerArray
	off := 0
	for ℓ := 1; ℓ <= len(n.Layers); ℓ++ {
		wr, wc := n.Layers[ℓ-1].W.Dims()
		nb := len(n.Layers[ℓ-1].B)
		br, bc := 1, nb
		if n.Convention.ColumnLayout() {
			br, bc = nb, 1
		}
		gotB := g.bias(ℓ)
		if r0, c0 := gotB.Dims(); (r0 == 1 && c0 == nb) || (r0 == nb && c0 == 1) {
			gotB = mat.NewDense(br, bc, flat(gotB))
		}
		out = append(out,
			learnerArray{compare.DW, ℓ, g.DW[ℓ-1], wr, wc, off},
			learnerArray{compare.DB, ℓ, gotB, br, bc, off + wr*wc})
		off += wr*wc + nb
	}
	return out
}

// judge sets the learner's arrays beside the reference, each array on its
// own scale, and concludes.
func judge(p *problem.Problem, g *Gradient, r *Backprop, numeric []float64) *GradientResult {
	n := p.Net
	ref := newReference(r)
	lc := &GradientResult{Source: g.Source, Float32: g.Float32, Values: make([]float64, 0, len(r.Analytic)), Cost: n.Cost}
	prec := lc.Precision()
	tol := prec.Tol
	arrays := learnerArrays(n, g)
	for _, a := range arrays {
		gr, gc := a.got.Dims()
		lp := LearnerParam{Layer: a.layer, Name: a.name(), Rows: gr, Cols: gc, WantRows: a.rows, WantCols: a.cols,
			ShapeOK: gr == a.rows && gc == a.cols, Tol: tol}
		if lp.ShapeOK {
			lc.Values = append(lc.Values, flat(a.got)...)
		} else {
			lc.Values = append(lc.Values, r.Analytic[a.off:a.off+a.rows*a.cols]...)
		}
		lc.Params = append(lc.Params, lp)
	}
	worstN := r.Comparison.Criteria.Worst
	lc.VsBackprop = compare.Gradients(lc.Values, r.Analytic, n.ParamAt, nil,
		&compare.Criteria{Floor: 1e-300, Tol: tol, Worst: worstN})
	if numeric != nil {
		lc.VsNumeric = compare.Gradients(lc.Values, numeric, n.ParamAt, nil, &r.Comparison.Criteria)
	}
	var differ []LearnerEntry
	for i, a := range arrays {
		lp := &lc.Params[i]
		truth := mat.NewDense(a.rows, a.cols, append([]float64(nil), ref.value[a.off:a.off+a.rows*a.cols]...))
		ctx := compare.ContextFor(n, r.Trace, a.quantity, a.layer)
		if !lp.ShapeOK {
			lp.Judged = true
			lp.Mistakes = compare.Diagnose(a.got, truth, ctx)
			switch {
			case len(lp.Mistakes) > 0:
			case (lp.Rows == 1 || lp.Cols == 1) && lp.Rows*lp.Cols == lp.WantRows*lp.WantCols && lp.WantRows > 1 && lp.WantCols > 1:
				lp.Finding, lp.Flat = Flattened, flatReading(lp, a.got, truth, ctx)
			default:
				lp.Finding, lp.ShapeRule = Misshaped, ctx.ShapeRule()
			}
			continue
		}
		differ = append(differ, ref.judgeArray(lp, i, a, lc.Values, prec, n, numeric)...)
		if !lp.Judged || lp.Agree {
			continue
		}
		switch {
		case lp.NaN+lp.Inf > 0:
			lp.Finding = NotFinite
		default:
			if lp.Widened {
				ctx.Floor = lp.Floor / lp.Scale // the rounding float64 carries here
			}
			lp.Mistakes = compare.Diagnose(a.got, truth, ctx)
			if len(lp.Mistakes) == 0 && largestEntry(a.got) == 0 {
				lp.Finding, lp.Largest = AllZeros, largestEntry(truth)
			} else if len(lp.Mistakes) == 0 {
				lp.Finding = Unexplained
			}
		}
	}
	first, both := lc.inherit(n, r.Trace, arrays)
	if lc.First = first; lc.First > 0 {
		for i := range differ {
			differ[i].First = differ[i].Param.Layer == lc.First
		}
	}
	lc.Worst = selectWorst(differ, worstN)
	lc.selectArrays()
	lc.BothKeeps = both
	lc.Conclusion = lc.conclude(r)
	lc.Outcome = lc.Conclusion.Outcome()
	if ref.exact == nil {
		lc.NoExact = &ExactLimit{Work: exactWork(p), Limit: maxExactWork}
	}
	lc.Float64Err = math.NaN()
	if ref.exact != nil {
		lc.KinkSlopes = KinkSlopes{Left: ref.kinkLeft, Right: ref.kinkRight, Between: ref.kinkBetween}
		lc.OnKink = ref.exact.OnKink
		lc.Kinks = ref.kinkEntries
		lc.Float64Err = 0
		for _, lp := range lc.Params {
			lc.Float64Err = max(lc.Float64Err, lp.Float64Err)
		}
	}
	return lc
}

// selectArrays makes the selections that the result's readers print: the
// arrays that are wrong of their own accord and those that inherit a
// mistake, and the arrays to diagnose, the first wrong layer's first.
func (lc *GradientResult) selectArrays() {
	var first, rest []LearnerParam
	for _, lp := range lc.Params {
		if !lp.Judged || lp.Agree {
			continue
		}
		name := printf.Sprintf("d%s%d", lp.Name, lp.Layer)
		if lp.Inherits > 0 {
			lc.Inheriting = append(lc.Inheriting, name)
		} else {
			lc.Wrong = append(lc.Wrong, name)
		}
		if lc.First > 0 && lp.Layer == lc.First {
			first = append(first, lp)
		} else {
			rest = append(rest, lp)
		}
	}
	lc.Diagnosed = append(first, rest...)
}

// reference is what the learner's gradient is judged against, in the
// order of derive.Net.Params: the exact gradient when the check computed
// it (Report.Exact), else float64 backpropagation.
type reference struct {
	value    []float64 // the exact gradient, left slope on kinks; or backpropagation
	exact    *Exact
	backprop []float64
	// The entries on a kink, and the slopes the learner's follow there.
	kinkEntries                      []derive.Param
	kinkLeft, kinkRight, kinkBetween int
}

func newReference(r *Backprop) *reference {
	if r.Exact == nil {
		return &reference{value: r.Analytic, backprop: r.Analytic}
	}
	return &reference{value: r.Exact.Left, exact: r.Exact, backprop: r.Analytic}
}

// judgeArray judges the learner's array a (the idx-th: W¹, b¹, W², …),
// entry by entry, against the reference on the array's own scale, and
// returns its entries that differ, judged to the precision prec.
//
// With the exact reference, the floor is at least ten times the error
// float64 backpropagation makes in this array at this point: where a − y
// cancels, no float64 computation can do better, the learner's included.
// An entry on a relu kink is judged against the interval between its
// left-slope and right-slope values, both valid.
func (ref *reference) judgeArray(lp *LearnerParam, idx int, a learnerArray, values []float64, prec Precision, n *derive.Net, numeric []float64) []LearnerEntry {
	floor, tiny := prec.Floor, prec.Tiny
	size := a.rows * a.cols
	yours, want := values[a.off:a.off+size], ref.value[a.off:a.off+size]
	var top, topYours float64
	finite := true
	for k, w := range want {
		top = math.Max(top, math.Abs(w))
		finite = finite && !math.IsNaN(w) && !math.IsInf(w, 0)
		switch y := yours[k]; {
		case math.IsNaN(y):
			lp.NaN++
		case math.IsInf(y, 0):
			lp.Inf++
		default:
			topYours = math.Max(topYours, math.Abs(y))
		}
	}
	ex := ref.exact
	if ex != nil {
		top = math.Max(top, ex.Scale[idx])
	}
	lp.Floor, lp.Scale = floor*top, top
	if ex != nil && top > 0 {
		// Backpropagation's error in this array, or, the larger, its
		// worst relative error anywhere: the rounding of a − y reaches
		// every array, and one array's luck is no measure of float64.
		lp.Float64Err = math.Max(ex.Err[idx]/top, ex.Rel)
		if 10*lp.Float64Err*top > lp.Floor {
			lp.Floor, lp.Widened = 10*lp.Float64Err*top, true
		}
	}
	lp.Judged = true
	switch {
	case !finite:
		lp.Judged, lp.Unjudged = false, BackpropNotFinite
		return nil
	case lp.NaN+lp.Inf == 0 && top == 0 && topYours == 0:
		lp.Agree = true // exactly zero, as it should be (a unit that never fires)
		return nil
	case lp.NaN+lp.Inf == 0 && top < tiny && topYours < tiny:
		lp.Judged, lp.Unjudged = false, Underflow
		return nil
	}
	var out []LearnerEntry
	for k, y := range yours {
		i := a.off + k
		lo, hi := want[k], want[k]
		kink := ex != nil && ex.onKink(i)
		if kink {
			lo, hi = math.Min(ex.Left[i], ex.Right[i]), math.Max(ex.Left[i], ex.Right[i])
			lp.Kinks++
			ref.kinkEntries = append(ref.kinkEntries, n.ParamAt(i))
		}
		w := math.Min(math.Max(y, lo), hi) // the nearest value of the interval
		d := math.Abs(y - w)
		rel := compare.RelError(y, w)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			d, rel, w = math.Inf(1), math.Inf(1), want[k]
		} else {
			lp.MaxAbs = math.Max(lp.MaxAbs, d)
			if d > floor*top { // the floor before any widening: the relative error shows
				lp.MaxRel = math.Max(lp.MaxRel, rel)
			}
		}
		ok := d <= math.Max(lp.Tol*math.Abs(w), lp.Floor)
		if kink && ok {
			ref.noteSlope(y, ex.Left[i], ex.Right[i], math.Max(lp.Tol*math.Max(math.Abs(lo), math.Abs(hi)), lp.Floor))
		}
		if ok {
			continue
		}
		e := LearnerEntry{Param: n.ParamAt(i), Yours: y, Backprop: ref.backprop[i], Reference: w, RelErr: rel}
		if numeric != nil {
			e.Numeric, e.HasNumeric = numeric[i], true
		}
		out = append(out, e)
	}
	lp.Agree = len(out) == 0
	return out
}

// noteSlope records which slope a learner's entry on a kink follows: y
// near the left-slope value, near the right-slope one, or between.
func (ref *reference) noteSlope(y, left, right, within float64) {
	switch {
	case math.Abs(y-left) <= within:
		ref.kinkLeft++
	case math.Abs(y-right) <= within:
		ref.kinkRight++
	default:
		ref.kinkBetween++
	}
}

// selectWorst orders the entries that differ, the non-finite ones first,
// then those of the first wrong layer, then by relative and absolute
// error, and keeps k of them.
func selectWorst(differ []LearnerEntry, k int) []LearnerEntry {
	sort.SliceStable(differ, func(i, j int) bool {
		a, b := differ[i], differ[j]
		if a.NonFinite() != b.NonFinite() {
			return a.NonFinite()
		}
		if a.First != b.First {
			return a.First
		}
		if a.RelErr != b.RelErr {
			return a.RelErr > b.RelErr
		}
		return math.Abs(a.Yours-a.Reference) > math.Abs(b.Yours-b.Reference)
	})
	if len(differ) > k {
		differ = differ[:k]
	}
	return differ
}

// conclude says what the three values, side by side, let one conclude.
func (lc *GradientResult) conclude(r *Backprop) Conclusion {
	var wrong, unjudged int
	for _, lp := range lc.Params {
		switch {
		case !lp.Judged:
			unjudged++
		case !lp.Agree:
			wrong++
		}
	}
	switch {
	case r.Outcome == Agree && wrong == 0 && unjudged == 0:
		return Right
	case r.Outcome == Agree && wrong > 0:
		return Wrong
	case wrong > 0:
		return WrongUnconfirmed
	case r.Outcome == Agree:
		return PartlyJudged
	}
	return Unconfirmed
}

// EntryName names an entry of the gradient as the worst-entry lists and
// the messages print it: (layer, W, row, column) for a weight, and
// (layer, b, unit j) for a bias, which is one number per unit whatever its
// layout.
func EntryName(p derive.Param) string {
	if p.Name == "b" {
		return printf.Sprintf("(%d, b, unit %d)", p.Layer, p.Row)
	}
	return printf.Sprintf("(%d, %s, %d, %d)", p.Layer, p.Name, p.Row, p.Col)
}

// largestEntry is max |m_ij|: the "largest entry" the words name (the
// matrix norm mat.Norm(m, ∞) is the largest row sum, and keeps gonum's
// LAPACK norms, 23 KB compressed, in the page in the browser).
func largestEntry(m *mat.Dense) float64 {
	top := 0.0
	r, c := m.Dims()
	for i := range r {
		for j := range c {
			top = max(top, math.Abs(m.At(i, j)))
		}
	}
	return top
}
