package cli

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckMethods runs every --method value, and --generic, on a small
// random problem: each passes and says in its JSON what it did.
func TestCheckMethods(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		method     string
		path       string
		directions int
	}{
		{[]string{"--method", "central"}, "central", "layered", 0},
		{[]string{"--method", "five-point", "--generic"}, "five-point", "generic", 0},
		{[]string{"--method", "richardson"}, "richardson", "layered", 0},
		{[]string{"--method", "complex-step"}, "complex-step", "layered", 0},
		{[]string{"--method", "complex-step", "--generic"}, "complex-step", "generic", 0},
		{[]string{"--method", "directional"}, "directional", "", 8},
		{[]string{"--method", "directional", "--directions", "3", "--seed", "4"}, "directional", "", 3},
	} {
		args := append([]string{"check", "--net", "5,4,3", "--act", "tanh,sigmoid", "--json"}, tc.args...)
		code, out, errb := run(t, args...)
		require.Equal(t, 0, code, "%v: %s", tc.args, errb)
		var got struct {
			Method      string `json:"method"`
			Pass        bool   `json:"pass"`
			Path        string `json:"path"`
			Directional *struct {
				Seed       uint64            `json:"seed"`
				Directions []json.RawMessage `json:"directions"`
			} `json:"directional"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		assert.Equal(t, tc.method, got.Method, "%v", tc.args)
		assert.True(t, got.Pass, "%v", tc.args)
		assert.Equal(t, tc.path, got.Path, "%v", tc.args)
		if tc.directions > 0 {
			require.NotNil(t, got.Directional)
			assert.Len(t, got.Directional.Directions, tc.directions)
		}
	}
	code, out, _ := run(t, "check", "--net", "5,4,3", "--method", "directional", "--directions", "2")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "directional check: 2 random unit directions v (seed 1)")
	assert.Contains(t, out, "PASS")
}

func TestCheckStepPlot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "steps.png")
	code, _, errb := run(t, "check", "--net", "3,4,2", "--step-plot", path)
	require.Equal(t, 0, code, errb)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = png.Decode(f)
	require.NoError(t, err)
}

func TestCheckMethodFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--method", "directional", "--directions", "0"}, "--directions 0"},
		{[]string{"check", "--method", "directional", "--generic"}, "--generic applies to entry-by-entry checks"},
		{[]string{"check", "--method", "fast"}, "directional"},
		{[]string{"check", "--step-plot", "/nonexistent/dir/x.png"}, "--step-plot"},
	} {
		code, _, errb := run(t, tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, errb, tc.want, "%v", tc.args)
	}
}
