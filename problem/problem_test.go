package problem

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDesignExample(t *testing.T) {
	p, err := Load("testdata/design.json")
	require.NoError(t, err)
	assert.Equal(t, derive.Row, p.Net.Convention)
	assert.Equal(t, derive.Mean, p.Net.Reduction)
	assert.Equal(t, 3, p.Batch())
	assert.Equal(t, []int{2, 2}, p.Net.Sizes())
	assert.Equal(t, 0.3, p.Net.Layers[0].W.At(1, 0))
}

const valid = `{"convention": "row", "cost": "quadratic", "reduction": "mean",
 "layers": [{"activation": "sigmoid", "W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b": [0, 0.1, 0.2]},
            {"activation": "sigmoid", "W": [[1], [2], [3]], "b": [0.5]}],
 "X": [[1, 2], [3, 4], [5, 6], [7, 8]],
 "Y": [[0], [1], [0], [1]]}`

// TestBadInput: every user mistake gets one error naming the file and where.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"truncated", valid[:60], []string{"f.json:", "truncated JSON"}},
		{"invalid", `{"convention": "row",, }`, []string{"f.json:1:", "invalid JSON"}},
		{"NaN", `{"X": [[NaN]]}`, []string{"f.json:1:", "no NaN or Infinity"}},
		{"huge number", strings.Replace(valid, "0.4, 0.5", "1e999, 0.5", 1), []string{"layers[0].W[1][0]", "not a finite"}},
		{"unknown convention", strings.Replace(valid, `"row"`, `"rows"`, 1), []string{"convention", `unknown convention "rows"`, "per-example"}},
		{"unknown activation", strings.Replace(valid, `"sigmoid"`, `"sigmod"`, 1), []string{"layers[0].activation", `unknown activation "sigmod"`}},
		{"unknown cost", strings.Replace(valid, `"quadratic"`, `"mse"`, 1), []string{"cost", `unknown cost "mse"`}},
		{"unknown reduction", strings.Replace(valid, `"mean"`, `"average"`, 1), []string{"reduction", `unknown reduction "average"`}},
		{"missing reduction", strings.Replace(valid, `"reduction": "mean",`, ``, 1), []string{"reduction: missing"}},
		{"unknown field", strings.Replace(valid, `"b": [0.5]`, `"b": [0.5], "bias": 1`, 1), []string{"layers[1].bias", "unknown field"}},
		{"empty network", `{"convention": "row", "cost": "quadratic", "reduction": "mean", "layers": [], "X": [[1]], "Y": [[1]]}`, []string{"layers: the network has no layers"}},
		{"X against W1", strings.Replace(valid, `[[1, 2], [3, 4], [5, 6], [7, 8]]`, `[[1, 2, 0], [3, 4, 0], [5, 6, 0], [7, 8, 0]]`, 1), []string{"layers[0].W", "W1 is 2×3", "X is 4×3", "n0×n1"}},
		{"W2 against W1", strings.Replace(valid, `[[1], [2], [3]]`, `[[1], [2]]`, 1), []string{"layers[1].W", "W2 is 2×1", "layer 1 has 3 units"}},
		{"b against W", strings.Replace(valid, `[0, 0.1, 0.2]`, `[0, 0.1]`, 1), []string{"layers[0].b", "b1 has 2 numbers", "3 units"}},
		{"Y against output", strings.Replace(valid, `[[0], [1], [0], [1]]`, `[[0, 1], [1, 0], [0, 1], [1, 0]]`, 1), []string{"Y:", "Y is 4×2", "1 outputs", "m×nL = 4×1"}},
		{"Y rows", strings.Replace(valid, `[[0], [1], [0], [1]]`, `[[0], [1], [0]]`, 1), []string{"Y:", "X holds 4 examples"}},
		{"ragged", strings.Replace(valid, `[5, 6]`, `[5]`, 1), []string{"X[2]", "row has 1 numbers but row 0 has 2"}},
		{"cross-entropy targets", strings.Replace(strings.Replace(valid, `"quadratic"`, `"cross-entropy"`, 1), `[[0], [1], [0], [1]]`, `[[0], [1.5], [0], [1]]`, 1), []string{"Y[1][0]", "[0,1]", "1.5"}},
		{"softmax hidden", strings.Replace(valid, `"sigmoid"`, `"softmax"`, 1), []string{"layers[0].activation", "output layer"}},
		{"string for number", strings.Replace(valid, `[0.5]`, `["0.5"]`, 1), []string{"layers[1].b[0]", "want a number, found a string"}},
		{"not an object", `[1, 2]`, []string{"want a JSON object, found a list"}},
		{"extra data", valid + ` {}`, []string{"extra data after the JSON object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.json", []byte(tc.text))
			require.Error(t, err)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "f.json"), msg)
			assert.NotContains(t, msg, "\n")
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	require.ErrorContains(t, err, "nope.json: cannot read the problem file: no such file or directory")
}

