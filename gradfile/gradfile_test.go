package gradfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLearnerFiles checks the gradients a learner wrote with numpy
// (testdata/gen.py: a backpropagation written by hand, sharing no code with
// backproof) right and with each classic mistake planted, in every
// convention and file format.
func TestLearnerFiles(t *testing.T) {
	for _, tc := range []struct {
		convention, file string
		float32          bool
		// wrong maps each array that must be judged wrong to the codes
		// its diagnosis must hold (nil: wrong, with no code required).
		wrong map[string][]string
	}{
		{"row", "row-right.npz", false, nil},
		{"row", "row-right.json", false, nil},
		{"row", "row-right-npy", false, nil},
		{"row", "row-right-float32.npz", true, nil},
		{"row", "row-missing-1m.npz", false, map[string][]string{
			"W1": {"missing-1/m"}, "b1": {"missing-1/m"}, "W2": {"missing-1/m"}, "b2": {"missing-1/m"}}},
		{"row", "row-transposed.npz", false, map[string][]string{"W2": {"transposed"}}},
		{"row", "row-bias-not-summed.npz", false, map[string][]string{"b2": {"bias-not-summed"}}},
		{"row", "row-fprime-of-A.npz", false, map[string][]string{
			"W2": {"fprime-of-A"}, "b2": {"fprime-of-A"}, "W1": nil, "b1": nil}},
		{"row", "row-sign.npz", false, map[string][]string{"W1": {"sign"}}},
		{"row", "row-transposed.json", false, map[string][]string{"W2": {"transposed"}}},
		{"column", "column-right.npz", false, nil},
		{"column", "column-extra-1m.npz", false, map[string][]string{"W2": {"extra-1/m"}}},
		{"column", "column-missing-factor-2.npz", false, map[string][]string{"b2": {"missing-factor-2"}}},
		{"column", "column-scale.npz", false, map[string][]string{"W2": {"scale"}}},
		{"softmax", "softmax-right.npz", false, nil},
		{"softmax", "softmax-hadamard-for-softmax.npz", false, map[string][]string{
			"W2": {"hadamard-for-softmax"}, "b2": {"hadamard-for-softmax"}, "W1": nil, "b1": nil}},
		{"column", "column-right.json", false, nil},
		{"column", "column-right-npy", false, nil},
		{"column", "column-right-float32.npz", true, nil},
		{"column", "column-bias-wrong-axis.npz", false, map[string][]string{"b1": {"bias-wrong-axis"}}},
		{"column", "column-extra-factor-2.npz", false, map[string][]string{"W1": {"extra-factor-2"}}},
		{"per-example", "per-example-right.npz", false, nil},
		{"per-example", "per-example-right.json", false, nil},
		{"per-example", "per-example-right-float32.npz", true, nil},
		{"per-example", "per-example-missing-fprime.npz", false, map[string][]string{
			"W2": {"missing-fprime"}, "b2": {"missing-fprime"}, "W1": nil, "b1": nil}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := problem.Load(filepath.Join("testdata", tc.convention+"-problem.json"))
			require.NoError(t, err)
			g, err := Load(filepath.Join("testdata", tc.file), p)
			require.NoError(t, err)
			assert.Equal(t, tc.float32, g.Float32)
			r, err := backproof.CheckGradient(p, g, nil)
			require.NoError(t, err)
			require.Equal(t, backproof.Agree, r.Backprop().Outcome, "backpropagation agrees with finite differences")
			lc := r
			for _, lp := range lc.Params {
				name := lp.Name + string(rune('0'+lp.Layer))
				codes, wrong := tc.wrong[name]
				assert.Equal(t, !wrong, lp.Agree, "%s: max rel error %.3g", name, lp.MaxRel)
				var got []string
				for _, m := range lp.Mistakes {
					got = append(got, string(m.Code))
				}
				for _, c := range codes {
					assert.Contains(t, got, c, name)
				}
				if !wrong {
					assert.Empty(t, got, name)
				}
			}
			assert.Equal(t, tc.wrong == nil, r.Pass())
			if tc.float32 {
				assert.Contains(t, render.Conclusion(lc), "float32")
			}
		})
	}
}

