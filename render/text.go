package render

import (
	"io"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
)

// WriteEntries prints an entry-by-entry check for a learner, as
// `backproof check` does.
func WriteEntries(w io.Writer, r *backproof.EntryResult) {
	writeHead(w, &r.Backprop)
	writeEntries(w, r, nil)
}

// WriteDirections prints a directional check, as `backproof check
// --method directional` does.
func WriteDirections(w io.Writer, r *backproof.DirectionalResult) {
	writeHead(w, &r.Backprop)
	writeDirections(w, r, nil)
}

// WriteGradient prints the check of a learner's gradient, as `backproof
// check --gradient G` does: the check of backpropagation it rests on
// (one line when that settled at once), then the learner's arrays.
func WriteGradient(w io.Writer, g *backproof.GradientResult) {
	writeHead(w, g.Backprop())
	if g.Directions != nil {
		writeDirections(w, g.Directions, g)
		return
	}
	r := g.Entries
	if r.Outcome == backproof.Agree && r.Confirmation == nil {
		c := r.Comparison
		printf.Fprintf(w, "backproof's backpropagation against %v differences (h = %.3g): agree, max relative error %.3g over %d judged entries\n",
			r.Method, r.Step, c.MaxRel, c.Judged)
		writeLearner(w, g)
		return
	}
	writeEntries(w, r, g)
}

// writeHead is the first two lines of every check: the problem and C.
func writeHead(w io.Writer, r *backproof.Backprop) {
	p := r.Problem
	printf.Fprintf(w, "network %v, %v convention, %v cost, %v reduction, batch m = %d\n",
		p.Net.Sizes(), p.Net.Convention, p.Net.Cost, p.Net.Reduction, p.Batch())
	if reg := p.Net.Regularization(p.Batch()); reg != "" {
		printf.Fprintf(w, "regularized: %s\n", reg)
	}
	printf.Fprintf(w, "cost C = %.10g\n", r.Value)
}

// writeEntries prints an entry-by-entry comparison and its verdict; lc,
// when not nil, is the learner's gradient set beside it.
func writeEntries(w io.Writer, r *backproof.EntryResult, lc *backproof.GradientResult) {
	p, c := r.Problem, r.Comparison
	path := "the layer-aware fast path"
	if r.Generic {
		path = "the generic path, the whole network at every point"
	}
	if r.Method == numgrad.ComplexStep {
		printf.Fprintf(w, "complex step: Im C(θ + i h e_i)/h, h = %.3g, by %s; noise floor %.2g (about 100 ε·|C|:\n  the complex step subtracts nothing, so only rounding is left)\n", r.Step, path, c.Criteria.Floor)
	} else {
		printf.Fprintf(w, "finite differences: %v, step h = %.3g, by %s; noise floor %.2g (about ε·|C|/h:\n  the rounding of C divided by h, what finite differences cannot resolve)\n", r.Method, r.Step, path, c.Criteria.Floor)
	}
	printf.Fprintf(w, "  An entry is judged by its relative error when it is at least floor/tol = %.2g, or its error exceeds the floor;\n  smaller entries that agree within the floor are noise to finite differences and are not judged.\n\n",
		c.Criteria.Floor/c.Criteria.Tol)
	printf.Fprintf(w, "%-6s %-6s %-9s %-12s %-12s %-19s %s\n", "layer", "param", "shape", "max abs err", "max rel err", "judged", "kinks")
	for ℓ, l := range p.Net.Layers {
		gw, gb := c.Layer(ℓ + 1)
		rows, cols := l.W.Dims()
		for _, g := range []struct {
			compare.Group
			shape string
		}{{gw, shapeWords(rows, cols)}, {gb, biasShape(p.Net.Convention, len(l.B))}} {
			printf.Fprintf(w, "%-6d %-6s %-9s %-12.3g %-12s %-19s %d\n", ℓ+1, g.Name, g.shape, g.MaxAbs, relWords(g.MaxRel, g.Judged),
				printf.Sprintf("%d of %d", g.Judged, g.Judged+g.NotJudged+g.Kinks), g.Kinks)
		}
	}
	printf.Fprintf(w, "\nworst entries (layer, param, row, column):\n")
	for _, e := range c.Worst {
		note := ""
		switch {
		case e.Kink && r.Method == numgrad.ComplexStep:
			note = "  kink: a pre-activation is exactly at z = 0"
		case e.Kink:
			note = "  kink: the stencil crosses z = 0"
		case !e.Judged(c.Criteria):
			note = "  noise: not judged"
		}
		printf.Fprintf(w, "  %s  analytic %+.10e  numeric %+.10e  rel %.2e%s\n",
			backproof.EntryName(e.Param), e.Analytic, e.Numeric, e.RelErr, note)
	}
	writeVerdict(w, &r.Backprop, false, lc)
}

// biasShape spells a bias's shape as its layout holds it, 1×n in the row
// convention and n×1 in the others, as the --gradient table spells it.
func biasShape(c derive.Convention, n int) string {
	if c.ColumnLayout() {
		return shapeWords(n, 1)
	}
	return shapeWords(1, n)
}

// relWords is a maximum relative error for a table: "-" when no entry
// was judged, so that no 0 stands for "nothing measured".
func relWords(maxRel float64, resolved int) string {
	if resolved == 0 {
		return "-"
	}
	return printf.Sprintf("%.3g", maxRel)
}

