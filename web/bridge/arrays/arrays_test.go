package arrays_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/backproof/backproof/cli"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/web/bridge"
	"github.com/backproof/backproof/web/bridge/arrays"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// untimed masks the times a check reports, which differ from run to run.
func untimed(s string) string {
	for _, m := range []struct{ re, to string }{
		{`"seconds":[0-9.e+-]+`, `"seconds":…`}, {`\([0-9.e+-]+ s\)`, "(… s)"}, {`in [0-9.e+-]+ s`, "in … s"},
	} {
		s = regexp.MustCompile(m.re).ReplaceAllString(s, m.to)
	}
	return s
}

// cliCheck runs `backproof check PROBLEM --gradient G ARGS…` in this
// process and returns what it prints, times masked, and its exit status.
func cliCheck(t *testing.T, problem, gradient string, args []string) bridge.Output {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(append([]string{"check", problem, "--gradient", gradient}, args...), &stdout, &stderr)
	o := bridge.Output{Exit: code, Stdout: untimed(stdout.String()), Stderr: []string{}}
	for _, l := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n") {
		if l != "" {
			o.Stderr = append(o.Stderr, l)
		}
	}
	return o
}

// files reads the gradient at path as the page is given it: the file, or
// the .npy files of a folder.
func files(t *testing.T, path string) []arrays.File {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		return []arrays.File{{Name: filepath.Base(path), Data: data}}
	}
	names, err := filepath.Glob(filepath.Join(path, "*.npy"))
	require.NoError(t, err)
	var out []arrays.File
	for _, n := range names {
		data, err := os.ReadFile(n)
		require.NoError(t, err)
		out = append(out, arrays.File{Name: filepath.Base(n), Data: data})
	}
	return out
}

// TestGradientSameAsCLI: every learner's gradient of gradfile's testdata
// (numpy's and torch's, right and with each mistake planted), checked
// against its problem, prints what `backproof check PROBLEM --gradient G`
// prints, in JSON and in text, times masked.
func TestGradientSameAsCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("checks some sixty gradients twice")
	}
	testdata, err := filepath.Abs("../../../gradfile/testdata")
	require.NoError(t, err)
	t.Chdir(testdata) // the names the outputs print are the same on both sides
	problems, err := filepath.Glob("*-problem.json")
	require.NoError(t, err)
	require.NotEmpty(t, problems)
	checked := 0
	for _, prob := range problems {
		grads, err := filepath.Glob(strings.TrimSuffix(prob, "problem.json") + "*")
		require.NoError(t, err)
		pdata, err := os.ReadFile(prob)
		require.NoError(t, err)
		for _, g := range grads {
			if g == prob || strings.HasSuffix(g, ".py") {
				continue
			}
			t.Chdir(testdata)
			given := files(t, g)
			dir := testdata
			if len(given) > 1 {
				// The folder the page's .npy files stand for, beside a
				// copy of the problem.
				dir = t.TempDir()
				require.NoError(t, os.Mkdir(filepath.Join(dir, arrays.Folder), 0o755))
				for _, f := range given {
					require.NoError(t, os.WriteFile(filepath.Join(dir, arrays.Folder, f.Name), f.Data, 0o644))
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, prob), pdata, 0o644))
				g = arrays.Folder
			}
			for _, args := range [][]string{nil, {"--json"}} {
				t.Chdir(dir)
				want := cliCheck(t, prob, g, args)
				got := arrays.Check(prob, pdata, given, args)
				assert.Equal(t, want, bridge.Output{Exit: got.Exit, Stdout: untimed(got.Stdout), Stderr: got.Stderr}, "%s %s %v", prob, g, args)
				word, _, _ := strings.Cut(got.Verdict, ":")
				assert.Contains(t, []string{"PASS", "FAIL", "ERROR"}, word, got.Verdict)
			}
			checked++
		}
	}
	assert.Greater(t, checked, 40)
}

// TestGradientVerdicts: the verdicts and heat maps of a right gradient and
// of one without its 1/m (numpy's, testdata/gen.py), checked by hand.
func TestGradientVerdicts(t *testing.T) {
	dir := "../../../gradfile/testdata/"
	prob, err := os.ReadFile(dir + "row-problem.json")
	require.NoError(t, err)

	right := arrays.Check("problem.json", prob, files(t, dir+"row-right.npz"), []string{"--json"})
	assert.Equal(t, 0, right.Exit)
	assert.True(t, strings.HasPrefix(right.Verdict, "PASS"), right.Verdict)
	require.Len(t, right.Heat, 4) // W1, b1, W2, b2
	for _, h := range right.Heat {
		require.NotNil(t, h.Rel, "layer %d %s", h.Layer, h.Param)
		for _, row := range h.Rel {
			for _, e := range row {
				assert.Less(t, e, 1e-7, "a right gradient agrees entry by entry (layer %d %s)", h.Layer, h.Param)
			}
		}
	}

	// Every entry of a gradient m = 5 times too large is off by
	// |5g − g| / |5g| = 0.8, where g is not 0.
	wrong := arrays.Check("problem.json", prob, files(t, dir+"row-missing-1m.npz"), []string{"--json"})
	assert.Equal(t, 1, wrong.Exit)
	assert.True(t, strings.HasPrefix(wrong.Verdict, "FAIL: dW1, db1, dW2 and db2 are wrong"), wrong.Verdict)
	for _, h := range wrong.Heat {
		for _, row := range h.Rel {
			for _, e := range row {
				if e != 0 {
					assert.InDelta(t, 0.8, e, 1e-9, "layer %d %s", h.Layer, h.Param)
				}
			}
		}
	}

	// A bias left unsummed (m×n): a shape mistake, no heat map for it.
	unsummed := arrays.Check("problem.json", prob, files(t, dir+"row-bias-not-summed.npz"), []string{"--json"})
	assert.Equal(t, 1, unsummed.Exit)
	for _, h := range unsummed.Heat {
		if h.Layer == 2 && h.Param == "b" {
			assert.Nil(t, h.Rel)
		}
	}

	one := arrays.Check("problem.json", prob, []arrays.File{{Name: "dW1.npy", Data: []byte("x")}}, nil)
	assert.Equal(t, 2, one.Exit)
	assert.True(t, strings.HasPrefix(one.Verdict, "ERROR: --gradient: dW1.npy: a .npy file holds one array"), one.Verdict)
	assert.Equal(t, 0.8, compare.RelError(5, 1), "the relative error the heat maps use")
}
