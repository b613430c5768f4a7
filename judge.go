package backproof

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
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
	lc := &GradientResult{Source: g.Source, Float32: g.Float32, Values: make([]float64, 0, len(r.Analytic))}
	tol, floor, tiny := tolFloat64, floorFloat64, tinyFloat64
	if g.Float32 {
		tol, floor, tiny = tolFloat32, floorFloat32, tinyFloat32
	}
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
				lp.Message = flatMessage(lp, a.got, truth, ctx)
			default:
				lp.Message = fmt.Sprintf("d%s%d is %d×%d, but ∂C/∂%s%d has the shape of %s%d, %d×%d: %s; no mistake of the catalogue gives a %d×%d array",
					lp.Name, lp.Layer, lp.Rows, lp.Cols, lp.Name, lp.Layer, lp.Name, lp.Layer, lp.WantRows, lp.WantCols,
					ctx.ShapeRule(), lp.Rows, lp.Cols)
			}
			continue
		}
		differ = append(differ, ref.judgeArray(lp, i, a, lc.Values, floor, tiny, n, numeric)...)
		if !lp.Judged || lp.Agree {
			continue
		}
		switch {
		case lp.NaN+lp.Inf > 0:
			lp.Message = nonFiniteMessage(lp, n)
		default:
			if lp.Widened {
				ctx.Floor = lp.Floor / lp.Scale // the rounding float64 carries here
			}
			lp.Mistakes = compare.Diagnose(a.got, truth, ctx)
			if len(lp.Mistakes) == 0 && largestEntry(a.got) == 0 {
				lp.Message = fmt.Sprintf("d%s%d is all zeros, but backpropagation's is not (its largest entry is %.3g): a loop over the layers that stops before layer %d, or an array never filled",
					lp.Name, lp.Layer, largestEntry(truth), lp.Layer)
			} else if len(lp.Mistakes) == 0 {
				lp.Message = fmt.Sprintf("d%s%d differs from backpropagation (max relative error %.3g) in a way no classic mistake reproduces: compare its worst entries with your code",
					lp.Name, lp.Layer, lp.MaxRel)
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
	lc.Outcome, lc.Message = lc.conclude(r)
	lc.Message += lc.inheritWords() + both
	lc.Message += float64Words(lc)
	if ref.exact == nil {
		lc.Message += fmt.Sprintf(" (Your arrays were judged against float64 backpropagation alone: at %d multiply-adds a forward pass the network is too large for the exact reference, whose limit is %d, so a point where float64 itself loses digits, such as outputs that fit their targets, would not be recognised.)",
			exactWork(p), maxExactWork)
	}
	lc.Float64Err = math.NaN()
	if ref.exact != nil {
		lc.Message += ref.kinkWords(lc)
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
		name := fmt.Sprintf("d%s%d", lp.Name, lp.Layer)
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
// returns its entries that differ. floor is the fraction of the array's
// largest reference entry under which a difference is rounding, tiny the
// size under which its entries have lost digits to underflow.
//
// With the exact reference, the floor is at least ten times the error
// float64 backpropagation makes in this array at this point: where a − y
// cancels, no float64 computation can do better, the learner's included.
// An entry on a relu kink is judged against the interval between its
// left-slope and right-slope values, both valid.
func (ref *reference) judgeArray(lp *LearnerParam, idx int, a learnerArray, values []float64, floor, tiny float64, n *derive.Net, numeric []float64) []LearnerEntry {
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
		lp.Judged = false
		lp.Reason = "backproof's own backpropagation is not finite here"
		return nil
	case lp.NaN+lp.Inf == 0 && top == 0 && topYours == 0:
		lp.Agree = true // exactly zero, as it should be (a unit that never fires)
		return nil
	case lp.NaN+lp.Inf == 0 && top < tiny && topYours < tiny:
		lp.Judged = false
		bits := 64
		if tiny == tinyFloat32 {
			bits = 32
		}
		lp.Reason = fmt.Sprintf("its entries are at most %.2g, so small that float%d has lost digits to underflow", top, bits)
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

// kinkWords says which entries sat on a kink and which slope the
// learner's numbers there follow; empty without kinks.
func (ref *reference) kinkWords(lc *GradientResult) string {
	var kinks int
	for _, lp := range lc.Params {
		kinks += lp.Kinks
	}
	if kinks == 0 {
		return ""
	}
	var follows string
	switch {
	case ref.kinkLeft+ref.kinkRight+ref.kinkBetween == 0:
		follows = "none of yours lies between the two"
	case ref.kinkRight == 0 && ref.kinkBetween == 0:
		follows = "yours follow the left slope there (relu′(0) = 0, as backproof takes it)"
	case ref.kinkLeft == 0 && ref.kinkBetween == 0:
		follows = "yours follow the right slope there (relu′(0) = 1)"
	case ref.kinkBetween > 0 && ref.kinkLeft == 0 && ref.kinkRight == 0:
		follows = "yours lie between the two slopes' values there (relu′(0) strictly between the slopes, a subgradient too)"
	default:
		follows = fmt.Sprintf("yours follow the left slope in %d of them, the right in %d and lie between in %d",
			ref.kinkLeft, ref.kinkRight, ref.kinkBetween)
	}
	var names []string
	for _, p := range ref.kinkEntries[:min(len(ref.kinkEntries), 6)] {
		names = append(names, EntryName(p))
	}
	if len(ref.kinkEntries) > 6 {
		names = append(names, "…")
	}
	return fmt.Sprintf(" %d entries of the gradient sit on a relu kink, %s (%d pre-activations within float64's rounding of 0, where relu′ does not exist): each was judged against the interval between its values with the left slope (relu′(0) = 0) and the right slope (relu′(0) = 1), both valid; %s.",
		kinks, strings.Join(names, ", "), ref.exact.OnKink, follows)
}

// float64Words says, where float64 backpropagation itself is good only to
// a few digits at this point, how good, and that the learner was allowed
// as much; empty elsewhere.
func float64Words(lc *GradientResult) string {
	var worst, yours float64
	for _, lp := range lc.Params {
		if lp.Widened {
			worst = math.Max(worst, lp.Float64Err)
			if lp.Judged && lp.ShapeOK && lp.NaN+lp.Inf == 0 && lp.Scale > 0 {
				yours = math.Max(yours, lp.MaxAbs/lp.Scale)
			}
		}
	}
	if worst == 0 {
		return ""
	}
	within := fmt.Sprintf("Yours is within that (%.1g), and was allowed ten times as much.", yours)
	if yours > 10*worst {
		within = fmt.Sprintf("Yours differs by %.1g, more than ten times that.", yours)
	}
	return fmt.Sprintf(" At this point float64 backpropagation is good to only about %.1g of each array's largest entry (backproof's own, set beside the gradient computed in double-double arithmetic): outputs that nearly equal their targets make a − y cancel. %s",
		worst, within)
}

// nonFiniteMessage says what a NaN or an infinity in the learner's array
// means.
func nonFiniteMessage(lp *LearnerParam, n *derive.Net) string {
	var what []string
	if lp.NaN > 0 {
		what = append(what, fmt.Sprintf("%d NaN", lp.NaN))
	}
	if lp.Inf > 0 {
		what = append(what, fmt.Sprintf("%d infinite", lp.Inf))
	}
	msg := fmt.Sprintf("d%s%d has %s of its %d entries: a gradient of a finite cost is finite, so this is a mistake in the arithmetic, not rounding",
		lp.Name, lp.Layer, strings.Join(what, " and "), lp.Rows*lp.Cols)
	if n.Cost == derive.CrossEntropy {
		return msg + "; the textbook δ = (a − y) / (a(1 − a)) · σ′(z) gives 0/0 where a sigmoid output saturates to exactly 0 or 1: with a sigmoid output and cross-entropy write δ^L = a − y, where the a(1 − a) cancels"
	}
	return msg + ": look for a division by a number that can be 0 (a, 1 − a, a sum) or an exp of a large number"
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
func (lc *GradientResult) conclude(r *Backprop) (Outcome, string) {
	var wrong, unjudged []string
	for _, lp := range lc.Params {
		switch {
		case !lp.Judged:
			unjudged = append(unjudged, fmt.Sprintf("d%s%d (%s)", lp.Name, lp.Layer, lp.Reason))
		case !lp.Agree:
			wrong = append(wrong, fmt.Sprintf("d%s%d", lp.Name, lp.Layer))
		}
	}
	precision := ""
	if lc.Float32 {
		precision = fmt.Sprintf(" Your arrays are float32, which keeps about 7 significant digits: each is judged to a relative %.0e (and entries under %.0e of its largest to an absolute error), so a mistake smaller than that cannot be seen; save float64 arrays to judge to %.0e.",
			tolFloat32, floorFloat32, tolFloat64)
	}
	notJudged := ""
	if len(unjudged) > 0 {
		notJudged = fmt.Sprintf(" %s could not be judged: %s.", plural(len(unjudged), "array"), strings.Join(unjudged, "; "))
	}
	ref := "backproof's backpropagation agrees with finite differences"
	if cf := r.Confirmation; cf != nil && r.Outcome == Agree && cf.Agreed != nil {
		if cf.Agreed.Method == numgrad.ComplexStep {
			ref = fmt.Sprintf("backproof's backpropagation agrees with the complex step (%s)", cf.Cause)
		} else {
			ref = fmt.Sprintf("backproof's backpropagation agrees with %v differences at h = %.3g (%s)", cf.Agreed.Method, cf.Agreed.Step, cf.Cause)
		}
	}
	total := len(lc.Params)
	switch {
	case r.Outcome == Agree && len(wrong) == 0 && len(unjudged) == 0:
		return Agree, fmt.Sprintf("%s, and your gradient agrees with both, each array on its own scale (max relative error %.3g against backpropagation): your gradient is right.%s", ref, lc.maxRel(), precision)
	case r.Outcome == Agree && len(wrong) > 0:
		return Disagree, fmt.Sprintf("%s, and your gradient differs from both in %d of its %d arrays: your gradient is wrong.%s%s", ref, len(wrong), total, notJudged, precision)
	case len(wrong) > 0:
		return Disagree, fmt.Sprintf("your gradient differs from backproof's backpropagation in %d of its %d arrays: your gradient is most likely wrong, but finite differences could not confirm backpropagation here (%s), so this rests on backpropagation alone.%s%s",
			len(wrong), total, r.Unsettled(), notJudged, precision)
	case r.Outcome == Agree:
		return CannotTell, fmt.Sprintf("%s, and your gradient agrees with it in the %d arrays that could be judged, but not every array could be:%s Cannot tell.%s",
			ref, total-len(unjudged), notJudged, precision)
	}
	return CannotTell, fmt.Sprintf("your gradient agrees with backproof's backpropagation, but finite differences could not confirm either here (%s): cannot tell.%s%s", r.Unsettled(), notJudged, precision)
}

// maxRel is the largest relative error over the judged arrays.
func (lc *GradientResult) maxRel() float64 {
	var m float64
	for _, lp := range lc.Params {
		if lp.Judged && lp.ShapeOK {
			m = math.Max(m, lp.MaxRel)
		}
	}
	return m
}

// plural is "1 array" or "3 arrays".
func plural(k int, what string) string {
	if k == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", k, what)
}

// inheritWords names the first wrong layer and the arrays that inherit
// its mistake; empty when none does.
func (lc *GradientResult) inheritWords() string {
	if lc.First == 0 {
		return ""
	}
	var names []string
	for _, lp := range lc.Params {
		if lp.Inherits > 0 {
			names = append(names, fmt.Sprintf("d%s%d", lp.Name, lp.Layer))
		}
	}
	verb := "differ"
	if len(names) == 1 {
		verb = "differs"
	}
	return fmt.Sprintf(" Layer %d is the first wrong layer in backward order: %s %s only because δ^%d does (planted in backproof's backpropagation, its mistake gives exactly your numbers there), so fix layer %d first.",
		lc.First, joinNames(names), verb, lc.First, lc.First)
}

// joinNames is "a", "a and b", "a, b and c".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// EntryName names an entry of the gradient as the worst-entry lists and
// the messages print it: (layer, W, row, column) for a weight, and
// (layer, b, unit j) for a bias, which is one number per unit whatever its
// layout.
func EntryName(p derive.Param) string {
	if p.Name == "b" {
		return fmt.Sprintf("(%d, b, unit %d)", p.Layer, p.Row)
	}
	return fmt.Sprintf("(%d, %s, %d, %d)", p.Layer, p.Name, p.Row, p.Col)
}

// largestEntry is max |m_ij|: the "largest entry" the message names (the
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
