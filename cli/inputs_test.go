package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refused asserts the shape of every refusal: exit status 2, nothing on
// stdout, one line on stderr starting "backproof: " with each of wants
// in it (after the report's progress lines, when stderr is no terminal),
// and no trace of a crash.
func refused(t *testing.T, args []string, wants ...string) {
	t.Helper()
	code, out, all := mainOut(args...)
	assert.Equal(t, ExitBadInput, code, "%v: %s", args, all)
	assert.Empty(t, out, args)
	lines := strings.SplitAfter(all, "\n")
	errb := lines[max(len(lines)-2, 0)] // the last line ends in a newline: SplitAfter leaves "" after it
	for _, l := range lines[:max(len(lines)-2, 0)] {
		assert.True(t, args[0] == "report" && strings.HasPrefix(l, "report: "), "%v: one line: %q", args, all)
	}
	assert.True(t, strings.HasSuffix(all, "\n"), all)
	assert.True(t, strings.HasPrefix(errb, "backproof: "), errb)
	for _, w := range wants {
		assert.Contains(t, errb, w, args)
	}
	for _, trace := range []string{"goroutine ", "panic", ".go:", "internal error"} {
		assert.NotContains(t, errb, trace, args)
	}
}

// Every flag of every command refuses an empty value (--gradient= from an
// unset shell variable), naming the flag: a string flag would otherwise
// take "" as not given and do something else without a word.
func TestEmptyFlagValues(t *testing.T) {
	root := newRoot()
	seen := 0
	for _, cmd := range root.Commands() {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			seen++
			args := []string{cmd.Name(), "--" + f.Name + "="}
			if cmd.ValidateArgs(nil) != nil { // formula FILE
				args = append(args, "../formula/testdata/issue.txt")
			}
			refused(t, args, "--"+f.Name)
		})
	}
	assert.Greater(t, seen, 40, "the walk reached the commands' flags")
	// The shell's other spelling, as its own argument.
	refused(t, []string{"check", "--gradient", ""}, "--gradient is empty")
	refused(t, []string{"formula", "--problem", "", "../formula/testdata/issue.txt"}, "--problem is empty")
	// An empty argument where a file belongs.
	refused(t, []string{"check", ""}, "argument 1 of check is empty")
	refused(t, []string{"formula", ""}, "argument 1 of formula is empty")
}

// --seed has one rule on every command: a whole number from 1.
func TestSeedZero(t *testing.T) {
	for _, c := range []string{"check", "formula", "train", "curvature", "report"} {
		refused(t, []string{c, "--seed", "0"}, `"--seed" flag`, "seeds start at 1")
	}
	code, _, errb := mainOut("check", "--seed", "18446744073709551615")
	assert.Equal(t, ExitOK, code, errb)
}

// --max-memory is read exactly: fractions of a unit, EiB, and nothing
// below one byte.
func TestMaxMemoryUnits(t *testing.T) {
	refused(t, []string{"check", "--max-memory", "0.5"}, `"--max-memory" flag`, "less than one byte")
	refused(t, []string{"check", "--max-memory", "0.5KiB"}, "limit of 512 B")
	for _, limit := range []string{"1EiB", "0.5TiB", "8EiB"} {
		code, _, errb := mainOut("check", "--max-memory", limit)
		assert.Equal(t, ExitOK, code, "%s: %s", limit, errb)
	}
}

