package problem

import (
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validReg is valid with λ over N = 10 and dropout on layer 1 (keep 0.5,
// a 4×3 mask for the row convention's m×n1 A1).
var validReg = strings.Replace(strings.Replace(valid, `"reduction": "mean",`, `"reduction": "mean", "lambda": 0.7, "lambda_n": 10,`, 1),
	`"b": [0, 0.1, 0.2]}`, `"b": [0, 0.1, 0.2], "keep_prob": 0.5, "D": [[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 1]]}`, 1)

func TestRegularizedFile(t *testing.T) {
	p, err := Parse("f.json", []byte(validReg))
	require.NoError(t, err)
	assert.Equal(t, derive.L2{Lambda: 0.7, N: 10}, p.Net.L2)
	require.NotNil(t, p.Net.Layers[0].Drop)
	assert.Equal(t, 0.5, p.Net.Layers[0].Drop.Keep)
	assert.Equal(t, 0.0, p.Net.Layers[0].Drop.Mask.At(0, 1))
	assert.Nil(t, p.Net.Layers[1].Drop)

	old, err := Parse("f.json", []byte(valid))
	require.NoError(t, err)
	assert.False(t, old.Net.Regularized(), "a file without the new fields loads as before")
}

func TestRegularizedBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"negative lambda", strings.Replace(validReg, `0.7`, `-0.7`, 1), []string{"lambda:", "λ ≥ 0"}},
		{"lambda as string", strings.Replace(validReg, `0.7`, `"0.7"`, 1), []string{"lambda:", "want a number"}},
		{"fractional N", strings.Replace(validReg, `"lambda_n": 10`, `"lambda_n": 2.5`, 1), []string{"lambda_n:", "whole number"}},
		{"zero N", strings.Replace(validReg, `"lambda_n": 10`, `"lambda_n": 0`, 1), []string{"lambda_n:", "whole number ≥ 1"}},
		{"keep without mask", strings.Replace(validReg, `, "D": [[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 1]]`, ``, 1), []string{"layers[0].D: missing", "--keep-prob"}},
		{"mask without keep", strings.Replace(validReg, `"keep_prob": 0.5, `, ``, 1), []string{"layers[0].keep_prob: missing"}},
		{"keep zero", strings.Replace(validReg, `"keep_prob": 0.5`, `"keep_prob": 0`, 1), []string{"layers[0].keep_prob", "0 < p ≤ 1"}},
		{"keep above one", strings.Replace(validReg, `"keep_prob": 0.5`, `"keep_prob": 2`, 1), []string{"layers[0].keep_prob", "0 < p ≤ 1"}},
		{"mask not 0 or 1", strings.Replace(validReg, `[[1, 0, 1],`, `[[1, 0.5, 1],`, 1), []string{"layers[0].D[0][1]", "0 (dropped) or 1 (kept)"}},
		{"mask shape", strings.Replace(validReg, `, [1, 1, 1]]`, `]`, 1), []string{"layers[0].D", "D1 is 3×3", "A1 is m×n1 = 4×3"}},
		{"output dropout", strings.Replace(validReg, `"b": [0.5]`, `"b": [0.5], "keep_prob": 0.5, "D": [[1], [1], [0], [1]]`, 1), []string{"layers[1].D", "output layer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.json", []byte(tc.text))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestRandomRegularizedRoundTrip: a random problem with λ and dropout is
// saved and loaded whole, masks transposed with the convention, and one
// seed draws the same masks in every convention.
func TestRandomRegularizedRoundTrip(t *testing.T) {
	var first *Problem
	for _, c := range derive.Conventions {
		p, err := Random(Spec{Convention: c, Sizes: []int{3, 4, 5, 2}, Batch: 6, Acts: derive.Acts{derive.Sigmoid},
			Cost: derive.Quadratic, Seed: 4, L2: derive.L2{Lambda: 0.2, N: 100}, Keep: 0.5})
		require.NoError(t, err)
		raw, err := p.MarshalJSON()
		require.NoError(t, err)
		q, err := Parse("p.json", raw)
		require.NoError(t, err)
		assert.Equal(t, p.Net.L2, q.Net.L2)
		for ℓ := 0; ℓ < 2; ℓ++ {
			require.NotNil(t, q.Net.Layers[ℓ].Drop)
			assert.Equal(t, Rows(p.Net.Layers[ℓ].Drop.Mask), Rows(q.Net.Layers[ℓ].Drop.Mask))
		}
		assert.Nil(t, q.Net.Layers[2].Drop, "no dropout on the output layer")
		if first == nil {
			first = p
			continue
		}
		assert.Equal(t, Rows(derive.Batch(first.Net.Layers[1].Drop.Mask, first.Net.Convention, c)), Rows(p.Net.Layers[1].Drop.Mask))
	}
	_, err := Random(Spec{Sizes: []int{3, 2}, Batch: 2, Keep: 1.5})
	require.ErrorContains(t, err, "keep probability 1.5")
}
