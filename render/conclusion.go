package render

import (
	"math"
	"strings"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
)

// The learner's check in words: the conclusion, what was found in each
// array that no mistake of the catalogue names, and why an array could
// not be judged. The text and the JSON both print these sentences; the
// result holds only what they are made of.

// Conclusion is the conclusion of a learner's check in words: what the
// three values side by side let one conclude, then, where they apply, the
// first wrong layer and the arrays that inherit its mistake, a second
// missing 1/p, how good float64 is at this point, and the entries on a
// relu kink (or that there was no exact reference).
func Conclusion(lc *backproof.GradientResult) string {
	msg := conclusion(lc) + inheritWords(lc) + bothWords(lc.BothKeeps) + float64Words(lc)
	if e := lc.NoExact; e != nil {
		msg += printf.Sprintf(" (Your arrays were judged against float64 backpropagation alone: at %d multiply-adds a forward pass the network is too large for the exact reference, whose limit is %d, so a point where float64 itself loses digits, such as outputs that fit their targets, would not be recognised.)",
			e.Work, e.Limit)
	} else {
		msg += kinkWords(lc)
	}
	return msg
}

// conclusion words lc.Conclusion.
func conclusion(lc *backproof.GradientResult) string {
	r := lc.Backprop()
	var wrong, unjudged []string
	for _, lp := range lc.Params {
		switch {
		case !lp.Judged:
			unjudged = append(unjudged, printf.Sprintf("d%s%d (%s)", lp.Name, lp.Layer, NotJudged(lc, lp)))
		case !lp.Agree:
			wrong = append(wrong, printf.Sprintf("d%s%d", lp.Name, lp.Layer))
		}
	}
	precision := ""
	if lc.Float32 {
		precision = printf.Sprintf(" Your arrays are float32, which keeps about 7 significant digits: each is judged to a relative %.0e (and entries under %.0e of its largest to an absolute error), so a mistake smaller than that cannot be seen; save float64 arrays to judge to %.0e.",
			backproof.Float32Precision.Tol, backproof.Float32Precision.Floor, backproof.Float64Precision.Tol)
	}
	notJudged := ""
	if len(unjudged) > 0 {
		notJudged = printf.Sprintf(" %s could not be judged: %s.", plural(len(unjudged), "array"), strings.Join(unjudged, "; "))
	}
	ref := "backproof's backpropagation agrees with finite differences"
	if cf := r.Confirmation; cf != nil && r.Outcome == backproof.Agree && cf.Agreed != nil {
		if cf.Agreed.Method == numgrad.ComplexStep {
			ref = printf.Sprintf("backproof's backpropagation agrees with the complex step (%s)", cf.Cause)
		} else {
			ref = printf.Sprintf("backproof's backpropagation agrees with %v differences at h = %.3g (%s)", cf.Agreed.Method, cf.Agreed.Step, cf.Cause)
		}
	}
	total := len(lc.Params)
	switch lc.Conclusion {
	case backproof.Right:
		return printf.Sprintf("%s, and your gradient agrees with both, each array on its own scale (max relative error %.3g against backpropagation): your gradient is right.%s", ref, maxRel(lc), precision)
	case backproof.Wrong:
		return printf.Sprintf("%s, and your gradient differs from both in %d of its %d arrays: your gradient is wrong.%s%s", ref, len(wrong), total, notJudged, precision)
	case backproof.WrongUnconfirmed:
		return printf.Sprintf("your gradient differs from backproof's backpropagation in %d of its %d arrays: your gradient is most likely wrong, but finite differences could not confirm backpropagation here (%s), so this rests on backpropagation alone.%s%s",
			len(wrong), total, Unsettled(r), notJudged, precision)
	case backproof.PartlyJudged:
		return printf.Sprintf("%s, and your gradient agrees with it in the %d arrays that could be judged, but not every array could be:%s Cannot tell.%s",
			ref, total-len(unjudged), notJudged, precision)
	}
	return printf.Sprintf("your gradient agrees with backproof's backpropagation, but finite differences could not confirm either here (%s): cannot tell.%s%s", Unsettled(r), notJudged, precision)
}