// A problem file saved by Windows Notepad starts with a UTF-8 byte order
// mark: it is read, and an error in it is placed as an editor shows it.
func TestProblemWithBOM(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	code, _, errb := mainOut("check", "--save", plain)
	require.Equal(t, ExitOK, code, errb)
	raw, err := os.ReadFile(plain)
	require.NoError(t, err)
	withBOM := filepath.Join(dir, "bom.json")
	require.NoError(t, os.WriteFile(withBOM, append([]byte("\xef\xbb\xbf"), raw...), 0o644))
	code, out, errb := mainOut("check", withBOM)
	assert.Equal(t, ExitOK, code, errb)
	assert.Contains(t, out, "PASS")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("\xef\xbb\xbf{x"), 0o644))
	refused(t, []string{"check", bad}, bad+":1:2: invalid JSON: invalid character 'x'")
	// The same column without the mark; the error at the last byte of the
	// file is placed as any other.
	bad2 := filepath.Join(dir, "bad2.json")
	require.NoError(t, os.WriteFile(bad2, []byte(`{"a":x`), 0o644))
	refused(t, []string{"check", bad2}, bad2+":1:6: invalid JSON: invalid character 'x'")
}

// A problem deeper than problem.MaxLayers is refused, in a file as on
// --net, before anything is checked.
func TestTooManyLayers(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"convention": "row", "cost": "quadratic", "reduction": "mean", "layers": [`)
	for i := range 1001 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"activation": "sigmoid", "W": [[1]], "b": [0]}`)
	}
	b.WriteString(`], "X": [[1]], "Y": [[0.5]]}`)
	deep := filepath.Join(t.TempDir(), "deep.json")
	require.NoError(t, os.WriteFile(deep, []byte(b.String()), 0o644))
	refused(t, []string{"check", deep}, deep+": layers: 1001 layers, more than the 1000")
	net := "2" + strings.Repeat(",2", 1001)
	refused(t, []string{"check", "--net", net}, `"--net" flag`, "1001 layers, more than the 1000")
	refused(t, []string{"train", "--data", "xor", "--net", net}, `"--net" flag`, "1001 layers")
}

// A mini-batch larger than the training set is the whole set, a step of
// full-batch gradient descent: within the budget, not an allocation of
// the batch the flag names (16 GB a layer for 2,000,000,000).
func TestHugeBatch(t *testing.T) {
	code, out, errb := mainOut("train", "--data", "xor", "--batch", "2000000000", "--epochs", "1")
	assert.Equal(t, ExitOK, code, errb)
	assert.Contains(t, out, "batch 2000000000")
}

// A gradient file is bad input (exit 2), named with its JSON path or
// array, when it holds a null, a key twice, data after the object, a
// layer the network lacks, an array far larger than its layer, or a link
// to nothing.
func TestBadGradientInput(t *testing.T) {
	const prob = "../gradfile/testdata/row-problem.json"
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	layer2 := `{"dW": [[1,2],[1,2],[1,2],[1,2]], "db": [1,2]}`
	null := write("null.json", `{"layers": [{"dW": [[1,2,3,4],[1,2,3,4],[1,2,3,null]], "db": [1,2,3,4]}, `+layer2+`]}`)
	refused(t, []string{"check", prob, "--gradient", null}, "--gradient: "+null+": layers[0].dW[2][3]: null where a number belongs")
	dup := write("dup.json", `{"layers": [{"db": [1], "db": [1]}]}`)
	refused(t, []string{"check", prob, "--gradient", dup}, `layers[0].db: duplicate key "db"`)
	extra := write("extra.json", `{"layers": [`+layer2+`, `+layer2+`, `+layer2+`]}`)
	refused(t, []string{"check", prob, "--gradient", extra}, "layers[2]: more layers than the network's 2")
	huge := write("huge.json", `{"layers": [{"dW": [`+strings.Repeat("0,", 1000)+`0], "db": [1,2,3,4]}, `+layer2+`]}`)
	refused(t, []string{"check", prob, "--gradient", huge}, "layers[0].dW: 1001 numbers, far more than any gradient array of this layer")
	raw, err := os.ReadFile("../gradfile/testdata/row-right.json")
	require.NoError(t, err)
	trailing := write("trailing.json", string(raw)+"garbage")
	refused(t, []string{"check", prob, "--gradient", trailing}, "extra data after the JSON object")
	padded := write("padded.json", string(raw)+strings.Repeat(" ", 100<<10))
	refused(t, []string{"check", prob, "--gradient", padded, "--max-memory", "640KiB"},
		padded+": the file has 101 KiB, more than the 10 KiB a gradient file may have under the memory limit of 640 KiB")

	folder := filepath.Join(dir, "npy")
	require.NoError(t, os.Mkdir(folder, 0o755))
	for _, name := range []string{"dW1", "db1", "dW2", "db2"} {
		raw, err := os.ReadFile(filepath.Join("../gradfile/testdata/row-right-npy", name+".npy"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(folder, name+".npy"), raw, 0o644))
	}
	code, out, errb := mainOut("check", prob, "--gradient", folder)
	require.Equal(t, ExitOK, code, errb+out)
	require.NoError(t, os.WriteFile(filepath.Join(folder, "dW3.npy"), raw, 0o644))
	refused(t, []string{"check", prob, "--gradient", folder}, "array dW3, but the network has 2 layers")
	require.NoError(t, os.Remove(filepath.Join(folder, "dW3.npy")))
	require.NoError(t, os.Remove(filepath.Join(folder, "db2.npy")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "gone.npy"), filepath.Join(folder, "db2.npy")))
	refused(t, []string{"check", prob, "--gradient", folder}, filepath.Join(folder, "db2.npy")+": a symbolic link to "+filepath.Join(dir, "gone.npy"))
}

