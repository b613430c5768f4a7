package numgrad

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/require"
)

// TestNetGradientRegularized: with an L2 term and dropout masks, the fast
// path gives the generic path's numbers (every real method, to fastTol as
// in TestNetGradientMatchesGradient) and the complex step gives the
// generic complex step's (to 1e-13 relative). The sigmoid-output cases
// would take the unit kernel and the sigmoid shortcuts without dropout.
func TestNetGradientRegularized(t *testing.T) {
	const eps = 0x1p-52
	for _, tc := range []struct {
		acts []derive.Activation
		cost derive.Cost
	}{
		{[]derive.Activation{derive.Sigmoid, derive.Sigmoid, derive.Sigmoid}, derive.Quadratic},
		{[]derive.Activation{derive.ReLU, derive.Tanh, derive.Softmax}, derive.LogLikelihood},
		{[]derive.Activation{derive.Softplus, derive.Sigmoid, derive.Sigmoid}, derive.CrossEntropy},
	} {
		for _, conv := range derive.Conventions {
			for _, red := range derive.Reductions {
				name := fmt.Sprint(conv, "/", tc.acts[0], "/", tc.cost, "/", red)
				p, err := problem.Random(problem.Spec{Convention: conv, Sizes: []int{5, 6, 4, 3}, Batch: 7, Acts: tc.acts,
					Cost: tc.cost, Reduction: red, Init: derive.NormalScaled, Seed: 3, L2: derive.L2{Lambda: 0.8}, Keep: 0.6})
				require.NoError(t, err)
				require.NotNil(t, p.Net.Layers[0].Drop)
				θ := p.Net.Params(nil)
				for _, m := range Methods[:ComplexStep] {
					t.Run(name+"/"+m.String(), func(t *testing.T) {
						s := &Settings{Method: m}
						want := Gradient(nil, genericLoss(p), θ, s)
						got := NetGradient(nil, p.Net, p.X, p.Y, s)
						unit := eps * math.Max(1, math.Abs(p.Net.Loss(p.X, p.Y))) * stencilScale(m, m.DefaultStep())
						for i := range want {
							require.InDelta(t, want[i], got[i], fastTol*unit, "entry %v", p.Net.ParamAt(i))
						}
					})
				}
				t.Run(name+"/complex-step", func(t *testing.T) {
					want := ComplexGradient(nil, func(z []complex128) complex128 { return p.Net.ComplexLoss(z, p.X, p.Y) }, θ, 0)
					got := NetGradient(nil, p.Net, p.X, p.Y, &Settings{Method: ComplexStep})
					for i := range want {
						require.InDelta(t, want[i], got[i], 1e-13*math.Max(1, math.Abs(want[i])), "entry %v", p.Net.ParamAt(i))
					}
				})
			}
		}
	}
}