// maxRel is the largest relative error over the judged arrays.
func maxRel(lc *backproof.GradientResult) float64 {
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
	return printf.Sprintf("%d %ss", k, what)
}

// inheritWords names the first wrong layer and the arrays that inherit
// its mistake; empty when none does.
func inheritWords(lc *backproof.GradientResult) string {
	if lc.First == 0 {
		return ""
	}
	var names []string
	for _, lp := range lc.Params {
		if lp.Inherits > 0 {
			names = append(names, printf.Sprintf("d%s%d", lp.Name, lp.Layer))
		}
	}
	verb := "differ"
	if len(names) == 1 {
		verb = "differs"
	}
	return printf.Sprintf(" Layer %d is the first wrong layer in backward order: %s %s only because δ^%d does (planted in backproof's backpropagation, its mistake gives exactly your numbers there), so fix layer %d first.",
		lc.First, joinNames(names), verb, lc.First, lc.First)
}

// bothWords says that a lower dropout layer forgot its own 1/p as well;
// empty for nil.
func bothWords(b *backproof.BothKeeps) string {
	if b == nil {
		return ""
	}
	return printf.Sprintf(" Layer %d forgot its own 1/p as well: its δ^%d is %.4g times the truth, %g inherited from layer %d's δ^%d, which lacks its 1/p, times its own %g; both layers' dA = dA / keep_prob lines are missing.",
		b.Layer, b.Layer, b.Own*b.Above, b.Above, b.First, b.First, b.Own)
}

// float64Words says, where float64 backpropagation itself is good only to
// a few digits at this point, how good, and that the learner was allowed
// as much; empty elsewhere.
func float64Words(lc *backproof.GradientResult) string {
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
	within := printf.Sprintf("Yours is within that (%.1g), and was allowed ten times as much.", yours)
	if yours > 10*worst {
		within = printf.Sprintf("Yours differs by %.1g, more than ten times that.", yours)
	}
	return printf.Sprintf(" At this point float64 backpropagation is good to only about %.1g of each array's largest entry (backproof's own, set beside the gradient computed in double-double arithmetic): outputs that nearly equal their targets make a − y cancel. %s",
		worst, within)
}

// kinkWords says which entries sat on a kink and which slope the
// learner's numbers there follow; empty without kinks.
func kinkWords(lc *backproof.GradientResult) string {
	var kinks int
	for _, lp := range lc.Params {
		kinks += lp.Kinks
	}
	if kinks == 0 {
		return ""
	}
	s := lc.KinkSlopes
	var follows string
	switch {
	case s.Left+s.Right+s.Between == 0:
		follows = "none of yours lies between the two"
	case s.Right == 0 && s.Between == 0:
		follows = "yours follow the left slope there (relu′(0) = 0, as backproof takes it)"
	case s.Left == 0 && s.Between == 0:
		follows = "yours follow the right slope there (relu′(0) = 1)"
	case s.Between > 0 && s.Left == 0 && s.Right == 0:
		follows = "yours lie between the two slopes' values there (relu′(0) strictly between the slopes, a subgradient too)"
	default:
		follows = printf.Sprintf("yours follow the left slope in %d of them, the right in %d and lie between in %d",
			s.Left, s.Right, s.Between)
	}
	var names []string
	for _, p := range lc.Kinks[:min(len(lc.Kinks), 6)] {
		names = append(names, backproof.EntryName(p))
	}
	if len(lc.Kinks) > 6 {
		names = append(names, "…")
	}
	return printf.Sprintf(" %d entries of the gradient sit on a relu kink, %s (%d pre-activations within float64's rounding of 0, where relu′ does not exist): each was judged against the interval between its values with the left slope (relu′(0) = 0) and the right slope (relu′(0) = 1), both valid; %s.",
		kinks, strings.Join(names, ", "), lc.OnKink, follows)
}