func TestColumnShapes(t *testing.T) {
	text := `{"convention": "column", "cost": "quadratic", "reduction": "sum",
	 "layers": [{"activation": "tanh", "W": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "b": [0, 0, 0]}],
	 "X": [[1, 2, 3, 4], [5, 6, 7, 8]], "Y": [[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]]}`
	p, err := Parse("c.json", []byte(text))
	require.NoError(t, err)
	assert.Equal(t, 4, p.Batch())
	_, err = Parse("c.json", []byte(strings.Replace(text, `"column"`, `"row"`, 1)))
	require.ErrorContains(t, err, "in the row convention W1 must be n0×n1")
}

// TestSaveAndLoad: a random problem written with MarshalJSON loads back
// to the same numbers.
func TestSaveAndLoad(t *testing.T) {
	for _, c := range derive.Conventions {
		p, err := Random(Spec{Convention: c, Sizes: []int{3, 4, 2}, Batch: 5, Acts: []derive.Activation{derive.Tanh, derive.Softmax},
			Cost: derive.LogLikelihood, Reduction: derive.Mean, Seed: 7})
		require.NoError(t, err)
		raw, err := p.MarshalJSON()
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "p.json")
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		q, err := Load(path)
		require.NoError(t, err)
		assert.Equal(t, p.Net.Params(nil), q.Net.Params(nil))
		assert.Equal(t, Rows(p.X), Rows(q.X))
		assert.Equal(t, Rows(p.Y), Rows(q.Y))
	}
}

// TestRandomSameInEveryConvention: one seed, one problem, transposed.
func TestRandomSameInEveryConvention(t *testing.T) {
	spec := Spec{Sizes: []int{3, 4, 2}, Batch: 5, Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Seed: 9}
	spec.Convention = derive.Row
	row, err := Random(spec)
	require.NoError(t, err)
	spec.Convention = derive.Column
	col, err := Random(spec)
	require.NoError(t, err)
	assert.Equal(t, row.Net.Layers[0].W.At(2, 1), col.Net.Layers[0].W.At(1, 2))
	assert.Equal(t, row.X.At(4, 0), col.X.At(0, 4))
}

func TestRandomBadSpec(t *testing.T) {
	_, err := Random(Spec{Sizes: []int{3}, Batch: 1, Acts: []derive.Activation{derive.Sigmoid}})
	require.ErrorContains(t, err, "at least an input and an output")
	_, err = Random(Spec{Sizes: []int{3, 2}, Batch: 1, Acts: []derive.Activation{derive.Tanh}, Cost: derive.CrossEntropy})
	require.ErrorContains(t, err, "sigmoid or softmax output")
	_, err = Random(Spec{Sizes: []int{3, 2, 2}, Batch: 1, Acts: []derive.Activation{derive.Softmax, derive.Softmax}})
	require.ErrorContains(t, err, "hidden layer 1")
}
