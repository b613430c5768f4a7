package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckLearnerHardCases runs gradfile's hard learners' gradients
// (testdata/gen_hard.py) through the command line: a NaN gradient is the
// learner's mistake, exit 1 with the JSON report written (NaN as null);
// an inherited mistake names its layer in JSON.
func TestCheckLearnerHardCases(t *testing.T) {
	td := filepath.Join("..", "gradfile", "testdata")
	code, out, errb := run(t, "check", filepath.Join(td, "hard-nan-problem.json"), "--gradient", filepath.Join(td, "hard-nan-textbook.npz"), "--json")
	require.Equal(t, 1, code, errb)
	var got struct {
		Pass    bool `json:"pass"`
		Learner struct {
			Outcome string `json:"outcome"`
			Params  []struct {
				NaN int `json:"nan"`
			} `json:"params"`
			Worst []struct {
				Yours *float64 `json:"yours"`
			} `json:"worst"`
		} `json:"learner"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.False(t, got.Pass)
	assert.Equal(t, "disagree", got.Learner.Outcome)
	assert.Equal(t, 12, got.Learner.Params[0].NaN)
	require.NotEmpty(t, got.Learner.Worst)
	assert.Nil(t, got.Learner.Worst[0].Yours)

	code, out, errb = run(t, "check", filepath.Join(td, "hard-inherit5-problem.json"), "--gradient", filepath.Join(td, "hard-inherit5-fprime-of-A.npz"), "--json")
	require.Equal(t, 1, code, errb)
	var inh struct {
		Diagnosis []struct {
			Layer    int     `json:"layer"`
			Code     *string `json:"code"`
			Inherits int     `json:"inherits"`
		} `json:"diagnosis"`
		Learner struct {
			First int `json:"first_wrong_layer"`
		} `json:"learner"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &inh))
	assert.Equal(t, 3, inh.Learner.First)
	for _, d := range inh.Diagnosis {
		if d.Layer < 3 {
			assert.Nil(t, d.Code)
			assert.Equal(t, 3, d.Inherits)
		} else {
			require.NotNil(t, d.Code)
			assert.Equal(t, "fprime-of-A", *d.Code)
		}
	}

	code, out, _ = run(t, "check", filepath.Join(td, "hard-kink-problem.json"), "--gradient", filepath.Join(td, "hard-kink-prime1.npz"))
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "yours follow the right slope there (relu′(0) = 1)")
}
