package experiments

import (
	"fmt"

	"github.com/backproof/backproof"
	"gonum.org/v1/gonum/mat"
)

// LearnerGradcheck lays out learners' gradients, each checked by
// backproof.CheckGradient on one problem, as the rows of the gradcheck heat
// map (plots.Gradcheck): for each result, every layer's ∂C/∂W^ℓ as a matrix
// of the per-entry relative errors of the learner's entries against the
// finite differences (against backproof's backpropagation in a directional
// check, which has no per-entry numbers), in W's layout, with the diagnosis
// codes the check gave that array and the layer whose mistake it inherits,
// if any. names label the rows. An array of the wrong
// shape has no entries to compare (its result names the mistake): its
// matrix is all zero and its codes are the result's.
func LearnerGradcheck(names []string, reps []*backproof.GradientResult) (*Gradcheck, error) {
	if len(names) != len(reps) || len(reps) == 0 {
		return nil, fmt.Errorf("LearnerGradcheck: %d names for %d results", len(names), len(reps))
	}
	out := &Gradcheck{Problem: reps[0].Backprop().Problem}
	for k, r := range reps {
		lc := r
		if lc == nil {
			return nil, fmt.Errorf("LearnerGradcheck: no result for %q", names[k])
		}
		// The heat map's title says "against central differences", and
		// the report's own heat map compares with them too.
		vs := lc.VsNumeric
		if vs == nil {
			vs = lc.VsBackprop
		}
		row := GradcheckRow{Planted: Planted{Name: names[k]}, MaxRel: vs.MaxRel, Floor: vs.Criteria.Floor}
		for _, l := range r.Backprop().Problem.Net.Layers {
			rr, cc := l.W.Dims()
			row.RelError = append(row.RelError, mat.NewDense(rr, cc, nil))
			row.AbsError = append(row.AbsError, mat.NewDense(rr, cc, nil))
			row.Diagnosed = append(row.Diagnosed, nil)
			row.Inherits = append(row.Inherits, 0)
		}
		for _, e := range vs.Entries() {
			if e.Param.Name == "W" {
				row.RelError[e.Param.Layer-1].Set(e.Param.Row, e.Param.Col, e.RelErr)
				row.AbsError[e.Param.Layer-1].Set(e.Param.Row, e.Param.Col, e.AbsErr)
			}
		}
		for _, lp := range lc.Params {
			if lp.Name != "W" {
				continue
			}
			row.Inherits[lp.Layer-1] = lp.Inherits
			for _, m := range lp.Mistakes {
				row.Diagnosed[lp.Layer-1] = append(row.Diagnosed[lp.Layer-1], string(m.Code))
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