// Finding words what the judgement found in the learner's array lp where
// no mistake of the catalogue names it; empty when it found nothing of
// the kind.
func Finding(lc *backproof.GradientResult, lp backproof.LearnerParam) string {
	switch lp.Finding {
	case backproof.Misshaped:
		return printf.Sprintf("d%s%d is %d×%d, but ∂C/∂%s%d has the shape of %s%d, %d×%d: %s; no mistake of the catalogue gives a %d×%d array",
			lp.Name, lp.Layer, lp.Rows, lp.Cols, lp.Name, lp.Layer, lp.Name, lp.Layer, lp.WantRows, lp.WantCols,
			lp.ShapeRule, lp.Rows, lp.Cols)
	case backproof.Flattened:
		head := printf.Sprintf("d%s%d is a flat vector of %d numbers, but ∂C/∂%s%d is a matrix shaped like %s%d, %d×%d, one entry per weight (the thread's question: the gradient is a matrix)",
			lp.Name, lp.Layer, lp.Rows*lp.Cols, lp.Name, lp.Layer, lp.Name, lp.Layer, lp.WantRows, lp.WantCols)
		switch {
		case lp.Flat.Right:
			return head + "; read row by row into that shape, its numbers are right: keep the matrix instead of flattening it"
		case len(lp.Flat.Mistakes) > 0:
			return head + "; read row by row into that shape, it would still be wrong: " + compare.Join(lp.Flat.Mistakes)
		}
		return head + "; read row by row into that shape, its numbers are not right either"
	case backproof.NotFinite:
		var what []string
		if lp.NaN > 0 {
			what = append(what, printf.Sprintf("%d NaN", lp.NaN))
		}
		if lp.Inf > 0 {
			what = append(what, printf.Sprintf("%d infinite", lp.Inf))
		}
		msg := printf.Sprintf("d%s%d has %s of its %d entries: a gradient of a finite cost is finite, so this is a mistake in the arithmetic, not rounding",
			lp.Name, lp.Layer, strings.Join(what, " and "), lp.Rows*lp.Cols)
		if lc.Cost == derive.CrossEntropy {
			return msg + "; the textbook δ = (a − y) / (a(1 − a)) · σ′(z) gives 0/0 where a sigmoid output saturates to exactly 0 or 1: with a sigmoid output and cross-entropy write δ^L = a − y, where the a(1 − a) cancels"
		}
		return msg + ": look for a division by a number that can be 0 (a, 1 − a, a sum) or an exp of a large number"
	case backproof.AllZeros:
		return printf.Sprintf("d%s%d is all zeros, but backpropagation's is not (its largest entry is %.3g): a loop over the layers that stops before layer %d, or an array never filled",
			lp.Name, lp.Layer, lp.Largest, lp.Layer)
	case backproof.Unexplained:
		return printf.Sprintf("d%s%d differs from backpropagation (max relative error %.3g) in a way no classic mistake reproduces: compare its worst entries with your code",
			lp.Name, lp.Layer, lp.MaxRel)
	case backproof.Inherited:
		return printf.Sprintf("inherits layer %d's mistake: d%s%d is what correct backpropagation gives from your δ^%d, so its own line is right; fix layer %d's line first",
			lp.Inherits, lp.Name, lp.Layer, lp.Inherits, lp.Inherits)
	}
	return ""
}

// NotJudged says why the learner's array lp could not be judged; empty
// when it was.
func NotJudged(lc *backproof.GradientResult, lp backproof.LearnerParam) string {
	switch lp.Unjudged {
	case backproof.BackpropNotFinite:
		return "backproof's own backpropagation is not finite here"
	case backproof.Underflow:
		return printf.Sprintf("its entries are at most %.2g, so small that float%d has lost digits to underflow", lp.Scale, lc.Precision().Bits)
	}
	return ""
}

