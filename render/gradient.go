package render

import (
	"io"
	"strings"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/internal/printf"
)

// writeLearner ends the text of CheckGradient: the learner's arrays beside
// backpropagation and finite differences, the worst entries with the
// three values side by side, the diagnosis and the conclusion.
func writeLearner(w io.Writer, lc *backproof.GradientResult) {
	src := lc.Source
	if src == "" {
		src = "from Go"
	}
	printf.Fprintf(w, "\nyour gradient (%s) against backproof's backpropagation (relative error: |a−n| / max(|a|,|n|)):\n", src)
	printf.Fprintf(w, "%-6s %-6s %-9s %-12s %-12s %s\n", "layer", "param", "shape", "max abs err", "max rel err", "status")
	for _, lp := range lc.Params {
		shape := shapeWords(lp.Rows, lp.Cols)
		errs := printf.Sprintf("%-12.3g %-12.3g", lp.MaxAbs, lp.MaxRel)
		switch {
		case !lp.Judged:
			errs = printf.Sprintf("%-12s %-12s", "-", "-")
		case lp.NaN+lp.Inf > 0:
			errs = printf.Sprintf("%-25s", printf.Sprintf("%d not finite", lp.NaN+lp.Inf))
		}
		if !lp.ShapeOK {
			shape = shapeWords(lp.WantRows, lp.WantCols)
			errs = printf.Sprintf("%-25s", printf.Sprintf("given %d×%d", lp.Rows, lp.Cols))
		}
		printf.Fprintf(w, "%-6d %-6s %-9s %s %s\n", lp.Layer, lp.Name, shape, errs, status(lc, lp))
	}
	if len(lc.Worst) > 0 {
		printf.Fprintf(w, "\nworst entries of yours (layer, param, row, column):\n")
		for _, e := range lc.Worst {
			numeric := ""
			if e.HasNumeric {
				numeric = printf.Sprintf("  numeric %+.8e", e.Numeric)
			}
			printf.Fprintf(w, "  %s  yours %+.8e  backprop %+.8e%s  rel %.2e\n",
				backproof.EntryName(e.Param), e.Yours, e.Reference, numeric, e.RelErr)
		}
	}
	first := true
	said := map[compare.Code]bool{} // codes explained already: said once, then named
	saidNonFinite := false
	for _, lp := range lc.Diagnosed {
		if first {
			printf.Fprintf(w, "\ndiagnosis:\n")
			first = false
		}
		switch {
		case lp.NaN+lp.Inf > 0 && saidNonFinite:
			printf.Fprintf(w, "  d%s%d: %d of its %d entries are not finite: the same cause.\n", lp.Name, lp.Layer, lp.NaN+lp.Inf, lp.Rows*lp.Cols)
		case len(lp.Mistakes) == 0:
			printf.Fprintf(w, "  d%s%d: %s.\n", lp.Name, lp.Layer, Finding(lc, lp))
			saidNonFinite = saidNonFinite || lp.NaN+lp.Inf > 0
		}
		for _, m := range lp.Mistakes {
			if said[m.Code] && m.Code != "scale" {
				printf.Fprintf(w, "  d%s%d [%s]: the same mistake.\n", lp.Name, lp.Layer, m.Code)
				continue
			}
			said[m.Code] = true
			printf.Fprintf(w, "  d%s%d [%s]: %s.\n", lp.Name, lp.Layer, m.Code, m.Message)
		}
	}
	printf.Fprintf(w, "\n%s\n", Conclusion(lc))
	switch {
	case lc.Pass():
		printf.Fprintf(w, "PASS: your gradient is right (%.3g s)\n", lc.Seconds)
	case lc.Outcome == backproof.Disagree:
		printf.Fprintf(w, "FAIL: %s wrong (%.3g s)\n", wrongWords(lc), lc.Seconds)
	default:
		printf.Fprintf(w, "CANNOT TELL (exit status 1) (%.3g s)\n", lc.Seconds)
	}
}

// status is an array's word in the table: agrees, WRONG with its codes,
// or not judged.
func status(lc *backproof.GradientResult, lp backproof.LearnerParam) string {
	switch {
	case !lp.Judged:
		return "not judged: " + NotJudged(lc, lp)
	case lp.Agree && lp.Kinks > 0:
		return printf.Sprintf("agrees (%d on a relu kink)", lp.Kinks)
	case lp.Agree:
		return "agrees"
	case lp.NaN+lp.Inf > 0:
		return "WRONG [not finite]"
	case lp.Inherits > 0:
		return printf.Sprintf("WRONG [inherits layer %d]", lp.Inherits)
	}
	if codes := codes(lp); codes != "" {
		return "WRONG [" + codes + "]"
	}
	return "WRONG"
}

// shapeWords is a parameter's shape as the tables print it.
func shapeWords(rows, cols int) string {
	return printf.Sprintf("%d×%d", rows, cols)
}

// codes lists the diagnosis codes of a learner's array.
func codes(lp backproof.LearnerParam) string {
	var c []compare.Code
	for _, m := range lp.Mistakes {
		c = append(c, m.Code)
	}
	return compare.Join(c)
}

// wrongWords names the learner's wrong arrays: "dW2 and db2 are", with
// those that inherit a mistake in brackets.
func wrongWords(lc *backproof.GradientResult) string {
	verb := map[bool]string{true: " is", false: " are"}
	out := "nothing"
	if len(lc.Wrong) > 0 {
		out = joinNames(lc.Wrong) + verb[len(lc.Wrong) == 1]
	}
	if len(lc.Inheriting) > 0 {
		out += printf.Sprintf(" (%s inherit%s layer %d's mistake)", joinNames(lc.Inheriting), map[bool]string{true: "s", false: ""}[len(lc.Inheriting) == 1], lc.First)
	}
	return out
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
