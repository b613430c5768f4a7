package backproof_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/gradfile"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// hard checks the learner's gradient hard-NAME-VARIANT.npz of
// gradfile/testdata (gen_hard.py: numpy backpropagations written by hand,
// sharing no code with backproof) against the problem hard-NAME-problem.json.
func hard(t *testing.T, name, variant string) *backproof.GradientResult {
	t.Helper()
	td := filepath.Join("gradfile", "testdata")
	p, err := problem.Load(filepath.Join(td, "hard-"+name+"-problem.json"))
	require.NoError(t, err)
	g, err := gradfile.Load(filepath.Join(td, "hard-"+name+"-"+variant+".npz"), p)
	require.NoError(t, err)
	r, err := backproof.CheckGradient(p, g, nil)
	require.NoError(t, err)
	return r
}

// param returns the learner's array dNAME (W3, b1, …).
func param(t *testing.T, r *backproof.GradientResult, name string) backproof.LearnerParam {
	t.Helper()
	for _, lp := range r.Params {
		if fmt.Sprintf("%s%d", lp.Name, lp.Layer) == name {
			return lp
		}
	}
	t.Fatalf("no array %s", name)
	return backproof.LearnerParam{}
}

func codes(lp backproof.LearnerParam) []string {
	var out []string
	for _, m := range lp.Mistakes {
		out = append(out, string(m.Code))
	}
	return out
}

// TestDeepVanishingGradient: in a 16-layer sigmoid net dW1 is about 1e-10
// of the largest entry. Each array is judged on its own scale, so a loop
// that stops at layer 2 (dW1, db1 left at 0) and a transposed square dW2
// are wrong, and the right gradient is right.
func TestDeepVanishingGradient(t *testing.T) {
	r := hard(t, "deep", "right")
	require.Equal(t, backproof.Agree, r.Outcome)
	assert.True(t, r.Pass(), render.Conclusion(r))

	r = hard(t, "deep", "stops-at-2")
	assert.False(t, r.Pass())
	assert.Equal(t, backproof.Disagree, r.Outcome)
	for _, name := range []string{"W1", "b1"} {
		lp := param(t, r, name)
		assert.True(t, lp.Judged, name)
		assert.False(t, lp.Agree, name)
		assert.Contains(t, render.Finding(r, lp), "all zeros", name)
	}
	for _, lp := range r.Params[2:] {
		assert.True(t, lp.Agree, "d%s%d", lp.Name, lp.Layer)
	}
	// Every worst entry is one of layer 1's, and the text and JSON list the same.
	require.NotEmpty(t, r.Worst)
	for _, e := range r.Worst {
		assert.Equal(t, 1, e.Param.Layer)
	}

	r = hard(t, "deep", "transposed")
	assert.False(t, r.Pass())
	lp := param(t, r, "W2")
	assert.False(t, lp.Agree)
	assert.Contains(t, codes(lp), "transposed")
}

// TestSaturatedLayerSign: with b¹ ≈ −25 the first layer's gradient is
// about 1e-11 of the second's; a δ¹ of the wrong sign is still wrong.
func TestSaturatedLayerSign(t *testing.T) {
	r := hard(t, "saturated", "right")
	assert.True(t, r.Pass(), render.Conclusion(r))
	r = hard(t, "saturated", "sign")
	assert.False(t, r.Pass())
	for _, name := range []string{"W1", "b1"} {
		lp := param(t, r, name)
		assert.False(t, lp.Agree, name)
		assert.Contains(t, codes(lp), "sign", name)
	}
	assert.True(t, param(t, r, "W2").Agree)
}