// TestBadGradientFiles: files that cannot be judged are bad input, named.
func TestBadGradientFiles(t *testing.T) {
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing file", filepath.Join(dir, "nothing.npz"), "nothing.npz"},
		{"npy alone", write("dW1.npy", "x"), "np.savez"},
		{"other extension", write("mine.txt", "x"), "want an .npz"},
		{"not a zip", write("broken.npz", "not a zip"), "not an .npz"},
		{"json syntax", write("bad.json", "{\"layers\": [\n{\"dW\": [[1,2],}]}"), "line 2:"},
		{"json unknown key", write("typo.json", `{"layers": [{"dZ": [[1]]}]}`), `unknown field "dZ"`},
		{"json layer count", write("one.json", `{"layers": [{"dW": [[1]], "db": [1]}]}`), "1 layers for a network of 2"},
		{"json ragged", write("ragged.json", `{"layers": [{"dW": [[1,2],[3]], "db": [1]}, {"dW": [[1]], "db": [1]}]}`), "layers[0].dW: row 1 has 1 numbers"},
		{"json missing db", write("nodb.json", `{"layers": [{"dW": [[1]], "db": [1]}, {"dW": [[1]]}]}`), "no array db2"},
		{"json empty db matrix", write("emptydb.json", `{"layers": [{"dW": [[1]], "db": [[]]}, {"dW": [[1]], "db": [1]}]}`), "db1 is empty (shape [1 0])"},
		{"npz missing array", filepath.Join("testdata", "column-right.npz"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path, p)
			if tc.want == "" {
				// A file of another convention's problem loads: its shapes are
				// the learner's mistake, judged by CheckGradient, not refused.
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestHugeArrayIsRefusedBeforeReading: an .npy header that claims more
// entries than any array of the network is refused from the header.
func TestHugeArrayIsRefusedBeforeReading(t *testing.T) {
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }"
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	raw := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	raw = append(raw, header...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dW1.npy"), raw, 0o644))
	_, err = Load(dir, p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "far larger")
}

// FuzzLoad feeds arbitrary bytes as a JSON and as an .npz gradient of the
// row problem: Load refuses them or CheckGradient judges them, and nothing
// panics or reads without bound.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"row-right.json", "row-right.npz", "row-bias-not-summed.npz", "row-right-float32.npz"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(raw, filepath.Ext(name) == ".npz")
	}
	f.Add([]byte(`{"layers": [{"dW": [1, 2], "db": [[1], [2]]}, {"dW": [[]], "db": []}]}`), false)
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, raw []byte, npz bool) {
		name := "g.json"
		if npz {
			name = "g.npz"
		}
		path := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(path, raw, 0o644))
		g, err := Load(path, p)
		if err != nil {
			return
		}
		if _, err := backproof.CheckGradient(p, g, nil); err != nil {
			t.Fatalf("a gradient Load accepts must be judged: %v", err)
		}
	})
}

// TestFlatMatrix: a dW saved as a flat vector of the right numbers (the
// thread's "is the gradient a matrix or a vector?") is a shape mistake
// whose numbers, read back row by row, are right, and the report says so.
func TestFlatMatrix(t *testing.T) {
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join("testdata", "row-right.json"))
	require.NoError(t, err)
	var g map[string][]map[string]any
	require.NoError(t, json.Unmarshal(raw, &g))
	var flat []any
	for _, row := range g["layers"][1]["dW"].([]any) {
		flat = append(flat, row.([]any)...)
	}
	g["layers"][1]["dW"] = flat
	path := filepath.Join(t.TempDir(), "flat.json")
	raw, err = json.Marshal(g)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o644))

	grad, err := Load(path, p)
	require.NoError(t, err)
	r, err := backproof.CheckGradient(p, grad, nil)
	require.NoError(t, err)
	assert.False(t, r.Pass())
	lp := r.Params[2]
	require.Equal(t, "W", lp.Name)
	assert.False(t, lp.ShapeOK)
	assert.Contains(t, render.Finding(r, lp), "flat vector of 6 numbers")
	assert.Contains(t, render.Finding(r, lp), "its numbers are right")
}

// TestBadNPYHeaders: .npy headers np.save never writes are refused with
// what is wrong, before anything is allocated (a version 2 header
// announces its length in 4 bytes): no newline, a 4 GB header, keys out
// of numpy's order, a cut header, another magic string, an unknown
// version. FuzzLoad found the first.
func TestBadNPYHeaders(t *testing.T) {
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(t, err)
	v1 := func(header string) []byte {
		return append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(header)), byte(len(header) >> 8)}, header...)
	}
	good := "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"no newline", v1(good + "   "), "not numpy's {'descr'"},
		{"4 GB header", []byte{0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0x00, 0x28, 0x6b, 0xee}, "a header of 4000000000 bytes; numpy's own reader stops at 10000"},
		{"keys out of order", v1("{'shape': (3, 4), 'descr': '<f8', 'fortran_order': False, }\n"), "not numpy's {'descr'"},
		{"cut short", v1(good + "\n")[:30], "cut short"},
		{"another magic", append([]byte("NUMPY!"), v1(good + "\n")[6:]...), `does not start with "\x93NUMPY"`},
		{"version 5", append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 5, 0}, good...), ".npy format version 5.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "dW1.npy"), tc.raw, 0o644))
			_, err := Load(dir, p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "dW1")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
