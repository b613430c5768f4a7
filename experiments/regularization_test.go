package experiments

import (
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// The planted learners of the regularization heat map are what their
// names say, by relations worked out by hand from the equations
// (docs/derivation.md, section 8): the right one is derive's gradient, the
// L2 term's absence is 0.7/10 W^ℓ off every weight gradient, a missing 1/p
// on layer 2 scales the data term of layers 2 and 1 by p = 0.8 and leaves
// layer 3 alone, and a missing mask changes nothing when no unit is dropped.
func TestRegPlantings(t *testing.T) {
	p, err := problem.Random(RegcheckSpec)
	require.NoError(t, err)
	n := p.Net
	tr := n.Backprop(p.X, p.Y)
	const decay, keep = 0.7 / 10, 0.8 // λ/N with N = m = 10, and p
	right := RegPlantings[0].Build(n, tr)
	for ℓ := range n.Layers {
		assert.True(t, mat.EqualApprox(right.DW[ℓ], tr.DW[ℓ+1], 1e-14), "dW%d", ℓ+1)
		assert.InDeltaSlice(t, tr.DB[ℓ+1], right.DB[ℓ], 1e-14, "db%d", ℓ+1)
	}
	// data is dW^ℓ without the L2 term.
	data := func(dW *mat.Dense, ℓ int) *mat.Dense {
		var w, out mat.Dense
		w.Scale(decay, n.Layers[ℓ].W)
		out.Sub(dW, &w)
		return &out
	}
	for _, pl := range RegPlantings[1:] {
		g := pl.Build(n, tr)
		t.Run(pl.Name, func(t *testing.T) {
			for ℓ := range n.Layers {
				switch pl.Code {
				case "l2-missing":
					assert.True(t, mat.EqualApprox(g.DW[ℓ], data(right.DW[ℓ], ℓ), 1e-14), "dW%d", ℓ+1)
					assert.Equal(t, right.DB[ℓ], g.DB[ℓ], "db%d", ℓ+1)
				case "dropout-keep-prob-missing":
					want := mat.DenseCopyOf(data(right.DW[ℓ], ℓ))
					if ℓ < 2 {
						want.Scale(keep, want)
					}
					assert.True(t, mat.EqualApprox(data(g.DW[ℓ], ℓ), want, 1e-14), "dW%d", ℓ+1)
				case "dropout-mask-missing":
					if ℓ == 2 {
						assert.Equal(t, right.DW[ℓ], g.DW[ℓ], "layer 3 is above the mistake")
					} else {
						assert.False(t, mat.EqualApprox(right.DW[ℓ], g.DW[ℓ], 1e-6), "dW%d", ℓ+1)
					}
				}
			}
		})
	}
	// With every unit of layer 2 kept, leaving D² out changes nothing.
	d := n.Layers[1].Drop
	saved := d.Mask
	r, c := saved.Dims()
	ones := mat.NewDense(r, c, nil)
	ones.Apply(func(_, _ int, _ float64) float64 { return 1 }, ones)
	d.Mask = ones
	tr1 := n.Backprop(p.X, p.Y)
	g, want := RegPlantings[2].Build(n, tr1), RegPlantings[0].Build(n, tr1)
	for ℓ := range n.Layers {
		assert.True(t, mat.EqualApprox(want.DW[ℓ], g.DW[ℓ], 1e-15), "dW%d", ℓ+1)
	}
	d.Mask = saved
}

// The check names each planted mistake on the layer that has it, and the
// layer below a dropout mistake of layer 2 inherits it; the right
// gradient agrees with central differences to CS231n's 1e-7.
func TestRegcheck(t *testing.T) {
	g, err := RunRegcheck(RegcheckSpec)
	require.NoError(t, err)
	require.Len(t, g.Rows, len(RegPlantings))
	assert.Contains(t, Describe(g.Problem), "λ = 0.7 over N = 10, dropout p = 0.8 on layers 1 and 2")
	for k, want := range []struct {
		diagnosed [][]string
		inherits  []int
	}{
		{[][]string{nil, nil, nil}, []int{0, 0, 0}},
		{[][]string{{"l2-missing"}, {"l2-missing"}, {"l2-missing"}}, []int{0, 0, 0}},
		{[][]string{nil, {"dropout-mask-missing"}, nil}, []int{2, 0, 0}},
		{[][]string{nil, {"dropout-keep-prob-missing"}, nil}, []int{2, 0, 0}},
	} {
		row := g.Rows[k]
		assert.Equal(t, RegPlantings[k].Code, row.Code)
		assert.Equal(t, want.diagnosed, row.Diagnosed, row.Name)
		assert.Equal(t, want.inherits, row.Inherits, row.Name)
		assert.Positive(t, row.Floor, row.Name)
		if k == 0 {
			assert.Less(t, row.MaxRel, 1e-7)
		} else {
			assert.Greater(t, row.MaxRel, 0.1, row.Name)
		}
	}
	// The same problem with the seed moved still has its mistakes named.
	spec := RegcheckSpec
	spec.Seed = 7
	g2, err := RunRegcheck(spec)
	require.NoError(t, err)
	assert.Equal(t, []string{"l2-missing"}, g2.Rows[1].Diagnosed[0])
	assert.Equal(t, derive.Row, g2.Problem.Net.Convention)
}