// mnistSubset writes to a new folder the first n training and nTest test
// images of the real MNIST files, with headers that say so.
func mnistSubset(t *testing.T, n, nTest int) string {
	t.Helper()
	src, err := data.MNISTDir()
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range []struct {
		name string
		n    int
	}{{"train-images-idx3-ubyte.gz", n}, {"train-labels-idx1-ubyte.gz", n}, {"t10k-images-idx3-ubyte.gz", nTest}, {"t10k-labels-idx1-ubyte.gz", nTest}} {
		in, err := os.Open(filepath.Join(src, f.name))
		require.NoError(t, err)
		zr, err := gzip.NewReader(in)
		require.NoError(t, err)
		raw, err := io.ReadAll(zr)
		require.NoError(t, err)
		in.Close()
		header, size := 8, 1 // labels: magic, count; a byte each
		if binary.BigEndian.Uint32(raw) == 2051 {
			header, size = 16, int(binary.BigEndian.Uint32(raw[8:])*binary.BigEndian.Uint32(raw[12:]))
		}
		binary.BigEndian.PutUint32(raw[4:], uint32(f.n))
		out, err := os.Create(filepath.Join(dir, f.name))
		require.NoError(t, err)
		zw := gzip.NewWriter(out)
		_, err = zw.Write(raw[:header+f.n*size])
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, out.Close())
	}
	return dir
}

// A valid MNIST folder with fewer training images than the report trains
// on (10,200: 200 once 10,000 are held out for validation) makes a report
// on all of them, and says so; an explicit --train-size beyond them is
// refused. No input reaches exit status 3.
func TestReportOnSmallMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST and trains")
	}
	quick := reportPresets["quick"]
	reportPresets["quick"] = tinyReport // 500 training images
	defer func() { reportPresets["quick"] = quick }()
	dir := mnistSubset(t, 10200, 500)
	out := filepath.Join(t.TempDir(), "report")
	code, stdout, errb := mainOut("report", "--mnist", dir, "--out", out)
	require.Equal(t, ExitOK, code, errb)
	assert.Contains(t, stdout, "index.html")
	raw, err := os.ReadFile(filepath.Join(out, "index.md"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "all 200 training images of the folder")
	refused(t, []string{"report", "--mnist", dir, "--out", out, "--train-size", "300"},
		"--train-size 300: the MNIST folder has 200 training images once the last 10000 are held out for validation")
}

