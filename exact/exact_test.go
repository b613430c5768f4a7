package exact_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/exact"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fixture struct {
	Name    string          `json:"name"`
	Problem json.RawMessage `json:"problem"`
	Left    []string        `json:"left"`
	Right   []string        `json:"right"`
	OnKink  int             `json:"on_kink"`
}

func fixtures(t testing.TB) []fixture {
	raw, err := os.ReadFile(filepath.Join("testdata", "fixtures.json"))
	require.NoError(t, err)
	var fs []fixture
	require.NoError(t, json.Unmarshal(raw, &fs))
	return fs
}

// ulps is how many float64 steps apart got is from the 50-digit want,
// parsed to its nearest float64.
func ulps(got float64, want string) float64 {
	w, _ := strconv.ParseFloat(want, 64)
	if got == w {
		return 0
	}
	return math.Abs(got-w) / (math.Nextafter(math.Abs(w), math.Inf(1)) - math.Abs(w))
}

// TestAgainstDecimal compares every entry of the gradient with the
// 50-digit backpropagation of testdata/gen.py (Python's decimal, no code
// shared): each is the nearest float64 of the true value, or its
// neighbour. derive's float64 backpropagation is set beside it to show
// where float64 alone is not enough.
func TestAgainstDecimal(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.Name, func(t *testing.T) {
			p, err := problem.Parse(f.Name+".json", f.Problem)
			require.NoError(t, err)
			for _, side := range []struct {
				k    exact.Kink
				want []string
			}{{exact.Left, f.Left}, {exact.Right, f.Right}} {
				got := exact.Gradient(nil, p.Net, p.X, p.Y, side.k)
				require.Len(t, got, len(side.want))
				var worst float64
				for i, w := range side.want {
					worst = math.Max(worst, ulps(got[i], w))
				}
				assert.LessOrEqual(t, worst, 1.0, "%v: within an ulp of the 50-digit gradient", side.k)
			}
			assert.Equal(t, f.OnKink, exact.OnKink(p.Net, p.X), "pre-activations on a kink")
			var float64Worst float64
			for i, v := range p.Net.Backprop(p.X, p.Y).Grad(nil) {
				float64Worst = math.Max(float64Worst, ulps(v, f.Left[i]))
			}
			t.Logf("float64 backpropagation: worst entry %.3g ulps from the 50-digit gradient", float64Worst)
			if f.Name == "row-fitted" {
				assert.Greater(t, float64Worst, 1e6, "a − y cancels: float64 loses digits that double-double keeps")
			}
		})
	}
}

// TestLeavesInputsAlone: the network and the batch are not changed, and
// dst is filled.
func TestLeavesInputsAlone(t *testing.T) {
	f := fixtures(t)[0]
	p, err := problem.Parse("p.json", f.Problem)
	require.NoError(t, err)
	before, _ := json.Marshal(p)
	dst := make([]float64, p.Net.NumParams())
	for i := range dst {
		dst[i] = math.NaN()
	}
	got := exact.Gradient(dst, p.Net, p.X, p.Y, exact.Left)
	after, _ := json.Marshal(p)
	assert.JSONEq(t, string(before), string(after))
	assert.Equal(t, &dst[0], &got[0], "dst is used")
	for _, v := range got {
		assert.False(t, math.IsNaN(v))
	}
}

// TestGradientsOnKinks: Gradients gives the two sides, and right only
// where some pre-activation is on a kink.
func TestGradientsOnKinks(t *testing.T) {
	for _, f := range fixtures(t) {
		p, err := problem.Parse("p.json", f.Problem)
		require.NoError(t, err)
		left, right, on := exact.Gradients(p.Net, p.X, p.Y)
		assert.Equal(t, f.OnKink, on, f.Name)
		assert.Equal(t, exact.Gradient(nil, p.Net, p.X, p.Y, exact.Left), left, f.Name)
		if on == 0 {
			assert.Nil(t, right, f.Name)
			continue
		}
		assert.Equal(t, exact.Gradient(nil, p.Net, p.X, p.Y, exact.Right), right, f.Name)
		assert.NotEqual(t, left, right, f.Name)
	}
}

// TestRegularized: with an L2 term and dropout masks, the double-double
// gradient is float64 backpropagation's (package derive, other code) to
// rounding, in every convention.
func TestRegularized(t *testing.T) {
	for _, c := range derive.Conventions {
		p, err := problem.Random(problem.Spec{Convention: c, Sizes: []int{4, 5, 3, 2}, Batch: 6,
			Acts: derive.Acts{derive.Tanh, derive.Sigmoid, derive.Softmax}, Cost: derive.LogLikelihood,
			Init: derive.NormalScaled, Seed: 5, L2: derive.L2{Lambda: 0.4, N: 3}, Keep: 0.5})
		require.NoError(t, err)
		want := p.Net.Backprop(p.X, p.Y).Grad(nil)
		got := exact.Gradient(nil, p.Net, p.X, p.Y, exact.Left)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 1e-13*math.Max(1, math.Abs(want[i])), "%v entry %v", c, p.Net.ParamAt(i))
		}
	}
}