// TestNonFiniteGradient: the textbook ∂C/∂a = −y/a + (1−y)/(1−a) at a
// sigmoid output saturated to exactly 1 gives 0/0. That is the learner's
// mistake: exit 1, said in text, and the JSON report is written, with the
// NaN entries first among the worst, as null, and counted.
func TestNonFiniteGradient(t *testing.T) {
	r := hard(t, "nan", "textbook")
	assert.False(t, r.Pass())
	assert.Equal(t, backproof.Disagree, r.Outcome)
	lp := param(t, r, "W1")
	assert.Equal(t, 12, lp.NaN, "every entry of dW1 depends on example 0's δ²")
	assert.Contains(t, render.Finding(r, lp), "δ^L = a − y")
	require.NotEmpty(t, r.Worst)
	assert.True(t, math.IsNaN(r.Worst[0].Yours))

	var text bytes.Buffer
	render.WriteGradient(&text, r)
	assert.Contains(t, text.String(), "WRONG [not finite]")
	assert.Contains(t, text.String(), "the same cause")

	raw, err := render.GradientJSON(r)
	require.NoError(t, err, "the JSON report is always written")
	var got struct {
		Pass    bool `json:"pass"`
		Learner struct {
			Params []struct {
				NaN int `json:"nan"`
			} `json:"params"`
			Worst []struct {
				Yours    *float64 `json:"yours"`
				RelError *float64 `json:"rel_error"`
			} `json:"worst"`
		} `json:"learner"`
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.False(t, got.Pass)
	assert.Equal(t, 12, got.Learner.Params[0].NaN)
	require.NotEmpty(t, got.Learner.Worst)
	assert.Nil(t, got.Learner.Worst[0].Yours)
	assert.Nil(t, got.Learner.Worst[0].RelError)
}

// TestInfiniteEntry: one infinite entry in an otherwise right gradient.
func TestInfiniteEntry(t *testing.T) {
	td := filepath.Join("gradfile", "testdata")
	p, err := problem.Load(filepath.Join(td, "hard-saturated-problem.json"))
	require.NoError(t, err)
	g, err := gradfile.Load(filepath.Join(td, "hard-saturated-right.npz"), p)
	require.NoError(t, err)
	g.DW[1].Set(2, 1, math.Inf(-1))
	r, err := backproof.CheckGradient(p, g, nil)
	require.NoError(t, err)
	lp := param(t, r, "W2")
	assert.Equal(t, 1, lp.Inf)
	assert.False(t, lp.Agree)
	assert.True(t, param(t, r, "W1").Agree)
	assert.True(t, math.IsInf(r.Worst[0].Yours, -1))
	_, err = render.GradientJSON(r)
	require.NoError(t, err)
}

// TestWorstIsOneSelection: the text and the JSON list the same entries,
// and only entries that differ.
func TestWorstIsOneSelection(t *testing.T) {
	for _, v := range []string{"right", "stops-at-2"} {
		r := hard(t, "deep", v)
		raw, err := render.GradientJSON(r)
		require.NoError(t, err)
		var got struct {
			Learner struct {
				Worst []struct {
					Layer int    `json:"layer"`
					Param string `json:"param"`
					Row   int    `json:"row"`
				} `json:"worst"`
			} `json:"learner"`
		}
		require.NoError(t, json.Unmarshal(raw, &got))
		var text bytes.Buffer
		render.WriteGradient(&text, r)
		require.Len(t, got.Learner.Worst, len(r.Worst), v)
		if v == "right" {
			assert.Empty(t, got.Learner.Worst)
			assert.NotContains(t, text.String(), "worst entries of yours")
			continue
		}
		assert.Contains(t, text.String(), "worst entries of yours")
	}
}

// TestFlatBiasIsNeverTransposed: with m equal to the layer's width, a db
// summed over the wrong axis has the right length; given as a flat vector
// it has no orientation, so it is bias-wrong-axis and not also transposed.
func TestFlatBiasIsNeverTransposed(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Column, Sizes: []int{3, 4, 2}, Batch: 4,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 5})
	require.NoError(t, err)
	tr := p.Net.Backprop(p.X, p.Y)
	g := &backproof.Gradient{DW: []*mat.Dense{tr.DW[1], tr.DW[2]}, DB: [][]float64{nil, tr.DB[2]}}
	// numpy's np.sum(dZ1, axis=0): the 4 examples' sums over the units.
	r0, c0 := tr.Delta[1].Dims()
	wrongAxis := make([]float64, c0)
	for i := 0; i < r0; i++ {
		for j := 0; j < c0; j++ {
			wrongAxis[j] += tr.Delta[1].At(i, j)
		}
	}
	g.DB[0] = wrongAxis
	r, err := backproof.CheckGradient(p, g, nil)
	require.NoError(t, err)
	lp := param(t, r, "b1")
	assert.False(t, lp.Agree)
	assert.Equal(t, []string{"bias-wrong-axis"}, codes(lp))
}

