package experiments

import (
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// LayoutGradients is one network's weight gradients as each convention lays
// them out: the same numbers, W's shape in the row convention (n_{ℓ−1}×n_ℓ,
// the thread's Ω) and its transpose in the column and per-example ones
// (n_ℓ×n_{ℓ−1}, Nielsen's W). plots.LayoutGradients draws them.
type LayoutGradients struct {
	Problem     *problem.Problem // the problem in the row convention
	Conventions []derive.Convention
	// DW[c][ℓ−1] is ∂C/∂W^ℓ computed by backpropagation in convention
	// Conventions[c], in that convention's layout.
	DW [][]*mat.Dense
}

// RunLayoutGradients draws the problem of spec in every convention (one
// seed draws the same numbers in each, see problem.Random) and keeps each
// one's ∂C/∂W^ℓ as its backpropagation computes it.
func RunLayoutGradients(spec problem.Spec) (*LayoutGradients, error) {
	row, traces, err := layoutTraces(spec)
	if err != nil {
		return nil, err
	}
	out := &LayoutGradients{Problem: row, Conventions: derive.Conventions}
	for _, t := range traces {
		out.DW = append(out.DW, t.DW[1:])
	}
	return out, nil
}

// layoutTraces draws the problem of spec in every convention of
// derive.Conventions and backpropagates it in each; it returns the row
// convention's problem with the traces.
func layoutTraces(spec problem.Spec) (*problem.Problem, []*derive.Trace, error) {
	var row *problem.Problem
	var traces []*derive.Trace
	for _, c := range derive.Conventions {
		s := spec
		s.Convention = c
		p, err := problem.Random(s)
		if err != nil {
			return nil, nil, err
		}
		if c == derive.Row {
			row = p
		}
		traces = append(traces, p.Net.Backprop(p.X, p.Y))
	}
	return row, traces, nil
}
