package derive

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// torchActivations are f(z) and f′(z) of every elementwise activation by
// PyTorch 1.13 at float64 (testdata/activations_torch.py wrote them),
// keyed by activation name.
type torchActivations struct {
	Z      []float64
	Values map[string]struct{ F, Prime []float64 }
}

// loadtorchActivations reads testdata/activations_torch.json from dir.
func loadtorchActivations(t testing.TB, path string) *torchActivations {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var all map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &all))
	out := &torchActivations{Values: map[string]struct{ F, Prime []float64 }{}}
	require.NoError(t, json.Unmarshal(all["z"], &out.Z))
	for name, v := range all {
		if name == "z" || name == "torch" {
			continue
		}
		var fp struct {
			F     []float64 `json:"f"`
			Prime []float64 `json:"prime"`
		}
		require.NoError(t, json.Unmarshal(v, &fp))
		out.Values[name] = struct{ F, Prime []float64 }{fp.F, fp.Prime}
	}
	return out
}

// torchTol is how far backproof's f (prime false) or f′ (prime true) of
// act may be from PyTorch's: 8 ulps of the value, plus an absolute term
// where one formula or the other cancels. Both write σ′ = σ(1 − σ) and
// tanh′ = 1 − tanh², whose 1 − σ and 1 − tanh² are off by up to ε
// absolute. PyTorch writes elu as e^z − 1, which for z near 0 loses an
// absolute ε (backproof's expm1 does not: TestELUNearZero checks it by
// hand), and gelu as ½ z (1 + tanh u), which for z ≪ 0 cancels 1 + tanh u
// to about ε·|z| (backproof's z σ(2u) does not), its derivative's
// z sech²u · u′ carrying ε·|z|³ of u's rounding.
func torchTol(act Activation, prime bool, z, want float64) float64 {
	const eps = 0x1p-52
	tol := 8*eps*math.Abs(want) + math.SmallestNonzeroFloat64 // e^{−745} rounds to 0 or 5e-324
	switch name := act.String(); {
	case prime && (name == "sigmoid" || name == "tanh"):
		tol += 2 * eps
	case name == "elu" && z <= 0:
		tol += 2 * eps
	case name == "gelu":
		az := math.Abs(z)
		tol += 8 * eps * math.Min(1, az) * math.Max(1, az*az*az)
	}
	return tol
}

func TestActivationsAgainstTorch(t *testing.T) {
	torch := loadtorchActivations(t, "testdata/activations_torch.json")
	for _, act := range Activations {
		if !act.Elementwise() {
			continue
		}
		want, ok := torch.Values[act.String()]
		require.True(t, ok, "testdata/activations_torch.json has no %v: add it to activations_torch.py and run it", act)
		for i, z := range torch.Z {
			assert.InDelta(t, want.F[i], act.F(z), torchTol(act, false, z, want.F[i]), "%v(%g)", act, z)
			assert.InDelta(t, want.Prime[i], act.Prime(z), torchTol(act, true, z, want.Prime[i]), "%v′(%g)", act, z)
		}
	}
}

// TestELUNearZero: e^z − 1 near 0 by its series z + z²/2 + z³/6, by
// hand: elu keeps every digit there, where PyTorch's exp(z) − 1 keeps
// about seven of them at z = −1e-9 and none at −1e-300.
func TestELUNearZero(t *testing.T) {
	for _, z := range []float64{-1e-9, -1e-300, -3e-6} {
		want := z + z*z/2 + z*z*z/6
		assert.InEpsilon(t, want, ELU.F(z), 0x1p-52, "elu(%g)", z)
		assert.InEpsilon(t, 1+z+z*z/2, ELU.Prime(z), 0x1p-52, "elu′(%g)", z)
	}
}

// TestBackpropAgainstTorch: the gradient of a [3, 4, 2] net with an elu
// or a gelu hidden layer and a sigmoid output (quadratic cost, mean over 5
// examples) against PyTorch 1.13's autograd at float64
// (testdata/net_torch.py), in every convention: 1e-13 relative to each
// array's largest entry, rounding in sums of a few terms.
func TestBackpropAgainstTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/net_torch.json")
	require.NoError(t, err)
	var fix map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &fix))
	dense := func(key string) *mat.Dense {
		var rows [][]float64
		require.NoError(t, json.Unmarshal(fix[key], &rows))
		m := mat.NewDense(len(rows), len(rows[0]), nil)
		for i, r := range rows {
			m.SetRow(i, r)
		}
		return m
	}
	vec := func(key string) []float64 {
		var v []float64
		require.NoError(t, json.Unmarshal(fix[key], &v))
		return v
	}
	for _, act := range []Activation{ELU, GELU} {
		var want struct {
			Cost     float64
			DW1, DW2 [][]float64
			DB1, DB2 []float64
		}
		require.NoError(t, json.Unmarshal(fix[act.String()], &want))
		row := &Net{Convention: Row, Cost: Quadratic, Reduction: Mean, Layers: []Layer{
			{W: dense("W1"), B: vec("b1"), Act: act}, {W: dense("W2"), B: vec("b2"), Act: Sigmoid}}}
		for _, c := range Conventions {
			n := row.In(c)
			tr := n.Backprop(Batch(dense("X"), Row, c), Batch(dense("Y"), Row, c))
			assert.InEpsilon(t, want.Cost, tr.Cost, 1e-14, "%v %v cost", act, c)
			for ℓ, w := range [][][]float64{want.DW1, want.DW2} {
				got := Batch(tr.DW[ℓ+1], c, Row)
				top := 0.0
				for _, r := range w {
					for _, v := range r {
						top = math.Max(top, math.Abs(v))
					}
				}
				for i, r := range w {
					for j, v := range r {
						assert.InDelta(t, v, got.At(i, j), 1e-13*top, "%v %v dW%d[%d][%d]", act, c, ℓ+1, i, j)
					}
				}
			}
			for ℓ, b := range [][]float64{want.DB1, want.DB2} {
				for k, v := range b {
					assert.InDelta(t, v, tr.DB[ℓ+1][k], 1e-13*math.Abs(v)+1e-300, "%v %v db%d[%d]", act, c, ℓ+1, k)
				}
			}
		}
	}
}
