package backproof_test

import (
	"path/filepath"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/gradfile"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRegularizedMistakes: numpy learners of regularized problems
// (gradfile/testdata/gen_reg_numpy.py, written in the manner of Ng's
// backward_propagation_with_regularization and _with_dropout, sharing no
// code with backproof), right and with each classic mistake planted, are
// judged and the mistake named on the arrays that carry it; the layers
// below a dropout mistake of layer 2 inherit it or name it themselves.
func TestRegularizedMistakes(t *testing.T) {
	td := filepath.Join("gradfile", "testdata")
	for _, tc := range []struct {
		problem, variant string
		want             map[string][]string // array → codes; arrays not named agree
	}{
		{"ng", "right", nil},
		{"ng", "l2-missing", map[string][]string{"W1": {"l2-missing"}, "W2": {"l2-missing"}, "W3": {"l2-missing"}}},
		{"ng", "l2-undivided", map[string][]string{"W1": {"l2-lambda-not-divided"}, "W2": {"l2-lambda-not-divided"}, "W3": {"l2-lambda-not-divided"}}},
		{"ng", "l2-factor-2", map[string][]string{"W1": {"l2-factor-2"}, "W2": {"l2-factor-2"}, "W3": {"l2-factor-2"}}},
		{"ng", "bias-reg", map[string][]string{"b1": {"bias-regularized"}, "b2": {"bias-regularized"}, "b3": {"bias-regularized"}}},
		{"ng", "mask-missing", map[string][]string{"W2": {"dropout-mask-missing"}, "b2": {"dropout-mask-missing"}, "W1": {"inherits"}, "b1": {"inherits"}}},
		// Only layer 2's dA2 / keep_prob is missing: layer 1's arrays are
		// p times the truth, and its own line is right.
		{"ng", "keep-missing", map[string][]string{"W2": {"dropout-keep-prob-missing"}, "b2": {"dropout-keep-prob-missing"},
			"W1": {"inherits"}, "b1": {"inherits"}}},
		{"ng", "wrong-mask", map[string][]string{"W2": {"dropout-wrong-mask"}, "b2": {"dropout-wrong-mask"}, "W1": {"inherits"}, "b1": {"inherits"}}},
		{"sum", "right", nil},
		{"sum", "l2-over-m", map[string][]string{"W1": {"l2-lambda-over-m"}, "W2": {"l2-lambda-over-m"}}},
	} {
		t.Run(tc.problem+"/"+tc.variant, func(t *testing.T) {
			p, err := problem.Load(filepath.Join(td, "regnp-"+tc.problem+"-problem.json"))
			require.NoError(t, err)
			g, err := gradfile.Load(filepath.Join(td, "regnp-"+tc.problem+"-"+tc.variant+".npz"), p)
			require.NoError(t, err)
			r, err := backproof.CheckGradient(p, g, nil)
			require.NoError(t, err)
			require.Equal(t, backproof.Agree, r.Backprop().Outcome, "backproof's own gradient agrees with finite differences")
			assert.Equal(t, tc.want == nil, r.Pass())
			for _, lp := range r.Params {
				name := lp.Name + string(rune('0'+lp.Layer))
				want, wrong := tc.want[name]
				if !wrong {
					assert.True(t, lp.Agree, "%s agrees", name)
					continue
				}
				assert.False(t, lp.Agree, "%s differs", name)
				if want[0] == "inherits" {
					assert.Equal(t, 2, lp.Inherits, "%s inherits layer 2's mistake", name)
					continue
				}
				assert.Equal(t, want, codes(lp), name)
				for _, m := range lp.Mistakes {
					assert.NotEmpty(t, m.Message)
				}
			}
		})
	}
}

// TestRegularizedPerExample: a learner in the per-example convention
// (gradfile/testdata/gen_reg_perexample.py: Nielsen's network2.py backprop
// one example at a time, with dropout on both hidden layers, λ over n = 50,
// in numpy, sharing no code with backproof), right and with each mistake
// planted, is judged and the mistake named. A 1/p missing on layer 2 alone
// reaches layer 1 through δ², which inherits it; missing on both, layer
// 1's data term is p² = 0.64 times the truth, and the conclusion says so.
func TestRegularizedPerExample(t *testing.T) {
	td := filepath.Join("gradfile", "testdata")
	p, err := problem.Load(filepath.Join(td, "regpe-nielsen-problem.json"))
	require.NoError(t, err)
	keep := []string{"dropout-keep-prob-missing"}
	for _, tc := range []struct {
		variant string
		want    map[string][]string // array → codes; arrays not named agree
		says    string              // in the conclusion
	}{
		{"right", nil, "your gradient is right"},
		{"l2-missing", map[string][]string{"W1": {"l2-missing"}, "W2": {"l2-missing"}, "W3": {"l2-missing"}}, ""},
		{"l2-over-m", map[string][]string{"W1": {"l2-lambda-over-m"}, "W2": {"l2-lambda-over-m"}, "W3": {"l2-lambda-over-m"}}, ""},
		{"bias-reg", map[string][]string{"b1": {"bias-regularized"}, "b2": {"bias-regularized"}, "b3": {"bias-regularized"}}, ""},
		{"mask-missing", map[string][]string{"W2": {"dropout-mask-missing"}, "b2": {"dropout-mask-missing"}, "W1": {"inherits"}, "b1": {"inherits"}},
			"fix layer 2 first"},
		{"keep-missing2", map[string][]string{"W2": keep, "b2": keep, "W1": {"inherits"}, "b1": {"inherits"}}, "fix layer 2 first"},
		{"keep-missing", map[string][]string{"W2": keep, "b2": keep, "W1": keep, "b1": keep},
			"Layer 1 forgot its own 1/p as well: its δ^1 is 0.64 times the truth, 0.8 inherited from layer 2's δ^2"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			g, err := gradfile.Load(filepath.Join(td, "regpe-nielsen-"+tc.variant+".npz"), p)
			require.NoError(t, err)
			r, err := backproof.CheckGradient(p, g, nil)
			require.NoError(t, err)
			require.Equal(t, backproof.Agree, r.Backprop().Outcome, "backproof's own gradient agrees with finite differences")
			assert.Equal(t, tc.want == nil, r.Pass())
			assert.Contains(t, render.Conclusion(r), tc.says)
			for _, lp := range r.Params {
				name := lp.Name + string(rune('0'+lp.Layer))
				want, wrong := tc.want[name]
				if !wrong {
					assert.True(t, lp.Agree, "%s agrees", name)
					continue
				}
				assert.False(t, lp.Agree, "%s differs", name)
				if want[0] == "inherits" {
					assert.Equal(t, 2, lp.Inherits, "%s inherits layer 2's mistake", name)
					assert.Empty(t, lp.Mistakes, name)
					continue
				}
				assert.Zero(t, lp.Inherits, "%s: its own mistake", name)
				assert.Equal(t, want, codes(lp), name)
			}
		})
	}
}
