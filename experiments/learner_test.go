package experiments

import (
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestLearnerGradcheck: a learner's gradient m times too large (the mean
// cost's gradient summed) has relative error (m−1)/m in every entry, a
// closed form that does not depend on the network, up to the central
// difference's own error (1e-9 here); the correct one agrees to that.
func TestLearnerGradcheck(t *testing.T) {
	const m = 5
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: m,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
	require.NoError(t, err)
	tr := p.Net.Backprop(p.X, p.Y)
	grad := func(scale float64) *backproof.Gradient {
		g := &backproof.Gradient{}
		for ℓ := 1; ℓ < len(tr.DW); ℓ++ {
			var w mat.Dense
			w.Scale(scale, tr.DW[ℓ])
			b := make([]float64, len(tr.DB[ℓ]))
			for i, v := range tr.DB[ℓ] {
				b[i] = scale * v
			}
			g.DW, g.DB = append(g.DW, &w), append(g.DB, b)
		}
		return g
	}
	var reps []*backproof.GradientResult
	for _, s := range []float64{1, m} {
		r, err := backproof.CheckGradient(p, grad(s), nil)
		require.NoError(t, err)
		reps = append(reps, r)
	}
	g, err := LearnerGradcheck([]string{"yours, correct", "yours, summed"}, reps)
	require.NoError(t, err)
	require.Len(t, g.Rows, 2)
	for ℓ, re := range g.Rows[0].RelError {
		assert.Less(t, mat.Max(re), 1e-7, "correct gradient, layer %d", ℓ+1)
		assert.Empty(t, g.Rows[0].Diagnosed[ℓ])
	}
	for ℓ, re := range g.Rows[1].RelError {
		wr, wc := p.Net.Layers[ℓ].W.Dims()
		r, c := re.Dims()
		require.Equal(t, [2]int{wr, wc}, [2]int{r, c}, "W's layout")
		for _, v := range re.RawMatrix().Data {
			assert.InDelta(t, float64(m-1)/m, v, 1e-7, "layer %d: (m−1)/m", ℓ+1)
		}
		assert.Contains(t, g.Rows[1].Diagnosed[ℓ], string(compare.MissingOneOverM))
	}

	_, err = LearnerGradcheck([]string{"a"}, nil)
	assert.Error(t, err)
}