// TestFittedOutputs: outputs within 3e-10 of their targets make a − y
// cancel, and float64 backpropagation, backproof's and the learner's
// alike, is good to only about 1e-6 relative. The right gradient is right
// (the report says how far float64 can go here); the missing 1/m is still
// wrong.
func TestFittedOutputs(t *testing.T) {
	r := hard(t, "fitted", "right")
	require.NotNil(t, r.Entries.Exact)
	assert.Greater(t, r.Entries.Exact.Rel, 1e-8, "float64 loses digits here")
	assert.True(t, r.Pass(), render.Conclusion(r))
	assert.Contains(t, render.Conclusion(r), "float64 backpropagation is good to only about")
	assert.Contains(t, render.Conclusion(r), "Yours is within that")
	// No finite-difference step resolved this; the complex step did.
	assert.Contains(t, render.Conclusion(r), "agrees with the complex step")
	assert.NotContains(t, render.Conclusion(r), "finite differences")
	var widened bool
	for _, lp := range r.Params {
		widened = widened || lp.Widened
	}
	assert.True(t, widened)

	r = hard(t, "fitted", "missing-1m")
	assert.False(t, r.Pass())
	for _, lp := range r.Params {
		assert.Contains(t, codes(lp), "missing-1/m", "d%s%d", lp.Name, lp.Layer)
	}
}

// TestNearOneHotSoftmax: softmax under log-likelihood with the right
// class 20 to 30 above the others: δ = a − y cancels the same way.
func TestNearOneHotSoftmax(t *testing.T) {
	r := hard(t, "onehot", "right")
	assert.True(t, r.Pass(), render.Conclusion(r))
	r = hard(t, "onehot", "missing-1m")
	assert.False(t, r.Pass())
	assert.Equal(t, backproof.Disagree, r.Outcome)
}

// TestReluKinkConventions: pre-activations exactly at 0; relu′(0) = 0,
// relu′(0) = 1 and relu′(0) = ½ are all subgradients and pass, and the
// report says which slope the learner's numbers follow. A real mistake
// still fails.
func TestReluKinkConventions(t *testing.T) {
	for _, c := range []struct{ variant, follows string }{
		{"prime0", "yours follow the left slope"},
		{"prime1", "yours follow the right slope"},
		{"prime-half", "between the two slopes"},
	} {
		r := hard(t, "kink", c.variant)
		assert.True(t, r.Pass(), "%s: %s", c.variant, render.Conclusion(r))
		assert.Contains(t, render.Conclusion(r), c.follows, c.variant)
		kinks := 0
		for _, lp := range r.Params {
			kinks += lp.Kinks
		}
		assert.Positive(t, kinks, c.variant)
		assert.Zero(t, param(t, r, "W2").Kinks, "layer 2's gradient does not pass through relu′")
	}
	r := hard(t, "kink", "missing-1m")
	assert.False(t, r.Pass())
	assert.Contains(t, codes(param(t, r, "W2")), "missing-1/m")
}

// TestComplexStepFloorIsRelative: a gradient whose entries are all about
// 1e-4 (outputs 1e-3 from their targets) is judged by the complex step;
// with a floor of 100·ε·max(1, |C|) none of its entries would be.
func TestComplexStepFloorIsRelative(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 9})
	require.NoError(t, err)
	_, A := p.Net.Forward(p.X)
	out := A[len(A)-1]
	r0, c0 := out.Dims()
	for i := 0; i < r0; i++ {
		for j := 0; j < c0; j++ {
			p.Y.Set(i, j, out.At(i, j)+1e-3*float64(1-2*((i+j)%2)))
		}
	}
	r, err := backproof.CheckBackprop(p, &backproof.Settings{Method: numgrad.ComplexStep})
	require.NoError(t, err)
	var top float64
	for _, g := range r.Analytic {
		top = math.Max(top, math.Abs(g))
	}
	require.Less(t, top, 1e-3, "every entry well under 0.02")
	assert.Equal(t, backproof.Agree, r.Outcome)
	assert.Greater(t, r.Comparison.Judged, r.Comparison.Len()*3/4, "almost every entry judged")
}