// MNIST files whose images are not 28×28 are blamed on their header, on
// every command that reads them, not on a --net of 784 inputs.
func TestMNISTOfAnotherSize(t *testing.T) {
	dir := t.TempDir()
	idx := func(name string, header []uint32, body int) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		for _, v := range header {
			require.NoError(t, binary.Write(zw, binary.BigEndian, v))
		}
		_, err := zw.Write(make([]byte, body))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
	}
	const n, nTest = 10001, 10
	idx("train-images-idx3-ubyte.gz", []uint32{2051, n, 27, 29}, n*27*29)
	idx("train-labels-idx1-ubyte.gz", []uint32{2049, n}, n)
	idx("t10k-images-idx3-ubyte.gz", []uint32{2051, nTest, 27, 29}, nTest*27*29)
	idx("t10k-labels-idx1-ubyte.gz", []uint32{2049, nTest}, nTest)
	want := filepath.Join(dir, "train-images-idx3-ubyte.gz") + ": its header says the images are 27×29 pixels, but MNIST's are 28×28"
	refused(t, []string{"train", "--mnist", dir, "--net", "784,30,10", "--epochs", "0"}, want)
	refused(t, []string{"train", "--mnist", dir, "--epochs", "0"}, want)
	refused(t, []string{"check", "--data", "mnist", "--mnist", dir, "--net", "784,30,10"}, want)
	refused(t, []string{"report", "--mnist", dir, "--out", filepath.Join(t.TempDir(), "r")}, want)
}

// A cost that is not finite is refused naming where the problem came
// from: the file, or the flags that drew it.
func TestNonFiniteCostNamesTheProblem(t *testing.T) {
	// A sigmoid output of z = 2000 is 1 exactly in float64, and the
	// cross-entropy of a target 0 takes ln(1 − 1) = −∞: C = +Inf.
	saturated := filepath.Join(t.TempDir(), "saturated.json")
	require.NoError(t, os.WriteFile(saturated, []byte(`{"convention": "row", "cost": "cross-entropy", "reduction": "mean",
 "layers": [{"activation": "sigmoid", "W": [[1000], [1000]], "b": [0]}], "X": [[1, 1]], "Y": [[0]]}`), 0o644))
	refused(t, []string{"check", saturated}, "backproof: "+saturated+": the cost C is +Inf at the given parameters")
	// 5000 N(0,1) inputs times N(0,1) weights: z of standard deviation
	// about 70, saturating some of the 5 outputs.
	refused(t, []string{"check", "--net", "5000,1", "--cost", "cross-entropy"},
		"backproof: the problem of --net 5000,1 --batch 5 --init normal --seed 1 --data random: the cost C is +Inf")
}

// --step-plot says on stderr, before its sweep, which entries it sweeps
// and the work estimated. By hand, for [6,5,4] with a batch of 7: a point
// of a layer-1 entry costs 1 + 10 (its unit's activation) + 4 (layer 2
// takes the move) + 4·10 (layer 2's activations) + 4 (the cost) = 59, of
// a layer-2 entry 1 + 10 + 4 = 15; 35 entries of layer 1 and 24 of layer
// 2, 544 points each over the sweep (TestPlanStepsEstimate), 7 examples:
// 7·544·(35·59 + 24·15) = 9.2e6; and 59·544 = 3.2e4 evaluations.
func TestStepPlotPlan(t *testing.T) {
	png := filepath.Join(t.TempDir(), "steps.png")
	code, out, errb := mainOut("check", "--net", "6,5,4", "--act", "tanh,sigmoid", "--batch", "7", "--step-plot", png)
	require.Equal(t, ExitOK, code, errb)
	assert.Contains(t, out, "PASS")
	assert.Equal(t, "check: --step-plot "+png+": all 59 well-scaled entries (of 59); 6 methods × 32 to 40 steps: "+
		"3.2e+04 cost evaluations, about 9.2e+06 multiply-adds\n", errb)
	assert.FileExists(t, png)
}
