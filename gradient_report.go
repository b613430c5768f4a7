package backproof

import (
	"fmt"
	"io"
	"strings"

	"github.com/backproof/backproof/compare"
)

// writeLearner ends the report of CheckGradient: the learner's arrays
// beside backpropagation and finite differences, the worst entries with
// the three values side by side, the diagnosis and the conclusion.
func (r *Report) writeLearner(w io.Writer) {
	lc := r.Learner
	src := lc.Source
	if src == "" {
		src = "from Go"
	}
	fmt.Fprintf(w, "\nyour gradient (%s) against backproof's backpropagation (relative error: |a−n| / max(|a|,|n|)):\n", src)
	fmt.Fprintf(w, "%-6s %-6s %-9s %-12s %-12s %s\n", "layer", "param", "shape", "max abs err", "max rel err", "status")
	for _, lp := range lc.Params {
		shape := shapeWords(lp.Rows, lp.Cols)
		errs := fmt.Sprintf("%-12.3g %-12.3g", lp.MaxAbs, lp.MaxRel)
		if !lp.ShapeOK {
			shape = shapeWords(lp.WantRows, lp.WantCols)
			errs = fmt.Sprintf("%-25s", fmt.Sprintf("given %d×%d", lp.Rows, lp.Cols))
		}
		status := "agrees"
		if !lp.Agree {
			status = "WRONG"
			if codes := lp.codes(); codes != "" {
				status += " [" + codes + "]"
			}
		}
		fmt.Fprintf(w, "%-6d %-6s %-9s %s %s\n", lp.Layer, lp.Name, shape, errs, status)
	}
	var worst []compare.Entry // entries that differ; a misshaped array has none
	for _, e := range lc.VsBackprop.Worst {
		if e.Counts(lc.VsBackprop.Settings) && e.RelErr > lc.VsBackprop.Settings.Tol {
			worst = append(worst, e)
		}
	}
	if len(worst) > 0 {
		fmt.Fprintf(w, "\nworst entries of yours (layer, param, row, column):\n")
		for _, e := range worst {
			numeric := ""
			if r.Numeric != nil {
				numeric = fmt.Sprintf("  numeric %+.8e", r.Numeric[indexOf(r, e.Param.Layer, e.Param.Name, e.Param.Row, e.Param.Col)])
			}
			fmt.Fprintf(w, "  %s  yours %+.8e  backprop %+.8e%s  rel %.2e\n",
				entryWords(e.Param), e.Analytic, e.Numeric, numeric, e.RelErr)
		}
	}
	first := true
	said := map[compare.Code]bool{} // codes explained already: said once, then named
	for _, lp := range lc.Params {
		if lp.Agree {
			continue
		}
		if first {
			fmt.Fprintf(w, "\ndiagnosis:\n")
			first = false
		}
		if len(lp.Mistakes) == 0 {
			fmt.Fprintf(w, "  d%s%d: %s.\n", lp.Name, lp.Layer, lp.Message)
		}
		for _, m := range lp.Mistakes {
			if said[m.Code] && m.Code != "scale" {
				fmt.Fprintf(w, "  d%s%d [%s]: the same mistake.\n", lp.Name, lp.Layer, m.Code)
				continue
			}
			said[m.Code] = true
			fmt.Fprintf(w, "  d%s%d [%s]: %s.\n", lp.Name, lp.Layer, m.Code, m.Message)
		}
	}
	fmt.Fprintf(w, "\n%s\n", lc.Message)
	switch {
	case r.Pass():
		fmt.Fprintf(w, "PASS: your gradient is right (%.3g s)\n", r.Seconds)
	case lc.Outcome == Disagree:
		fmt.Fprintf(w, "FAIL: %s wrong (%.3g s)\n", lc.wrongList(), r.Seconds)
	default:
		fmt.Fprintf(w, "CANNOT TELL (exit status 1) (%.3g s)\n", r.Seconds)
	}
}

// shapeWords is a parameter's shape as the tables print it.
func shapeWords(rows, cols int) string {
	return fmt.Sprintf("%d×%d", rows, cols)
}

// codes lists the diagnosis codes of a learner's array.
func (lp LearnerParam) codes() string {
	var c []compare.Code
	for _, m := range lp.Mistakes {
		c = append(c, m.Code)
	}
	return compare.Join(c)
}

// wrongList names the learner's wrong arrays: "dW2 and db2".
func (lc *LearnerCheck) wrongList() string {
	var names []string
	for _, lp := range lc.Params {
		if !lp.Agree {
			names = append(names, fmt.Sprintf("d%s%d", lp.Name, lp.Layer))
		}
	}
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0] + " is"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

// indexOf is the position of a parameter in the order of derive.Net.Params.
func indexOf(r *Report, layer int, name string, row, col int) int {
	i := 0
	for ℓ, l := range r.Problem.Net.Layers {
		rows, cols := l.W.Dims()
		if ℓ+1 == layer {
			if name == "W" {
				return i + row*cols + col
			}
			return i + rows*cols + row
		}
		i += rows*cols + len(l.B)
	}
	panic("backproof: no such parameter")
}
