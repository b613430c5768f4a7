package problem

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/backproof/backproof/budget"
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
		{"invalid in a matrix", "{\"convention\": \"row\",\n \"X\": [[1, 2],\n [3,, 4]]}", []string{"f.json:3:5: invalid JSON: invalid character ','"}},
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
		{"stray brace after", valid + ` }`, []string{"extra data after the JSON object"}},
		{"duplicate top key", strings.Replace(valid, `"cost": "quadratic",`, `"cost": "quadratic", "cost": "cross-entropy",`, 1), []string{"f.json: cost: duplicate key \"cost\""}},
		{"duplicate layer key", strings.Replace(valid, `"b": [0.5]`, `"b": [0.5], "b": [0.7]`, 1), []string{"layers[1].b: duplicate key"}},
		{"softmax one output", strings.Replace(valid, `"activation": "sigmoid", "W": [[1]`, `"activation": "softmax", "W": [[1]`, 1), []string{"layers[1].activation", "softmax over 1 output"}},
		{"too deep", `{"X": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, []string{"X[0]: nested more than 16 deep"}},
		{"empty", "  \n", []string{"f.json: empty file"}},
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

// A device that never ends is refused at its first byte: the file is
// decoded as it is read.
func TestLoadDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load("/dev/zero")
	require.ErrorContains(t, err, "/dev/zero:1:")
	assert.ErrorContains(t, err, "invalid JSON")
}

// A file larger than FileLimit is refused from its size, and a stream of
// valid-looking JSON that goes on is cut at the limit: the message names
// the file and the limit.
func TestLoadBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, []byte(`{"X": [`+strings.Repeat("1, ", 4000)+`1]}`), 0o644))
	_, err := LoadWithin(big, 64<<10) // a file limit of 1 KiB
	require.ErrorContains(t, err, "big.json: the file has 11.7 KiB, more than the 1 KiB a problem file may have under the memory limit of 64 KiB")
	_, err = LoadWithin(big, 0)
	require.ErrorContains(t, err, "big.json: convention: missing", "under the default limit it is read, and found to be no problem")

	fifo := filepath.Join(dir, "endless.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	go func() { // writes `{"X": [1, 1, 1, …` until the reader goes away
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write([]byte(`{"X": [`))
		chunk := []byte(strings.Repeat("1, ", 1000))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}()
	_, err = LoadWithin(fifo, 64<<10)
	require.ErrorContains(t, err, "endless.json: the file is larger, more than the 1 KiB a problem file may have")
}

// A file within the file limit whose check would not fit is refused
// after reading, with the estimate. A [100,100] net of zero weights
// written "0," takes 2 bytes of file a parameter and 144 of check
// (Spec.Memory: 18 float64): 8·(18·10100 + 6·(100+100+4·100)·1) =
// 1,483,200 bytes for 10,100 parameters and one example.
func TestLoadChecksTheCheck(t *testing.T) {
	zeros := strings.TrimSuffix(strings.Repeat("0,", 100), ",")
	rows := strings.TrimSuffix(strings.Repeat("["+zeros+"],", 100), ",")
	text := `{"convention": "row", "cost": "quadratic", "reduction": "sum", "layers": [{"activation": "sigmoid", "W": [` +
		rows + `], "b": [` + zeros + `]}], "X": [[` + zeros + `]], "Y": [[` + zeros + `]]}`
	path := filepath.Join(t.TempDir(), "zeros.json")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	require.Less(t, 64*len(text), 1483200, "the file is within the file limit of both limits below")

	_, err := LoadWithin(path, 1483200)
	require.NoError(t, err)
	_, err = LoadWithin(path, 1483199)
	require.ErrorIs(t, err, budget.ErrTooLarge)
	assert.ErrorContains(t, err, "checking the problem in "+path+" (layer sizes 100,100, a batch of 1) needs about 1.41 MiB")
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

// A spec too large for the memory limit is refused before anything large
// is allocated: [100000000, 2] would need 1.6 GB for its weights alone.
func TestRandomRefusesBeforeAllocating(t *testing.T) {
	spec := Spec{Sizes: []int{100000000, 2}, Batch: 5, Acts: derive.Acts{derive.Sigmoid}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := Random(spec)
	runtime.ReadMemStats(&after)
	require.Nil(t, p)
	var be *budget.Error
	require.ErrorAs(t, err, &be)
	// 18 float64 for each of the 10⁸·2 weights and 2 biases, 6 for each
	// of an example's 100,000,002 inputs and targets and 4·2 = 8 values of
	// its 2 units, 5 examples (Memory's doc).
	assert.Equal(t, budget.Bytes(8*(18*200000002+6*(100000002+8)*5)), be.Need)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated before refusing")

	// Sizes whose products overflow an int are refused the same way.
	_, err = Random(Spec{Sizes: []int{math.MaxInt, 2}, Batch: math.MaxInt, Acts: derive.Acts{derive.Sigmoid}})
	require.ErrorIs(t, err, budget.ErrTooLarge)
	assert.ErrorContains(t, err, "more than 8 EiB")

	// A raised limit lets a spec through that the default refuses.
	spec = Spec{Sizes: []int{4, 3, 2}, Batch: 5, Acts: derive.Acts{derive.Sigmoid}, MaxMemory: 1 << 10}
	_, err = Random(spec)
	require.ErrorIs(t, err, budget.ErrTooLarge)
	spec.MaxMemory = 0
	_, err = Random(spec)
	require.NoError(t, err)
}

// The activation list takes the same forms as on every command line.
func TestRandomActs(t *testing.T) {
	p, err := Random(Spec{Sizes: []int{4, 5, 5, 3}, Batch: 2, Acts: derive.Acts{derive.ReLU, derive.Softmax}, Cost: derive.LogLikelihood})
	require.NoError(t, err)
	var got []derive.Activation
	for _, l := range p.Net.Layers {
		got = append(got, l.Act)
	}
	assert.Equal(t, []derive.Activation{derive.ReLU, derive.ReLU, derive.Softmax}, got)
	_, err = Random(Spec{Sizes: []int{4, 1}, Batch: 2, Acts: derive.Acts{derive.Softmax}})
	require.ErrorContains(t, err, "softmax over 1 output")
}

func TestRandomBadSpec(t *testing.T) {
	_, err := Random(Spec{Sizes: []int{3}, Batch: 1, Acts: []derive.Activation{derive.Sigmoid}})
	require.ErrorContains(t, err, "at least an input and an output")
	_, err = Random(Spec{Sizes: []int{3, 2}, Batch: 1, Acts: []derive.Activation{derive.Tanh}, Cost: derive.CrossEntropy})
	require.ErrorContains(t, err, "sigmoid or softmax output")
	_, err = Random(Spec{Sizes: []int{3, 2, 2}, Batch: 1, Acts: []derive.Activation{derive.Softmax, derive.Softmax}})
	require.ErrorContains(t, err, "hidden layer 1")
}