// Confirmation words what the confirmation of r found (r.Confirmation must
// be set): the cause of the disagreement, with the step to use.
func Confirmation(r *backproof.Backprop) string {
	c := r.Confirmation
	lo, hi := c.Ladder[len(c.Ladder)-1].Step, c.Ladder[0].Step // the ladder is largest step first
	if a := c.Agreed; a != nil && c.Method == numgrad.ComplexStep {
		return printf.Sprintf("the complex step disagreed (max relative error %.3g), but central differences agree at h = %.3g (max relative error %.3g): the cost is likely not analytic in θ (abs, max, a branch), where the complex step does not apply; the analytic gradient agrees with central differences",
			r.Comparison.MaxRel, a.Step, a.Comparison.MaxRel)
	}
	switch c.Cause {
	case backproof.StepTooLarge:
		a := c.Agreed
		return printf.Sprintf("step too large: at h = %.3g the error is truncation, which shrinks like h^%d as the step does; at h = %.3g every judged value agrees (max relative error %.3g). Use h ≈ %.3g (the default for %v is %.3g).",
			c.Step, c.Method.Order(), a.Step, a.Comparison.MaxRel, a.Step, c.Method, c.Method.DefaultStep())
	case backproof.StepTooSmall:
		a := c.Agreed
		return printf.Sprintf("step too small: at h = %.3g rounding dominates (at least ε·max(1, |C|)/h = %.2g, more where C sums many terms), and it grows as h shrinks; at h = %.3g every judged value agrees (max relative error %.3g). Use h ≈ %.3g (the default for %v is %.3g).",
			c.Step, 2.2e-16*math.Max(1, math.Abs(r.Value))/c.Step, a.Step, a.Comparison.MaxRel, a.Step, c.Method, c.Method.DefaultStep())
	case backproof.CostRounding:
		msg := printf.Sprintf("no step from %.3g to %.3g resolves every entry: the cost's own rounding is larger than the change a step makes (a saturated unit computes 1 − a with few digits left). The complex step, which subtracts nothing, agrees to a relative %.3g.",
			lo, hi, c.Complex.Comparison.MaxRel)
		if tol := c.Complex.Comparison.Criteria.Tol; tol > backproof.DefaultTol(numgrad.ComplexStep) && r.Exact != nil {
			msg += printf.Sprintf(" It was asked to agree to %.1g, ten times float64 backpropagation's own error here (measured against the gradient in double-double arithmetic): where a − y cancels no float64 computation does better, the complex step's included.", tol)
		}
		return msg
	case backproof.Unresolved:
		if len(c.Resolving) == 0 {
			return printf.Sprintf("no step from %.3g to %.3g resolves any entry: every one is under the noise floor, so finite differences cannot tell this gradient from noise", lo, hi)
		}
		return printf.Sprintf("only the step h = %.3g resolves any entry, and there the difference (%.3g) may be the step's own truncation or rounding: no other step or the complex step confirms it, so finite differences cannot tell", c.Resolving[0], c.Least)
	case backproof.Mistake:
		also := ""
		if c.Complex != nil && c.Complex.Comparison.Judged > 0 {
			also = printf.Sprintf(" and the complex step, which has no cancellation, differs by %.3g", c.Complex.Comparison.MaxRel)
		}
		return printf.Sprintf("the difference is not the step's: it stays above a relative %.3g at every step from %.3g to %.3g%s; the analytic gradient is wrong", c.Least, lo, hi, also)
	}
	return printf.Sprintf("a difference of at least %.3g stays at every step, too small (under %s) to be a mistake in the formulas and too large to call agreement at the tolerance %.3g: typical of rounding inside the cost. Cannot tell.", c.Least, compare.Sci(compare.UncomfortableRel), c.Tol)
}

// StepNote says why a directional check took the step it did, when
// backproof raised it from the default (r.Raised); empty otherwise.
func StepNote(r *backproof.DirectionalResult) string {
	s := r.Raised
	if s == nil {
		return ""
	}
	return printf.Sprintf("h = %.3g, not the default %.3g: along a random unit direction of %d parameters the derivative is about ‖∇C‖·√(2/(πP)) = %.2g, under what the default step resolves (noise floor / tolerance = %.2g)",
		r.Step, s.Default, s.Params, s.Typical, s.Resolves)
}

// Unsettled says why the comparison of r at its step did not settle the
// outcome: the confirmation's conclusion, or the band's reading.
func Unsettled(r *backproof.Backprop) string {
	if r.Confirmation != nil {
		return Confirmation(r)
	}
	return r.Comparison.Band.Explain(r.Comparison.Criteria.Tol)
}