// TestInheritedMistakes: a mistake in δ³ (σ′ of A in a 5-layer net, f′
// left out in a 4-layer one) reaches layers 2 and 1 through correct
// backpropagation. Those arrays inherit it: the report names layer 3 as
// the line to fix, diagnoses it first and lists its entries first.
func TestInheritedMistakes(t *testing.T) {
	for _, c := range []struct{ name, variant, code string }{
		{"inherit5", "fprime-of-A", "fprime-of-A"},
		{"inherit4", "missing-fprime", "missing-fprime"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := hard(t, c.name, c.variant)
			assert.False(t, r.Pass())
			lc := r
			assert.Equal(t, 3, lc.First)
			for _, name := range []string{"W3", "b3"} {
				lp := param(t, r, name)
				assert.Contains(t, codes(lp), c.code, name)
				assert.Zero(t, lp.Inherits, name)
			}
			for _, name := range []string{"W1", "b1", "W2", "b2"} {
				lp := param(t, r, name)
				assert.False(t, lp.Agree, name)
				assert.Equal(t, 3, lp.Inherits, name)
				assert.Empty(t, lp.Mistakes, name)
				assert.Contains(t, render.Finding(r, lp), "fix layer 3's line first", name)
			}
			for _, lp := range lc.Params[6:] {
				assert.True(t, lp.Agree, "d%s%d", lp.Name, lp.Layer)
			}
			require.NotEmpty(t, lc.Worst)
			assert.Equal(t, 3, lc.Worst[0].Param.Layer, "layer 3's entries first")
			assert.Contains(t, render.Conclusion(lc), "fix layer 3 first")
			var text bytes.Buffer
			render.WriteGradient(&text, r)
			out := text.String()
			assert.Contains(t, out, "WRONG [inherits layer 3]")
			assert.Less(t, strings.Index(out, "  dW3 ["+c.code+"]"), strings.Index(out, "  dW1: inherits"), "layer 3 diagnosed first")
		})
	}
	// A mistake of the learner's own in a lower layer is not inherited.
	r := hard(t, "deep", "stops-at-2")
	assert.Zero(t, r.First)
	assert.Zero(t, param(t, r, "W1").Inherits)
}

// TestUnderflowIsNotJudged: with b¹ = −700, σ′(z¹) ≈ e^{−700} ≈ 1e-304 and
// dW¹, db¹ are about 1e-305, where float64 has lost digits to underflow.
// Those arrays are not judged, with the reason, and the verdict cannot be
// "right".
func TestUnderflowIsNotJudged(t *testing.T) {
	p, err := problem.Parse("underflow.json", []byte(`{"convention": "row", "cost": "quadratic", "reduction": "mean",
	 "layers": [{"activation": "sigmoid", "W": [[0.5, -0.25]], "b": [-700, -700]},
	            {"activation": "sigmoid", "W": [[1], [1]], "b": [0.3]}],
	 "X": [[1], [2]], "Y": [[0.2], [0.9]]}`))
	require.NoError(t, err)
	tr := p.Net.Backprop(p.X, p.Y)
	g := &backproof.Gradient{DW: tr.DW[1:], DB: tr.DB[1:]}
	r, err := backproof.CheckGradient(p, g, nil)
	require.NoError(t, err)
	lp := param(t, r, "W1")
	assert.False(t, lp.Judged)
	assert.False(t, lp.Agree)
	assert.Contains(t, render.NotJudged(r, lp), "underflow")
	assert.False(t, r.Pass())
	assert.Equal(t, backproof.CannotTell, r.Outcome)
	assert.Contains(t, render.Conclusion(r), "could not be judged")
	var text bytes.Buffer
	render.WriteGradient(&text, r)
	assert.Contains(t, text.String(), "not judged: its entries are at most")
}

// TestTooLargeForTheExactReference: beyond the exact reference's limit the
// learner is judged against float64 backpropagation, and told so.
func TestTooLargeForTheExactReference(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, 1100, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
	require.NoError(t, err)
	tr := p.Net.Backprop(p.X, p.Y)
	r, err := backproof.CheckGradient(p, &backproof.Gradient{DW: tr.DW[1:], DB: tr.DB[1:]}, &backproof.Settings{Directions: 2, Seed: 1})
	require.NoError(t, err)
	assert.Nil(t, r.Directions.Exact)
	assert.Contains(t, render.Conclusion(r), "too large for the exact reference")
}
