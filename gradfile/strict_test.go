package gradfile

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rowProblem is the two-layer row problem of testdata: W1 is 3×4, W2 4×2,
// the batch 5 (testdata/gen.py).
func rowProblem(t *testing.T) *problem.Problem {
	t.Helper()
	p, err := problem.Load(filepath.Join("testdata", "row-problem.json"))
	require.NoError(t, err)
	return p
}

// TestStrictJSON: a JSON gradient is read as strictly as a problem file,
// and each refusal names the file and the JSON path (or line and column).
func TestStrictJSON(t *testing.T) {
	p := rowProblem(t)
	right, err := os.ReadFile(filepath.Join("testdata", "row-right.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	// layer is a valid layer object of the right shapes, for building files.
	layer1 := `{"dW": [[1,2,3,4],[1,2,3,4],[1,2,3,4]], "db": [1,2,3,4]}`
	layer2 := `{"dW": [[1,2],[1,2],[1,2],[1,2]], "db": [1,2]}`
	for _, tc := range []struct {
		name, text string
		wants      []string
	}{
		{"null entry", `{"layers": [{"dW": [[1,2,3,4],[1,null,3,4],[1,2,3,4]], "db": [1,2,3,4]}, ` + layer2 + `]}`,
			[]string{"layers[0].dW[1][1]: null where a number belongs"}},
		{"null in a vector", `{"layers": [` + layer1 + `, {"dW": [[1,2],[1,2],[1,2],[1,2]], "db": [1, null]}]}`,
			[]string{"layers[1].db[1]: null where a number belongs"}},
		{"null row", `{"layers": [{"dW": [[1,2,3,4],null,[1,2,3,4]], "db": [1,2,3,4]}, ` + layer2 + `]}`,
			[]string{"layers[0].dW[1]: null where a row"}},
		{"null array", `{"layers": [{"dW": null, "db": [1,2,3,4]}, ` + layer2 + `]}`,
			[]string{"layers[0].dW: null"}},
		{"null layers", `{"layers": null}`, []string{"layers: want a list of layers", "found null"}},
		{"duplicate key in a layer", `{"layers": [{"dW": [[1]], "dW": [[2]], "db": [1]}, ` + layer2 + `]}`,
			[]string{`layers[0].dW: duplicate key "dW"`}},
		{"duplicate layers", `{"layers": [], "layers": []}`, []string{`layers: duplicate key "layers"`}},
		{"trailing garbage", string(right) + "\n}", []string{"line " + strconv.Itoa(strings.Count(string(right), "\n")+2) + ":1: extra data after the JSON object"}},
		{"a second object", string(right) + string(right), []string{"extra data after the JSON object"}},
		{"extra layer", `{"layers": [` + layer1 + `, ` + layer2 + `, ` + layer2 + `]}`,
			[]string{"layers[2]: more layers than the network's 2", "another problem"}},
		{"a million empty layers", `{"layers": [` + strings.Repeat(`{},`, 1000000) + `{}]}`,
			[]string{"layers[2]: more layers than the network's 2"}},
		{"array far larger than its layer", `{"layers": [{"dW": [` + strings.Repeat(`0,`, 100000) + `0], "db": [1,2,3,4]}, ` + layer2 + `]}`,
			[]string{"layers[0].dW: 100001 numbers, far more than any gradient array of this layer"}},
		{"unknown top-level key", `{"layers": [], "loss": 1}`, []string{`loss: unknown field "loss"`}},
		{"not an object", `[1, 2]`, []string{"the top level: want an object"}},
		{"truncated", `{"layers": [` + layer1, []string{"truncated JSON"}},
		{"syntax", "{\"layers\": [\n{\"dW\": [[1,2],}]}", []string{"line 2:15: invalid character '}'"}},
		{"syntax on the first line", `{"layers": x`, []string{"line 1:12: invalid character 'x'"}},
		{"empty", ``, []string{"truncated JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o644))
			_, err := Load(path, p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+": ")
			for _, w := range tc.wants {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	// A byte order mark (Windows Notepad) is skipped: the file reads as
	// without one.
	bom := filepath.Join(dir, "bom.json")
	require.NoError(t, os.WriteFile(bom, append([]byte("\xef\xbb\xbf"), right...), 0o644))
	g, err := Load(bom, p)
	require.NoError(t, err)
	plain, err := Load(filepath.Join("testdata", "row-right.json"), p)
	require.NoError(t, err)
	g.Source = plain.Source
	assert.Equal(t, plain, g)
}

// TestJSONWithinMemory: a JSON gradient may be as large as a problem file
// under the same limit, and the refusal says the size and the limit.
func TestJSONWithinMemory(t *testing.T) {
	p := rowProblem(t)
	path := filepath.Join("testdata", "row-right.json")
	info, err := os.Stat(path)
	require.NoError(t, err)
	// A limit whose file limit (a sixty-fourth) is one byte short.
	limit := budget.Bytes(64 * (info.Size() - 1))
	_, err = LoadWithin(path, p, limit)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than the")
	assert.Contains(t, err.Error(), "a gradient file may have under the memory limit of "+limit.String())
	_, err = LoadWithin(path, p, budget.Bytes(64*info.Size()))
	assert.NoError(t, err)
}

// TestExtraLayers: arrays for a layer the network does not have (dW3 of a
// two-layer network) are refused in an .npz and in a folder, as in JSON.
func TestExtraLayers(t *testing.T) {
	p := rowProblem(t)
	dir := t.TempDir()

	// An .npz: row-right.npz with dW3.npy added (a copy of dW2.npy).
	src, err := zip.OpenReader(filepath.Join("testdata", "row-right.npz"))
	require.NoError(t, err)
	defer src.Close()
	npz := filepath.Join(dir, "extra.npz")
	out, err := os.Create(npz)
	require.NoError(t, err)
	zw := zip.NewWriter(out)
	copyEntry := func(from *zip.File, name string) {
		r, err := from.Open()
		require.NoError(t, err)
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.Copy(w, r)
		require.NoError(t, err)
		r.Close()
	}
	for _, f := range src.File {
		copyEntry(f, f.Name)
		if f.Name == "dW2.npy" {
			copyEntry(f, "dW3.npy")
		}
	}
	require.NoError(t, zw.Close())
	require.NoError(t, out.Close())
	_, err = Load(npz, p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), npz+": array dW3, but the network has 2 layers")

	// A folder: row-right-npy with db0.npy added.
	folder := copyFolder(t, filepath.Join("testdata", "row-right-npy"))
	raw, err := os.ReadFile(filepath.Join(folder, "db1.npy"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(folder, "db0.npy"), raw, 0o644))
	_, err = Load(folder, p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), folder+": array db0, but the network has 2 layers")

	// Other files beside the arrays are no layer's and are left alone.
	folder = copyFolder(t, filepath.Join("testdata", "row-right-npy"))
	require.NoError(t, os.WriteFile(filepath.Join(folder, "loss.npy"), raw, 0o644))
	_, err = Load(folder, p)
	assert.NoError(t, err)
}

// TestDanglingSymlink: a folder whose dW1.npy is a link to nothing is
// refused naming the link and its target, not "no array dW1".
func TestDanglingSymlink(t *testing.T) {
	p := rowProblem(t)
	folder := copyFolder(t, filepath.Join("testdata", "row-right-npy"))
	link := filepath.Join(folder, "dW1.npy")
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink("/nonexistent/dW1.npy", link))
	_, err := Load(folder, p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), link+": a symbolic link to /nonexistent/dW1.npy, which cannot be read (no such file or directory)")
}

// copyFolder copies the files of dir into a new temporary folder.
func copyFolder(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(to, e.Name()), raw, 0o644))
	}
	return to
}
