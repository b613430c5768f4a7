package backproof

import (
	"math"
	"sort"
	"strconv"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
)

// Outcome is what a check concludes about the analytic gradient once every
// piece of evidence is in: the comparison at the chosen step and, when
// that one does not agree, the confirmation (Confirmation).
type Outcome int

const (
	// Agree: the analytic gradient agrees with the numerical one.
	Agree Outcome = iota
	// Disagree: it does not, and the difference survives every step and,
	// where the cost allows it, the complex step: the gradient is wrong.
	Disagree
	// CannotTell: the numbers cannot decide; Confirmation.Cause says why.
	CannotTell
)

var outcomeNames = []string{"agree", "disagree", "cannot-tell"}

func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return printf.Sprintf("outcome(%d)", int(o))
	}
	return outcomeNames[o]
}

// Cause is why the comparison at the chosen step did not agree.
type Cause int

const (
	// Mistake: the difference is the same at every step and in the
	// complex step: it is the gradient's.
	Mistake Cause = iota
	// StepTooLarge: truncation. The error shrank as the step did, at the
	// method's order, and a smaller step agrees.
	StepTooLarge
	// StepTooSmall: rounding. The error grew as the step shrank (about
	// ε·|C|/h), and a larger step agrees.
	StepTooSmall
	// CostRounding: no finite-difference step resolves the cost here (its
	// own rounding exceeds what a step changes, as at a saturated sigmoid
	// under cross-entropy), but the complex step, which subtracts nothing,
	// agrees.
	CostRounding
	// SmallPersistent: a difference that no step removes but too small
	// (under 1e-4, CS231n's "uncomfortable") to be a mistake in the
	// formulas; typical of rounding inside the cost.
	SmallPersistent
	// Unresolved: no step resolves the entries and there is no complex
	// step to ask.
	Unresolved
)

var causeNames = []string{"mistake", "step-too-large", "step-too-small", "cost-rounding", "small-persistent", "unresolved"}

func (c Cause) String() string {
	if c < 0 || int(c) >= len(causeNames) {
		return printf.Sprintf("cause(%d)", int(c))
	}
	return causeNames[c]
}

// Trial is one entry-by-entry comparison made while confirming. Its
// Comparison keeps the summary and the worst entries, not every entry.
type Trial struct {
	Method     numgrad.Method
	Step       float64
	Comparison *compare.Result
}

// Confirmation is what a check does before it calls a disagreement the
// gradient's: the same comparison repeated over a ladder of steps (an
// error that shrinks at the method's order as h does is truncation, one
// that grows is rounding, one that stays is real) and, where the cost is
// analytic, by the complex step, which has no cancellation at all.
type Confirmation struct {
	Ladder  []Trial // the same method at other steps, largest step first
	Complex *Trial  // the complex step, when it was asked (nil otherwise)
	// Agreed is the trial that agreed and settled the outcome, nil when
	// none did.
	Agreed *Trial
	Cause  Cause
	// Method, Step and Tol are the check's own, whose disagreement the
	// confirmation settles.
	Method    numgrad.Method
	Step, Tol float64
	// When no trial agreed: Least is the least difference over the
	// comparisons that judged some entry (+Inf when none did), and
	// Resolving the steps at which some entry was judged, the check's own
	// first.
	Least     float64
	Resolving []float64
}

