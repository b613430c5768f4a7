package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEntryWords: a weight is named by its row and column, a bias by its
// unit alone, and a bias's shape is spelt as its layout holds it, the same
// in check's table as in --gradient's.
func TestEntryWords(t *testing.T) {
	for _, c := range []struct {
		p    derive.Param
		want string
	}{
		{derive.Param{Layer: 1, Name: "W", Row: 2, Col: 0}, "(1, W, 2, 0)"},
		{derive.Param{Layer: 1, Name: "b", Row: 2}, "(1, b, unit 2)"},
		{derive.Param{Layer: 3, Name: "b", Row: 0}, "(3, b, unit 0)"},
	} {
		assert.Equal(t, c.want, backproof.EntryName(c.p))
	}
	assert.Equal(t, "1×3", biasShape(derive.Row, 3))
	assert.Equal(t, "3×1", biasShape(derive.Column, 3))
	assert.Equal(t, "3×1", biasShape(derive.PerExample, 3))
}

func random(t *testing.T, s problem.Spec) *problem.Problem {
	t.Helper()
	p, err := problem.Random(s)
	require.NoError(t, err)
	return p
}

func TestJSONContract(t *testing.T) {
	p := random(t, problem.Spec{Convention: derive.Column, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.CrossEntropy, Reduction: derive.Sum, Seed: 3})
	r, err := backproof.CheckBackprop(p, nil)
	require.NoError(t, err)
	raw, err := EntriesJSON(r)
	require.NoError(t, err)
	got, l1 := contractJSON(t, raw, 2)
	assert.Equal(t, "central", got["method"])
	assert.InDelta(t, 6e-6, got["step"], 0)
	// dW is laid out like W in the column convention: n1×n0 = 3×4.
	require.Len(t, l1["dW"], 3)
	require.Len(t, l1["dW"].([]any)[0], 4)
	require.Len(t, l1["db"], 3)
}

func TestDirectionalJSON(t *testing.T) {
	p := random(t, problem.Spec{Convention: derive.Column, Sizes: []int{4, 3, 2}, Batch: 7,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 1})
	r, err := backproof.CheckDirections(p, &backproof.Settings{Directions: 3, Seed: 5})
	require.NoError(t, err)
	raw, err := DirectionsJSON(r)
	require.NoError(t, err)
	got, l1 := contractJSON(t, raw, 2)
	assert.Equal(t, "directional", got["method"])
	assert.Nil(t, l1["dW_numeric"])
	assert.Nil(t, l1["max_rel_error"])
	d := got["directional"].(map[string]any)
	assert.Equal(t, "central", d["stencil"])
	assert.EqualValues(t, 5, d["seed"])
	require.Len(t, d["directions"], 3)
	for _, k := range []string{"analytic", "numeric", "abs_error", "rel_error", "kink"} {
		require.Contains(t, d["directions"].([]any)[0], k)
	}
}

// contractJSON reads a check's JSON and checks that it carries every
// field of docs/contracts.md's `check --json` contract, at the top and in
// each of its layers. It returns the object and its first layer.
func contractJSON(t *testing.T, raw []byte, layers int) (got, first map[string]any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(raw, &got))
	for _, k := range []string{"value", "method", "step", "layers", "max_rel_error", "pass", "seconds"} {
		require.Contains(t, got, k)
	}
	ls := got["layers"].([]any)
	require.Len(t, ls, layers)
	for _, l := range ls {
		for _, k := range []string{"dW", "db", "dW_numeric", "db_numeric", "max_rel_error"} {
			require.Contains(t, l.(map[string]any), k, "the contract's fields are kept")
		}
	}
	return got, ls[0].(map[string]any)
}

// A directional check that chose its own step says why in its text: the
// book's [784, 30, 10] on dense inputs, where a random unit direction sees
// ∇C shrunk by about √(2/(πP)).
func TestDirectionalStepNote(t *testing.T) {
	book := random(t, problem.Spec{Convention: derive.Row, Sizes: []int{784, 30, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.Normal, Seed: 1})
	r, err := backproof.CheckDirections(book, &backproof.Settings{Directions: 8, Seed: 1})
	require.NoError(t, err)
	require.NotNil(t, r.Raised)
	var text strings.Builder
	WriteDirections(&text, r)
	assert.Contains(t, text.String(), "  The step: h = 6e-05, not the default 6e-06: along a random unit direction of 23860 parameters")
}