// writeVerdict ends both kinds of check, entry by entry and directional;
// lc, when not nil, is the learner's gradient set beside it.
func writeVerdict(w io.Writer, r *backproof.Backprop, directional bool, lc *backproof.GradientResult) {
	c := r.Comparison
	printf.Fprintf(w, "\nverdict at h = %.3g: %v: %s\n", r.Step, c.Band, c.Band.Explain(c.Criteria.Tol))
	what := "entries"
	if directional {
		what = "directions"
	}
	if c.NotJudged > 0 {
		printf.Fprintf(w, "%d of the %d %s are judged; %d are smaller than %.2g and agree within the noise floor, which is all the numerical method can say of them.\n",
			c.Judged, c.Len(), what, c.NotJudged, c.Criteria.Floor/c.Criteria.Tol)
	}
	if c.Kinks > 0 && directional {
		printf.Fprintf(w, "%d directions straddle a relu kink and are not judged.\n", c.Kinks)
	} else if c.Kinks > 0 && r.Method == numgrad.ComplexStep {
		printf.Fprintf(w, "%d entries reach a relu pre-activation exactly at its kink and are not judged: the derivative does not exist there.\n", c.Kinks)
	} else if c.Kinks > 0 {
		printf.Fprintf(w, "%d entries straddle a relu kink and are not judged: finite differences there average two slopes.\n", c.Kinks)
	}
	if r.Confirmation != nil {
		writeConfirmation(w, r)
	}
	if lc != nil {
		writeLearner(w, lc)
		return
	}
	switch r.Outcome {
	case backproof.Agree:
		if r.Confirmation != nil {
			a := r.Confirmation.Agreed.Comparison
			printf.Fprintf(w, "PASS: the analytic gradient agrees, confirmed by %s (max relative error %.3g over %d judged %s); in %.3g s\n",
				trialName(r.Confirmation.Agreed), a.MaxRel, a.Judged, what, r.Seconds)
			return
		}
		printf.Fprintf(w, "PASS: max relative error %.3g over %d judged %s (tolerance %.3g) in %.3g s\n", c.MaxRel, c.Judged, what, c.Criteria.Tol, r.Seconds)
	case backproof.Disagree:
		printf.Fprintf(w, "FAIL: the analytic gradient is wrong: max relative error %.3g over %d judged %s (tolerance %.3g) in %.3g s\n", c.MaxRel, c.Judged, what, c.Criteria.Tol, r.Seconds)
	default:
		if r.Confirmation != nil {
			printf.Fprintf(w, "CANNOT TELL (exit status 1): the evidence above does not decide (%.3g s)\n", r.Seconds)
			return
		}
		printf.Fprintf(w, "CANNOT TELL (exit status 1): %s (%.3g s)\n", Unsettled(r), r.Seconds)
	}
}

// trialName names a confirmation's trial: "central differences at h = 1e-4".
func trialName(t *backproof.Trial) string {
	if t.Method == numgrad.ComplexStep {
		return printf.Sprintf("the complex step (h = %.3g)", t.Step)
	}
	return printf.Sprintf("%v differences at h = %.3g", t.Method, t.Step)
}

// writeConfirmation prints the ladder of steps and the complex step that
// settled a comparison that did not agree.
func writeConfirmation(w io.Writer, r *backproof.Backprop) {
	cf := r.Confirmation
	printf.Fprintf(w, "\nconfirmation: before calling the difference the gradient's, the same check at other steps%s:\n",
		map[bool]string{true: " and by the complex step", false: ""}[cf.Complex != nil])
	printf.Fprintf(w, "  %-34s %-12s %-12s %s\n", "method", "max rel err", "judged", "agrees")
	trials := append([]backproof.Trial(nil), cf.Ladder...)
	if cf.Complex != nil {
		trials = append(trials, *cf.Complex)
	}
	for _, t := range trials {
		tc := t.Comparison
		printf.Fprintf(w, "  %-34s %-12s %-12d %v\n", trialName(&t), relWords(tc.MaxRel, tc.Judged), tc.Judged, tc.Pass)
	}
	printf.Fprintf(w, "  → %s\n", Confirmation(r))
}

// writeDirections prints a directional check, one line per direction, and
// its verdict; lc, when not nil, is the learner's gradient set beside it.
func writeDirections(w io.Writer, r *backproof.DirectionalResult, lc *backproof.GradientResult) {
	c := r.Comparison
	what := printf.Sprintf("the %v difference, step h = %.3g,", r.Method, r.Step)
	if r.Method == numgrad.ComplexStep {
		what = printf.Sprintf("the complex step Im C(θ + i h v)/h, h = %.3g,", r.Step)
	}
	printf.Fprintf(w, "directional check: %d random unit directions v (seed %d) over all %d parameters;\n",
		len(r.Directions), r.Seed, len(r.Analytic))
	printf.Fprintf(w, "  vᵀ∇C from backpropagation against %s along v.\n", what)
	if r.Raised != nil {
		printf.Fprintf(w, "  The step: %s.\n", StepNote(r))
	}
	printf.Fprintf(w, "  Differences under %.2g agree (the noise floor). It shows whether ∇C is right, not which entry is wrong.\n\n", c.Criteria.Floor)
	printf.Fprintf(w, "%-4s %-22s %-22s %-11s %s\n", "v", "analytic vᵀ∇C", "numeric ∂C/∂v", "abs err", "rel err")
	for k, e := range r.Directions {
		note := ""
		switch {
		case e.Kink:
			note = "  kink: not judged"
		case e.AbsErr <= c.Criteria.Floor:
			note = "  under the noise floor"
		}
		printf.Fprintf(w, "%-4d %+.15e %+.15e %-11.3g %.3g%s\n", k+1, e.Analytic, e.Numeric, e.AbsErr, e.RelErr, note)
	}
	writeVerdict(w, &r.Backprop, true, lc)
}