// ladderSteps are the steps a confirmation tries besides h: h·10^k for
// k = −3 … 3, and the method's default step and its neighbours, in
// [1e-14, 1] and largest first.
func ladderSteps(m numgrad.Method, h float64) []float64 {
	seen := map[float64]bool{h: true}
	var out []float64
	add := func(s float64) {
		// Three digits: 6e-06·10 is 6e-05, not 5.999999999999999e-05.
		s, _ = strconv.ParseFloat(strconv.FormatFloat(s, 'g', 3, 64), 64)
		if s < 1e-14 || s > 1 || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	for k := -3; k <= 3; k++ {
		add(h * math.Pow(10, float64(k)))
	}
	d := m.DefaultStep()
	for _, f := range []float64{0.1, 1, 10} {
		add(d * f)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	return out
}

// confirm settles a comparison that did not agree (r.Comparison.Pass is
// false): it repeats the comparison over a ladder of steps and, for a
// finite difference, by the complex step, and names the cause. compareAt
// makes one comparison, with method m at step h and tolerance tol (entry
// by entry, or along the directions of a directional check); set.Floor,
// when not zero, is the floor of every one.
func confirm(r *Backprop, set Settings, compareAt func(m numgrad.Method, h, tol float64) *compare.Result) (*Confirmation, Outcome) {
	c := &Confirmation{Method: set.Method, Step: set.Step, Tol: set.Tol}
	trial := func(m numgrad.Method, h, tol float64) *Trial {
		cmp := compareAt(m, h, tol)
		cmp.Forget() // the summary and the worst entries tell the trial; a trial per step of every entry would not fit a big network
		return &Trial{Method: m, Step: h, Comparison: cmp}
	}
	// The ladder uses the same method, or central differences when the
	// check was by the complex step, whose error does not depend on h.
	lm, lh, ltol := set.Method, set.Step, set.Tol
	if lm == numgrad.ComplexStep {
		lm, lh, ltol = numgrad.Central, numgrad.Central.DefaultStep(), math.Max(set.Tol, DefaultTol(numgrad.Central))
	}
	steps := ladderSteps(lm, lh)
	if lm != set.Method {
		steps = append([]float64{lh}, steps...)
		sort.Sort(sort.Reverse(sort.Float64Slice(steps)))
	}
	for _, h := range steps {
		c.Ladder = append(c.Ladder, *trial(lm, h, ltol))
	}
	for i, t := range c.Ladder {
		// The agreeing step that judges the most entries, then the closest.
		if !t.Comparison.Pass {
			continue
		}
		if a := c.Agreed; a == nil || t.Comparison.Judged > a.Comparison.Judged ||
			t.Comparison.Judged == a.Comparison.Judged && t.Comparison.MaxRel < a.Comparison.MaxRel {
			c.Agreed = &c.Ladder[i]
		}
	}
	if set.Method != numgrad.ComplexStep {
		c.Complex = trial(numgrad.ComplexStep, numgrad.ComplexStep.DefaultStep(), r.complexTol(math.Max(set.Tol, DefaultTol(numgrad.ComplexStep))))
	}
	primary := r.Comparison
	switch {
	case c.Agreed != nil && set.Method == numgrad.ComplexStep:
		c.Cause = SmallPersistent
		if primary.MaxRel > compare.UncomfortableRel {
			c.Cause = Mistake
		}
		return c, Agree
	case c.Agreed != nil:
		a := c.Agreed
		c.Cause = StepTooSmall
		if set.Step > a.Step {
			c.Cause = StepTooLarge
		}
		return c, Agree
	case c.Complex != nil && c.Complex.Comparison.Pass:
		c.Cause = CostRounding
		c.Agreed = c.Complex
		return c, Agree
	}
	// Nothing agrees. A mistake in the formulas shows at every step and in
	// the complex step alike, and at least at CS231n's "uncomfortable" 1e-4.
	// The least difference over the comparisons that judged something:
	// one that judged no entry has no difference to speak of.
	least := math.Inf(1)
	if primary.Judged > 0 {
		least = primary.MaxRel
	}
	for _, t := range c.Ladder {
		if t.Comparison.Judged > 0 {
			least = math.Min(least, t.Comparison.MaxRel)
		}
	}
	if c.Complex != nil && c.Complex.Comparison.Judged > 0 {
		least = math.Min(least, c.Complex.Comparison.MaxRel)
	}
	resolved := primary.Judged > 0
	var resolving []float64 // the steps that resolve some entry
	if primary.Judged > 0 {
		resolving = append(resolving, set.Step)
	}
	for _, t := range c.Ladder {
		resolved = resolved || t.Comparison.Judged > 0
		if t.Comparison.Judged > 0 {
			resolving = append(resolving, t.Step)
		}
	}
	complexResolved := c.Complex != nil && c.Complex.Comparison.Judged > 0
	c.Least, c.Resolving = least, resolving
	switch {
	case !resolved:
		c.Cause = Unresolved
		return c, CannotTell
	case least > compare.UncomfortableRel && len(resolving) == 1 && !complexResolved:
		// One step alone cannot tell a mistake from its own truncation
		// (the largest step) or rounding (the smallest).
		c.Cause = Unresolved
		return c, CannotTell
	case least > compare.UncomfortableRel:
		c.Cause = Mistake
		return c, Disagree
	}
	c.Cause = SmallPersistent
	return c, CannotTell
}
