package backproof_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// torchOracle is what gen_reg_torch.py wrote: the cost and gradient of a
// regularized problem by torch's autograd at float64.
type torchOracle struct {
	Cost   float64 `json:"cost"`
	Layers []struct {
		DW [][]float64 `json:"dW"`
		DB []float64   `json:"db"`
	} `json:"layers"`
}

// TestRegularizedTorch: for problems with an L2 term and dropout masks
// (gradfile/testdata/gen_reg_torch.py), backproof's cost and gradient
// agree with torch's autograd at float64 to 1e-12 relative (the two sum
// in other orders), every numerical method of Check agrees with
// backpropagation, fast and generic, and torch's gradient handed in as a
// learner's passes CheckGradient.
func TestRegularizedTorch(t *testing.T) {
	td := filepath.Join("gradfile", "testdata")
	for _, name := range []string{"ng", "nielsen", "summed"} {
		t.Run(name, func(t *testing.T) {
			p, err := problem.Load(filepath.Join(td, "reg-"+name+"-problem.json"))
			require.NoError(t, err)
			require.True(t, p.Net.Regularized())
			raw, err := os.ReadFile(filepath.Join(td, "reg-"+name+"-torch.json"))
			require.NoError(t, err)
			var o torchOracle
			require.NoError(t, json.Unmarshal(raw, &o))
			tr := p.Net.Backprop(p.X, p.Y)
			require.InEpsilon(t, o.Cost, tr.Cost, 1e-12)
			g := &backproof.Gradient{}
			for ℓ, l := range o.Layers {
				dW := mat.NewDense(len(l.DW), len(l.DW[0]), nil)
				for i, row := range l.DW {
					dW.SetRow(i, row)
				}
				g.DW, g.DB = append(g.DW, dW), append(g.DB, l.DB)
				require.Equal(t, len(l.DB), len(tr.DB[ℓ+1]))
				for i, v := range dW.RawMatrix().Data {
					require.InDelta(t, v, tr.DW[ℓ+1].RawMatrix().Data[i], 1e-12*math.Max(1, math.Abs(v)), "dW%d[%d]", ℓ+1, i)
				}
				for i, v := range l.DB {
					require.InDelta(t, v, tr.DB[ℓ+1][i], 1e-12*math.Max(1, math.Abs(v)), "db%d[%d]", ℓ+1, i)
				}
			}
			for _, m := range numgrad.Methods {
				for _, generic := range []bool{false, true} {
					r, err := backproof.CheckBackprop(p, &backproof.Settings{Method: m, Generic: generic})
					require.NoError(t, err)
					require.True(t, r.Pass(), "%v generic=%v: max rel %g", m, generic, r.Comparison.MaxRel)
				}
			}
			r, err := backproof.CheckGradient(p, g, nil)
			require.NoError(t, err)
			require.True(t, r.Pass(), "torch's gradient as a learner's")
		})
	}
}
